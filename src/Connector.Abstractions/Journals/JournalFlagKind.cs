namespace Connector.Abstractions.Journals;

/// <summary>The kinds of flags written back to a journal.</summary>
public enum JournalFlagKind
{
    /// <summary>The guardians were told about an absence.</summary>
    GuardiansNotified,

    /// <summary>A systematic-absence threshold was crossed.</summary>
    SystematicAbsenceLevel,

    /// <summary>The pupil has not started studying this year.</summary>
    NotStarted,

    /// <summary>An escalation step was taken or is due.</summary>
    EscalationStep,
}
