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
/// records each write in the audit log. A journal that cannot take flags keeps them queued for the digest. A write
/// that failed (the server down, an endpoint missing, a class teacher not found) is tried again with back-off, from
/// 5 minutes doubling to 6 hours; only a refusal of the write itself (<see cref="JournalFailure.Refused"/>) gives it
/// up, and the digest shows it.
/// </summary>
internal sealed class JournalWriter(SchoolRegistry schools, ConnectorDatabase database, TimeProvider time, ILogger<JournalWriter> logger)
{
    public async Task<int> WriteAsync(string schoolId, CancellationToken cancellationToken)
    {
        var school = schools.Get(schoolId);
        if (!school.Adapter.Capabilities.CanWriteFlags) return 0;
        List<(string Key, string PupilId, string Kind, string Date, string Text, long Attempts, string? ClassName)> pending;
        await using (var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            pending = (await db.QueryAsync<(string, string, string, string, string, long, string?)>(
                """
                SELECT f.key, f.pupil_id, f.kind, f.date, f.text, f.attempts, p.class_name
                FROM journal_flags f LEFT JOIN pupils p ON p.school_id = f.school_id AND p.pupil_id = f.pupil_id
                WHERE f.school_id = @schoolId AND f.state = 'pending' AND (f.next_attempt_at IS NULL OR f.next_attempt_at <= @now)
                ORDER BY f.created_at LIMIT 100
                """,
                new { schoolId, now = StoreTime.Format(time.GetUtcNow()) }).ConfigureAwait(false)).ToList();
        }

        var written = 0;
        foreach (var (key, pupilId, kind, date, text, attempts, className) in pending)
        {
            var teacher = className is null ? null : school.ClassTeacherOf(className)?.FullName;
            var flag = new JournalFlag(key, pupilId, Enum.Parse<JournalFlagKind>(kind), StoreTime.ParseDate(date), text, teacher);
            string? error = null;
            var failed = false;
            try
            {
                await school.Adapter.WriteFlagAsync(flag, cancellationToken).ConfigureAwait(false);
            }
            catch (JournalException ex)
            {
                error = ex.Message;
                failed = ex.Failure == JournalFailure.Refused;
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
                    await db.ExecuteAsync("UPDATE journal_flags SET state = @state, attempts = attempts + 1, last_error = @error, next_attempt_at = @next WHERE key = @key",
                        new { key, error, state = failed ? "failed" : "pending", next = StoreTime.Format(now + RetryAfter((int)attempts + 1)) }, tx).ConfigureAwait(false);
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

    /// <summary>How long after the n-th failed attempt the next is made: 5 minutes, doubling, at most 6 hours.</summary>
    public static TimeSpan RetryAfter(int failures) =>
        TimeSpan.FromMinutes(Math.Min(360, 5 * Math.Pow(2, Math.Clamp(failures - 1, 0, 10))));
}
