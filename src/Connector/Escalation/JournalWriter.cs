using Connector.Abstractions.Journals;
using Connector.Audit;
using Connector.Diagnostics;
using Connector.Schools;
using Connector.Store;
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
        IReadOnlyList<(JournalFlag Flag, int Attempts, string? ClassName)> pending;
        await using (var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            pending = await JournalFlagStore.DueAsync(db, schoolId, time.GetUtcNow(), 100).ConfigureAwait(false);
        }

        var written = 0;
        foreach (var (due, attempts, className) in pending)
        {
            var (key, pupilId) = (due.Key, due.PupilId);
            var flag = due with { ClassTeacher = className is null ? null : school.ClassTeacherOf(className)?.FullName };
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
                    await JournalFlagStore.MarkWrittenAsync(db, tx, key, now).ConfigureAwait(false);
                    await AuditLog.RecordAsync(db, tx, new AuditEntry(now, schoolId, "journal-flag.written", "journal", null, [pupilId],
                        "отметка для сотрудников школы в электронном журнале (RULES.md §2, §4)", key)).ConfigureAwait(false);
                }
                else
                {
                    await JournalFlagStore.MarkNotWrittenAsync(db, tx, key, error, giveUp: failed, now + RetryAfter(attempts + 1)).ConfigureAwait(false);
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
