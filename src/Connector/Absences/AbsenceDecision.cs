namespace Connector.Absences;

/// <summary>What the same-day rule decided for one pupil and day.</summary>
internal abstract record AbsenceDecision(string PupilId, DateOnly Date)
{
    /// <summary>An unexplained absence was found: queue one notice to each guardian.</summary>
    public sealed record Open(string PupilId, DateOnly Date, IReadOnlyList<int> Lessons) : AbsenceDecision(PupilId, Date);

    /// <summary>Every absence of the day got a reason or became "present" before the guardians were told.</summary>
    public sealed record Explain(string PupilId, DateOnly Date) : AbsenceDecision(PupilId, Date);

    /// <summary>A lesson the guardians were told about is now "present" or excused: they should hear so.</summary>
    public sealed record Correct(string PupilId, DateOnly Date, string Correction) : AbsenceDecision(PupilId, Date);
}
