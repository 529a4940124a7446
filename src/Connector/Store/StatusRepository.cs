using System.Data.Common;
using Dapper;

namespace Connector.Store;

/// <summary>What <c>connector status</c> reads of one school, beside the running service (nothing is changed).</summary>
internal static class StatusRepository
{
    /// <summary>Messages of one channel: waiting now, and how today's ended ("—" for those with no channel to go by).</summary>
    public sealed record ChannelCounts(string Channel, long Waiting, long Sending, long SentToday, long FailedToday, long UnreachableToday);

    public sealed record Figures(
        DateTimeOffset? RosterReadAt, long Pupils, long GuardiansWithContacts,
        long PupilsUnexplainedToday, long LessonsUnexplainedToday,
        IReadOnlyList<ChannelCounts> Messages,
        long FlagsWaiting, long FlagsRefused,
        long OpenCases, long StepsDueToday, long StepsOverdue);

    public sealed record Pause(string Channel, DateTimeOffset Until, string Reason);

    public static async Task<Figures> ReadAsync(DbConnection db, string schoolId, DateOnly today)
    {
        var args = new { id = schoolId, today = StoreTime.Format(today) };
        var synced = await db.QueryFirstOrDefaultAsync<string?>("SELECT synced_at FROM roster_syncs WHERE school_id = @id", args).ConfigureAwait(false);
        var pupils = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pupils WHERE school_id = @id AND active = 1", args).ConfigureAwait(false);
        var guardians = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM guardians WHERE school_id = @id AND (email IS NOT NULL OR phone IS NOT NULL)", args).ConfigureAwait(false);
        var (unexplainedPupils, unexplainedLessons) = await db.QuerySingleAsync<(long, long)>(
            """
            SELECT COUNT(DISTINCT pupil_id), COUNT(*) FROM marks
            WHERE school_id = @id AND date = @today AND presence = 'Absent' AND reason IN ('NoneRecorded', 'Unexcused') AND vanished_at IS NULL
            """, args).ConfigureAwait(false);
        var messages = (await db.QueryAsync<(string Channel, string State, long Count)>(
            """
            SELECT COALESCE(channel, '—'), state, COUNT(*) FROM outbox WHERE school_id = @id AND carried_by IS NULL
              AND (state IN ('pending', 'sending') OR (state IN ('sent', 'failed', 'unreachable') AND date = @today))
            GROUP BY 1, 2
            """, args).ConfigureAwait(false))
            .GroupBy(r => r.Channel)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                long Of(string state) => g.Where(r => r.State == state).Sum(r => r.Count);
                return new ChannelCounts(g.Key, Of("pending"), Of("sending"), Of("sent"), Of("failed"), Of("unreachable"));
            })
            .ToList();
        var (flagsWaiting, flagsRefused) = await db.QuerySingleAsync<(long, long)>(
            "SELECT COUNT(CASE WHEN state = 'pending' THEN 1 END), COUNT(CASE WHEN state = 'failed' THEN 1 END) FROM journal_flags WHERE school_id = @id", args).ConfigureAwait(false);
        var (open, dueToday, overdue) = await db.QuerySingleAsync<(long, long, long)>(
            """
            SELECT (SELECT COUNT(*) FROM cases WHERE school_id = @id AND state = 'open'),
                   COUNT(CASE WHEN s.due_on = @today THEN 1 END), COUNT(CASE WHEN s.due_on < @today THEN 1 END)
            FROM case_steps s JOIN cases c ON c.id = s.case_id
            WHERE c.school_id = @id AND c.state = 'open' AND s.state = 'pending'
            """, args).ConfigureAwait(false);
        return new Figures(
            synced is null ? null : StoreTime.ParseInstant(synced), pupils, guardians, unexplainedPupils, unexplainedLessons, messages,
            flagsWaiting, flagsRefused, open, dueToday, overdue);
    }

    public static async Task<IReadOnlyList<Pause>> PausedChannelsAsync(DbConnection db, DateTimeOffset now) =>
        (await db.QueryAsync<(string Channel, string Until, string Reason)>(
            "SELECT channel, paused_until, reason FROM channel_pauses WHERE paused_until > @now ORDER BY channel", new { now = StoreTime.Format(now) }).ConfigureAwait(false))
        .Select(r => new Pause(r.Channel, StoreTime.ParseInstant(r.Until), r.Reason))
        .ToList();
}
