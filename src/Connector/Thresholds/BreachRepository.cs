using System.Data.Common;
using System.Globalization;
using Connector.Store;
using Dapper;

namespace Connector.Thresholds;

/// <summary>Counts each pupil's lessons in the profile's current periods and records the levels reached, in the poll's transaction.</summary>
internal static class BreachRepository
{
    /// <summary>
    /// Records new breaches (once per pupil, level and period); a breach whose pupil fell back below the level
    /// (a reason recorded later) is marked dropped, with the new share, and stays visible. Returns the new ones.
    /// </summary>
    public static async Task<IReadOnlyList<NewBreach>> ApplyAsync(DbConnection db, DbTransaction tx, string schoolId, RuleProfile profile, DateOnly today, DateTimeOffset now)
    {
        var found = new List<NewBreach>();
        var at = StoreTime.Format(now);
        foreach (var group in profile.Levels.GroupBy(l => l.Period))
        {
            if (Periods.Current(group.Key, today) is not { } period) continue;
            var counts = await CountAsync(db, tx, schoolId, period).ConfigureAwait(false);
            foreach (var level in group)
            {
                var reached = ThresholdEngine.Reached(profile, level, counts).ToDictionary(r => r.Counts.PupilId, r => r.Counts);
                var existing = (await db.QueryAsync<(long Id, string PupilId, string? DroppedAt)>(
                    "SELECT id, pupil_id, dropped_at FROM breaches WHERE school_id = @schoolId AND level_id = @Id AND period_key = @Key",
                    new { schoolId, level.Id, period.Key }, tx).ConfigureAwait(false)).ToDictionary(b => b.PupilId);
                foreach (var (pupilId, c) in reached)
                {
                    if (existing.TryGetValue(pupilId, out var old))
                    {
                        if (old.DroppedAt is not null)
                        {
                            await db.ExecuteAsync("UPDATE breaches SET dropped_at = NULL, dropped_share = NULL, share = @share WHERE id = @id",
                                new { id = old.Id, share = (double)c.Share }, tx).ConfigureAwait(false);
                        }

                        continue;
                    }

                    var id = await db.ExecuteScalarAsync<long>(
                        """
                        INSERT INTO breaches (school_id, pupil_id, profile_id, level_id, level_rank, period_key, period_name, share, missed, scheduled, detected_at)
                        VALUES (@schoolId, @pupilId, @profile, @level, @rank, @key, @name, @share, @Missed, @Scheduled, @at) RETURNING id
                        """,
                        new { schoolId, pupilId, profile = profile.Id, level = level.Id, rank = level.Rank, key = period.Key, name = period.Name, share = (double)c.Share, c.Missed, c.Scheduled, at },
                        tx).ConfigureAwait(false);
                    found.Add(new NewBreach(id, pupilId, level, period, c));
                }

                foreach (var (pupilId, old) in existing.Where(e => e.Value.DroppedAt is null && !reached.ContainsKey(e.Key)))
                {
                    var share = counts.FirstOrDefault(c => c.PupilId == pupilId)?.Share ?? 0;
                    await db.ExecuteAsync("UPDATE breaches SET dropped_at = @at, dropped_share = @share WHERE id = @id",
                        new { id = old.Id, at, share = (double)share }, tx).ConfigureAwait(false);
                }
            }
        }

        return found;
    }

    /// <summary>Each active pupil's lessons in the period: the one definition of the share (README, "The share, defined once").</summary>
    public static async Task<IReadOnlyList<PupilPeriodCounts>> CountAsync(DbConnection db, DbTransaction? tx, string schoolId, Period period) =>
        (await db.QueryAsync<(string PupilId, long Scheduled, long Missed, long Attended)>(
            """
            SELECT p.pupil_id,
                   COUNT(*),
                   SUM(CASE WHEN m.presence = 'Absent' AND m.reason IN ('NoneRecorded', 'Unexcused') THEN 1 ELSE 0 END),
                   SUM(CASE WHEN m.presence IS NULL OR m.presence IN ('Present', 'Late') THEN 1 ELSE 0 END)
            FROM pupils p
            JOIN lessons l ON l.school_id = p.school_id AND l.class_name = p.class_name AND l.taken = 1
                AND l.date BETWEEN @from AND @to AND (p.enrolled_on IS NULL OR l.date >= p.enrolled_on)
            LEFT JOIN marks m ON m.school_id = p.school_id AND m.pupil_id = p.pupil_id AND m.date = l.date AND m.lesson_no = l.lesson_no
            WHERE p.school_id = @schoolId AND p.active = 1
            GROUP BY p.pupil_id
            """,
            new { schoolId, from = StoreTime.Format(period.From), to = StoreTime.Format(period.To) }, tx).ConfigureAwait(false))
        .Select(r => new PupilPeriodCounts(r.PupilId, (int)r.Scheduled, (int)r.Missed, (int)r.Attended))
        .ToList();
}

/// <summary>A level a pupil reached for the first time in a period.</summary>
internal sealed record NewBreach(long Id, string PupilId, ThresholdLevel Level, Period Period, PupilPeriodCounts Counts)
{
    public string Describe() => string.Create(CultureInfo.GetCultureInfo("ru-RU"),
        $"{Level.Name}: {Period.Name}, пропущено без уважительной причины {Counts.Missed} из {Counts.Scheduled} уроков ({Counts.Share:0.#} %)");
}
