using System.Data.Common;
using Dapper;

namespace Connector.Store;

/// <summary>
/// What a staff member's digest reads, in their scope: <paramref name="classes"/>, or the whole school when null.
/// <paramref name="previous"/> is the previous school day; <paramref name="since"/> when the previous digest went.
/// </summary>
internal sealed class DigestStore(
    DbConnection db, DbTransaction? tx, string schoolId, IReadOnlyList<string>? classes, DateOnly? previous, DateOnly today, DateTimeOffset since, DateTimeOffset now)
{
    private readonly DynamicParameters args = Parameters(schoolId, classes, previous, today, since, now);
    private readonly string inScope = classes is null ? "1 = 1" : $"p.class_name {SqlDialect.In(db, "classes")}";

    private static DynamicParameters Parameters(string schoolId, IReadOnlyList<string>? classes, DateOnly? previous, DateOnly today, DateTimeOffset since, DateTimeOffset now)
    {
        var args = new DynamicParameters(new
        {
            schoolId,
            prev = previous is { } p ? StoreTime.Format(p) : "",
            today = StoreTime.Format(today),
            fourWeeksAgo = StoreTime.Format(today.AddDays(-28)),
            since = StoreTime.Format(since),
            now = StoreTime.Format(now),
        });
        args.Add("classes", classes ?? []);
        return args;
    }

    /// <summary>The previous school day's absences: each pupil's lessons missed, those with no reason, those unexcused.</summary>
    public async Task<IReadOnlyList<(string FullName, string ClassName, long Lessons, long Unexplained, long Unexcused)>> AbsencesAsync() =>
        (await db.QueryAsync<(string FullName, string ClassName, long Lessons, long Unexplained, long Unexcused)>(
            $"""
            SELECT p.full_name, p.class_name,
                (SELECT COUNT(*) FROM marks m WHERE m.school_id = a.school_id AND m.pupil_id = a.pupil_id AND m.date = a.date AND m.presence = 'Absent'),
                (SELECT COUNT(*) FROM marks m WHERE m.school_id = a.school_id AND m.pupil_id = a.pupil_id AND m.date = a.date AND m.presence = 'Absent' AND m.reason = 'NoneRecorded'),
                (SELECT COUNT(*) FROM marks m WHERE m.school_id = a.school_id AND m.pupil_id = a.pupil_id AND m.date = a.date AND m.presence = 'Absent' AND m.reason = 'Unexcused')
            FROM absences a JOIN pupils p ON p.school_id = a.school_id AND p.pupil_id = a.pupil_id
            WHERE a.school_id = @schoolId AND a.date = @prev AND {inScope}
            ORDER BY p.class_name, p.full_name
            """, args, tx).ConfigureAwait(false)).ToList();

    /// <summary>Guardians nobody could tell of an absence of the previous school day or today, with why.</summary>
    public async Task<IReadOnlyList<(string Pupil, string ClassName, string Guardian, string? Tried)>> UnreachableAsync() =>
        (await db.QueryAsync<(string Pupil, string ClassName, string Guardian, string? Tried)>(
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
            """, args, tx).ConfigureAwait(false)).ToList();

    /// <summary>Pupils with an unexplained absence of the previous school day or today and nobody to tell: no guardian in the journal nor in the contacts file.</summary>
    public async Task<IReadOnlyList<(string Pupil, string ClassName)>> WithoutGuardiansAsync() =>
        (await db.QueryAsync<(string Pupil, string ClassName)>(
            $"""
            SELECT p.full_name, p.class_name FROM absences a
            JOIN pupils p ON p.school_id = a.school_id AND p.pupil_id = a.pupil_id
            WHERE a.school_id = @schoolId AND a.date IN (@prev, @today) AND a.state <> 'explained' AND {inScope}
                AND NOT EXISTS (SELECT 1 FROM pupil_guardians pg WHERE pg.school_id = a.school_id AND pg.pupil_id = a.pupil_id)
            GROUP BY p.school_id, p.pupil_id ORDER BY p.class_name, p.full_name
            """, args, tx).ConfigureAwait(false)).ToList();

    /// <summary>Breaches found or dropped since the previous digest.</summary>
    public async Task<IReadOnlyList<(string Pupil, string ClassName, string Level, string Period, double Share, bool Dropped, double? DroppedShare)>> BreachesAsync() =>
        (await db.QueryAsync<(string Pupil, string ClassName, string Level, string Period, double Share, string? DroppedAt, double? DroppedShare)>(
            $"""
            SELECT p.full_name, p.class_name, b.level_id, b.period_name, b.share, b.dropped_at, b.dropped_share
            FROM breaches b JOIN pupils p ON p.school_id = b.school_id AND p.pupil_id = b.pupil_id
            WHERE b.school_id = @schoolId AND ((b.detected_at > @since AND b.detected_at <= @now) OR (b.dropped_at > @since AND b.dropped_at <= @now)) AND {inScope}
            ORDER BY p.class_name, p.full_name
            """, args, tx).ConfigureAwait(false))
        .Select(r => (r.Pupil, r.ClassName, r.Level, r.Period, r.Share, r.DroppedAt is not null, r.DroppedShare))
        .ToList();

    /// <summary>Pending steps of open cases due by today, and every proposed deregistration (<paramref name="alwaysStepId"/>).</summary>
    public async Task<IReadOnlyList<(long CaseId, string Pupil, string ClassName, string Step, string Owner, DateOnly Due)>> StepsDueAsync(string alwaysStepId)
    {
        args.Add("alwaysStepId", alwaysStepId);
        return (await db.QueryAsync<(long CaseId, string Pupil, string ClassName, string Step, string Owner, string Due)>(
                $"""
                SELECT c.id, p.full_name, p.class_name, s.name, s.owner_role, s.due_on
                FROM case_steps s JOIN cases c ON c.id = s.case_id AND c.state = 'open'
                JOIN pupils p ON p.school_id = c.school_id AND p.pupil_id = c.pupil_id
                WHERE c.school_id = @schoolId AND s.state = 'pending' AND (s.due_on <= @today OR s.step_id = @alwaysStepId) AND {inScope}
                ORDER BY s.due_on, c.id
                """, args, tx).ConfigureAwait(false))
            .Select(r => (r.CaseId, r.Pupil, r.ClassName, r.Step, r.Owner, StoreTime.ParseDate(r.Due)))
            .ToList();
    }

    /// <summary>Open cases whose breach was dropped, with the share at the drop.</summary>
    public async Task<IReadOnlyList<(long CaseId, string Pupil, string ClassName, string Level, double ShareNow)>> ClosableCasesAsync() =>
        (await db.QueryAsync<(long CaseId, string Pupil, string ClassName, string Level, double ShareNow)>(
            $"""
            SELECT c.id, p.full_name, p.class_name, c.level_id, COALESCE(b.dropped_share, 0)
            FROM cases c JOIN breaches b ON b.id = c.breach_id
            JOIN pupils p ON p.school_id = c.school_id AND p.pupil_id = c.pupil_id
            WHERE c.school_id = @schoolId AND c.state = 'open' AND b.dropped_at IS NOT NULL AND {inScope}
            ORDER BY c.id
            """, args, tx).ConfigureAwait(false)).ToList();

    /// <summary>Pupils studying now who were enrolled on or after <paramref name="since"/>, with the enrolment date.</summary>
    public async Task<IReadOnlyList<(string Pupil, string ClassName, DateOnly EnrolledOn)>> EnrolledSinceAsync(DateOnly since)
    {
        args.Add("enrolledSince", StoreTime.Format(since));
        return (await db.QueryAsync<(string Pupil, string ClassName, string EnrolledOn)>(
                $"""
                SELECT p.full_name, p.class_name, p.enrolled_on FROM pupils p
                WHERE p.school_id = @schoolId AND p.active = 1 AND p.enrolled_on >= @enrolledSince AND {inScope}
                ORDER BY p.enrolled_on, p.class_name, p.full_name
                """, args, tx).ConfigureAwait(false))
            .Select(r => (r.Pupil, r.ClassName, StoreTime.ParseDate(r.EnrolledOn)))
            .ToList();
    }

    /// <summary>Classes none of whose lessons of the previous school day had attendance taken.</summary>
    public async Task<IReadOnlyList<string>> NotEnteredAsync() =>
        (await db.QueryAsync<string>(
            $"""
            SELECT l.class_name FROM lessons l
            WHERE l.school_id = @schoolId AND l.date = @prev AND {inScope.Replace("p.", "l.", StringComparison.Ordinal)}
            GROUP BY l.class_name HAVING SUM(l.taken) = 0 ORDER BY l.class_name
            """, args, tx).ConfigureAwait(false)).ToList();

    /// <summary>Channels paused now, with the server's reason.</summary>
    public async Task<IReadOnlyList<(string Channel, string Reason)>> PausedChannelsAsync() =>
        (await db.QueryAsync<(string Channel, string Reason)>("SELECT channel, reason FROM channel_pauses WHERE paused_until > @now", args, tx).ConfigureAwait(false)).ToList();

    /// <summary>Notices of the previous school day that quiet hours pushed to the next morning.</summary>
    public Task<int> LateByQuietHoursAsync() => db.ExecuteScalarAsync<int>(
        "SELECT COUNT(*) FROM outbox WHERE school_id = @schoolId AND date = @prev AND deferred_reason = 'quiet-hours'", args, tx);

    /// <summary>Journal flags given up (<c>Failed</c> true) and those failing after three attempts or more, with the last reason.</summary>
    public async Task<IReadOnlyList<(bool Failed, long Count, string? Error)>> FlagTroubleAsync() =>
        (await db.QueryAsync<(string State, long Count, string? Error)>(
            """
            SELECT state, COUNT(*), MAX(last_error) FROM journal_flags
            WHERE school_id = @schoolId AND (state = 'failed' OR (state = 'pending' AND attempts >= 3)) GROUP BY state
            """, args, tx).ConfigureAwait(false))
        .Select(r => (r.State == "failed", r.Count, r.Error))
        .ToList();

    /// <summary>Lessons missed without a valid reason in the four weeks before today, by class.</summary>
    public async Task<IReadOnlyList<(string ClassName, int Lessons)>> ChartAsync() =>
        (await db.QueryAsync<(string ClassName, long Lessons)>(
            $"""
            SELECT p.class_name, COUNT(*) FROM marks m
            JOIN pupils p ON p.school_id = m.school_id AND p.pupil_id = m.pupil_id
            JOIN lessons l ON l.school_id = m.school_id AND l.class_name = p.class_name AND l.date = m.date AND l.lesson_no = m.lesson_no AND l.taken = 1
            WHERE m.school_id = @schoolId AND m.date >= @fourWeeksAgo AND m.date < @today AND m.presence = 'Absent' AND m.reason IN ('NoneRecorded', 'Unexcused') AND {inScope}
            GROUP BY p.class_name ORDER BY p.class_name
            """, args, tx).ConfigureAwait(false)).Select(r => (r.ClassName, (int)r.Lessons)).ToList();

    public Task<IReadOnlyList<ReadQuarantineRepository.Stored>> QuarantinesAsync() => ReadQuarantineRepository.ListAsync(db, tx, schoolId);
}
