namespace Connector.Notifier.Sms;

/// <summary>The SMS gateway (<c>Connector:Sms</c>). Credentials come from the environment only.</summary>
public sealed class SmsOptions
{
    public const string SectionName = "Connector:Sms";

    /// <summary>None (no SMS), SmsRu, Smsc, or File (SMS written as files next to the e-mail pickup folder, for trials).</summary>
    public SmsGatewayKind Gateway { get; set; } = SmsGatewayKind.None;

    /// <summary>The gateway's address; the real one by default, an emulator's in tests.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>SMS.ru: the api_id key. Environment: <c>CONNECTOR__Sms__ApiId</c>.</summary>
    public string ApiId { get; set; } = "";

    /// <summary>SMSC: the login.</summary>
    public string Login { get; set; } = "";

    /// <summary>SMSC: the password or API key. Environment: <c>CONNECTOR__Sms__Password</c>.</summary>
    public string Password { get; set; } = "";

    /// <summary>The approved sender name (alpha-name), or empty for the gateway's default.</summary>
    public string Sender { get; set; } = "";

    /// <summary>At most this many SMS a minute leave through the gateway account.</summary>
    public int MessagesPerMinute { get; set; } = 60;

    /// <summary>How many messages may be on their way to the gateway at once (1–16), all within <see cref="MessagesPerMinute"/>.</summary>
    public int Parallel { get; set; } = 2;

    /// <summary>How long one request may take.</summary>
    public int TimeoutSeconds { get; set; } = 20;

    /// <summary>The most parts one message may take; a longer text is refused before it costs anything.</summary>
    public int MaxSegments { get; set; } = 3;

    public string EffectiveBaseUrl => BaseUrl.Length > 0 ? BaseUrl.TrimEnd('/') : Gateway switch
    {
        SmsGatewayKind.SmsRu => "https://sms.ru",
        SmsGatewayKind.Smsc => "https://smsc.ru",
        _ => "",
    };
}

/// <summary>The supported gateways.</summary>
public enum SmsGatewayKind
{
    None,
    SmsRu,
    Smsc,
    File,
}
