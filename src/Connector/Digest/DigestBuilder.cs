using System.Data.Common;
using System.Globalization;
using Connector.Abstractions.Schools;
using Connector.Schools;
using Connector.Store;
using Connector.Thresholds;
using Dapper;

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
        var args = new DynamicParameters(new
        {
            schoolId = school.Id,
            prev = previous is { } p ? StoreTime.Format(p) : "",
            today = StoreTime.Format(today),
            fourWeeksAgo = StoreTime.Format(today.AddDays(-28)),
            since = StoreTime.Format(since),
            now = StoreTime.Format(now),
        });
        args.Add("classes", classes ?? []);
        var inScope = classes is null ? "1 = 1" : $"p.class_name {SqlDialect.In(db, "classes")}";
        var profile = profiles.Get(school.Ref.ProfileId);

        var absences = (await db.QueryAsync<(string FullName, string ClassName, long Lessons, long Unexplained, long Unexcused)>(
            $"""
            SELECT p.full_name, p.class_name,
                (SELECT COUNT(*) FROM marks m WHERE m.school_id = a.school_id AND m.pupil_id = a.pupil_id AND m.date = a.date AND m.presence = 'Absent'),
                (SELECT COUNT(*) FROM marks m WHERE m.school_id = a.school_id AND m.pupil_id = a.pupil_id AND m.date = a.date AND m.presence = 'Absent' AND m.reason = 'NoneRecorded'),
                (SELECT COUNT(*) FROM marks m WHERE m.school_id = a.school_id AND m.pupil_id = a.pupil_id AND m.date = a.date AND m.presence = 'Absent' AND m.reason = 'Unexcused')
            FROM absences a JOIN pupils p ON p.school_id = a.school_id AND p.pupil_id = a.pupil_id
            WHERE a.school_id = @schoolId AND a.date = @prev AND {inScope}
            ORDER BY p.class_name, p.full_name
            """, args, tx).ConfigureAwait(false))
            .Select(r => new AbsenceRow(r.FullName, r.ClassName, (int)r.Lessons,
                r.Lessons == 0 ? "отметка исправлена: пропуска нет"
                : r.Unexplained > 0 ? "причина не выяснена" : r.Unexcused > 0 ? "без уважительной причины" : "причина получена"))
            .ToList();

        var unreachable = (await db.QueryAsync<(string Pupil, string ClassName, string Guardian, string? Tried)>(
            $"""
            SELECT DISTINCT p.full_name, p.class_name, g.full_name, o.last_error
            FROM outbox o
            JOIN guardians g ON g.school_id = o.school_id AND g.guardian_id = o.guardian_id
            JOIN pupil_guardians pg ON pg.school_id = o.school_id AND pg.guardian_id = o.guardian_id
            JOIN pupils p ON p.school_id = pg.school_id AND p.pupil_id = pg.pupil_id
            JOIN absences a ON a.school_id = p.school_id AND a.pupil_id = p.pupil_id AND a.date = o.date
            WHERE o.school_id = @schoolId AND o.kind = 'absence' AND o.date IN (@prev, @today) AND o.state IN ('unreachable', 'failed') AND {inScope}
                AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.school_id = o.school_id AND s.guardian_id = o.guardian_id AND s.date = o.date
                                AND s.kind = o.kind AND s.state IN ('sent', 'pending', 'sending'))
            ORDER BY p.class_name, p.full_name
            """, args, tx).ConfigureAwait(false))
            .Select(r => new UnreachableRow(r.Pupil, r.ClassName, r.Guardian, r.Tried ?? "не удалось отправить"))
            .ToList();

        // A pupil with an unexplained absence and nobody to tell: no guardian in the journal nor in the contacts file.
        unreachable.AddRange((await db.QueryAsync<(string Pupil, string ClassName)>(
            $"""
            SELECT p.full_name, p.class_name FROM absences a
            JOIN pupils p ON p.school_id = a.school_id AND p.pupil_id = a.pupil_id
            WHERE a.school_id = @schoolId AND a.date IN (@prev, @today) AND a.state <> 'explained' AND {inScope}
                AND NOT EXISTS (SELECT 1 FROM pupil_guardians pg WHERE pg.school_id = a.school_id AND pg.pupil_id = a.pupil_id)
            GROUP BY p.school_id, p.pupil_id ORDER BY p.class_name, p.full_name
            """, args, tx).ConfigureAwait(false))
            .Select(r => new UnreachableRow(r.Pupil, r.ClassName, "представитель не указан", "ни журнал, ни файл контактов не называют ни одного представителя")));

        var breaches = (await db.QueryAsync<(string Pupil, string ClassName, string Level, string Period, double Share, string? DroppedAt, double? DroppedShare)>(
            $"""
            SELECT p.full_name, p.class_name, b.level_id, b.period_name, b.share, b.dropped_at, b.dropped_share
            FROM breaches b JOIN pupils p ON p.school_id = b.school_id AND p.pupil_id = b.pupil_id
            WHERE b.school_id = @schoolId AND ((b.detected_at > @since AND b.detected_at <= @now) OR (b.dropped_at > @since AND b.dropped_at <= @now)) AND {inScope}
            ORDER BY p.class_name, p.full_name
            """, args, tx).ConfigureAwait(false))
            .Select(r => new BreachRow(r.Pupil, r.ClassName, profile.Levels.FirstOrDefault(l => l.Id == r.Level)?.Name ?? r.Level,
                r.DroppedAt is null
                    ? string.Create(CultureInfo.GetCultureInfo("ru-RU"), $"{r.Period}: {r.Share:0.#} % уроков без уважительной причины")
                    : string.Create(CultureInfo.GetCultureInfo("ru-RU"), $"{r.Period}: после записанных причин доля снизилась до {r.DroppedShare:0.#} %, уровень больше не достигается")))
            .ToList();

        var steps = (await db.QueryAsync<(long CaseId, string Pupil, string ClassName, string Step, string Owner, string Due)>(
            $"""
            SELECT c.id, p.full_name, p.class_name, s.name, s.owner_role, s.due_on
            FROM case_steps s JOIN cases c ON c.id = s.case_id AND c.state = 'open'
            JOIN pupils p ON p.school_id = c.school_id AND p.pupil_id = c.pupil_id
            WHERE c.school_id = @schoolId AND s.state = 'pending' AND (s.due_on <= @today OR s.step_id = '{Thresholds.DeregistrationRule.StepId}') AND {inScope}
            ORDER BY s.due_on, c.id
            """, args, tx).ConfigureAwait(false))
            .Select(r => new StepRow(r.CaseId, r.Pupil, r.ClassName, r.Step, school.StaffFor(Enum.Parse<StaffRole>(r.Owner), r.ClassName)?.FullName ?? "не назначен", StoreTime.ParseDate(r.Due), StoreTime.ParseDate(r.Due) < today))
            .ToList();

        var notEntered = (await db.QueryAsync<string>(
            $"""
            SELECT l.class_name FROM lessons l
            WHERE l.school_id = @schoolId AND l.date = @prev AND {inScope.Replace("p.", "l.", StringComparison.Ordinal)}
            GROUP BY l.class_name HAVING SUM(l.taken) = 0 ORDER BY l.class_name
            """, args, tx).ConfigureAwait(false)).ToList();

        var alerts = new List<string>();
        if (wholeSchool)
        {
            alerts.AddRange((await db.QueryAsync<(string Channel, string Reason)>(
                "SELECT channel, reason FROM channel_pauses WHERE paused_until > @now", args, tx).ConfigureAwait(false))
                .Select(p => $"Канал {p.Channel} приостановлен: сервер отказал в настройках ({Diagnostics.Redact.Contacts(p.Reason)}). Нужна помощь администратора."));
            var late = await db.ExecuteScalarAsync<int>(
                "SELECT COUNT(*) FROM outbox WHERE school_id = @schoolId AND date = @prev AND deferred_reason = 'quiet-hours'", args, tx).ConfigureAwait(false);
            foreach (var quarantine in await Store.ReadQuarantineRepository.ListAsync(db, tx, school.Id).ConfigureAwait(false))
            {
                var quarantinedSince = school.LocalTime(quarantine.FirstSeenAt);
                alerts.Add($"Данные журнала не приняты с {quarantinedSince:dd.MM HH:mm} (опросов: {quarantine.Polls}): {quarantine.Description}. " +
                    "Пока журнал не прочитан полностью, по нему ничего не решается: уведомления и исправления родителям не отправляются.");
            }

            var flags = (await db.QueryAsync<(string State, long Count, string? Error)>(
                """
                SELECT state, COUNT(*), MAX(last_error) FROM journal_flags
                WHERE school_id = @schoolId AND (state = 'failed' OR (state = 'pending' AND attempts >= 3)) GROUP BY state
                """, args, tx).ConfigureAwait(false)).ToList();
            foreach (var (state, count, error) in flags)
            {
                var reason = error is null ? "" : $" Последняя причина: {Diagnostics.Redact.Contacts(error)}.";
                alerts.Add(state == "failed"
                    ? $"Отметки для сотрудников, которые журнал отказался принять: {count}. Они больше не отправляются.{reason}"
                    : $"Отметки для сотрудников, которые не удаётся записать в журнал после трёх и более попыток: {count}; попытки продолжаются.{reason}");
            }

            if (late > 0) alerts.Add($"Уведомлений о пропусках, ушедших только на следующее утро из-за ночного времени: {late}. Правило «в тот же день» для них не выполнено.");
        }

        var chart = (await db.QueryAsync<(string ClassName, long Lessons)>(
            $"""
            SELECT p.class_name, COUNT(*) FROM marks m
            JOIN pupils p ON p.school_id = m.school_id AND p.pupil_id = m.pupil_id
            JOIN lessons l ON l.school_id = m.school_id AND l.class_name = p.class_name AND l.date = m.date AND l.lesson_no = m.lesson_no AND l.taken = 1
            WHERE m.school_id = @schoolId AND m.date >= @fourWeeksAgo AND m.date < @today AND m.presence = 'Absent' AND m.reason IN ('NoneRecorded', 'Unexcused') AND {inScope}
            GROUP BY p.class_name ORDER BY p.class_name
            """, args, tx).ConfigureAwait(false)).Select(r => (r.ClassName, (int)r.Lessons)).ToList();

        // Reports due within the next five working days, for the staff who prepare them.
        var horizon = school.Calendar.AddWorkingDays(today, 5);
        var reportsDue = wholeSchool
            ? profile.Reports.SelectMany(r => r.Between(today, horizon).Select(d => (r.Name, d))).OrderBy(r => r.d).ToList()
            : [];

        var scope = wholeSchool ? "вся школа" : string.Join(", ", staff.Classes);
        return new DigestModel(school.Ref.Name, staff.FullName, scope, today, previous, absences, unreachable, breaches, steps, notEntered, alerts, reportsDue, chart);
    }
}
