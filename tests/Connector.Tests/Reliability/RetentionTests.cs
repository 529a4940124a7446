using System.Text.Json.Nodes;
using Connector.Delivery;
using Connector.Polling;
using Connector.Store;
using Connector.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Reliability;

/// <summary>
/// 003 §6.4: a pupil's data is kept for the period of study and then removed or anonymised; §6.3.1: processing
/// needs the guardian's written consent, recorded with its date and basis.
/// </summary>
public sealed class RetentionTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TestInstallation install = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(Monday.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(3)));
    private IHost? host;

    public RetentionTests()
    {
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1")
            .Pupil("p3", "Петрова Анна Сергеевна", "7Б", "g1")
            .Pupil("p2", "Соколов Егор Андреевич", "7Б", "g2")
            .Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Guardian("g2", "Соколова Ольга Павловна", "olga@example.com", "+79001112233")
            .Lessons("7Б", Monday, 2)
            .Mark(Monday, "p1", 1, "Н")
            .Mark(Monday, "p2", 1, "Н")
            .Mark(Monday, "p3", 2, "Б");
        // Classmates who stay, so that two leaving at once is not a roster that lost most of its pupils.
        for (var i = 10; i < 20; i++) install.Journal.Pupil($"p{i}", $"Ученик{i} Иван Иванович", "7Б", $"g{i}").Guardian($"g{i}", $"Родитель{i} Мария Ивановна", $"parent{i}@example.com");
    }

    [Fact]
    public async Task Order003_6_4_PupilsWhoLeft_AreRemovedAfterTheSchoolYearTheyLeftIn_EachAudited_AndTheirGuardiansWithNoOtherChildGoToo()
    {
        install.Save();
        await PollAtAsync(Monday, new TimeOnly(9, 0));
        clock.Advance(TimeSpan.FromMinutes(25));
        await host!.Services.GetRequiredService<OutboxDispatcher>().DeliverAsync("school-1", CancellationToken.None); // g1 and g2 are told
        var consent = await install.RunAsync(null, "consent", "processing", "--school", "school-1", "--guardian", "g2", "--given", "01.09.2026", "--basis", "письменное согласие, вх. № 15");
        Assert.True(consent.ExitCode == 0, consent.Output + consent.Error);
        Assert.Equal("Записано: представитель g2 дал согласие на обработку персональных данных ребёнка 01.09.2026; основание: письменное согласие, вх. № 15.", consent.Output.Trim());

        install.Journal.Leaves("p2").Leaves("p3"); // p2's guardian has no other child; p3's has p1
        install.Save();
        await PollAtAsync(Monday.AddDays(1), new TimeOnly(9, 0));
        Assert.Equal([("p2", "2026-11-10"), ("p3", "2026-11-10")], await QueryAsync<(string, string)>("SELECT pupil_id, left_on FROM pupils WHERE left_on IS NOT NULL ORDER BY pupil_id"));

        await PollAtAsync(new DateOnly(2027, 8, 31), new TimeOnly(9, 0)); // the last day of the school year they left in
        Assert.Equal(3, (await QueryAsync<string>("SELECT pupil_id FROM marks")).Count);
        Assert.Empty(await QueryAsync<string>("SELECT action FROM audit_log WHERE action = 'pupil-data.removed'"));

        await PollAtAsync(new DateOnly(2027, 9, 1), new TimeOnly(9, 0));

        Assert.Equal(["p1"], await QueryAsync<string>("SELECT pupil_id FROM marks"));
        Assert.Equal(["p1"], await QueryAsync<string>("SELECT pupil_id FROM absences"));
        Assert.Equal(
            [("p1", "Петров Иван Сергеевич", 1), ("p2", RetentionRepository.Anonymised, 0), ("p3", RetentionRepository.Anonymised, 0)],
            await QueryAsync<(string, string, int)>("SELECT pupil_id, full_name, active FROM pupils WHERE pupil_id IN ('p1', 'p2', 'p3') ORDER BY pupil_id"));
        Assert.DoesNotContain("g2", await QueryAsync<string>("SELECT guardian_id FROM guardians"));
        Assert.Contains("g1", await QueryAsync<string>("SELECT guardian_id FROM guardians"));
        Assert.Equal([("p1", "g1")], await QueryAsync<(string, string)>("SELECT pupil_id, guardian_id FROM pupil_guardians WHERE pupil_id IN ('p1', 'p2', 'p3')"));
        Assert.Empty(await QueryAsync<string>("SELECT guardian_id FROM processing_consents"));
        Assert.Equal([("g1", "maria@example.com"), ("g2", null)], await QueryAsync<(string, string?)>("SELECT guardian_id, address FROM outbox ORDER BY guardian_id"));
        var audited = await QueryAsync<(string, string, string)>("SELECT subject_ids, recipient, purpose FROM audit_log WHERE action = 'pupil-data.removed' ORDER BY subject_ids");
        Assert.Equal(["p2", "p3"], audited.Select(a => a.Item1));
        Assert.All(audited, a => Assert.Equal("store", a.Item2));
        Assert.All(audited, a => Assert.Contains("003 §6.4", a.Item3, StringComparison.Ordinal));
        Assert.All(audited, a => Assert.Contains("до конца учебного года", a.Item3, StringComparison.Ordinal));

        // The export still lists them as left, with their names and guardians: a new roster does not bring them back.
        install.Journal.Pupil("p4", "Иванов Олег Петрович", "7Б", "g1");
        install.Save();
        await PollAtAsync(new DateOnly(2027, 9, 2), new TimeOnly(9, 0));
        Assert.Equal(
            [("p1", "Петров Иван Сергеевич"), ("p2", RetentionRepository.Anonymised), ("p3", RetentionRepository.Anonymised), ("p4", "Иванов Олег Петрович")],
            await QueryAsync<(string, string)>("SELECT pupil_id, full_name FROM pupils WHERE pupil_id IN ('p1', 'p2', 'p3', 'p4') ORDER BY pupil_id"));
        Assert.DoesNotContain("g2", await QueryAsync<string>("SELECT guardian_id FROM guardians"));
        Assert.Equal(["g1", "g1"], await QueryAsync<string>("SELECT guardian_id FROM pupil_guardians WHERE pupil_id IN ('p1', 'p2', 'p3', 'p4')"));
        Assert.Equal(2, (await QueryAsync<string>("SELECT action FROM audit_log WHERE action = 'pupil-data.removed'")).Count);
    }

    [Fact]
    public async Task Order003_6_4_AProfilesOwnRetention_CountsDaysFromLeaving_AndAPupilWhoComesBackIsKept()
    {
        var profile = JsonNode.Parse(File.ReadAllText(Path.Combine(install.Home, "config", "profiles", "default.json")))!.AsObject();
        profile["RetentionDaysAfterLeaving"] = 30;
        File.WriteAllText(Path.Combine(install.Home, "config", "profiles", "default.json"), profile.ToJsonString());
        install.School["Profile"] = "default";
        install.Save();
        await PollAtAsync(Monday, new TimeOnly(9, 0));
        install.Journal.Leaves("p2").Leaves("p3");
        install.Save();
        await PollAtAsync(Monday.AddDays(1), new TimeOnly(9, 0)); // left on 10.11
        install.Journal.Returns("p3"); // p3 is back: listed as studying again
        install.Save();
        await PollAtAsync(Monday.AddDays(2), new TimeOnly(9, 0));

        await PollAtAsync(new DateOnly(2026, 12, 9), new TimeOnly(9, 0)); // 29 days
        Assert.Empty(await QueryAsync<string>("SELECT pupil_id FROM pupils WHERE anonymised_at IS NOT NULL"));
        await PollAtAsync(new DateOnly(2026, 12, 10), new TimeOnly(9, 0)); // 30 days

        Assert.Equal(["p2"], await QueryAsync<string>("SELECT pupil_id FROM pupils WHERE anonymised_at IS NOT NULL"));
        Assert.Equal(["p1", "p3"], await QueryAsync<string>("SELECT DISTINCT pupil_id FROM marks ORDER BY pupil_id"));
        var purpose = Assert.Single(await QueryAsync<string>("SELECT purpose FROM audit_log WHERE action = 'pupil-data.removed'"));
        Assert.Contains("30 дн. после выбытия", purpose, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProcessingConsentWithADateThatIsNotOne_IsRefused_InRussian()
    {
        install.Save();
        await PollAtAsync(Monday, new TimeOnly(9, 0));

        var result = await install.RunAsync(null, "consent", "processing", "--school", "school-1", "--guardian", "g1", "--given", "1 сентября", "--basis", "письменное согласие");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--given: «1 сентября» — не дата; укажите день, когда согласие дано, как 01.09.2026.", result.Error, StringComparison.Ordinal);
        Assert.Empty(await QueryAsync<string>("SELECT guardian_id FROM processing_consents"));
    }

    [Fact]
    public void ARetentionOutOfRange_IsRefused_NamingTheProfile()
    {
        var file = Path.Combine(install.Home, "config", "profiles", "default.json");
        var profile = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        profile["RetentionDaysAfterLeaving"] = 0;
        File.WriteAllText(file, profile.ToJsonString());

        var problems = Connector.Thresholds.RuleProfiles.Load(Path.Combine(install.Home, "config", "profiles")).Problems;

        Assert.Contains(problems, p => p.Contains("default.json: RetentionDaysAfterLeaving: 0 вне допустимого диапазона 1–3650", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        host?.Dispose();
        install.Dispose();
    }

    private async Task PollAtAsync(DateOnly day, TimeOnly at)
    {
        FakeClockMoves.MoveTo(clock, new DateTimeOffset(day.ToDateTime(at), TimeSpan.FromHours(3)));
        host ??= install.BuildHost(clock);
        var result = await host.Services.GetRequiredService<SchoolPoller>().PollAsync("school-1", CancellationToken.None);
        Assert.Null(result.Quarantine);
    }

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var db = await host!.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(CancellationToken.None);
        return (await db.QueryAsync<T>(sql)).ToList();
    }
}
