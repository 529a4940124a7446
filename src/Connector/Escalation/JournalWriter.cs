using Connector.Abstractions.Journals;
using Connector.Audit;
using Connector.Diagnostics;
using Connector.Schools;
using Connector.Store;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Connector.Escalation;

/// <summary>
/// Writes a school's queued flags (threshold levels, escalation steps) back to its journal, each once, and
/// records each write in the audit log. A journal that cannot take flags keeps them queued for the digest.
/// </summary>
internal sealed class JournalWriter(SchoolRegistry schools, ConnectorDatabase database, TimeProvider time, ILogger<JournalWriter> logger)
{
    public async Task<int> WriteAsync(string schoolId, CancellationToken cancellationToken)
    {
        var school = schools.Get(schoolId);
        if (!school.Adapter.Capabilities.CanWriteFlags) return 0;
        List<(string Key, string PupilId, string Kind, string Date, string Text)> pending;
        await using (var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            pending = (await db.QueryAsync<(string, string, string, string, string)>(
                "SELECT key, pupil_id, kind, date, text FROM journal_flags WHERE school_id = @schoolId AND state = 'pending' ORDER BY created_at LIMIT 100",
                new { schoolId }).ConfigureAwait(false)).ToList();
        }

        var written = 0;
        foreach (var (key, pupilId, kind, date, text) in pending)
        {
            var flag = new JournalFlag(key, pupilId, Enum.Parse<JournalFlagKind>(kind), StoreTime.ParseDate(date), text);
            string? error = null;
            var failed = false;
            try
            {
                await school.Adapter.WriteFlagAsync(flag, cancellationToken).ConfigureAwait(false);
            }
            catch (JournalException ex)
            {
                error = ex.Message;
                failed = !ex.IsTransient;
                Log.FlagNotWritten(logger, schoolId, key, ex.Failure.ToString(), Redact.Contacts(ex.Message));
            }

            var now = time.GetUtcNow();
            await database.InTransactionAsync(async (db, tx) =>
            {
                if (error is null)
                {
                    await db.ExecuteAsync("UPDATE journal_flags SET state = 'written', written_at = @at, attempts = attempts + 1 WHERE key = @key",
                        new { key, at = StoreTime.Format(now) }, tx).ConfigureAwait(false);
                    await AuditLog.RecordAsync(db, tx, new AuditEntry(now, schoolId, "journal-flag.written", "journal", null, [pupilId],
                        "отметка для сотрудников школы в электронном журнале (RULES.md §2, §4)", key)).ConfigureAwait(false);
                }
                else
                {
                    await db.ExecuteAsync("UPDATE journal_flags SET state = @state, attempts = attempts + 1, last_error = @error WHERE key = @key",
                        new { key, error, state = failed ? "failed" : "pending" }, tx).ConfigureAwait(false);
                }

                return 0;
            }, cancellationToken).ConfigureAwait(false);
            if (error is null)
            {
                written++;
                Log.FlagWritten(logger, schoolId, key);
            }
        }

        return written;
    }
}
