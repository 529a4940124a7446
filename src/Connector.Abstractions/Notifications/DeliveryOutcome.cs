namespace Connector.Abstractions.Notifications;

/// <summary>What happened when a message was handed to a channel.</summary>
public enum DeliveryOutcome
{
    /// <summary>The server or gateway took the message.</summary>
    Accepted,

    /// <summary>The message can never go this way (invalid address, mailbox does not exist, stop-list): try another channel.</summary>
    PermanentFailure,

    /// <summary>It may go later (server busy, timeout, rate limit): retry with back-off.</summary>
    TransientFailure,

    /// <summary>The channel itself is misconfigured (bad credentials, unapproved sender): staff must act; stop sending this way.</summary>
    ConfigurationFailure,
}
