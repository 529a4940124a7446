using System.Data.Common;
using System.Globalization;
using Connector.Schools;
using Connector.Store;
using Connector.Thresholds;

namespace Connector.Reports;

/// <summary>
/// The report a school's profile requires for a period (RULES.md §5), built from the store with the same share
/// the thresholds use, each form with every column of its order in the order's wording: Baley's monitoring table
/// (also the default profile's), Volsk's three parts, Tolyatti's forms № 1 and № 2, ZATO Svobodny's monthly
/// information, Krasnodar's five criteria of effectiveness.
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
            "volsk" => await VolskAsync(db, school, period, reached, pupils).ConfigureAwait(false),
            "zato-svobodny" => [await ZatoAsync(db, school, period, reached, pupils).ConfigureAwait(false)],
            "tolyatti" => await TolyattiFormsAsync(db, school, period, reached, pupils).ConfigureAwait(false),
            "krasnodar" => [await KrasnodarEffectivenessAsync(db, school, period, reached, pupils).ConfigureAwait(false)],
            _ => [await MonitoringAsync(db, school, profile, period, reached, pupils).ConfigureAwait(false)],
        };
        return new Report(tables, reached.Select(r => r.Counts.PupilId).Distinct().ToList());
    }

    private static bool Matches(PeriodKind level, PeriodKind report) =>
        level == PeriodKind.SchoolYear || (report == PeriodKind.Quarter ? level == PeriodKind.Quarter : level is PeriodKind.Month or PeriodKind.ReportingPeriod);

    /// <summary>
    /// Baley's «ОТЧЕТ мониторинга учета» (000, приложение), column for column, used by every profile without a form of
    /// its own: the count is a number, the causes are words, measures and result come from the cases.
    /// </summary>
    private static async Task<ReportTable> MonitoringAsync(DbConnection db, SchoolContext school, RuleProfile profile, Period period,
        IReadOnlyList<(ThresholdLevel Level, PupilPeriodCounts Counts)> reached, IReadOnlyDictionary<string, ReportPupil> pupils)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var group in reached.GroupBy(r => r.Counts.PupilId).OrderBy(g => pupils[g.Key].ClassName).ThenBy(g => pupils[g.Key].FullName))
        {
            var pupil = pupils[group.Key];
            var top = group.MaxBy(r => r.Level.Rank);
            var (measures, result) = await MeasuresAsync(db, school.Id, pupil.Id).ConfigureAwait(false);
            rows.Add([
                ReportTable.Number(rows.Count + 1), pupil.FullName, $"{school.Ref.Name}, {pupil.ClassName}",
                ReportTable.Number(top.Counts.Missed), await CausesAsync(db, school.Id, pupil.Id, period).ConfigureAwait(false), measures, result]);
        }

        return new ReportTable("Мониторинг",
            $"ОТЧЕТ мониторинга учета несовершеннолетних, не приступивших к обучению, не посещающих и систематически пропускающих по неуважительным причинам занятия в образовательных организациях. Образовательная организация: {school.Ref.Name}. Отчетный период: {period.Name} ({profile.Name})",
            [
                new("№ п/п", 6, Number: true),
                ("Фамилия, имя, отчество (при наличии) детей, не приступивших к обучению, не посещающих и систематически пропускающих по неуважительным причинам занятия в образовательной организации", 40),
                ("Школа, класс", 24),
                new("Количество пропусков", 12, Number: true),
                ("Причины", 36),
                ("Меры профилактики/ индивидуальная профилактическая работа*", 44),
                ("Результат", 30),
            ], rows);
    }

    /// <summary>
    /// Volsk's «Сведения о несовершеннолетних обучающихся, подлежащих учету» (002, приложение № 1), its three parts with
    /// every row. The connector fills what its data holds: the internal register (cases on a representation whose
    /// council sat) and, of them, those under 30 %; those over 30 % (row 2.3); the cases the council considered in
    /// the period (part II). Rows about police registers, families in danger, leisure (part III) stay for staff.
    /// </summary>
    private static async Task<IReadOnlyList<ReportTable>> VolskAsync(DbConnection db, SchoolContext school, Period period,
        IReadOnlyList<(ThresholdLevel Level, PupilPeriodCounts Counts)> reached, IReadOnlyDictionary<string, ReportPupil> pupils)
    {
        var registered = (await ReportStore.OpenCasesAsync(db, school.Id, RuleProfile.RepresentationLevel, "council").ConfigureAwait(false))
            .Where(c => c.StepDone && pupils.ContainsKey(c.PupilId)).Select(c => c.PupilId).ToHashSet();
        var missing = reached.Where(r => r.Level.Id == "missing").Select(r => r.Counts.PupilId).ToHashSet();
        var systematic = reached.Where(r => r.Level.Id == "systematic").Select(r => r.Counts.PupilId).ToHashSet();
        var considered = await ReportStore.StepDoneAsync(db, school.Id, "council", school.Instant(period.From, TimeOnly.MinValue), school.Instant(period.To.AddDays(1), TimeOnly.MinValue))
            .ConfigureAwait(false);

        IReadOnlyList<string> Bands(IEnumerable<string>? pupilIds)
        {
            if (pupilIds is null) return ["", "", "", "", "", ""];
            var grades = pupilIds.Where(pupils.ContainsKey).Select(p => pupils[p].Grade).ToList();
            return [ReportTable.Number(grades.Count(g => g <= 4)), ReportTable.Number(grades.Count(g => g is >= 5 and <= 9)), ReportTable.Number(grades.Count(g => g >= 10)),
                ReportTable.Number(grades.Count), "", ""];
        }

        IReadOnlyList<string> Line(string number, string category, IEnumerable<string>? pupilIds) => [number, category, .. Bands(pupilIds)];
        List<IReadOnlyList<string>> part1 =
        [
            Line("2.1.", "Состоящие на внутреннем учете образовательной организации на основании решения Совета профилактики, всего:", registered),
            Line("", "из них: проживающие в семьях СОП", null),
            Line("", "пропускающие по неуважительным причинам занятия в образовательных организациях (менее 30% учебных занятий без уважительной причины за месяц)", registered.Intersect(missing)),
            Line("", "вовлеченные в криминальные субкультуры, объединения антиобщественной направленности", null),
            Line("", "проявляющие признаки девиантного, деструктивного поведения", null),
            Line("", "допускающие неисполнение или нарушение устава образовательной организации, правил внутреннего распорядка, правил проживания в общежитиях и интернатах и иных локальных нормативных актов образовательной организации", null),
            Line("2.2.", "Состоящие на учете в ПДН органов внутренних дел (ОВД), в отношении которых комиссией по делам несовершеннолетних вынесено постановление об организации индивидуальной профилактической работы, куратором назначена образовательная организация, всего:", null),
            .. new[]
            {
                "занимающиеся бродяжничеством или попрошайничеством",
                "употребляющие наркотические средства или психотропные вещества без назначения врача либо употребляющие одурманивающие вещества, алкогольную и спиртосодержащую продукцию",
                "совершившие правонарушение, повлекшее применение мер административной ответственности",
                "совершившие правонарушение до достижения возраста 16 лет, с которого наступает административная ответственность",
                "освобожденные от уголовной ответственности вследствие акта об амнистии или в связи с изменением обстановки, а также в случаях, когда признано, что исправление несовершеннолетнего может быть достигнуто путем применения принудительных мер воспитательного воздействия",
                "совершившие общественно опасное деяние и не подлежащие уголовной ответственности в связи с недостижением возраста, с которого наступает уголовная ответственность, или вследствие отставания в психическом развитии, не связанного с психическим расстройством",
                "обвиняемые или подозреваемые в совершении преступлений, в отношении которых избраны меры пресечения, не связанные с заключением под стражу",
                "условно-досрочно освобожденные от отбывания наказания, освобожденные от наказания вследствие акта об амнистии или в связи с помилованием",
                "которым предоставлена отсрочка отбывания наказания или отсрочка исполнения приговора",
                "освобожденные из учреждений уголовно-исполнительной системы, вернувшиеся из специальных учебно-воспитательных учреждений закрытого типа, если они в период пребывания в указанных учреждениях допускали нарушения режима, совершали противоправные деяния и (или) после освобождения (выпуска) находятся в социально опасном положении и (или) нуждаются в социальной помощи и (или) реабилитации",
                "осужденные за совершение преступления небольшой или средней тяжести и освобожденных судом от наказания с применением принудительных мер воспитательного воздействия",
                "осужденные условно, к обязательным, исправительным работам или иным мерам наказания, не связанным с лишением свободы",
                "по иным основаниям",
            }.Select((category, i) => Line("", i == 0 ? "из них: " + category : category, null)),
            Line("2.3.", "Обучающиеся образовательной организации, в отношении которых комиссией по делам несовершеннолетних вынесено постановление об организации индивидуальной профилактической работы при необходимости профилактики совершения несовершеннолетними правонарушений либо для оказания психолого-педагогической, медико-социальной помощи и (или) реабилитации, всего:", null),
            Line("", "из них: систематически пропускающие по неуважительным причинам занятия в образовательных организациях (более 30% учебных занятий без уважительной причины за месяц)", systematic),
            Line("", "совершившие самовольные уходы из семей, образовательных организаций с круглосуточным пребыванием несовершеннолетних, не поставленные на учет в ПДН", null),
            Line("", "совершившие попытку суицида (самоповреждающее действие), в отношении которых проводится ИПС", null),
            Line("2.4.", "Проживающие в семьях СОП", null),
        ];
        ReportColumn[] bands =
        [
            new("1 – 4 классы", 9, Number: true), new("5 – 9 классы", 9, Number: true), new("10 – 11 классы", 9, Number: true), new("Итого", 8, Number: true),
            ("Учреждение специального образования (интернат, спецшкола открытого типа и др.)", 16), ("Учреждение среднего профессионального образования", 16),
        ];
        var sheet1 = new ReportTable("I", $"I. Сведения о несовершеннолетних обучающихся, подлежащих учету в образовательной организации: {school.Ref.Name}. Отчетный период: с {period.From:dd.MM.yyyy} по {period.To:dd.MM.yyyy}",
            [("1", 6), ("2", 60), .. bands], part1);
        var sheet2 = new ReportTable("II", $"II. Сведения о несовершеннолетних обучающихся, рассмотренных на заседаниях КДНиЗП и Совета профилактики: {school.Ref.Name}, {period.Name}",
            [("№ категории", 8), ("Количество несовершеннолетних", 40), .. bands],
            [
                Line("1.", "рассмотренных на заседаниях КДНиЗП", null),
                Line("2.", "рассмотренных на заседаниях Совета профилактики", considered),
            ]);
        var sheet3 = new ReportTable("III", $"III. Сведения о несовершеннолетних, состоящих на учете в ПДН ОВД, охваченных организованными формами досуга, отдыха и оздоровления, а также иными формами занятости: {school.Ref.Name}, {period.Name}",
            [("Численность несовершеннолетних, состоящих на учете в ПДН ОВД, охваченных организованными формами досуга, отдыха и оздоровления, а также иными формами занятости в отчетный период, из них:", 60),
                new("количество", 10, Number: true), ("ФИО1 несовершеннолетнего", 24), ("ФИО2 несовершеннолетнего", 24), ("...", 8)],
            new[]
            {
                "вовлечены в акции, мероприятия, организованные учреждениями по делам молодежи",
                "вовлечены в досуговые мероприятия, посещающих организации (учреждения) культуры",
                "посещающих организации (учреждения) спорта, туризма",
                "охвачены дополнительным образованием:",
                "из них посещают спортшколы, школы искусств, различные кружки, секции: художественной направленности (музыка, искусство)",
                "спортивной направленности",
                "иной направленности",
                "временно трудоустроенных в свободное от учебы время",
                "направлены в организации отдыха и оздоровления",
                "из них: в лагеря с дневным пребыванием детей",
                "в загородные оздоровительные лагеря",
                "в санаторно-оздоровительные учреждения круглогодичного действия",
                "охвачены иными формами занятости несовершеннолетних, включая волонтерство (добровольчество)",
            }.Select(r => (IReadOnlyList<string>)[r, "", "", "", ""]).ToList());
        return [sheet1, sheet2, sheet3];
    }

    /// <summary>
    /// Tolyatti's forms № 1 (not started) and № 2 (over 50 %) (004, приложение), column for column. Address, family and
    /// the year in the class are not in the journal's data: those cells are left for staff.
    /// </summary>
    private static async Task<IReadOnlyList<ReportTable>> TolyattiFormsAsync(DbConnection db, SchoolContext school, Period period,
        IReadOnlyList<(ThresholdLevel Level, PupilPeriodCounts Counts)> reached, IReadOnlyDictionary<string, ReportPupil> pupils)
    {
        var year = Periods.Current(PeriodKind.SchoolYear, period.To)!;
        // A pupil who never started is on form № 1 only, not also among those missing over half the lessons.
        var notStarted = reached.Where(r => r.Level.Id == "not-started").Select(r => r.Counts.PupilId).ToHashSet();
        var form1 = new List<IReadOnlyList<string>>();
        var form2 = new List<IReadOnlyList<string>>();
        foreach (var (level, counts) in reached.Where(r => r.Level.Id == "not-started" || (r.Level.Id == "systematic" && !notStarted.Contains(r.Counts.PupilId)))
                     .OrderBy(r => pupils[r.Counts.PupilId].ClassName).ThenBy(r => pupils[r.Counts.PupilId].FullName))
        {
            var pupil = pupils[counts.PupilId];
            var (measures, _) = await MeasuresAsync(db, school.Id, pupil.Id).ConfigureAwait(false);
            var causes = await CausesAsync(db, school.Id, pupil.Id, period).ConfigureAwait(false);
            var born = pupil.BirthDate is { } b ? b.ToString("dd.MM.yyyy", Russian) : "нет в журнале";
            if (level.Id == "not-started")
            {
                var since = await ReportStore.NotAttendingSinceAsync(db, school.Id, pupil.Id, pupil.ClassName, year.From, period.To).ConfigureAwait(false);
                form1.Add([ReportTable.Number(form1.Count + 1), pupil.FullName, born, pupil.ClassName, "", since is { } d ? d.ToString("dd.MM.yyyy", Russian) : "", "", "", causes, measures]);
            }
            else
            {
                form2.Add([ReportTable.Number(form2.Count + 1), pupil.FullName, born, pupil.ClassName, "", "", "", causes, measures]);
            }
        }

        ReportColumn[] start = [new("№", 5, Number: true), ("ФИО (полностью)", 30), ("Дата рождения", 12), ("Класс", 7), ("Год обучения в этом классе", 10)];
        ReportColumn[] family = [("Домашний адрес", 24), ("Сведения о семье, в которой проживает несовершеннолетний. Характеристика жилищных условий", 30), ("Причины уклонения от учебы (социальные, педагогические, психологические)", 32)];
        return
        [
            new ReportTable("Форма 1", $"Форма № 1. Информация о детях от 7 до 18 лет, обучающихся в МОУ {school.Ref.Name} и не приступивших к занятиям на {year.Name} учебный год ({period.Name})",
                [.. start, ("С какого времени не обучается", 14), .. family, ("Меры по социальной реабилитации несовершеннолетнего", 32)], form1),
            new ReportTable("Форма 2", $"Форма № 2. Информация о детях от 7 до 18 лет, обучающихся в МОУ {school.Ref.Name} и систематически пропускающих более 50 % занятий, на {period.Name}",
                [.. start, .. family, ("Принятые меры", 32)], form2),
        ];
    }

    /// <summary>
    /// ZATO Svobodny's monthly information (001 Инструкция, приложение № 1; §3.4): the order gives the form's title and its two
    /// categories, not its columns, so the columns follow §3.3–3.4: who, which category, the count and the share, causes, measures.
    /// </summary>
    private static async Task<ReportTable> ZatoAsync(DbConnection db, SchoolContext school, Period period,
        IReadOnlyList<(ThresholdLevel Level, PupilPeriodCounts Counts)> reached, IReadOnlyDictionary<string, ReportPupil> pupils)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var group in reached.GroupBy(r => r.Counts.PupilId).OrderBy(g => pupils[g.Key].ClassName).ThenBy(g => pupils[g.Key].FullName))
        {
            var pupil = pupils[group.Key];
            var top = group.MaxBy(r => r.Level.Rank);
            var (measures, _) = await MeasuresAsync(db, school.Id, pupil.Id).ConfigureAwait(false);
            rows.Add([
                ReportTable.Number(rows.Count + 1), pupil.FullName, pupil.BirthDate is { } b ? b.ToString("dd.MM.yyyy", Russian) : "нет в журнале", pupil.ClassName,
                top.Level.Name, ReportTable.Number(top.Counts.Missed), ReportTable.Number(top.Counts.Scheduled), ReportTable.Number(top.Counts.Share),
                await CausesAsync(db, school.Id, pupil.Id, period).ConfigureAwait(false), measures]);
        }

        return new ReportTable("Приложение 1",
            $"Информация об обучающихся, не посещающих, систематически пропускающих по неуважительным причинам учебные занятия (приложение № 1 к Инструкции): {school.Ref.Name}, {period.Name}",
            [
                new("№ п/п", 6, Number: true), ("Ф.И.О.", 30), ("Дата рождения", 12), ("Класс", 7), ("Категория (п. 3.4 Инструкции)", 30),
                new("Пропущено уроков без уважительной причины", 12, Number: true), new("Всего уроков за отчетный период", 12, Number: true),
                new("Доля пропущенных, %", 10, Number: true), ("Причины", 30), ("Принятые меры (п. 3.3 Инструкции)", 36),
            ], rows);
    }

    /// <summary>
    /// Krasnodar's quarterly effectiveness (003 §VII, п. 7.1): its five criteria for each red-zone pupil. Attendance is
    /// the connector's (85 % or more is positive); progress, behaviour, activities and the class teacher's reference are
    /// not in the journal's data, and say so.
    /// </summary>
    private static async Task<ReportTable> KrasnodarEffectivenessAsync(DbConnection db, SchoolContext school, Period period,
        IReadOnlyList<(ThresholdLevel Level, PupilPeriodCounts Counts)> reached, IReadOnlyDictionary<string, ReportPupil> pupils)
    {
        const string NoData = "нет данных";
        var onRecord = await ReportStore.EverAtLevelAsync(db, school.Id, "red-zone").ConfigureAwait(false);
        var counts = (await BreachStore.CountAsync(db, null, school.Id, period).ConfigureAwait(false)).ToDictionary(c => c.PupilId);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var pupilId in onRecord.Union(reached.Select(r => r.Counts.PupilId)).Where(pupils.ContainsKey).OrderBy(p => pupils[p].ClassName).ThenBy(p => pupils[p].FullName))
        {
            var c = counts.GetValueOrDefault(pupilId);
            var attendance = c is null || c.Scheduled == 0 ? (decimal?)null : 100m * c.Attended / c.Scheduled;
            rows.Add([ReportTable.Number(rows.Count + 1), pupils[pupilId].FullName, pupils[pupilId].ClassName,
                attendance is { } a ? ReportTable.Number(a) : "",
                attendance is null ? "нет уроков" : attendance >= 85 ? "положительная (не менее 85 %)" : "отрицательная (менее 85 %)",
                NoData, NoData, NoData, NoData]);
        }

        return new ReportTable("Эффективность", $"Оценка эффективности индивидуальной профилактической работы (п. 7.1): учащиеся красной зоны, {school.Ref.Name}, {period.Name}",
            [
                new("№", 5, Number: true), ("ФИО", 30), ("Класс", 7), new("Посещаемость за период, %", 12, Number: true),
                ("Динамика посещаемости (не менее 85 % – положительная оценка)", 22),
                ("Динамика успеваемости (отсутствие академической задолженности)", 20),
                ("Изменение поведения (снижение конфликтности, участие в общественной жизни)", 20),
                ("Вовлеченность во внеурочную деятельность (не менее одного кружка/секции)", 20),
                ("Положительная характеристика от классного руководителя (куратора группы)", 20),
            ], rows);
    }

    /// <summary>
    /// The causes of the pupil's absences in words: what staff recorded when finding the reason, else what the journal's
    /// marks of the period say (no reason found yet, or marked unexcused).
    /// </summary>
    private static async Task<string> CausesAsync(DbConnection db, string schoolId, string pupilId, Period period)
    {
        var recorded = await ReportStore.RecordedCausesAsync(db, schoolId, pupilId).ConfigureAwait(false);
        if (recorded.Count > 0) return string.Join("; ", recorded);
        var (noReason, unexcused) = await ReasonsAsync(db, schoolId, pupilId, period).ConfigureAwait(false);
        return (noReason > 0, unexcused > 0) switch
        {
            (true, true) => "не выяснены; часть пропусков отмечена как неуважительные",
            (false, true) => "неуважительные (отмечено в журнале), причины не записаны",
            _ => "не выяснены",
        };
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

}

/// <summary>A built report: its tables, and the pupils whose data it carries (for the audit log).</summary>
internal sealed record Report(IReadOnlyList<ReportTable> Tables, IReadOnlyList<string> PupilIds);
