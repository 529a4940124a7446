using System.Data.Common;
using System.Globalization;
using Connector.Schools;
using Connector.Store;
using Connector.Thresholds;

namespace Connector.Reports;

/// <summary>
/// The report a school's profile requires for a period (RULES.md §5), built from the store with the same share
/// the thresholds use: Baley's monitoring table (and the same list for the other profiles), Volsk's counts by
/// grade band, Tolyatti's forms № 1 and № 2, Krasnodar's quarterly effectiveness.
/// </summary>
internal sealed class ReportBuilder(RuleProfiles profiles)
{
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    public async Task<Report> BuildAsync(DbConnection db, SchoolContext school, Period period, PeriodKind kind)
    {
        var profile = profiles.Get(school.Ref.ProfileId);
        var counts = (await BreachStore.CountAsync(db, null, school.Id, period).ConfigureAwait(false)).ToDictionary(c => c.PupilId);
        var yearStart = Periods.Current(PeriodKind.SchoolYear, period.To)!;
        var year = (await BreachStore.CountAsync(db, null, school.Id, yearStart).ConfigureAwait(false)).ToDictionary(c => c.PupilId);
        var pupils = await ReportStore.PupilsAsync(db, school.Id).ConfigureAwait(false);

        // Who reached which level: the period's own levels on its counts, the school-year levels up to its end.
        var reached = profile.Levels
            .SelectMany(level => (level.Period == PeriodKind.SchoolYear ? year : counts).Values
                .Where(c => Matches(level.Period, kind) && ThresholdEngine.Reaches(level, c, profile.MinimumLessons))
                .Select(c => (Level: level, Counts: c)))
            .Where(r => pupils.ContainsKey(r.Counts.PupilId))
            .ToList();

        var tables = profile.Id switch
        {
            "volsk" => [VolskBands(school, period, reached, pupils)],
            "tolyatti" => await TolyattiFormsAsync(db, school, period, reached, pupils).ConfigureAwait(false),
            "krasnodar" => [await KrasnodarEffectivenessAsync(db, school, period, reached, pupils).ConfigureAwait(false)],
            _ => [await MonitoringAsync(db, school, profile, period, reached, pupils).ConfigureAwait(false)],
        };
        return new Report(tables, reached.Select(r => r.Counts.PupilId).Distinct().ToList());
    }

    private static bool Matches(PeriodKind level, PeriodKind report) =>
        level == PeriodKind.SchoolYear || (report == PeriodKind.Quarter ? level == PeriodKind.Quarter : level is PeriodKind.Month or PeriodKind.ReportingPeriod);

    /// <summary>Baley's «ОТЧЕТ мониторинга учета» (000, приложение), used by every profile without a form of its own.</summary>
    private static async Task<ReportTable> MonitoringAsync(DbConnection db, SchoolContext school, RuleProfile profile, Period period,
        IReadOnlyList<(ThresholdLevel Level, PupilPeriodCounts Counts)> reached, IReadOnlyDictionary<string, ReportPupil> pupils)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var group in reached.GroupBy(r => r.Counts.PupilId).OrderBy(g => pupils[g.Key].ClassName).ThenBy(g => pupils[g.Key].FullName))
        {
            var pupil = pupils[group.Key];
            var top = group.MaxBy(r => r.Level.Rank);
            var (noReason, unexcused) = await ReasonsAsync(db, school.Id, pupil.Id, period).ConfigureAwait(false);
            var (measures, result) = await MeasuresAsync(db, school.Id, pupil.Id).ConfigureAwait(false);
            rows.Add([
                (rows.Count + 1).ToString(Russian), pupil.FullName, $"{school.Ref.Name}, {pupil.ClassName}",
                top.Counts.Missed.ToString(Russian),
                $"{top.Level.Name}; без причины: {noReason}, неуважительные: {unexcused} ({top.Counts.Share.ToString("0.#", Russian)} % уроков)",
                measures, result]);
        }

        return new ReportTable("Мониторинг", $"Отчёт мониторинга учёта несовершеннолетних, систематически пропускающих учебные занятия: {school.Ref.Name}, {period.Name} ({profile.Name})",
            [("№ п/п", 6), ("ФИО", 32), ("Школа, класс", 30), ("Количество пропусков", 14), ("Причины", 40), ("Меры профилактики / ИПР", 44), ("Результат", 34)], rows);
    }

    /// <summary>Volsk's «Сведения о несовершеннолетних, подлежащих учёту» (002, приложение 1): counts by grade band.</summary>
    private static ReportTable VolskBands(SchoolContext school, Period period, IReadOnlyList<(ThresholdLevel Level, PupilPeriodCounts Counts)> reached, IReadOnlyDictionary<string, ReportPupil> pupils)
    {
        static string Band(int grade) => grade <= 4 ? "1–4" : grade <= 9 ? "5–9" : "10–11";
        var rows = reached.GroupBy(r => r.Level.Id).OrderBy(g => g.First().Level.Rank).Select(level =>
        {
            var byBand = level.GroupBy(r => Band(pupils[r.Counts.PupilId].Grade)).ToDictionary(g => g.Key, g => g.Count());
            return (IReadOnlyList<string>)[level.First().Level.Name, N(byBand.GetValueOrDefault("1–4")), N(byBand.GetValueOrDefault("5–9")), N(byBand.GetValueOrDefault("10–11")), N(level.Count())];
        }).ToList();
        return new ReportTable("Сведения", $"Сведения о несовершеннолетних обучающихся, подлежащих учёту: {school.Ref.Name}, {period.Name}",
            [("Категория", 48), ("1–4 классы", 12), ("5–9 классы", 12), ("10–11 классы", 12), ("Всего", 10)], rows);
    }

    /// <summary>Tolyatti's forms № 1 (not started) and № 2 (over 50 %) (004, формы).</summary>
    private static async Task<IReadOnlyList<ReportTable>> TolyattiFormsAsync(DbConnection db, SchoolContext school, Period period,
        IReadOnlyList<(ThresholdLevel Level, PupilPeriodCounts Counts)> reached, IReadOnlyDictionary<string, ReportPupil> pupils)
    {
        var tables = new List<ReportTable>();
        // A pupil who never started is on form № 1 only, not also among those missing over half the lessons.
        var notStarted = reached.Where(r => r.Level.Id == "not-started").Select(r => r.Counts.PupilId).ToHashSet();
        foreach (var (levelId, sheet, title) in new[] { ("not-started", "Форма 1", "Форма № 1. Сведения о детях, не приступивших к обучению"), ("systematic", "Форма 2", "Форма № 2. Сведения о детях, пропускающих более 50 % занятий") })
        {
            var rows = new List<IReadOnlyList<string>>();
            foreach (var (_, counts) in reached.Where(r => r.Level.Id == levelId && (levelId == "not-started" || !notStarted.Contains(r.Counts.PupilId)))
                .OrderBy(r => pupils[r.Counts.PupilId].ClassName))
            {
                var pupil = pupils[counts.PupilId];
                var (measures, _) = await MeasuresAsync(db, school.Id, pupil.Id).ConfigureAwait(false);
                rows.Add([(rows.Count + 1).ToString(Russian), pupil.FullName, pupil.BirthDate is { } b ? b.ToString("dd.MM.yyyy", Russian) : "нет в журнале",
                    pupil.ClassName, $"пропущено без уважительной причины {counts.Missed} из {counts.Scheduled} уроков ({counts.Share.ToString("0.#", Russian)} %)", measures]);
            }

            tables.Add(new ReportTable(sheet, $"{title}: {school.Ref.Name}, {period.Name}",
                [("№", 6), ("ФИО", 32), ("Дата рождения", 14), ("Класс", 8), ("Причины", 44), ("Принятые меры", 44)], rows));
        }

        return tables;
    }

    /// <summary>Krasnodar's quarterly effectiveness (003 §VII): attendance of the red-zone pupils; 85 % or more is positive.</summary>
    private static async Task<ReportTable> KrasnodarEffectivenessAsync(DbConnection db, SchoolContext school, Period period,
        IReadOnlyList<(ThresholdLevel Level, PupilPeriodCounts Counts)> reached, IReadOnlyDictionary<string, ReportPupil> pupils)
    {
        var onRecord = await ReportStore.EverAtLevelAsync(db, school.Id, "red-zone").ConfigureAwait(false);
        var counts = (await BreachStore.CountAsync(db, null, school.Id, period).ConfigureAwait(false)).ToDictionary(c => c.PupilId);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var pupilId in onRecord.Union(reached.Select(r => r.Counts.PupilId)).Where(pupils.ContainsKey).OrderBy(p => pupils[p].ClassName).ThenBy(p => pupils[p].FullName))
        {
            var c = counts.GetValueOrDefault(pupilId);
            var attendance = c is null || c.Scheduled == 0 ? (decimal?)null : 100m * c.Attended / c.Scheduled;
            rows.Add([(rows.Count + 1).ToString(Russian), pupils[pupilId].FullName, pupils[pupilId].ClassName,
                attendance is { } a ? $"{a.ToString("0.#", Russian)} %" : "нет уроков",
                attendance >= 85 ? "положительная (≥ 85 %)" : "отрицательная (< 85 %)"]);
        }

        return new ReportTable("Эффективность", $"Мониторинг эффективности работы с учащимися красной зоны (п. 1.7): {school.Ref.Name}, {period.Name}",
            [("№", 6), ("ФИО", 32), ("Класс", 8), ("Посещаемость за период", 18), ("Динамика", 26)], rows);
    }

    private static Task<(int NoReason, int Unexcused)> ReasonsAsync(DbConnection db, string schoolId, string pupilId, Period period) =>
        ReportStore.ReasonsAsync(db, schoolId, pupilId, period.From, period.To);

    /// <summary>The steps done in the pupil's cases, and where the latest case stands.</summary>
    private static async Task<(string Measures, string Result)> MeasuresAsync(DbConnection db, string schoolId, string pupilId)
    {
        var steps = await ReportStore.StepsOfPupilAsync(db, schoolId, pupilId).ConfigureAwait(false);
        if (steps.Count == 0) return ("случай не открывался", "");
        var done = steps.Where(s => s.Done).Select(s => $"{s.Name}: {s.Outcome}").ToList();
        var pending = steps.LastOrDefault(s => s.Pending);
        return (done.Count == 0 ? "шаги ещё не выполнены" : string.Join("; ", done),
            pending is null ? "все шаги выполнены" : $"в работе: {pending.Name} (срок {pending.Due:dd.MM.yyyy})");
    }

    private static string N(int value) => value.ToString(Russian);
}

/// <summary>A built report: its tables, and the pupils whose data it carries (for the audit log).</summary>
internal sealed record Report(IReadOnlyList<ReportTable> Tables, IReadOnlyList<string> PupilIds);
