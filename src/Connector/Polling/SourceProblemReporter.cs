using System.Collections.Concurrent;
using Connector.Abstractions.Schools;
using Microsoft.Extensions.Logging;

namespace Connector.Polling;

/// <summary>
/// Reports each unusable row of a journal once per process, not at every poll: an IT person reads the log to fix
/// the export, and a row repeated every fifteen minutes would bury everything else.
/// </summary>
internal sealed class SourceProblemReporter(ILogger<SourceProblemReporter> logger)
{
    private readonly ConcurrentDictionary<string, byte> reported = new(StringComparer.Ordinal);

    /// <summary>Logs the problems not reported before; returns how many there are in all.</summary>
    public int Report(string schoolId, IReadOnlyList<SourceProblem> problems)
    {
        foreach (var problem in problems)
        {
            if (reported.TryAdd($"{schoolId}|{problem}", 0))
            {
                Log.SourceProblem(logger, schoolId, problem.Location, problem.Reason);
            }
        }

        return problems.Count;
    }
}
