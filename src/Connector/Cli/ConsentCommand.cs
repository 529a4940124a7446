using Connector.Abstractions.Schools;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Connector.Cli;

/// <summary>
/// <c>consent</c>: records a guardian's consent to, or refusal of, a channel, with the date and the basis
/// (a written statement, a phone call), and lists what is recorded. The channel policy obeys it from the next message on.
/// </summary>
internal static class ConsentCommand
{
    public static async Task<int> SetAsync(string? home, string schoolId, string guardianId, ChannelKind channel, bool optOut, string source, CancellationToken cancellationToken)
    {
        if (InstalledHost.Open(home) is not { } host) return ExitCodes.Configuration;
        using (host)
        {
            if (InstalledHost.School(host, schoolId) is not { } school) return ExitCodes.Configuration;

            var database = host.Services.GetRequiredService<ConnectorDatabase>();
            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var known = await database.InTransactionAsync(async (db, tx) =>
            {
                if (!await GuardianStore.ExistsAsync(db, tx, schoolId, guardianId).ConfigureAwait(false)) return false;
                await GuardianStore.RecordConsentAsync(db, tx, schoolId, guardianId, channel, optOut, source, now).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);

            if (!known)
            {
                Console.Error.WriteLine($"Представителя '{guardianId}' нет в журнале школы {schoolId} (список обновляется при опросе).");
                return ExitCodes.Configuration;
            }

            Console.WriteLine($"Записано: представитель {guardianId}, канал «{ConsoleText.ChannelName(channel.ToString())}»: {(optOut ? "отказ" : "согласие")}; основание: {source}; " +
                $"{school.LocalTime(now):dd.MM.yyyy HH:mm} по времени школы ({school.TimeZone.Id}).");
            return ExitCodes.Ok;
        }
    }

    /// <summary>
    /// <c>consent processing</c>: records the guardian's written consent to the processing of the child's personal
    /// data (003 §6.3.1), with the day it was given and its basis; it is kept while the guardian is, and removed with them.
    /// </summary>
    public static async Task<int> ProcessingAsync(string? home, string schoolId, string guardianId, string given, string basis, CancellationToken cancellationToken)
    {
        if (!DateOnly.TryParseExact(given, ["dd.MM.yyyy", "yyyy-MM-dd"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var givenOn))
        {
            Console.Error.WriteLine($"--given: «{given}» — не дата; укажите день, когда согласие дано, как 01.09.2026.");
            return ExitCodes.Configuration;
        }

        if (InstalledHost.Open(home) is not { } host) return ExitCodes.Configuration;
        using (host)
        {
            if (InstalledHost.School(host, schoolId) is not { } school) return ExitCodes.Configuration;

            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            if (givenOn > school.LocalDate(now))
            {
                Console.Error.WriteLine($"--given: {givenOn:dd.MM.yyyy} ещё не наступило; укажите день, когда согласие дано.");
                return ExitCodes.Configuration;
            }

            var known = await host.Services.GetRequiredService<ConnectorDatabase>().InTransactionAsync(async (db, tx) =>
            {
                if (!await GuardianStore.ExistsAsync(db, tx, schoolId, guardianId).ConfigureAwait(false)) return false;
                await GuardianStore.RecordProcessingConsentAsync(db, tx, schoolId, guardianId, givenOn, basis, now).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);

            if (!known)
            {
                Console.Error.WriteLine($"Представителя '{guardianId}' нет в журнале школы {schoolId} (список обновляется при опросе).");
                return ExitCodes.Configuration;
            }

            Console.WriteLine($"Записано: представитель {guardianId} дал согласие на обработку персональных данных ребёнка {givenOn:dd.MM.yyyy}; основание: {basis}.");
            return ExitCodes.Ok;
        }
    }
}
