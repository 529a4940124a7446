namespace Connector.Abstractions.Schools;

/// <summary>The ways a guardian can be reached.</summary>
public enum ChannelKind
{
    /// <summary>E-mail.</summary>
    Email,

    /// <summary>SMS through a gateway.</summary>
    Sms,
}
