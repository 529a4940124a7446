using System.Globalization;
using Connector.Delivery;
using Connector.Polling;
using Connector.Store;
using Connector.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Store;

/// <summary>
/// What every store promises the features, written once and run against SQLite and against a real PostgreSQL
/// server: units of work from several nodes at once each apply once, nodes opening a new database at once make
/// one schema, and a message claimed by a runner is never sent by another while that runner lives, and is sent
/// once it is known to be gone (README, "Beyond one machine").
/// </summary>
public abstract class StoreContractTests : IDisposable
{
    private static readonly DateTimeOffset Midday = new(2026, 11, 9, 12, 0, 0, TimeSpan.FromHours(3));

    private readonly TestInstallation install = new();

    /// <summary>A new, empty store for this test, as one node opens it; <see cref="Another"/> opens the same one as a second node.</summary>
    internal abstract Task<ConnectorDatabase> CreateAsync(TestInstallation installation);

    internal abstract ConnectorDatabase Another(TestInstallation installation);

    /// <summary>Whether the store can tell at once that the runner holding a claim is gone (PostgreSQL), or waits for the claim's lease (SQLite without the installation lock).</summary>
    protected abstract bool TellsAtOnceThatARunnerIsGone { get; }

    [Fact]
    public async Task UnitsOfWorkFromTwoNodesAtOnce_EachReadWhatTheOtherCommitted_SoNoneIsLost()
    {
        await using var first = await CreateAsync(install);
        await using var second = Another(install);

        // 2 × 40 read-modify-write units of work on one counter, all at once: each reads the count and writes it + 1.
        var units = Enumerable.Range(0, 80).Select(i => (i % 2 == 0 ? first : second).InTransactionAsync(async (db, tx) =>
        {
            var value = await db.ExecuteScalarAsync<string?>("SELECT value FROM adapter_memory WHERE scope = 'test' AND key = 'counter'", transaction: tx);
            var next = (value is null ? 0 : int.Parse(value, CultureInfo.InvariantCulture)) + 1;
            await db.ExecuteAsync(
                """
                INSERT INTO adapter_memory (scope, key, value, updated_at) VALUES ('test', 'counter', @next, '2026-11-09T09:00:00.000Z')
                ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value
                """,
                new { next = next.ToString(CultureInfo.InvariantCulture) }, tx);
            return next;
        }, CancellationToken.None)).ToList();
        var written = await Task.WhenAll(units);

        await using var check = await first.OpenAsync(CancellationToken.None);
        Assert.Equal("80", await check.ExecuteScalarAsync<string>("SELECT value FROM adapter_memory WHERE scope = 'test' AND key = 'counter'"));
        Assert.Equal(Enumerable.Range(1, 80), written.Order());
    }

    [Fact]
    public async Task TwoNodesOpeningANewStoreAtOnce_MakeOneSchema()
    {
        await using var first = await CreateAsync(install);
        var nodes = Enumerable.Range(0, 4).Select(_ => Another(install)).ToList();

        await Task.WhenAll(nodes.Select(async n => await (await n.OpenAsync(CancellationToken.None)).DisposeAsync()));
        await using var db = await first.OpenAsync(CancellationToken.None);
        var versions = (await db.QueryAsync<long>("SELECT version FROM schema_version ORDER BY version")).ToList();

        Assert.Equal(versions.Distinct(), versions);
        Assert.Equal(Migrations.All.Select(m => (long)m.Version), versions);
        foreach (var node in nodes) await node.DisposeAsync();
    }

    [Fact]
    public async Task AClaimOfALiveRunner_IsLeftAlone_AndOnceTheRunnerIsGone_TheMessageGoesOutOnce()
    {
        // The first node finds an absence and queues the notice.
        install.School["GracePeriodMinutes"] = 0;
        var monday = DateOnly.FromDateTime(Midday.DateTime);
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Lessons("7Б", monday, 2).Mark(monday, "p1", 1, "Н");
        var database = await CreateAsync(install);
        await database.DisposeAsync();
        var clock = new FakeTimeProvider(Midday);
        using var node = install.BuildHost(clock);
        await node.Services.GetRequiredService<SchoolPoller>().PollAsync("school-1", CancellationToken.None);

        // Another runner claimed it and is on its way with it (as a node killed between claim and record would have left it).
        var other = Another(install);
        await other.HoldPresenceAsync("node-b:4242:cafe", CancellationToken.None);
        await using (var db = await other.OpenAsync(CancellationToken.None))
        {
            Assert.Equal(1, await db.ExecuteAsync(
                "UPDATE outbox SET state = 'sending', claimed_by = 'node-b:4242:cafe', claimed_until = @until WHERE school_id = 'school-1' AND state = 'pending'",
                new { until = StoreTime.Format(Midday.AddSeconds(900)) }));
        }

        var dispatcher = node.Services.GetRequiredService<OutboxDispatcher>();
        await dispatcher.DeliverAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(5));
        await dispatcher.DeliverAsync("school-1", CancellationToken.None);
        Assert.Empty(install.PickedUpRecipients()); // the claimant lives, and its claim has ten minutes to run

        // The claimant dies.
        await other.DisposeAsync();
        if (!TellsAtOnceThatARunnerIsGone) clock.Advance(TimeSpan.FromMinutes(11));
        await dispatcher.DeliverAsync("school-1", CancellationToken.None);
        await dispatcher.DeliverAsync("school-1", CancellationToken.None);

        Assert.Equal(["maria@example.com"], install.PickedUpRecipients());
        await using var after = await node.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        Assert.Equal(("sent", 1L), await after.QuerySingleAsync<(string, long)>("SELECT state, interruptions FROM outbox WHERE school_id = 'school-1'"));
    }

    public void Dispose() => install.Dispose();
}

/// <summary>The store's contract on SQLite, the file a single machine keeps in its data folder.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    internal override Task<ConnectorDatabase> CreateAsync(TestInstallation installation)
    {
        installation.Connector["Store"] = new System.Text.Json.Nodes.JsonObject { ["Kind"] = "Sqlite" };
        installation.Secrets.Remove("Connector:Store:ConnectionString");
        return Task.FromResult(Another(installation));
    }

    internal override ConnectorDatabase Another(TestInstallation installation) => new(Path.Combine(installation.Home, "data", ConnectorDatabase.FileName));

    protected override bool TellsAtOnceThatARunnerIsGone => false;
}

/// <summary>The store's contract on PostgreSQL, a real server (tests/servers/prepare.sh), a new database per test.</summary>
public sealed class PostgresStoreContractTests : StoreContractTests
{
    internal override async Task<ConnectorDatabase> CreateAsync(TestInstallation installation)
    {
        if (installation.StoreConnectionString is null) await installation.UsePostgresAsync();
        return Another(installation);
    }

    internal override ConnectorDatabase Another(TestInstallation installation) => ConnectorDatabase.ForPostgres(installation.StoreConnectionString!);

    protected override bool TellsAtOnceThatARunnerIsGone => true;

    [Fact]
    public async Task ThePostgresSchema_HasEveryTableColumnAndIndexOfTheSqliteOne_WithTheSameTypesAndNulls()
    {
        using var install = new TestInstallation();
        await using var sqlite = new ConnectorDatabase(Path.Combine(install.Home, "data", ConnectorDatabase.FileName));
        await using var postgres = await CreateAsync(install);
        await using var lite = await sqlite.OpenAsync(CancellationToken.None);
        await using var pg = await postgres.OpenAsync(CancellationToken.None);

        // An INTEGER PRIMARY KEY is SQLite's rowid: never null, though the pragma does not say NOT NULL.
        var liteColumns = (await lite.QueryAsync<(string Table, string Column, string Type, long NotNull)>(
                "SELECT m.name, p.name, p.type, MAX(p.\"notnull\", p.pk > 0) FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"))
            .Select(c => $"{c.Table}.{c.Column} {(c.Type == "REAL" ? "double precision" : c.Type == "INTEGER" ? "bigint" : "text")} {(c.NotNull == 1 ? "not null" : "null")}")
            .Order(StringComparer.Ordinal).ToList();
        var pgColumns = (await pg.QueryAsync<(string Table, string Column, string Type, string Nullable)>(
                "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE 'qrtz%'"))
            .Select(c => $"{c.Table}.{c.Column} {c.Type} {(c.Nullable == "NO" ? "not null" : "null")}")
            .Order(StringComparer.Ordinal).ToList();
        // schema_version is the migrations' own table, made by the same statement on both (INTEGER is 32-bit on PostgreSQL).
        Assert.Equal(liteColumns.Where(c => !c.StartsWith("schema_version.version", StringComparison.Ordinal)), pgColumns.Where(c => !c.StartsWith("schema_version.version", StringComparison.Ordinal)));

        var liteIndexes = (await lite.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%'")).Order(StringComparer.Ordinal).ToList();
        var pgIndexes = (await pg.QueryAsync<string>("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'ix_%'")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(liteIndexes, pgIndexes);
        Assert.NotEmpty(pgIndexes);
    }

    [Fact]
    public async Task TextSortsByteByByte_AsOnSqlite_WhateverTheDatabaseLocale()
    {
        using var install = new TestInstallation();
        await using var postgres = await CreateAsync(install);
        await using var pg = await postgres.OpenAsync(CancellationToken.None);
        await pg.ExecuteAsync(
            "INSERT INTO adapter_memory (scope, key, value, updated_at) VALUES ('t', 'a', 'x', '2026-11-09T10:00:00.000Z'), ('t', 'B', 'x', '2026-11-09T9:00:00.000Z'), ('t', 'Я', 'x', '2026-11-09T11:00:00.000Z'), ('t', 'а', 'x', '2026-11-09T10:00:00.000Z')");

        Assert.Equal(["B", "a", "Я", "а"], await pg.QueryAsync<string>("SELECT key FROM adapter_memory WHERE scope = 't' ORDER BY key"));
    }
}
