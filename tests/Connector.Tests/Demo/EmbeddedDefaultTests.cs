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
        Assert.Contains("Ничего не отправлено", preview.Output, StringComparison.Ordinal);
        Assert.Contains("Здравствуйте, Екатерина Сергеевна!", await File.ReadAllTextAsync(Path.Combine(home, "preview.txt")), StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", await File.ReadAllTextAsync(Path.Combine(home, "preview.html")), StringComparison.Ordinal);

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

    private Task<ProcessResult> Run(params string[] arguments) => ConnectorProcess.RunAsync(home, null, arguments);

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
