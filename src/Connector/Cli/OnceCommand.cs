using Connector.Abstractions.Journals;
using Connector.Delivery;
using Connector.Polling;
using Connector.Schools;
using Microsoft.Extensions.DependencyInjection;

namespace Connector.Cli;

/// <summary>
/// <c>once</c>: one poll and one delivery for every school, whatever the hour, then exit: 0 all done,
/// 2 settings wrong, 3 a journal could not be read, 4 some messages could not be delivered yet, 5 another runner holds the installation.
/// </summary>
internal static class OnceCommand
{
    public static async Task<int> RunAsync(string? home, CancellationToken cancellationToken)
    {
        using var host = InstalledHost.Open(home);
        if (host is null) return ExitCodes.Configuration;
        using var runner = InstalledHost.LockRunner(host);
        if (runner is null) return ExitCodes.Busy;

        var poller = host.Services.GetRequiredService<SchoolPoller>();
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        var exit = ExitCodes.Ok;
        foreach (var school in host.Services.GetRequiredService<SchoolRegistry>().All)
        {
            try
            {
                var poll = await poller.PollAsync(school.Id, cancellationToken).ConfigureAwait(false);
                Console.WriteLine(poll.Skipped
                    ? $"Школа {school.Id}: сегодня не учебный день, опрос не нужен."
                    : $"Школа {school.Id}: журнал прочитан; изменилось отметок: {poll.ChangedMarks}; новых пропусков без причины: {poll.Decisions.Opened}; " +
                      $"объяснено до отправки: {poll.Decisions.Explained}; сообщений в очереди: {poll.Decisions.Queued}; нет контакта: {poll.Decisions.Unreachable}; строк с ошибками: {poll.Problems}.");
            }
            catch (JournalException ex)
            {
                Console.Error.WriteLine($"Школа {school.Id}: журнал не прочитан ({ConsoleText.Describe(ex.Failure)}): {ex.Message}. Ничего не решено.");
                exit = ExitCodes.Unreachable;
            }

            var run = await dispatcher.DeliverAsync(school.Id, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Школа {school.Id}: отправлено: {run.Sent}; отменено (причина указана): {run.Cancelled}; повтор позже: {run.Retrying}; не доставлено: {run.Failed}.");
            if (exit == ExitCodes.Ok && (run.Failed > 0 || run.Retrying > 0)) exit = ExitCodes.DeliveryIncomplete;
        }

        return exit;
    }
}
