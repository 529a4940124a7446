namespace Connector.Configuration;

/// <summary>The embedded demo (<c>Connector:Demo</c>).</summary>
public sealed class DemoOptions
{
    /// <summary>When true, <c>run</c> replays the configured schools' data from <see cref="From"/> to <see cref="To"/> on a virtual clock.</summary>
    public bool Enabled { get; set; }

    /// <summary>First school-local date of the replay.</summary>
    public DateOnly From { get; set; }

    /// <summary>Last school-local date of the replay.</summary>
    public DateOnly To { get; set; }
}
