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

    /// <summary>
    /// The journals' own standard codes (SGO_API.md §4.1 and the common export letters). Only these are stored with a
    /// mark; a code a school defines itself («ОРВИ», a doctor's speciality) may say more about a child's health than
    /// the reason category, so it is not kept beyond the category it maps to.
    /// </summary>
    public static readonly IReadOnlySet<string> StandardCodes =
        new HashSet<string>(["Н", "ОТ", "Б", "УП", "ОСВ", "НП", "ОП", "П", "+"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The code as the store may keep it: a standard code, or nothing.</summary>
    public static string Storable(string code) => StandardCodes.Contains(code.Trim()) ? code.Trim().ToUpperInvariant() : "";

    /// <summary>The setting problem of a name that is not canonical, or null: "'прогул' is not one of present, late, …".</summary>
    public static string? Problem(string name) =>
        ByName.ContainsKey(name) ? null : $"«{name}» — не одно из: {string.Join(", ", ByName.Keys)}";
}
