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
}
