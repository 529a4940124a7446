namespace Connector.Absences;

/// <summary>
/// What becomes of a stored absence or lateness the journal no longer lists: a mark that vanished from a lesson whose
/// attendance was taken is "vanishing" at first, and becomes "present" once it stayed missing for the confirmation
/// time. A vanishing mark is neither notified nor corrected, so a read that merely lost a row tells nobody anything.
/// </summary>
internal static class VanishedMarkRule
{
    public enum Verdict
    {
        /// <summary>Nothing changes: the journal still has the mark, it was "present", the lesson is not taken, the read held the pupil's day, or it is still being confirmed.</summary>
        Keep,

        /// <summary>Missing for the first time: marked vanishing from now.</summary>
        StartVanishing,

        /// <summary>Missing for the whole confirmation time: the pupil was present.</summary>
        BecomePresent,
    }

    /// <param name="inJournal">The read lists a mark of this pupil in this lesson.</param>
    /// <param name="storedPresent">The stored mark is "present".</param>
    /// <param name="lessonTaken">The read lists the lesson with its attendance taken.</param>
    /// <param name="held">A row of the read about this pupil's day could not be read: it may be the mark itself.</param>
    /// <param name="vanishingSince">When the mark was first found missing, if it was.</param>
    /// <param name="now">The time of the read.</param>
    /// <param name="confirm">How long a mark must stay missing to become "present".</param>
    public static Verdict Decide(bool inJournal, bool storedPresent, bool lessonTaken, bool held, DateTimeOffset? vanishingSince, DateTimeOffset now, TimeSpan confirm)
    {
        if (inJournal || storedPresent || !lessonTaken || held) return Verdict.Keep;
        if (vanishingSince is not { } since) return Verdict.StartVanishing;
        return now - since < confirm ? Verdict.Keep : Verdict.BecomePresent;
    }
}
