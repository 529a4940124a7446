using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Connector.Abstractions.Attendance;
using Connector.Abstractions.Schools;
using Connector.Notifier.Templates;

namespace Connector.Polling;

/// <summary>
/// Judges a read of the journal before anything is decided from it (docs/file-journal.md, "A read is judged before it decides").
/// A read with rows that could not be read whole, or one that lost a large share of what the store holds, is
/// quarantined; a pure function of the read, the store and the settings.
/// </summary>
internal static class ReadJudge
{
    public static ReadQuarantine? Roster(Roster roster, StoredRoster stored, ReadChecksOptions options)
    {
        if (Unreadable(ReadQuarantine.Roster, roster.Problems) is { } unreadable) return unreadable;

        var active = roster.Pupils.Where(p => p.Active).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var lostPupils = stored.ActivePupils.Where(id => !active.Contains(id)).Order(StringComparer.Ordinal).ToList();
        var reachable = roster.Guardians.Where(g => g.Email is not null || g.Phone is not null).Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
        var lostContacts = stored.GuardiansWithContact.Where(id => !reachable.Contains(id)).Order(StringComparer.Ordinal).ToList();
        var parts = new List<string>();
        if (TooMany(lostPupils.Count, stored.ActivePupils.Count, options))
        {
            parts.Add($"из {Count(stored.ActivePupils.Count, "ученика", "учеников", "учеников")} в списке нет {lostPupils.Count}");
        }

        if (TooMany(lostContacts.Count, stored.GuardiansWithContact.Count, options))
        {
            parts.Add($"из {Count(stored.GuardiansWithContact.Count, "представителя", "представителей", "представителей")} с адресом или телефоном их нет у {lostContacts.Count}");
        }

        return parts.Count == 0 ? null : new ReadQuarantine(ReadQuarantine.Roster, QuarantineKind.Lost,
            $"список учеников и представителей потерял слишком много по сравнению с прошлым чтением: {string.Join("; ", parts)}",
            Fingerprint([.. lostPupils, "|", .. lostContacts]));
    }

    public static ReadQuarantine? Attendance(AttendanceSnapshot snapshot, StoredWindow stored, DateOnly today, ReadChecksOptions options)
    {
        if (Unreadable(ReadQuarantine.Attendance, snapshot.Problems) is { } unreadable) return unreadable;

        var held = Held.From(snapshot.Problems);
        var taken = snapshot.Lessons.Where(l => l.AttendanceTaken).Select(l => (l.ClassName, l.Date, l.Number)).ToHashSet();
        var marked = snapshot.Marks.Select(m => (m.PupilId, m.Date, m.LessonNumber)).ToHashSet();
        var parts = new List<string>();
        var lost = new List<string>();
        for (var date = snapshot.From; date <= snapshot.To && date <= today; date = date.AddDays(1))
        {
            var day = date;
            var storedLessons = stored.TakenLessons.Where(l => l.Date == day).ToList();
            var lostLessons = storedLessons.Where(l => !taken.Contains(l)).ToList();
            var storedAbsences = stored.Absences
                .Where(a => a.Date == day && taken.Contains((a.ClassName, a.Date, a.Number)) && !held.Covers(a.PupilId, a.Date))
                .ToList();
            var lostAbsences = storedAbsences.Where(a => !marked.Contains((a.PupilId, a.Date, a.Number))).ToList();
            if (TooMany(lostLessons.Count, storedLessons.Count, options))
            {
                parts.Add($"{RussianText.Date(day)}: нет {lostLessons.Count} из {Count(storedLessons.Count, "урока", "уроков", "уроков")} с отмеченной посещаемостью");
                lost.AddRange(lostLessons.Select(l => string.Create(CultureInfo.InvariantCulture, $"L{l.ClassName}/{l.Date:yyyyMMdd}/{l.Number}")));
            }

            if (TooMany(lostAbsences.Count, storedAbsences.Count, options))
            {
                parts.Add($"{RussianText.Date(day)}: нет {lostAbsences.Count} из {Count(storedAbsences.Count, "отметки", "отметок", "отметок")} об отсутствии");
                lost.AddRange(lostAbsences.Select(a => string.Create(CultureInfo.InvariantCulture, $"M{a.PupilId}/{a.Date:yyyyMMdd}/{a.Number}")));
            }
        }

        return parts.Count == 0 ? null : new ReadQuarantine(ReadQuarantine.Attendance, QuarantineKind.Lost,
            $"журнал потерял слишком много по сравнению с прошлым чтением ({string.Join("; ", parts)})", Fingerprint(lost));
    }

    /// <summary>The attendance read with a quarantined roster is not trusted either: its marks were matched to that roster.</summary>
    public static ReadQuarantine BecauseOfRoster(ReadQuarantine roster) =>
        new(ReadQuarantine.Attendance, QuarantineKind.RosterQuarantined, "отметки не приняты, потому что не принят список учеников", roster.Fingerprint);

    private static ReadQuarantine? Unreadable(string source, IReadOnlyList<SourceProblem> problems)
    {
        var broken = problems.Where(p => p.Kind == SourceProblemKind.Structure).ToList();
        if (broken.Count == 0) return null;
        var where = string.Join(", ", broken.GroupBy(p => p.Source).Select(g =>
            $"{g.Key}: {Count(g.Count(), "строка", "строки", "строк")} (первая — {g.First().Record})"));
        return new ReadQuarantine(source, QuarantineKind.Unreadable,
            $"файлы журнала прочитаны не полностью: {where}; вероятно, выгрузка была прочитана во время записи или обрезана",
            Fingerprint(broken.Select(p => p.Location)));
    }

    private static bool TooMany(int lost, int stored, ReadChecksOptions options) =>
        lost >= 2 && lost * 100L > (long)options.MaxLostPercent * stored;

    private static string Count(int count, string one, string few, string many) =>
        $"{count} {RussianText.Plural(count, one, few, many)}";

    private static string Fingerprint(IEnumerable<string> keys) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', keys))))[..16];
}
