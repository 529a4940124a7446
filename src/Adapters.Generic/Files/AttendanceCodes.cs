using Connector.Abstractions.Attendance;

namespace Connector.Adapters.Generic.Files;

/// <summary>The attendance codes Russian journals use, mapped to canonical marks.</summary>
internal static class AttendanceCodes
{
    /// <summary>The canonical names a school may map its own codes to in <c>Adapter:Codes</c>.</summary>
    public static readonly IReadOnlyDictionary<string, (Presence Presence, AbsenceReason Reason)> Canonical =
        new Dictionary<string, (Presence, AbsenceReason)>(StringComparer.OrdinalIgnoreCase)
        {
            ["present"] = (Presence.Present, AbsenceReason.NoneRecorded),
            ["late"] = (Presence.Late, AbsenceReason.NoneRecorded),
            ["absent"] = (Presence.Absent, AbsenceReason.NoneRecorded),
            ["illness"] = (Presence.Absent, AbsenceReason.Illness),
            ["excused"] = (Presence.Absent, AbsenceReason.Excused),
            ["unexcused"] = (Presence.Absent, AbsenceReason.Unexcused),
        };

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
            map[code.Trim()] = Canonical[name];
        }

        return map;
    }
}
