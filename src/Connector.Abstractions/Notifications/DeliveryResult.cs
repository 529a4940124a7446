namespace Connector.Abstractions.Notifications;

/// <summary>The result of handing one message to a channel.</summary>
/// <param name="Outcome">Accepted, or which kind of failure.</param>
/// <param name="Detail">The server's answer or the reason, without personal data.</param>
/// <param name="ProviderMessageId">The id the server or gateway gave the message, where it gives one.</param>
public sealed record DeliveryResult(DeliveryOutcome Outcome, string? Detail = null, string? ProviderMessageId = null)
{
    /// <summary>The message was taken.</summary>
    public static DeliveryResult Accepted(string? providerMessageId = null, string? detail = null) =>
        new(DeliveryOutcome.Accepted, detail, providerMessageId);

    /// <summary>The message can never go this way.</summary>
    public static DeliveryResult Permanent(string detail) => new(DeliveryOutcome.PermanentFailure, detail);

    /// <summary>The message may go later.</summary>
    public static DeliveryResult Transient(string detail) => new(DeliveryOutcome.TransientFailure, detail);

    /// <summary>The channel is misconfigured.</summary>
    public static DeliveryResult Configuration(string detail) => new(DeliveryOutcome.ConfigurationFailure, detail);
}
