using Connector.Abstractions.Journals;
using Connector.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Connector.Escalation;

/// <summary>Queues a flag for the journal in the caller's transaction; the same key is queued once.</summary>
internal static class JournalFlags
{
    public static Task QueueAsync(SqliteConnection db, SqliteTransaction tx, string schoolId, JournalFlag flag, DateTimeOffset now) => db.ExecuteAsync(
        """
        INSERT OR IGNORE INTO journal_flags (key, school_id, pupil_id, kind, date, text, state, created_at)
        VALUES (@Key, @schoolId, @PupilId, @kind, @date, @Text, 'pending', @at)
        """,
        new { flag.Key, schoolId, flag.PupilId, kind = flag.Kind.ToString(), date = StoreTime.Format(flag.Date), flag.Text, at = StoreTime.Format(now) }, tx);
}
