using Connector.Abstractions.Attendance;
using Connector.Delivery;
using Connector.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Connector.Absences;

/// <summary>Reads the pupil-days the same-day rule needs and writes its decisions, with their outbox messages, in the caller's transaction.</summary>
internal static class AbsenceRepository
{
    public static async Task<IReadOnlyList<PupilDay>> LoadAsync(SqliteConnection db, SqliteTransaction tx, string schoolId, DateOnly from, DateOnly to)
    {
        var args = new { schoolId, from = StoreTime.Format(from), to = StoreTime.Format(to) };
        var marks = await db.QueryAsync<(string PupilId, string Date, long Lesson, string Subject, string Presence, string Reason)>(
            """
            SELECT m.pupil_id, m.date, m.lesson_no, l.subject, m.presence, m.reason
            FROM marks m
            JOIN pupils p ON p.school_id = m.school_id AND p.pupil_id = m.pupil_id AND p.active = 1
            JOIN lessons l ON l.school_id = m.school_id AND l.class_name = p.class_name AND l.date = m.date AND l.lesson_no = m.lesson_no AND l.taken = 1
            WHERE m.school_id = @schoolId AND m.date BETWEEN @from AND @to
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
        SqliteConnection db, SqliteTransaction tx, string schoolId, IReadOnlyList<AbsenceDecision> decisions, DateTimeOffset now, TimeSpan grace)
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
                    await QueueNoticesAsync(db, tx, schoolId, decision.PupilId, decision.Date, now + grace, at, summary).ConfigureAwait(false);
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
                    break;
            }
        }

        return summary;
    }

    /// <summary>
    /// One notice per guardian and day: the message is keyed by guardian, date and channel, so a sibling or a later
    /// lesson joins the queued message. Only a child first found absent after that day's message already went gets
    /// a message of their own.
    /// </summary>
    private static async Task QueueNoticesAsync(
        SqliteConnection db, SqliteTransaction tx, string schoolId, string pupilId, DateOnly date, DateTimeOffset notBefore, string at, DecisionSummary summary)
    {
        var guardians = (await db.QueryAsync<(string GuardianId, string? Email)>(
            """
            SELECT g.guardian_id, g.email FROM pupil_guardians pg
            JOIN guardians g ON g.school_id = pg.school_id AND g.guardian_id = pg.guardian_id
            WHERE pg.school_id = @schoolId AND pg.pupil_id = @pupilId ORDER BY g.guardian_id
            """, new { schoolId, pupilId }, tx).ConfigureAwait(false)).ToList();
        if (guardians.Count == 0)
        {
            summary.WithoutGuardians.Add(pupilId);
            return;
        }

        foreach (var (guardianId, email) in guardians)
        {
            var channel = email is null ? null : "Email";
            var state = channel is null ? "unreachable" : "pending";
            var baseKey = OutboxKeys.Absence(schoolId, guardianId, date, channel);
            var row = await db.QueryFirstOrDefaultAsync<(string State, string? PupilIds)?>(
                "SELECT state, pupil_ids FROM outbox WHERE idempotency_key = @baseKey", new { baseKey }, tx).ConfigureAwait(false);
            var args = new
            {
                schoolId, guardianId, date = StoreTime.Format(date), channel, state, notBefore = StoreTime.Format(notBefore), at,
                key = baseKey, onlyPupil = (string?)null, error = channel is null ? "no e-mail address" : null,
            };
            if (row is null)
            {
                await InsertAsync(db, tx, args).ConfigureAwait(false);
            }
            else if (row.Value.State == "cancelled")
            {
                await db.ExecuteAsync(
                    "UPDATE outbox SET state = @state, not_before = @notBefore, closed_at = NULL WHERE idempotency_key = @key", args, tx).ConfigureAwait(false);
            }
            else if (row.Value.State is "sent" or "sending" && !(row.Value.PupilIds ?? "").Split(',').Contains(pupilId))
            {
                await InsertAsync(db, tx, args with { key = $"{baseKey}:{pupilId}", onlyPupil = pupilId }).ConfigureAwait(false);
            }
            else
            {
                continue;
            }

            if (channel is null) summary.Unreachable++;
            else summary.Queued++;
        }
    }

    private static Task InsertAsync(SqliteConnection db, SqliteTransaction tx, object args) => db.ExecuteAsync(
        """
        INSERT OR IGNORE INTO outbox (idempotency_key, school_id, kind, guardian_id, date, channel, only_pupil_id, state, not_before, created_at, last_error, closed_at)
        VALUES (@key, @schoolId, 'absence', @guardianId, @date, @channel, @onlyPupil, @state, @notBefore, @at, @error,
                CASE WHEN @state = 'unreachable' THEN @at END)
        """, args, tx);

    private static IReadOnlyList<int> ParseLessons(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
