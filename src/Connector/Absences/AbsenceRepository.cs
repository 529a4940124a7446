using System.Data.Common;
using Connector.Abstractions.Attendance;
using Connector.Abstractions.Schools;
using Connector.Delivery;
using Connector.Store;
using Dapper;

namespace Connector.Absences;

/// <summary>Reads the pupil-days the same-day rule needs and writes its decisions, with their outbox messages, in the caller's transaction.</summary>
internal static class AbsenceRepository
{
    public static async Task<IReadOnlyList<PupilDay>> LoadAsync(DbConnection db, DbTransaction tx, string schoolId, DateOnly from, DateOnly to)
    {
        var args = new { schoolId, from = StoreTime.Format(from), to = StoreTime.Format(to) };
        var marks = await db.QueryAsync<(string PupilId, string Date, long Lesson, string Subject, string Presence, string Reason)>(
            // Only the days the rule can act on: a mark other than present, or a decision already made. Every mark of
            // those days is read (the rule looks at the whole day); the days where everyone was present are not. CROSS JOIN
            // keeps SQLite reading the few days first, not every mark of the school.
            $"""
            WITH days AS (
                SELECT pupil_id, date FROM marks
                WHERE school_id = @schoolId AND date BETWEEN @from AND @to AND presence <> 'Present' AND vanished_at IS NULL
                UNION
                SELECT pupil_id, date FROM absences WHERE school_id = @schoolId AND date BETWEEN @from AND @to)
            SELECT m.pupil_id, m.date, m.lesson_no, l.subject, m.presence, m.reason
            FROM days d
            {SqlDialect.OrderedJoin(db)} marks m ON m.school_id = @schoolId AND m.pupil_id = d.pupil_id AND m.date = d.date
            JOIN pupils p ON p.school_id = m.school_id AND p.pupil_id = m.pupil_id AND p.active = 1
            JOIN lessons l ON l.school_id = m.school_id AND l.class_name = p.class_name AND l.date = m.date AND l.lesson_no = m.lesson_no AND l.taken = 1
            WHERE m.vanished_at IS NULL
            ORDER BY m.pupil_id, m.date, m.lesson_no
            """, args, tx).ConfigureAwait(false);
        var existing = (await db.QueryAsync<(string PupilId, string Date, string State, string? Lessons, string? Correction)>(
                "SELECT pupil_id, date, state, notified_lessons, correction FROM absences WHERE school_id = @schoolId AND date BETWEEN @from AND @to",
                args, tx).ConfigureAwait(false))
            .ToDictionary(
                a => (a.PupilId, a.Date),
                a => new AbsenceRecord(Enum.Parse<AbsenceState>(a.State, ignoreCase: true), ParseLessons(a.Lessons), a.Correction));

        var days = marks
            .GroupBy(m => (m.PupilId, m.Date))
            .Where(g => existing.ContainsKey(g.Key) || g.Any(m => m.Presence != nameof(Presence.Present)))
            .Select(g => new PupilDay(
                g.Key.PupilId,
                StoreTime.ParseDate(g.Key.Date),
                g.Select(m => new DayMark((int)m.Lesson, m.Subject, Enum.Parse<Presence>(m.Presence), Enum.Parse<AbsenceReason>(m.Reason))).ToList(),
                existing.GetValueOrDefault(g.Key)))
            .ToList();
        var seen = days.Select(d => (d.PupilId, StoreTime.Format(d.Date))).ToHashSet();
        days.AddRange(existing
            .Where(e => !seen.Contains(e.Key))
            .Select(e => new PupilDay(e.Key.PupilId, StoreTime.ParseDate(e.Key.Date), [], e.Value)));
        return days;
    }

    public static async Task<DecisionSummary> ApplyAsync(
        DbConnection db, DbTransaction tx, string schoolId, ChannelKind schoolDefault, NoticeRouting routing,
        IReadOnlyList<AbsenceDecision> decisions, DateTimeOffset now, TimeSpan grace)
    {
        var summary = new DecisionSummary();
        var at = StoreTime.Format(now);
        foreach (var decision in decisions)
        {
            var key = new { schoolId, decision.PupilId, Date = StoreTime.Format(decision.Date), at };
            switch (decision)
            {
                case AbsenceDecision.Open:
                    await db.ExecuteAsync(
                        """
                        INSERT INTO absences (school_id, pupil_id, date, state, first_seen_at) VALUES (@schoolId, @PupilId, @Date, 'open', @at)
                        ON CONFLICT (school_id, pupil_id, date) DO UPDATE SET state = 'open', explained_at = NULL
                        """, key, tx).ConfigureAwait(false);
                    summary.Opened++;
                    var (queued, unreachable, hasGuardians) = await OutboxWriter.QueueAbsenceAsync(
                        db, tx, schoolId, schoolDefault, routing, decision.PupilId, decision.Date, now + grace, now).ConfigureAwait(false);
                    summary.Queued += queued;
                    summary.Unreachable += unreachable;
                    if (!hasGuardians) summary.WithoutGuardians.Add(decision.PupilId);
                    break;
                case AbsenceDecision.Explain:
                    await db.ExecuteAsync(
                        "UPDATE absences SET state = 'explained', explained_at = @at WHERE school_id = @schoolId AND pupil_id = @PupilId AND date = @Date",
                        key, tx).ConfigureAwait(false);
                    summary.Explained++;
                    break;
                case AbsenceDecision.Correct correct:
                    await db.ExecuteAsync(
                        "UPDATE absences SET correction = @correction, corrected_at = @at WHERE school_id = @schoolId AND pupil_id = @PupilId AND date = @Date",
                        new { key.schoolId, key.PupilId, key.Date, key.at, correction = correct.Correction }, tx).ConfigureAwait(false);
                    summary.Corrected++;
                    summary.Queued += await OutboxWriter.QueueCorrectionAsync(db, tx, schoolId, decision.PupilId, decision.Date, now + grace, now).ConfigureAwait(false);
                    break;
            }
        }

        return summary;
    }

    /// <summary>
    /// Queues again every open absence of <paramref name="dates"/> (the days still decided) that was not just decided
    /// and is not held: a guardian who was not in the journal when it was found, or had no usable address then, is
    /// told the same day once the journal has them. The writer queues nothing that is already queued or told.
    /// </summary>
    public static async Task QueueOpenAsync(
        DbConnection db, DbTransaction tx, string schoolId, ChannelKind schoolDefault, NoticeRouting routing, IReadOnlyList<DateOnly> dates,
        IReadOnlySet<(string PupilId, DateOnly Date)> justOpened, Polling.Held held, DateTimeOffset now, TimeSpan grace, DecisionSummary summary)
    {
        var open = await db.QueryAsync<(string PupilId, string Date, string FirstSeen)>(
            $"SELECT pupil_id, date, first_seen_at FROM absences WHERE school_id = @schoolId AND state = 'open' AND date {SqlDialect.In(db, "dates")}",
            new { schoolId, dates = dates.Select(StoreTime.Format).ToList() }, tx).ConfigureAwait(false);
        foreach (var (pupilId, text, firstSeen) in open)
        {
            var date = StoreTime.ParseDate(text);
            if (justOpened.Contains((pupilId, date)) || held.Covers(pupilId, date)) continue;
            var notBefore = StoreTime.ParseInstant(firstSeen) + grace;
            var (queued, unreachable, _) = await OutboxWriter.QueueAbsenceAsync(
                db, tx, schoolId, schoolDefault, routing, pupilId, date, notBefore > now ? notBefore : now, now).ConfigureAwait(false);
            summary.Queued += queued;
            summary.Unreachable += unreachable;
        }
    }

    private static IReadOnlyList<int> ParseLessons(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
