using Connector.Testing;

namespace Connector.Tests.Demo;

/// <summary>README's first command, as a new user runs it: the service on the embedded default.</summary>
public sealed class EmbeddedDefaultTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("connector-default-").FullName;

    public EmbeddedDefaultTests() => CopyDirectory(Path.Combine(RepositoryRoot.Path, "config"), Path.Combine(home, "config"));

    [Fact]
    public async Task Run_OnTheEmbeddedDefault_ReplaysTheDemoSchool_AndWritesEmailsToOutbox()
    {
        var result = await Run("run");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("запускается демонстрация", result.Output, StringComparison.Ordinal);
        Assert.Contains("── понедельник, 9 ноября 2026 г. ──", result.Output, StringComparison.Ordinal);
        Assert.Contains("Итоги демонстрации", result.Output, StringComparison.Ordinal);
        var emails = Directory.GetFiles(Path.Combine(home, "outbox"), "*.eml");
        Assert.True(emails.Length > 100, $"only {emails.Length} e-mails");
        Assert.All(emails, e => Assert.Matches("^((absence|correction)_demo_g[0-9]{4}|digest_demo_staff-[a-z0-9]+)_2026-1[12]-[0-9]{2}_email(_p[0-9]{4})?\\.eml$", Path.GetFileName(e)));
        Assert.Contains(emails, e => Path.GetFileName(e).StartsWith("correction_", StringComparison.Ordinal));

        // The escalation cases the demo opened, as the social pedagogue lists them.
        var cases = await Run("case", "list", "--school", "demo");
        Assert.Equal(0, cases.ExitCode);
        Assert.Matches("Открытые случаи школы .*: [1-9]", cases.Output);
        Assert.Contains("Систематически", cases.Output, StringComparison.Ordinal);
        Assert.Contains("классный", cases.Output, StringComparison.Ordinal);
        Assert.Matches("[0-3][0-9]\\.1[12]\\.2026", cases.Output);

        // The social pedagogue's digest, previewed without sending.
        var preview = await Run("digest", "--school", "demo", "--staff", "sp1", "--preview", "--out", "preview.html");
        Assert.Equal(0, preview.ExitCode);
        Assert.Matches("Сводка на [0-3][0-9]\\.1[12]\\.2026 — Тихонова Екатерина Сергеевна \\(.+\\) — записана: .+preview\\.html и .+preview\\.txt\\. Ничего не отправлено\\.", preview.Output);
        Assert.Contains("Здравствуйте, Екатерина Сергеевна!", await File.ReadAllTextAsync(Path.Combine(home, "preview.txt")), StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", await File.ReadAllTextAsync(Path.Combine(home, "preview.html")), StringComparison.Ordinal);

        // The state of the demo installation as `status` shows it at the demo's last afternoon, checked against the store.
        await StatusMatchesTheStore();

        // A second run starts the demo afresh: the same e-mails, not twice as many.
        var again = await Run("demo");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(emails.Order(), Directory.GetFiles(Path.Combine(home, "outbox"), "*.eml").Order());
    }

    [Fact]
    public async Task TheCommittedDemoSchool_IsExactlyWhatTheGeneratorWrites()
    {
        var result = await Run("demo", "generate", "--out", "generated");

        Assert.Equal(0, result.ExitCode);
        foreach (var file in new[] { "pupils.csv", "guardians.csv", "lessons.csv", "attendance.csv" })
        {
            Assert.Equal(
                await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "config", "demo", file)),
                await File.ReadAllTextAsync(Path.Combine(home, "generated", file)));
        }
    }

    public void Dispose() => Directory.Delete(home, recursive: true);

    private async Task StatusMatchesTheStore()
    {
        var at = new Dictionary<string, string> { ["CONNECTOR_NOW"] = "2026-12-04T17:00:00+03:00" };
        var text = await ConnectorProcess.RunAsync(home, at, "status");
        var json = await ConnectorProcess.RunAsync(home, at, "status", "--json");

        // The store, read row by row here (not through the service's own queries).
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(home, "data", "demo", "connector.db")};Mode=ReadOnly");
        await db.OpenAsync();
        var marks = await Dapper.SqlMapper.QueryAsync<(string Pupil, string Presence, string Reason, string? Vanished)>(db,
            "SELECT pupil_id, presence, reason, vanished_at FROM marks WHERE school_id = 'demo' AND date = '2026-12-04'");
        var unexplained = marks.Where(m => m.Presence == "Absent" && m.Reason is "NoneRecorded" or "Unexcused" && m.Vanished is null).ToList();
        var outbox = (await Dapper.SqlMapper.QueryAsync<(string? Channel, string State, string Date)>(db, "SELECT channel, state, date FROM outbox WHERE school_id = 'demo'")).ToList();
        var sentByChannel = outbox.Where(o => o.State == "sent" && o.Date == "2026-12-04").GroupBy(o => o.Channel!).ToDictionary(g => g.Key, g => g.Count());
        var cases = (await Dapper.SqlMapper.QueryAsync<string>(db, "SELECT state FROM cases WHERE school_id = 'demo'")).Count(c => c == "open");
        var pupils = (await Dapper.SqlMapper.QueryAsync<long>(db, "SELECT active FROM pupils WHERE school_id = 'demo'")).Count(a => a == 1);

        Assert.Equal(0, text.ExitCode);
        Assert.Equal(0, json.ExitCode);
        Assert.NotEmpty(unexplained);
        Assert.NotEmpty(sentByChannel);
        Assert.Contains($"Пропуски без уважительной причины сегодня (04.12.2026): учеников — {unexplained.Select(m => m.Pupil).Distinct().Count()}, уроков — {unexplained.Count}.", text.Output, StringComparison.Ordinal);
        Assert.Contains($"Сообщения, электронная почта: в очереди 0, отправляются 0; за сегодня отправлено {sentByChannel["Email"]}, не доставлено 0.", text.Output, StringComparison.Ordinal);
        Assert.Contains($"учеников: {pupils},", text.Output, StringComparison.Ordinal);
        Assert.Contains($"Случаи: открыто {cases};", text.Output, StringComparison.Ordinal);
        Assert.Contains("Последний опрос: 04.12.2026 16:", text.Output, StringComparison.Ordinal);
        Assert.Contains("успешно", text.Output, StringComparison.Ordinal);
        // Friday's last poll is done; the next is Monday's first, at the school's opening.
        Assert.Contains("Следующий опрос: 07.12.2026 08:00.", text.Output, StringComparison.Ordinal);

        using var document = System.Text.Json.JsonDocument.Parse(json.Output);
        var school = Assert.Single(document.RootElement.GetProperty("schools").EnumerateArray());
        Assert.Equal("demo", school.GetProperty("id").GetString());
        Assert.Equal(unexplained.Count, school.GetProperty("unexplainedToday").GetProperty("lessons").GetInt32());
        Assert.Equal(cases, school.GetProperty("cases").GetProperty("open").GetInt32());
        foreach (var channel in school.GetProperty("messages").EnumerateArray())
        {
            Assert.Equal(sentByChannel.GetValueOrDefault(channel.GetProperty("channel").GetString()!), channel.GetProperty("sentToday").GetInt32());
        }
    }

    private Task<ProcessResult> Run(params string[] arguments) => ConnectorProcess.RunAsync(home, null, arguments);

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
