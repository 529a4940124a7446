using System.Collections.Concurrent;
using Connector.Abstractions.Schools;
using Microsoft.Extensions.Logging;

namespace Connector.Polling;

/// <summary>
/// Reports the unusable records of a read as one line per source and kind of problem, with how many rows and where
/// the first one is: an IT person reads the log to fix the export, and ten thousand lines would bury everything
/// else. The same summary is written at Warning when it changes, and at Debug at the polls in between. No line quotes
/// a cell: a cell may hold a child's name or birth date.
/// </summary>
internal sealed class SourceProblemReporter(ILogger<SourceProblemReporter> logger)
{
    private readonly ConcurrentDictionary<(string School, string Source, string Reason), int> lastCount = new();

    /// <summary>Logs the summaries; returns how many problems there are in all.</summary>
    public int Report(string schoolId, IReadOnlyList<SourceProblem> problems)
    {
        var groups = problems.GroupBy(p => (p.Source, p.Reason)).ToList();
        // A note keeps its record (a guardian without an invalid e-mail); the other kinds leave the record out.
        foreach (var group in groups)
        {
            var first = group.First();
            var count = group.Count();
            var key = (schoolId, group.Key.Source, group.Key.Reason);
            var level = lastCount.TryGetValue(key, out var before) && before == count ? LogLevel.Debug : LogLevel.Warning;
            lastCount[key] = count;
            var what = first.Kind == SourceProblemKind.Note ? "record(s) kept, a value ignored" : "record(s) not used";
            Log.SourceProblems(logger, level, schoolId, group.Key.Source, count, what, group.Key.Reason, first.Record ?? "-", first.Field ?? "-");
        }

        foreach (var gone in lastCount.Keys.Where(k => k.School == schoolId && !groups.Any(g => g.Key == (k.Source, k.Reason))).ToList())
        {
            lastCount.TryRemove(gone, out _);
        }

        return problems.Count;
    }
}
