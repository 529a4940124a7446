namespace Connector.Notifier.Email;

/// <summary>The SMTP server (<c>Connector:Email:Smtp</c>). The password comes from the environment: <c>CONNECTOR__Email__Smtp__Password</c>.</summary>
public sealed class SmtpOptions
{
    /// <summary>Host name of the mail server.</summary>
    public string Host { get; set; } = "";

    /// <summary>Port: 587 (submission with STARTTLS), 465 (TLS from the first byte) or 25.</summary>
    public int Port { get; set; } = 587;

    /// <summary>Whether to upgrade the connection with STARTTLS (and refuse to send without it). Port 465 is always TLS.</summary>
    public bool StartTls { get; set; } = true;

    /// <summary>TLS from the first byte (SMTPS), as on port 465, where it is on whatever this says.</summary>
    public bool ImplicitTls { get; set; }

    /// <summary>The account to log in with; empty for a server that needs no login.</summary>
    public string UserName { get; set; } = "";

    /// <summary>The account's password. Set it only through the environment.</summary>
    public string Password { get; set; } = "";

    /// <summary>How long one message may take to hand over.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>How many connections are kept open and used at once (each is reused for many messages).</summary>
    public int Connections { get; set; } = 2;

    /// <summary>
    /// Whether to send MAIL FROM and RCPT TO together where the server offers PIPELINING. Off by default: it saves one
    /// round trip a message, but a server that writes each reply on its own with Nagle's algorithm on (maildev and
    /// other Node-based servers) then holds the second reply about 40 ms for the connector's delayed ACK, every message.
    /// </summary>
    public bool Pipelining { get; set; }

    /// <summary>
    /// The SHA-256 fingerprint (hex) of a server certificate to trust although no authority signed it: a school's or
    /// municipality's own mail server. Empty: only certificates the system trusts.
    /// </summary>
    public string TrustedCertificateSha256 { get; set; } = "";
}
