namespace Connector.Abstractions.Notifications;

/// <summary>What a channel says of a message whose send was interrupted by the process dying.</summary>
public enum PriorHandover
{
    /// <summary>The channel has it: it went, and is recorded as sent without going again.</summary>
    Accepted,

    /// <summary>The channel does not have it: it is sent again, and nobody gets two.</summary>
    NotAccepted,

    /// <summary>The protocol gives no way to ask (SMTP, SMS.ru): it is sent again, and the possible extra copy is audited.</summary>
    CannotTell,

    /// <summary>The channel could be asked but did not answer now (its status service is down): ask again later; do not send.</summary>
    AskLater,
}
