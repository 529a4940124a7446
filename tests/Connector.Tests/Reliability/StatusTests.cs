using System.Globalization;
using Connector.Testing;

namespace Connector.Tests.Reliability;

/// <summary><c>connector status</c>, run beside the service as an IT person would: the queue, and a quarantined read with its reason.</summary>
public sealed class StatusTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TestInstallation install = new();

    public void Dispose() => install.Dispose();

    [Fact]
    public async Task Status_ShowsTheQueue_AndAReadThatWasNotAccepted_InTheSchoolsTime()
    {
        for (var p = 1; p <= 6; p++)
        {
            var cls = p <= 3 ? "7Б" : "8А";
            install.Journal.Pupil($"p{p}", $"Ученик{p} Иван Сергеевич", cls, $"g{p}").Guardian($"g{p}", $"Родитель{p} Мария Ивановна", $"parent{p}@example.com");
        }

        install.Journal.Lessons("7Б", Monday, 4).Lessons("8А", Monday, 4).Mark(Monday, "p1", 1, "Н").Mark(Monday, "p4", 2, "Н").Mark(Monday, "p5", 3, "Б");
        install.Journal.Write();
        install.Save();

        var first = await install.RunAsync(At(12, 0), "once");
        Assert.True(first.ExitCode is 0 or 4, first.Output + first.Error);
        var calm = await install.RunAsync(At(12, 5), "status");

        Assert.Equal(0, calm.ExitCode);
        Assert.Contains("Школа school-1 (Школа № 1), журнал «files»:", calm.Output, StringComparison.Ordinal);
        Assert.Contains("Состав учеников прочитан 09.11.2026 12:00; учеников: 6, представителей с контактами: 6.", calm.Output, StringComparison.Ordinal);
        Assert.Contains("Чтение журнала: данные принимаются.", calm.Output, StringComparison.Ordinal);
        Assert.Contains("Сообщения: в очереди 2, отправляются 0; за сегодня отправлено 0, не доставлено 0, некому отправить (нет контакта) 0.", calm.Output, StringComparison.Ordinal);

        // Mid-day, the export is saved cut after its header: the read is not accepted, and status says so.
        File.WriteAllText(Path.Combine(install.Journal.Path, "attendance.csv"), "date;pupil_id;lesson;code;recorded_at\n");
        await install.RunAsync(At(12, 10), "once");
        var quarantined = await install.RunAsync(At(12, 15), "status");

        Assert.Equal(3, quarantined.ExitCode);
        Assert.Contains("Данные журнала не приняты с 09.11 12:10 (опросов: 1, последний в 12:10):", quarantined.Output, StringComparison.Ordinal);
        Assert.Contains("По ним ничего не решается.", quarantined.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Ученик", quarantined.Output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> At(int hour, int minute) =>
        new() { ["CONNECTOR_NOW"] = new DateTimeOffset(Monday.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(3)).ToString("O", CultureInfo.InvariantCulture) };
}
