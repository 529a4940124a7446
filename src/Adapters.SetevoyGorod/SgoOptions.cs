namespace Connector.Adapters.SetevoyGorod;

/// <summary>A school's settings for the «Сетевой Город. Образование» adapter (<c>Connector:Schools:N:Adapter</c>, Kind "sgo").</summary>
public sealed class SgoOptions
{
    /// <summary>The regional server's origin, e.g. "https://sgo.edu-74.ru".</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>The school's organisation id on that server (<c>scid</c>), a number.</summary>
    public int SchoolId { get; set; }

    /// <summary>The staff account's login name (may be Cyrillic).</summary>
    public string Login { get; set; } = "";

    /// <summary>The account's password: from the environment only (CONNECTOR__Schools__N__Adapter__Password).</summary>
    public string Password { get; set; } = "";

    /// <summary>The role to work under when the account has several (a part of its name, e.g. «Администратор»); by default the first staff role.</summary>
    public string Role { get; set; } = "";

    /// <summary>The social pedagogue's name as SGO's mail address book spells it; flags are copied to them when set.</summary>
    public string SocialPedagogue { get; set; } = "";

    /// <summary>The most requests a minute sent to this server, for all schools on it together.</summary>
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>How long one request may take before it is abandoned and retried.</summary>
    public int TimeoutSeconds { get; set; } = 20;

    /// <summary>How many times a read that failed for a transient reason (timeout, 5xx, dropped connection) is retried.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>
    /// How old the previous lesson day's lesson pages may get before a poll reads them again (today's are read on
    /// every poll); 0 reads them on every poll too. Late entries and corrections of that day are seen within this time.
    /// </summary>
    public int RecentRefreshMinutes { get; set; } = 120;

    /// <summary>How old older days' lesson pages and the lists of lessons may get before a poll reads them again; 0: every poll.</summary>
    public int OlderRefreshMinutes { get; set; } = 480;

    /// <summary>How long an idle session stays open after the last piece of work before the adapter logs out.</summary>
    public int LingerSeconds { get; set; } = 60;

    /// <summary>The school's own attendance codes, or corrections of the defaults: code → present, late, absent, illness, excused, unexcused.</summary>
    public Dictionary<string, string> Codes { get; set; } = [];

    /// <summary>What an attendance code nobody mapped means; "absent" (absent, reason not recorded) unless set.</summary>
    public string UnknownCode { get; set; } = "absent";
}
