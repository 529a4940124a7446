using System.Data.Common;
using System.Globalization;
using Connector.Abstractions.Schools;
using Connector.Schools;
using Connector.Store;
using Connector.Thresholds;

namespace Connector.Digest;

/// <summary>
/// Reads what needs a staff member today from the store: a class teacher sees their classes, the social
/// pedagogue, deputy director and director the whole school.
/// </summary>
internal sealed class DigestBuilder(RuleProfiles profiles)
{
    private static readonly StaffRole[] SchoolWide = [StaffRole.SocialPedagogue, StaffRole.DeputyDirector, StaffRole.Director, StaffRole.Psychologist];

    public async Task<DigestModel> BuildAsync(DbConnection db, DbTransaction? tx, SchoolContext school, StaffMember staff, DateOnly today, DateTimeOffset now)
    {
        var wholeSchool = staff.Roles.Any(SchoolWide.Contains);
        var classes = wholeSchool ? null : staff.Classes.ToList();
        var previous = school.Calendar.PreviousSchoolDay(today);

        // What happened since the previous working day's digest: on Monday that includes Friday afternoon.
        var lastWorkingDay = today.AddDays(-1);
        while (!school.Calendar.IsWorkingDay(lastWorkingDay) && lastWorkingDay > today.AddDays(-30)) lastWorkingDay = lastWorkingDay.AddDays(-1);
        var since = school.Instant(lastWorkingDay, TimeOnly.ParseExact(school.Options.DigestTime, "HH:mm", CultureInfo.InvariantCulture));
        var store = new DigestStore(db, tx, school.Id, classes, previous, today, since, now);
        var profile = profiles.Get(school.Ref.ProfileId);

        var absences = (await store.AbsencesAsync().ConfigureAwait(false))
            .Select(r => new AbsenceRow(r.FullName, r.ClassName, (int)r.Lessons,
                r.Lessons == 0 ? "отметка исправлена: пропуска нет"
                : r.Unexplained > 0 ? "причина не выяснена" : r.Unexcused > 0 ? "без уважительной причины" : "причина получена"))
            .ToList();

        var unreachable = (await store.UnreachableAsync().ConfigureAwait(false))
            .Select(r => new UnreachableRow(r.Pupil, r.ClassName, r.Guardian, r.Tried ?? "не удалось отправить"))
            .ToList();
        unreachable.AddRange((await store.WithoutGuardiansAsync().ConfigureAwait(false))
            .Select(r => new UnreachableRow(r.Pupil, r.ClassName, "представитель не указан", "ни журнал, ни файл контактов не называют ни одного представителя")));

        var breaches = (await store.BreachesAsync().ConfigureAwait(false))
            .Select(r => new BreachRow(r.Pupil, r.ClassName, profile.Levels.FirstOrDefault(l => l.Id == r.Level)?.Name ?? r.Level,
                profile.Levels.FirstOrDefault(l => l.Id == r.Level)?.LateAtLeast is { } late
                    ? $"{r.Period}: опоздания без уважительной причины — не меньше {late}; связаны ли они с транспортом или семьёй, решает Совет профилактики"
                : !r.Dropped
                    ? string.Create(CultureInfo.GetCultureInfo("ru-RU"), $"{r.Period}: {r.Share:0.#} % уроков без уважительной причины")
                    : ThresholdEngine.LeftUpwards(profile.Levels.FirstOrDefault(l => l.Id == r.Level), (decimal)(r.DroppedShare ?? 0))
                        ? string.Create(CultureInfo.GetCultureInfo("ru-RU"), $"{r.Period}: доля выросла до {r.DroppedShare:0.#} % — теперь это более высокий уровень")
                        : string.Create(CultureInfo.GetCultureInfo("ru-RU"), $"{r.Period}: после записанных причин доля снизилась до {r.DroppedShare:0.#} %, уровень больше не достигается")))
            .ToList();

        var steps = (await store.StepsDueAsync(DeregistrationRule.StepId).ConfigureAwait(false))
            .Select(r => new StepRow(r.CaseId, r.Pupil, r.ClassName, r.Step, school.StaffFor(Enum.Parse<StaffRole>(r.Owner), r.ClassName)?.FullName ?? "не назначен", r.Due, r.Due < today))
            .ToList();

        var notEntered = (await store.NotEnteredAsync().ConfigureAwait(false)).ToList();

        var closable = (await store.ClosableCasesAsync().ConfigureAwait(false))
            .Where(r => !ThresholdEngine.LeftUpwards(profile.Levels.FirstOrDefault(l => l.Id == r.Level), (decimal)r.ShareNow))
            .Select(r => new ClosableRow(r.CaseId, r.Pupil, r.ClassName, profile.Levels.FirstOrDefault(l => l.Id == r.Level)?.Name ?? r.Level, (decimal)r.ShareNow))
            .ToList();

        var alerts = new List<string>();
        if (wholeSchool)
        {
            alerts.AddRange((await store.PausedChannelsAsync().ConfigureAwait(false))
                .Select(p => $"Канал {p.Channel} приостановлен: сервер отказал в настройках ({Diagnostics.Redact.Contacts(p.Reason)}). Нужна помощь администратора."));
            var late = await store.LateByQuietHoursAsync().ConfigureAwait(false);
            foreach (var quarantine in await store.QuarantinesAsync().ConfigureAwait(false))
            {
                var quarantinedSince = school.LocalTime(quarantine.FirstSeenAt);
                alerts.Add($"Данные журнала не приняты с {quarantinedSince:dd.MM HH:mm} (опросов: {quarantine.Polls}): {quarantine.Description}. " +
                    "Пока журнал не прочитан полностью, по нему ничего не решается: уведомления и исправления родителям не отправляются.");
            }

            var flags = await store.FlagTroubleAsync().ConfigureAwait(false);
            foreach (var (failed, count, error) in flags)
            {
                var reason = error is null ? "" : $" Последняя причина: {Diagnostics.Redact.Contacts(error)}.";
                alerts.Add(failed
                    ? $"Отметки для сотрудников, которые журнал отказался принять: {count}. Они больше не отправляются.{reason}"
                    : $"Отметки для сотрудников, которые не удаётся записать в журнал после трёх и более попыток: {count}; попытки продолжаются.{reason}");
            }

            if (late > 0) alerts.Add($"Уведомлений о пропусках, ушедших только на следующее утро из-за ночного времени: {late}. Правило «в тот же день» для них не выполнено.");
        }

        var chart = (await store.ChartAsync().ConfigureAwait(false)).ToList();

        // Pupils enrolled during the school year, while the notice to their previous school is due (001 Инструкция §2.6).
        var transfers = new List<TransferRow>();
        if (wholeSchool && profile.TransferNotice is { } transfer && Periods.Current(PeriodKind.SchoolYear, today) is { } year)
        {
            // Not those enrolled on the year's first day (its first-graders and the whole roster of a new installation).
            var enrolledSince = new[] { year.From.AddDays(1), today.AddDays(-31) }.Max();
            transfers.AddRange((await store.EnrolledSinceAsync(enrolledSince).ConfigureAwait(false))
                .Select(p => new TransferRow(p.Pupil, p.ClassName, p.EnrolledOn, school.Calendar.AddWorkingDays(p.EnrolledOn, transfer.WorkingDays), transfer.Source))
                .Where(t => t.Due >= today && t.EnrolledOn <= today));
        }

        // Reports due within the next five working days, for the staff who prepare them.
        var horizon = school.Calendar.AddWorkingDays(today, 5);
        var reportsDue = wholeSchool
            ? profile.Reports.SelectMany(r => r.Between(today, horizon).Select(d => (r.Name, d))).OrderBy(r => r.d).ToList()
            : [];

        var scope = wholeSchool ? "вся школа" : string.Join(", ", staff.Classes);
        return new DigestModel(school.Ref.Name, staff.FullName, scope, today, previous, absences, unreachable, breaches, steps, notEntered, alerts, reportsDue, chart, closable, transfers);
    }
}
