using System.Globalization;
using Connector.Notifier.Templates;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Connector.Demo;

/// <summary>
/// Prints what the pipeline did after each step of the replay, in Russian, read back from the store: absences
/// found, notices sent or cancelled, corrections, guardians who cannot be reached. Then a table per day.
/// </summary>
internal sealed class DemoTimeline(IServiceProvider services, TextWriter output)
{
    private readonly ConnectorDatabase database = services.GetRequiredService<ConnectorDatabase>();
    private readonly SchoolContext school = services.GetRequiredService<SchoolRegistry>().All.First();
    private readonly Thresholds.RuleProfiles profiles = services.GetRequiredService<Thresholds.RuleProfiles>();
    private readonly SortedDictionary<DateOnly, DayCounts> days = [];
    private DateTimeOffset since = DateTimeOffset.MinValue;
    private DateOnly? currentDay;

    public async Task StepAsync(DateTimeOffset now)
    {
        DemoWindow happened;
        await using (var db = await database.OpenAsync(CancellationToken.None).ConfigureAwait(false))
        {
            happened = await DemoStore.BetweenAsync(db, since, now).ConfigureAwait(false);
        }

        since = now;
        var (found, closed, corrected, breaches, explained) = (happened.Found, happened.Closed, happened.Corrected, happened.Breaches, happened.Explained);
        var sent = closed.Count(s => s == OutboxState.Sent);
        var cancelled = closed.Count(s => s == OutboxState.Cancelled);
        var unreachable = closed.Count(s => s == OutboxState.Unreachable);
        var failed = closed.Count(s => s == OutboxState.Failed);
        if (found.Count + sent + cancelled + unreachable + failed + corrected.Count + explained + breaches.Count == 0) return;

        var local = school.LocalTime(now);
        var today = DateOnly.FromDateTime(local);
        if (currentDay != today)
        {
            currentDay = today;
            output.WriteLine();
            output.WriteLine($"── {RussianText.Weekday(today)}, {RussianText.Date(today)} ──");
        }

        var counts = days.TryGetValue(today, out var c) ? c : days[today] = new DayCounts();
        var time = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        if (found.Count > 0)
        {
            counts.Found += found.Count;
            var late = found.Count(f => f.Date != today);
            var who = string.Join("; ", found.GroupBy(f => f.ClassName).Select(g => $"{g.Key}: {string.Join(", ", g.Select(f => ShortName(f.FullName)))}"));
            output.WriteLine($"{time}  пропуск без причины: {found.Count} ({who}){(late > 0 ? $"; из них за прошлый день: {late}" : "")}");
        }

        if (explained > 0)
        {
            counts.Explained += explained;
            output.WriteLine($"{time}  причина указана до отправки, уведомление не нужно: {explained}");
        }

        if (sent + cancelled + failed > 0)
        {
            counts.Sent += sent;
            counts.Cancelled += cancelled;
            output.WriteLine($"{time}  отправлено сообщений родителям: {sent}{(cancelled > 0 ? $"; отменено до отправки: {cancelled}" : "")}{(failed > 0 ? $"; не доставлено: {failed}" : "")}");
        }

        if (unreachable > 0)
        {
            counts.Unreachable += unreachable;
            output.WriteLine($"{time}  представителя не достичь ни e-mail, ни SMS, нужен звонок классного руководителя: {unreachable}");
        }

        foreach (var b in breaches)
        {
            output.WriteLine(string.Create(CultureInfo.GetCultureInfo("ru-RU"),
                $"{time}  порог: {b.ClassName} {ShortName(b.FullName)} — {LevelName(b.Level)}, {b.Share:0.#} % уроков без уважительной причины{(b.CaseId > 0 ? $"; открыт случай № {b.CaseId}, сроки — в «connector case list»" : "")}"));
        }

        if (corrected.Count > 0)
        {
            counts.Corrected += corrected.Count;
            var who = string.Join(", ", corrected.Select(x => $"{x.ClassName} {ShortName(x.FullName)} — {(x.Correction == "present" ? "был на уроке" : "уважительная причина")}"));
            output.WriteLine($"{time}  отметка изменилась после уведомления: {corrected.Count} ({who})");
        }
    }

    public void PrintSummary(TimeSpan elapsed)
    {
        output.WriteLine();
        var table = new Table().Title("Итоги демонстрации").Border(TableBorder.Rounded);
        table.AddColumns("Дата", "Пропуски без причины", "Сообщений родителям", "Причина до отправки", "Отменено до отправки", "Исправлено после сообщения", "Нет контакта");
        var total = new DayCounts();
        foreach (var (date, c) in days)
        {
            table.AddRow(date.ToString("dd.MM ddd", CultureInfo.GetCultureInfo("ru-RU")), N(c.Found), N(c.Sent), N(c.Explained), N(c.Cancelled), N(c.Corrected), N(c.Unreachable));
            total.Add(c);
        }

        table.AddRow("[bold]Всего[/]", N(total.Found), N(total.Sent), N(total.Explained), N(total.Cancelled), N(total.Corrected), N(total.Unreachable));
        Cli.ConsoleTable.Write(table, output);
        output.WriteLine($"Время демонстрации: {elapsed.TotalSeconds:F0} с. Письма лежат в папке outbox/ (файлы .eml открываются почтовой программой), SMS — в outbox/sms/.");
    }

    private string LevelName(string levelId) =>
        profiles.Get(school.Ref.ProfileId).Levels.FirstOrDefault(l => l.Id == levelId)?.Name.ToLowerInvariant() ?? levelId;

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"Петров И." — enough for the demo's staff reader, less than a full name.</summary>
    private static string ShortName(string fullName)
    {
        var parts = fullName.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 ? $"{parts[0]} {parts[1][0]}." : fullName;
    }

    private sealed class DayCounts
    {
        public int Found { get; set; }

        public int Sent { get; set; }

        public int Explained { get; set; }

        public int Cancelled { get; set; }

        public int Corrected { get; set; }

        public int Unreachable { get; set; }

        public void Add(DayCounts other)
        {
            Found += other.Found;
            Sent += other.Sent;
            Explained += other.Explained;
            Cancelled += other.Cancelled;
            Corrected += other.Corrected;
            Unreachable += other.Unreachable;
        }
    }
}
