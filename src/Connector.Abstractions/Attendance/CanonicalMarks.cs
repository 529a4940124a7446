namespace Connector.Abstractions.Attendance;

/// <summary>
/// The names a school maps its journal's own attendance codes to in <c>Adapter:Codes</c>, whatever the adapter:
/// present, late, absent (no reason recorded), illness, excused, unexcused.
/// </summary>
public static class CanonicalMarks
{
    /// <summary>Each canonical name and the mark it means.</summary>
    public static readonly IReadOnlyDictionary<string, (Presence Presence, AbsenceReason Reason)> ByName =
        new Dictionary<string, (Presence, AbsenceReason)>(StringComparer.OrdinalIgnoreCase)
        {
            ["present"] = (Presence.Present, AbsenceReason.NoneRecorded),
            ["late"] = (Presence.Late, AbsenceReason.NoneRecorded),
            ["absent"] = (Presence.Absent, AbsenceReason.NoneRecorded),
            ["illness"] = (Presence.Absent, AbsenceReason.Illness),
            ["excused"] = (Presence.Absent, AbsenceReason.Excused),
            ["unexcused"] = (Presence.Absent, AbsenceReason.Unexcused),
        };

    /// <summary>The setting problem of a name that is not canonical, or null: "'прогул' is not one of present, late, …".</summary>
    public static string? Problem(string name) =>
        ByName.ContainsKey(name) ? null : $"'{name}' is not one of {string.Join(", ", ByName.Keys)}";
}
