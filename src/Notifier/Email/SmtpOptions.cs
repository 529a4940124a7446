namespace Connector.Notifier.Email;

/// <summary>The SMTP server (<c>Connector:Email:Smtp</c>). The password comes from the environment: <c>CONNECTOR__Email__Smtp__Password</c>.</summary>
public sealed class SmtpOptions
{
    /// <summary>Host name of the mail server.</summary>
    public string Host { get; set; } = "";

    /// <summary>Port: 587 (submission with STARTTLS) or 25. Implicit TLS (465) is not supported by the built-in client.</summary>
    public int Port { get; set; } = 587;

    /// <summary>Whether to upgrade the connection with STARTTLS (and refuse to send without it).</summary>
    public bool StartTls { get; set; } = true;

    /// <summary>The account to log in with; empty for a server that needs no login.</summary>
    public string UserName { get; set; } = "";

    /// <summary>The account's password. Set it only through the environment.</summary>
    public string Password { get; set; } = "";

    /// <summary>How long one message may take to hand over.</summary>
    public int TimeoutSeconds { get; set; } = 30;
}
