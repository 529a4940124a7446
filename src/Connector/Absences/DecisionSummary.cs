namespace Connector.Absences;

/// <summary>What one poll decided, for the log and the demo's timeline.</summary>
internal sealed class DecisionSummary
{
    public int Opened { get; set; }

    public int Explained { get; set; }

    public int Corrected { get; set; }

    public int Queued { get; set; }

    public int Unreachable { get; set; }

    public List<string> WithoutGuardians { get; } = [];

    /// <summary>Threshold levels reached for the first time in their period.</summary>
    public int Breaches { get; set; }

    /// <summary>Pupils' days whose decisions wait for a record of the journal that could not be used.</summary>
    public int Held { get; set; }

    /// <summary>Escalation cases opened by them.</summary>
    public int CasesOpened { get; set; }
}
