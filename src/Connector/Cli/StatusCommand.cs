using Connector.Schools;
using Connector.Store;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Connector.Cli;

/// <summary>
/// <c>status [--school S]</c>: what the service holds now, read from the store while it runs (nothing is changed):
/// per school, when the roster was last read, whether the journal's reads are being accepted or are quarantined and
/// why, the messages queued, being sent, sent and undelivered today, and the flags waiting for the journal; then the
/// channels paused. Times are the school's local time.
/// </summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(string? home, string? schoolId, CancellationToken cancellationToken)
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
        var unhealthy = false;
        foreach (var school in schools)
        {
            var today = StoreTime.Format(school.LocalDate(now));
            var args = new { id = school.Id, today };
            Console.WriteLine($"Школа {school.Id} ({school.Ref.Name}), журнал «{school.Ref.AdapterKind}»:");
            var synced = await db.QueryFirstOrDefaultAsync<string?>("SELECT synced_at FROM roster_syncs WHERE school_id = @id", args).ConfigureAwait(false);
            var pupils = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pupils WHERE school_id = @id AND active = 1", args).ConfigureAwait(false);
            var guardians = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM guardians WHERE school_id = @id AND (email IS NOT NULL OR phone IS NOT NULL)", args).ConfigureAwait(false);
            Console.WriteLine(synced is null
                ? "  Состав учеников ещё не прочитан из журнала."
                : $"  Состав учеников прочитан {school.LocalTime(StoreTime.ParseInstant(synced)):dd.MM.yyyy HH:mm}; учеников: {pupils}, представителей с контактами: {guardians}.");

            var quarantines = await ReadQuarantineRepository.ListAsync(db, null, school.Id).ConfigureAwait(false);
            if (quarantines.Count == 0) Console.WriteLine("  Чтение журнала: данные принимаются.");
            foreach (var quarantine in quarantines)
            {
                unhealthy = true;
                Console.WriteLine($"  Данные журнала не приняты с {school.LocalTime(quarantine.FirstSeenAt):dd.MM HH:mm} (опросов: {quarantine.Polls}, последний в {school.LocalTime(quarantine.LastSeenAt):HH:mm}): {quarantine.Description}. По ним ничего не решается.");
            }

            var outbox = (await db.QueryAsync<(string State, long Count)>(
                """
                SELECT state, COUNT(*) FROM outbox WHERE school_id = @id
                  AND (state IN ('pending', 'sending') OR (state IN ('sent', 'failed', 'unreachable') AND date = @today))
                GROUP BY state
                """, args).ConfigureAwait(false)).ToDictionary(r => r.State, r => r.Count);
            Console.WriteLine($"  Сообщения: в очереди {outbox.GetValueOrDefault("pending")}, отправляются {outbox.GetValueOrDefault("sending")}; за сегодня отправлено {outbox.GetValueOrDefault("sent")}, "
                + $"не доставлено {outbox.GetValueOrDefault("failed")}, некому отправить (нет контакта) {outbox.GetValueOrDefault("unreachable")}.");
            var flags = (await db.QueryAsync<(string State, long Count)>(
                "SELECT state, COUNT(*) FROM journal_flags WHERE school_id = @id AND state IN ('pending', 'failed') GROUP BY state", args).ConfigureAwait(false))
                .ToDictionary(r => r.State, r => r.Count);
            if (school.Adapter.Capabilities.CanWriteFlags)
            {
                Console.WriteLine($"  Отметки для сотрудников в журнале: ждут записи {flags.GetValueOrDefault("pending")}, журнал отказался принять {flags.GetValueOrDefault("failed")}.");
            }
        }

        foreach (var (channel, until, reason) in await db.QueryAsync<(string, string, string)>(
            "SELECT channel, paused_until, reason FROM channel_pauses WHERE paused_until > @now", new { now = StoreTime.Format(now) }).ConfigureAwait(false))
        {
            unhealthy = true;
            Console.WriteLine($"Канал {channel} приостановлен до {StoreTime.ParseInstant(until).ToLocalTime():dd.MM HH:mm}: {Diagnostics.Redact.Contacts(reason)}.");
        }

        return unhealthy ? ExitCodes.Unreachable : ExitCodes.Ok;
    }
}
