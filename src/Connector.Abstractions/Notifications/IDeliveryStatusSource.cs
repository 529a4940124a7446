namespace Connector.Abstractions.Notifications;

/// <summary>A channel that can say, after sending, whether a message reached the phone (SMS gateways).</summary>
public interface IDeliveryStatusSource
{
    /// <summary>
    /// Asks the gateway about messages it accepted earlier. Returns a status for each provider id it knows; a
    /// failure to ask is a <see cref="DeliveryStatusUnavailableException"/>.
    /// </summary>
    Task<IReadOnlyDictionary<string, DeliveryStatus>> GetStatusesAsync(IReadOnlyList<SentMessageRef> messages, CancellationToken cancellationToken);
}

/// <summary>A message a gateway accepted: its id there and the number it went to.</summary>
public sealed record SentMessageRef(string ProviderMessageId, string Address);

/// <summary>Where a sent message stands at the gateway.</summary>
/// <param name="State">Still on its way, delivered, or failed for good.</param>
/// <param name="Detail">The gateway's own code and words.</param>
public sealed record DeliveryStatus(DeliveryState State, string Detail);

/// <summary>The states of a sent message.</summary>
public enum DeliveryState
{
    /// <summary>Queued or in transit.</summary>
    Pending,

    /// <summary>The phone has it.</summary>
    Delivered,

    /// <summary>It will never arrive (bad number, expired, rejected).</summary>
    Failed,
}

/// <summary>The gateway could not be asked about delivery this time.</summary>
public sealed class DeliveryStatusUnavailableException : Exception
{
    public DeliveryStatusUnavailableException() { }

    public DeliveryStatusUnavailableException(string message) : base(message) { }

    public DeliveryStatusUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}
