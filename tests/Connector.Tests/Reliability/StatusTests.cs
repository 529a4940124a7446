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
        Assert.Contains("Состав учеников прочитан 09.11.2026 12:00; учеников: 6, представителей с контактами: 6.", calm.Output, StringComparison.Ordinal);
        Assert.Contains("Чтение журнала: данные принимаются.", calm.Output, StringComparison.Ordinal);
        Assert.Contains("Школа school-1 (Школа № 1), журнал «files», время школы Europe/Moscow:", calm.Output, StringComparison.Ordinal);
        Assert.Contains("Последний опрос: 09.11.2026 12:00, успешно; изменилось отметок: 3.", calm.Output, StringComparison.Ordinal);
        Assert.Contains("Следующий опрос: 09.11.2026 12:15.", calm.Output, StringComparison.Ordinal);
        Assert.Contains("Пропуски без уважительной причины сегодня (09.11.2026): учеников — 2, уроков — 2.", calm.Output, StringComparison.Ordinal);
        Assert.Contains("Сообщения, электронная почта: в очереди 2, отправляются 0; за сегодня отправлено 0, не доставлено 0.", calm.Output, StringComparison.Ordinal);

        // Mid-day, the export is saved cut after its header: the read is not accepted, and status says so.
        File.WriteAllText(Path.Combine(install.Journal.Path, "attendance.csv"), "date;pupil_id;lesson;code;recorded_at\n");
        await install.RunAsync(At(12, 10), "once");
        var quarantined = await install.RunAsync(At(12, 15), "status");

        Assert.Equal(3, quarantined.ExitCode);
        Assert.Contains("Данные журнала не приняты с 09.11 12:10 (опросов: 1, последний в 12:10):", quarantined.Output, StringComparison.Ordinal);
        Assert.Contains("По ним ничего не решается.", quarantined.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Ученик", quarantined.Output, StringComparison.Ordinal);
        Assert.Contains("Последний опрос: 09.11.2026 12:10, прочитан, но данные не приняты", quarantined.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_ShowsAFailedPoll_WithItsReason_AndTheLastGoodOne_AndSaysSoInJson()
    {
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com");
        install.Journal.Lessons("7Б", Monday, 4).Mark(Monday, "p1", 1, "Н");
        install.Journal.Write();
        install.Save();
        await install.RunAsync(At(10, 0), "once");

        // The export folder disappears (a share not mounted): two polls fail in a row.
        Directory.Move(install.Journal.Path, install.Journal.Path + "-away");
        await install.RunAsync(At(10, 15), "once");
        await install.RunAsync(At(10, 30), "once");
        var text = await install.RunAsync(At(10, 35), "status");
        var json = await install.RunAsync(At(10, 35), "status", "--json");

        Assert.Equal(3, text.ExitCode);
        Assert.Contains("Последний опрос: 09.11.2026 10:30, журнал не прочитан (ошибка настройки): Connector:Schools:0:Adapter:Folder: папки", text.Output, StringComparison.Ordinal);
        Assert.Contains("неудачных опросов подряд: 2. Последний успешный опрос: 09.11.2026 10:00.", text.Output, StringComparison.Ordinal);
        Assert.Contains("Следующий опрос: 09.11.2026 10:45.", text.Output, StringComparison.Ordinal);

        Assert.Equal(3, json.ExitCode);
        using var document = System.Text.Json.JsonDocument.Parse(json.Output);
        var school = document.RootElement.GetProperty("schools")[0];
        Assert.True(school.GetProperty("needsAttention").GetBoolean());
        var poll = school.GetProperty("lastPoll");
        Assert.Equal("failed", poll.GetProperty("outcome").GetString());
        Assert.Equal("Configuration", poll.GetProperty("failure").GetString());
        Assert.Equal(2, poll.GetProperty("failuresInRow").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.FromHours(3)), poll.GetProperty("lastOkAt").GetDateTimeOffset(), TimeSpan.FromMinutes(1));
        Assert.Equal(new DateTimeOffset(2026, 11, 9, 10, 45, 0, TimeSpan.FromHours(3)), school.GetProperty("nextPoll").GetDateTimeOffset());
        Assert.Equal(1, school.GetProperty("unexplainedToday").GetProperty("pupils").GetInt32());
        var messages = Assert.Single(school.GetProperty("messages").EnumerateArray());
        Assert.Equal("Email", messages.GetProperty("channel").GetString());
        Assert.Equal(1, messages.GetProperty("waiting").GetInt32() + messages.GetProperty("sentToday").GetInt32());
    }

    private static Dictionary<string, string> At(int hour, int minute) =>
        new() { ["CONNECTOR_NOW"] = new DateTimeOffset(Monday.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(3)).ToString("O", CultureInfo.InvariantCulture) };
}
