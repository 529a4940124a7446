namespace Connector.Delivery;

/// <summary>What one delivery run of one school did.</summary>
internal sealed class DeliveryRun
{
    public int Sent { get; set; }

    public int Cancelled { get; set; }

    public int Failed { get; set; }

    public int Retrying { get; set; }

    public int Recovered { get; set; }
}
