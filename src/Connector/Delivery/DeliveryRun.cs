namespace Connector.Delivery;

/// <summary>What one delivery run of one school did.</summary>
internal sealed class DeliveryRun
{
    public int Sent { get; set; }

    public int Cancelled { get; set; }

    public int Failed { get; set; }

    public int Retrying { get; set; }

    public int Recovered { get; set; }

    /// <summary>Messages moved to the end of the quiet hours.</summary>
    public int Deferred { get; set; }

    /// <summary>Channels that held their messages this run: paused, absent, or at their rate.</summary>
    public HashSet<Abstractions.Schools.ChannelKind> Held { get; } = [];
}
