namespace Connector.Absences;

/// <summary>Where a pupil's unexplained absence of one day stands.</summary>
internal enum AbsenceState
{
    /// <summary>Found; the guardians' notice is queued.</summary>
    Open,

    /// <summary>The guardians were told.</summary>
    Notified,

    /// <summary>A reason or "present" arrived before anyone was told; the notice was cancelled.</summary>
    Explained,
}
