using System.Data.Common;
using Connector.Abstractions.Journals;
using Dapper;

namespace Connector.Store;

/// <summary>Flags queued for the journal: queued once a key, written each once.</summary>
internal static class JournalFlagStore
{
    /// <summary>Queues a flag in the caller's transaction; the same key is queued once.</summary>
    public static Task QueueAsync(DbConnection db, DbTransaction tx, string schoolId, JournalFlag flag, DateTimeOffset now) => db.ExecuteAsync(
        """
        INSERT INTO journal_flags (key, school_id, pupil_id, kind, date, text, state, created_at)
        VALUES (@Key, @schoolId, @PupilId, @kind, @date, @Text, 'pending', @at)
        ON CONFLICT DO NOTHING
        """,
        new { flag.Key, schoolId, flag.PupilId, kind = flag.Kind.ToString(), date = StoreTime.Format(flag.Date), flag.Text, at = StoreTime.Format(now) }, tx);

    /// <summary>The school's flags due to be written, oldest first, each with the attempts made and its pupil's class (null when the pupil is gone).</summary>
    public static async Task<IReadOnlyList<(JournalFlag Flag, int Attempts, string? ClassName)>> DueAsync(DbConnection db, string schoolId, DateTimeOffset now, int limit) =>
        (await db.QueryAsync<(string Key, string PupilId, string Kind, string Date, string Text, long Attempts, string? ClassName)>(
            """
            SELECT f.key, f.pupil_id, f.kind, f.date, f.text, f.attempts, p.class_name
            FROM journal_flags f LEFT JOIN pupils p ON p.school_id = f.school_id AND p.pupil_id = f.pupil_id
            WHERE f.school_id = @schoolId AND f.state = 'pending' AND (f.next_attempt_at IS NULL OR f.next_attempt_at <= @now)
            ORDER BY f.created_at LIMIT @limit
            """,
            new { schoolId, now = StoreTime.Format(now), limit }).ConfigureAwait(false))
        .Select(r => (new JournalFlag(r.Key, r.PupilId, Enum.Parse<JournalFlagKind>(r.Kind), StoreTime.ParseDate(r.Date), r.Text, null), (int)r.Attempts, r.ClassName))
        .ToList();

    public static Task MarkWrittenAsync(DbConnection db, DbTransaction tx, string key, DateTimeOffset now) => db.ExecuteAsync(
        "UPDATE journal_flags SET state = 'written', written_at = @at, attempts = attempts + 1 WHERE key = @key",
        new { key, at = StoreTime.Format(now) }, tx);

    /// <summary>Records a failed write: the flag is tried again at <paramref name="next"/>, or given up when <paramref name="giveUp"/>.</summary>
    public static Task MarkNotWrittenAsync(DbConnection db, DbTransaction tx, string key, string error, bool giveUp, DateTimeOffset next) => db.ExecuteAsync(
        "UPDATE journal_flags SET state = @state, attempts = attempts + 1, last_error = @error, next_attempt_at = @next WHERE key = @key",
        new { key, error, state = giveUp ? "failed" : "pending", next = StoreTime.Format(next) }, tx);
}
