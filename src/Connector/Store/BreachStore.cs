using System.Data.Common;
using Connector.Thresholds;
using Dapper;

namespace Connector.Store;

/// <summary>Breaches of the thresholds, and the counts of a period they are measured by.</summary>
internal static class BreachStore
{
    /// <summary>The breaches of one level in one period, one a pupil.</summary>
    public static async Task<IReadOnlyList<BreachRule.Stored>> OfLevelAsync(DbConnection db, DbTransaction tx, string schoolId, string levelId, string periodKey) =>
        (await db.QueryAsync<(long Id, string PupilId, string? DroppedAt)>(
            "SELECT id, pupil_id, dropped_at FROM breaches WHERE school_id = @schoolId AND level_id = @levelId AND period_key = @periodKey",
            new { schoolId, levelId, periodKey }, tx).ConfigureAwait(false))
        .Select(b => new BreachRule.Stored(b.Id, b.PupilId, b.DroppedAt is not null))
        .ToList();

    public static Task<long> InsertAsync(DbConnection db, DbTransaction tx, string schoolId, string profileId, ThresholdLevel level, Period period, PupilPeriodCounts counts, DateTimeOffset now) =>
        db.ExecuteScalarAsync<long>(
            """
            INSERT INTO breaches (school_id, pupil_id, profile_id, level_id, level_rank, period_key, period_name, share, missed, scheduled, detected_at)
            VALUES (@schoolId, @PupilId, @profileId, @level, @rank, @key, @name, @share, @Missed, @Scheduled, @at) RETURNING id
            """,
            new
            {
                schoolId, counts.PupilId, profileId, level = level.Id, rank = level.Rank, key = period.Key, name = period.Name, share = (double)counts.Share,
                counts.Missed, counts.Scheduled, at = StoreTime.Format(now),
            },
            tx);

    public static Task ReviveAsync(DbConnection db, DbTransaction tx, long id, decimal share) => db.ExecuteAsync(
        "UPDATE breaches SET dropped_at = NULL, dropped_share = NULL, share = @share WHERE id = @id", new { id, share = (double)share }, tx);

    public static Task DropAsync(DbConnection db, DbTransaction tx, long id, decimal share, DateTimeOffset now) => db.ExecuteAsync(
        "UPDATE breaches SET dropped_at = @at, dropped_share = @share WHERE id = @id", new { id, at = StoreTime.Format(now), share = (double)share }, tx);

    /// <summary>Each active pupil's lessons in the period: the one definition of the share (README, "The share, defined once").</summary>
    public static async Task<IReadOnlyList<PupilPeriodCounts>> CountAsync(DbConnection db, DbTransaction? tx, string schoolId, Period period) =>
        (await db.QueryAsync<(string PupilId, long Scheduled, long Missed, long Attended, long Late)>(
            """
            SELECT p.pupil_id,
                   COUNT(*),
                   SUM(CASE WHEN m.presence = 'Absent' AND m.reason IN ('NoneRecorded', 'Unexcused') THEN 1 ELSE 0 END),
                   SUM(CASE WHEN m.presence IS NULL OR m.presence IN ('Present', 'Late') THEN 1 ELSE 0 END),
                   SUM(CASE WHEN m.presence = 'Late' AND m.reason IN ('NoneRecorded', 'Unexcused') THEN 1 ELSE 0 END)
            FROM pupils p
            JOIN lessons l ON l.school_id = p.school_id AND l.class_name = p.class_name AND l.taken = 1
                AND l.date BETWEEN @from AND @to AND (p.enrolled_on IS NULL OR l.date >= p.enrolled_on)
            LEFT JOIN marks m ON m.school_id = p.school_id AND m.pupil_id = p.pupil_id AND m.date = l.date AND m.lesson_no = l.lesson_no
            WHERE p.school_id = @schoolId AND p.active = 1
            GROUP BY p.pupil_id
            """,
            new { schoolId, from = StoreTime.Format(period.From), to = StoreTime.Format(period.To) }, tx).ConfigureAwait(false))
        .Select(r => new PupilPeriodCounts(r.PupilId, (int)r.Scheduled, (int)r.Missed, (int)r.Attended, (int)r.Late))
        .ToList();
}
