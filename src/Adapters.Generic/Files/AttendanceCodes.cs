using Connector.Abstractions.Attendance;

namespace Connector.Adapters.Generic.Files;

/// <summary>The attendance codes Russian journals use, mapped to canonical marks.</summary>
internal static class AttendanceCodes
{
    private static readonly Dictionary<string, string> Defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["П"] = "present",
        ["+"] = "present",
        ["ОП"] = "late",
        ["Н"] = "absent",
        ["ОТ"] = "absent",
        ["Б"] = "illness",
        ["УП"] = "excused",
        ["ОСВ"] = "excused",
        ["НП"] = "unexcused",
    };

    public static Dictionary<string, (Presence, AbsenceReason)> Build(IReadOnlyDictionary<string, string> overrides)
    {
        var map = new Dictionary<string, (Presence, AbsenceReason)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (code, name) in Defaults.Concat(overrides))
        {
            map[code.Trim()] = CanonicalMarks.ByName[name];
        }

        return map;
    }
}
