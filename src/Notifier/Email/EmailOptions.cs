namespace Connector.Notifier.Email;

/// <summary>How e-mail leaves the connector (<c>Connector:Email</c>).</summary>
public sealed class EmailOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Connector:Email";

    /// <summary>"Smtp" sends through a mail server; "Pickup" writes .eml files into <see cref="PickupDirectory"/>.</summary>
    public EmailTransportKind Transport { get; set; } = EmailTransportKind.Pickup;

    /// <summary>The sender address.</summary>
    public string From { get; set; } = "";

    /// <summary>The sender's display name, e.g. the school's or the municipality's name.</summary>
    public string FromName { get; set; } = "";

    /// <summary>Where "Pickup" writes .eml files; relative paths start at the installation folder.</summary>
    public string PickupDirectory { get; set; } = "outbox";

    /// <summary>At most this many e-mails a minute leave through the mail account (its provider's sending limit).</summary>
    public int MessagesPerMinute { get; set; } = 60;

    /// <summary>The mail server, for "Smtp".</summary>
    public SmtpOptions Smtp { get; set; } = new();
}
