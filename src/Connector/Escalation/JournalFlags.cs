using System.Data.Common;
using Connector.Abstractions.Journals;
using Connector.Store;
using Dapper;

namespace Connector.Escalation;

/// <summary>Queues a flag for the journal in the caller's transaction; the same key is queued once.</summary>
internal static class JournalFlags
{
    public static Task QueueAsync(DbConnection db, DbTransaction tx, string schoolId, JournalFlag flag, DateTimeOffset now) => db.ExecuteAsync(
        """
        INSERT INTO journal_flags (key, school_id, pupil_id, kind, date, text, state, created_at)
        VALUES (@Key, @schoolId, @PupilId, @kind, @date, @Text, 'pending', @at)
        ON CONFLICT DO NOTHING
        """,
        new { flag.Key, schoolId, flag.PupilId, kind = flag.Kind.ToString(), date = StoreTime.Format(flag.Date), flag.Text, at = StoreTime.Format(now) }, tx);
}
