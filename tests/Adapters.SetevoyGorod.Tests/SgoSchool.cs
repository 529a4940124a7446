using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;
using Connector.Demo;
using Connector.Testing;
using Connector.Testing.Sgo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Adapters.SetevoyGorod.Tests;

/// <summary>An SGO emulator with one school's staff account, and adapters made for it the way the service makes them.</summary>
internal sealed class SgoSchool : IAsyncDisposable
{
    public const string Login = "ConnectorСлужба";
    public const string Password = "Посещаемость-2026";

    private readonly List<IAsyncDisposable> adapters = [];

    private SgoSchool(SgoEmulator emulator, FakeTimeProvider clock)
    {
        Emulator = emulator;
        Clock = clock;
    }

    public SgoEmulator Emulator { get; }

    public FakeTimeProvider Clock { get; }

    public CapturedLog Log { get; } = new();

    /// <summary>The service's store, where the variants a server answers are remembered across restarts.</summary>
    public AdapterMemoryStore Store { get; } = new();

    /// <summary>Settings of the school's adapter section; tests change them before <see cref="Adapter"/>.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public static async Task<SgoSchool> StartAsync(DateTimeOffset now, string login = Login, string password = Password, params (int, string)[] roles)
    {
        var clock = new FakeTimeProvider(now);
        var emulator = await SgoEmulator.StartAsync(clock);
        var school = new SgoSchool(emulator, clock);
        emulator.AddAccount(login, password, "Сервис Connector", true, roles);
        school.Settings["Kind"] = "sgo";
        school.Settings["BaseUrl"] = emulator.BaseUrl;
        school.Settings["SchoolId"] = emulator.SchoolId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        school.Settings["Login"] = login;
        school.Settings["Password"] = password;
        school.Settings["RequestsPerMinute"] = "6000";
        school.Settings["TimeoutSeconds"] = "2";
        school.Settings["Retries"] = "1";
        school.Settings["LingerSeconds"] = "600";
        return school;
    }

    public IConfigurationSection Section() => new ConfigurationBuilder()
        .AddInMemoryCollection(Settings.ToDictionary(s => "Connector:Schools:0:Adapter:" + s.Key, s => s.Value))
        .Build().GetSection("Connector:Schools:0:Adapter");

    /// <summary>A factory as a (re)started service makes it: a new one has no memory but what the store holds.</summary>
    public SgoAdapterFactory Factory() => new(Clock, LoggerFactory.Create(b => b.AddProvider(Log).SetMinimumLevel(LogLevel.Information)), memory: Store.Memory);

    public IJournalAdapter Adapter()
    {
        var factory = Factory();
        Assert.Empty(factory.Validate(Section()));
        var adapter = factory.Create(Ref, Section());
        adapters.Add((IAsyncDisposable)adapter);
        return adapter;
    }

    public static SchoolRef Ref { get; } = new("school-1", "Школа № 1", "Europe/Moscow", "default", "sgo");

    public async ValueTask DisposeAsync()
    {
        foreach (var adapter in adapters) await adapter.DisposeAsync();
        await Emulator.DisposeAsync();
        Store.Dispose();
    }
}
