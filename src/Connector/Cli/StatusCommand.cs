using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Connector.Scheduling;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Connector.Cli;

/// <summary>
/// <c>status [--school S] [--json]</c>: what the service holds now, read from the store while it runs (nothing is
/// changed): per school, the last poll and how it ended, the next one, whether the journal's reads are accepted,
/// the unexplained absences today, the messages by channel, the flags waiting for the journal, the cases due and the
/// paused channels. Times are the school's local time. Exit 3 when something needs a person.
/// </summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static async Task<int> RunAsync(string? home, string? schoolId, bool json, CancellationToken cancellationToken)
    {
        using var host = InstalledHost.Open(home);
        if (host is null) return ExitCodes.Configuration;
        var schools = host.Services.GetRequiredService<SchoolRegistry>().All.Where(s => schoolId is null || s.Id == schoolId).ToList();
        if (schoolId is not null && schools.Count == 0)
        {
            Console.Error.WriteLine($"Школы '{schoolId}' нет в настройках (Connector:Schools:N:Id) или она отключена из-за ошибки в настройках.");
            return ExitCodes.Configuration;
        }

        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(cancellationToken).ConfigureAwait(false);
        var pauses = await StatusRepository.PausedChannelsAsync(db, now).ConfigureAwait(false);
        var report = new List<SchoolStatus>();
        foreach (var school in schools)
        {
            var today = school.LocalDate(now);
            var figures = await StatusRepository.ReadAsync(db, school.Id, today).ConfigureAwait(false);
            var lastPoll = await PollRunRepository.GetAsync(db, school.Id).ConfigureAwait(false);
            var quarantines = await ReadQuarantineRepository.ListAsync(db, null, school.Id).ConfigureAwait(false);
            report.Add(new SchoolStatus(school, today, figures, lastPoll, SchoolSchedule.NextPoll(school, now), quarantines, pauses));
        }

        if (json) Console.WriteLine(JsonSerializer.Serialize(new { at = now, schools = report.Select(r => r.ToJson()) }, Json));
        else foreach (var status in report) status.Write(Console.Out);

        return report.Any(r => r.NeedsAttention) ? ExitCodes.Unreachable : ExitCodes.Ok;
    }

    private sealed record SchoolStatus(
        SchoolContext School, DateOnly Today, StatusRepository.Figures Figures, PollRunRepository.Stored? LastPoll, DateTimeOffset? NextPoll,
        IReadOnlyList<ReadQuarantineRepository.Stored> Quarantines, IReadOnlyList<StatusRepository.Pause> Pauses)
    {
        public bool NeedsAttention =>
            Quarantines.Count > 0 || Pauses.Count > 0 || LastPoll?.Outcome is PollOutcome.Failed or PollOutcome.Crashed
            || Figures.FlagsRefused > 0 || Figures.Messages.Any(m => m.FailedToday > 0);

        private string Local(DateTimeOffset instant, string format = "dd.MM.yyyy HH:mm") => School.LocalTime(instant).ToString(format, System.Globalization.CultureInfo.GetCultureInfo("ru-RU"));

        public void Write(TextWriter output)
        {
            var f = Figures;
            output.WriteLine($"Школа {School.Id} ({School.Ref.Name}), журнал «{School.Ref.AdapterKind}», время школы {School.TimeZone.Id}:");
            output.WriteLine($"  Последний опрос: {LastPollText()}");
            output.WriteLine(NextPoll is { } next ? $"  Следующий опрос: {Local(next)}." : "  Следующий опрос: в ближайшие три недели учебных дней нет.");
            output.WriteLine(f.RosterReadAt is { } read
                ? $"  Состав учеников прочитан {Local(read)}; учеников: {f.Pupils}, представителей с контактами: {f.GuardiansWithContacts}."
                : "  Состав учеников ещё не прочитан из журнала.");
            if (Quarantines.Count == 0) output.WriteLine("  Чтение журнала: данные принимаются.");
            foreach (var q in Quarantines)
            {
                output.WriteLine($"  Данные журнала не приняты с {Local(q.FirstSeenAt, "dd.MM HH:mm")} (опросов: {q.Polls}, последний в {Local(q.LastSeenAt, "HH:mm")}): {q.Description}. По ним ничего не решается.");
            }

            output.WriteLine($"  Пропуски без уважительной причины сегодня ({Today:dd.MM.yyyy}): учеников — {f.PupilsUnexplainedToday}, уроков — {f.LessonsUnexplainedToday}.");
            if (f.Messages.Count == 0) output.WriteLine("  Сообщения: ни в очереди, ни за сегодня нет.");
            foreach (var m in f.Messages)
            {
                output.WriteLine(m.Channel == "—"
                    ? $"  Сообщения без канала (у представителя нет ни почты, ни телефона) за сегодня: {m.UnreachableToday}."
                    : $"  Сообщения, {ConsoleText.ChannelName(m.Channel)}: в очереди {m.Waiting}, отправляются {m.Sending}; за сегодня отправлено {m.SentToday}, не доставлено {m.FailedToday}.");
            }

            foreach (var pause in Pauses)
            {
                output.WriteLine($"  Канал «{ConsoleText.ChannelName(pause.Channel)}» приостановлен до {Local(pause.Until, "dd.MM HH:mm")}: {Diagnostics.Redact.Contacts(pause.Reason)}.");
            }

            if (School.Adapter.Capabilities.CanWriteFlags)
            {
                output.WriteLine($"  Отметки для сотрудников в журнале: ждут записи {f.FlagsWaiting}, журнал отказался принять {f.FlagsRefused}.");
            }

            output.WriteLine($"  Случаи: открыто {f.OpenCases}; шагов со сроком сегодня {f.StepsDueToday}, просрочено {f.StepsOverdue}.");
        }

        private string LastPollText()
        {
            if (LastPoll is not { } poll) return "ещё не было.";
            var at = Local(poll.StartedAt);
            var text = poll.Outcome switch
            {
                PollOutcome.Running => $"начат {at} и не завершён (идёт сейчас или служба была остановлена во время опроса).",
                PollOutcome.Ok => $"{at}, успешно; изменилось отметок: {poll.ChangedMarks}.",
                PollOutcome.Skipped => $"{at}, не учебный день — журнал не читался.",
                PollOutcome.Quarantined => $"{at}, прочитан, но данные не приняты (см. ниже); ничего не решено.",
                PollOutcome.Failed => $"{at}, журнал не прочитан ({Failure(poll.Failure)}): {Diagnostics.Redact.Contacts(poll.Detail ?? "")}. Ничего не решено; неудачных опросов подряд: {poll.FailuresInRow}.",
                _ => $"{at}, непредвиденная ошибка ({poll.Detail}); ничего не решено; неудачных опросов подряд: {poll.FailuresInRow}.",
            };
            return poll.Outcome is PollOutcome.Failed or PollOutcome.Crashed
                ? text + (poll.LastOkAt is { } ok ? $" Последний успешный опрос: {Local(ok)}." : " Успешных опросов ещё не было.")
                : text;
        }

        private static string Failure(string? kind) =>
            Enum.TryParse<Abstractions.Journals.JournalFailure>(kind, out var failure) ? ConsoleText.Describe(failure) : "сбой";

        public object ToJson() => new
        {
            id = School.Id,
            name = School.Ref.Name,
            adapter = School.Ref.AdapterKind,
            timeZone = School.TimeZone.Id,
            today = Today,
            needsAttention = NeedsAttention,
            lastPoll = LastPoll is { } p
                ? new
                {
                    startedAt = LocalOffset(p.StartedAt),
                    finishedAt = p.FinishedAt is { } fin ? LocalOffset(fin) : (DateTimeOffset?)null,
                    outcome = p.Outcome,
                    failure = p.Failure,
                    detail = p.Detail is null ? null : Diagnostics.Redact.Contacts(p.Detail),
                    changedMarks = p.ChangedMarks,
                    failuresInRow = p.FailuresInRow,
                    lastOkAt = p.LastOkAt is { } ok ? LocalOffset(ok) : (DateTimeOffset?)null,
                }
                : null,
            nextPoll = NextPoll is { } n ? LocalOffset(n) : (DateTimeOffset?)null,
            roster = new { readAt = Figures.RosterReadAt is { } r ? LocalOffset(r) : (DateTimeOffset?)null, pupils = Figures.Pupils, guardiansWithContacts = Figures.GuardiansWithContacts },
            quarantines = Quarantines.Select(q => new { source = q.Source, kind = q.Kind, description = q.Description, since = LocalOffset(q.FirstSeenAt), polls = q.Polls }),
            unexplainedToday = new { pupils = Figures.PupilsUnexplainedToday, lessons = Figures.LessonsUnexplainedToday },
            messages = Figures.Messages.Select(m => new
            {
                channel = m.Channel == "—" ? null : m.Channel,
                waiting = m.Waiting,
                sending = m.Sending,
                sentToday = m.SentToday,
                failedToday = m.FailedToday,
                unreachableToday = m.UnreachableToday,
            }),
            pausedChannels = Pauses.Select(x => new { channel = x.Channel, until = LocalOffset(x.Until), reason = Diagnostics.Redact.Contacts(x.Reason) }),
            flags = School.Adapter.Capabilities.CanWriteFlags ? new { waiting = Figures.FlagsWaiting, refused = Figures.FlagsRefused } : null,
            cases = new { open = Figures.OpenCases, stepsDueToday = Figures.StepsDueToday, stepsOverdue = Figures.StepsOverdue },
        };

        private DateTimeOffset LocalOffset(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, School.TimeZone);
    }
}
