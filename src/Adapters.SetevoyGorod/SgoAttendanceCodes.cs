using System.Collections.Concurrent;
using Connector.Abstractions.Attendance;
using Microsoft.Extensions.Logging;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>
/// SGO's attendance codes (SGO_API.md §4.1) mapped to canonical marks: ОТ → absent, reason not recorded; УП → excused;
/// Б → illness; НП → unexcused; ОП → late; ОСВ → exempt (excused). A school may add or correct codes in
/// <c>Adapter:Codes</c>; a code nobody mapped is read as <c>Adapter:UnknownCode</c> (absent, no reason) and logged once.
/// </summary>
internal sealed partial class SgoAttendanceCodes
{
    private static readonly Dictionary<string, string> Defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ОТ"] = "absent",
        ["УП"] = "excused",
        ["Б"] = "illness",
        ["НП"] = "unexcused",
        ["ОП"] = "late",
        ["ОСВ"] = "excused",
    };

    private readonly Dictionary<string, (Presence, AbsenceReason)> map = new(StringComparer.OrdinalIgnoreCase);
    private readonly (Presence, AbsenceReason) unknown;
    private readonly string unknownName;
    private readonly ConcurrentDictionary<string, bool> reported = new(StringComparer.OrdinalIgnoreCase);
    private readonly string school;
    private readonly ILogger logger;

    public SgoAttendanceCodes(SgoOptions options, string school, ILogger logger)
    {
        foreach (var (code, name) in Defaults.Concat(options.Codes)) map[code.Trim()] = CanonicalMarks.ByName[name];
        unknownName = options.UnknownCode;
        unknown = CanonicalMarks.ByName[options.UnknownCode];
        this.school = school;
        this.logger = logger;
    }

    public static IEnumerable<string> Validate(SgoOptions options, string path)
    {
        foreach (var (code, name) in options.Codes)
        {
            if (CanonicalMarks.Problem(name) is { } problem) yield return $"{path}:Codes:{code}: {problem}";
        }

        if (CanonicalMarks.Problem(options.UnknownCode) is { } unknownProblem) yield return $"{path}:UnknownCode: {unknownProblem}";
    }

    public (Presence Presence, AbsenceReason Reason) Map(string code)
    {
        var trimmed = code.Trim();
        if (map.TryGetValue(trimmed, out var mark)) return mark;
        if (reported.TryAdd(trimmed, true)) Log.UnknownCode(logger, school, trimmed, unknownName);
        return unknown;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "School {School}: the SGO attendance code '{Code}' is unknown; it is read as '{Meaning}'. Map it in the school's Adapter:Codes if it means something else")]
        public static partial void UnknownCode(ILogger logger, string school, string code, string meaning);
    }
}
