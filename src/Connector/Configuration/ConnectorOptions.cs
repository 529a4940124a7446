namespace Connector.Configuration;

/// <summary>The connector's settings (<c>Connector</c> in config/appsettings.json, <c>CONNECTOR__…</c> in the environment).</summary>
public sealed class ConnectorOptions
{
    public const string SectionName = "Connector";

    /// <summary>Where the SQLite database lives; relative paths start at the installation folder.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Message templates; relative paths start at the installation folder.</summary>
    public string TemplateDirectory { get; set; } = "config/templates";

    /// <summary>The Russian production calendar files (ru-YYYY.json); relative paths start at the installation folder.</summary>
    public string CalendarDirectory { get; set; } = "config/calendars";

    /// <summary>The rule profiles (one JSON file each); relative paths start at the installation folder.</summary>
    public string ProfileDirectory { get; set; } = "config/profiles";

    /// <summary>The embedded demo: when enabled, <c>run</c> replays the demo school's weeks on a fast virtual clock.</summary>
    public DemoOptions Demo { get; set; } = new();

    /// <summary>Where the state is kept: SQLite in <see cref="DataDirectory"/>, or a PostgreSQL database.</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>How the outbox is delivered.</summary>
    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>The schools this installation serves.</summary>
    public List<SchoolOptions> Schools { get; set; } = [];
}
