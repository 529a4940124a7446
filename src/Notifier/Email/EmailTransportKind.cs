namespace Connector.Notifier.Email;

/// <summary>The e-mail transports.</summary>
public enum EmailTransportKind
{
    /// <summary>Write .eml files into a folder (for the demo, or for a mail server that picks them up).</summary>
    Pickup,

    /// <summary>Send through an SMTP server.</summary>
    Smtp,
}
