using System.Data.Common;
using System.Globalization;
using Connector.Audit;
using Connector.Store;
using Dapper;

namespace Connector.Delivery;

/// <summary>Records a message as sent: the outbox row, what the guardians now know, and the audit entry, in one transaction.</summary>
internal sealed class SentRecorder
{
    private static readonly Dictionary<string, string> Purposes = new()
    {
        [OutboxWriter.Absence] = "информирование родителей о пропуске занятий в течение дня (пост. № 122, п. 2.4)",
        [OutboxWriter.Correction] = "уточнение ранее переданных сведений о пропуске",
        [OutboxWriter.Digest] = "ежедневная сводка для сотрудника школы (RULES.md §2: эскалация в утренней сводке)",
    };

    public async Task MarkSentAsync(
        DbConnection db, DbTransaction tx, string schoolId, OutboxMessage message, string address,
        IReadOnlyDictionary<string, IReadOnlyList<int>> lessonsByPupil, string? providerId, DateTimeOffset now)
    {
        var at = StoreTime.Format(now);
        await db.ExecuteAsync(
            """
            UPDATE outbox SET state = 'sent', sent_at = @at, closed_at = @at, provider_id = COALESCE(@providerId, provider_id), address = @address,
                delivery_status = CASE WHEN channel = 'Sms' THEN 'Pending' END, last_error = NULL
            WHERE id = @Id
            """,
            new { message.Id, at, providerId, address }, tx).ConfigureAwait(false);
        if (message.Kind == OutboxWriter.Absence)
        {
            foreach (var (pupilId, lessons) in lessonsByPupil)
            {
                var previous = await db.ExecuteScalarAsync<string?>(
                    "SELECT notified_lessons FROM absences WHERE school_id = @schoolId AND pupil_id = @pupilId AND date = @Date",
                    new { schoolId, pupilId, message.Date }, tx).ConfigureAwait(false);
                var merged = (previous ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Concat(lessons).Distinct().Order();
                await db.ExecuteAsync(
                    """
                    UPDATE absences SET state = 'notified', notified_at = COALESCE(notified_at, @at), notified_lessons = @lessons
                    WHERE school_id = @schoolId AND pupil_id = @pupilId AND date = @Date
                    """,
                    new { schoolId, pupilId, message.Date, at, lessons = string.Join(',', merged) }, tx).ConfigureAwait(false);
            }
        }

        await AuditLog.RecordAsync(db, tx, new AuditEntry(
            now, schoolId, $"{message.Kind}-notice.sent",
            message.GuardianId.StartsWith("staff:", StringComparison.Ordinal) ? message.GuardianId : $"guardian:{message.GuardianId}", message.Channel,
            lessonsByPupil.Keys.ToList(), Purposes[message.Kind], message.IdempotencyKey)).ConfigureAwait(false);
    }

    /// <summary>
    /// Audits the interrupted send of a message the channel cannot vouch for (SMTP, SMS.ru): the server may have
    /// taken it before the process died, so the resend that follows may be a second copy, and both are in the log.
    /// </summary>
    public Task AuditPossiblySentAsync(DbConnection db, DbTransaction tx, string schoolId, OutboxMessage message, IReadOnlyList<string> pupilIds, DateTimeOffset now) =>
        AuditLog.RecordAsync(db, tx, new AuditEntry(
            now, schoolId, $"{message.Kind}-notice.possibly-sent",
            message.GuardianId.StartsWith("staff:", StringComparison.Ordinal) ? message.GuardianId : $"guardian:{message.GuardianId}", message.Channel,
            pupilIds, Purposes[message.Kind] + "; отправка прервана, канал не может подтвердить доставку, сообщение отправляется повторно", message.IdempotencyKey));

    /// <summary>The lessons missed without a valid reason of the pupils a recovered message covered.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<int>>> LessonsOfAsync(DbConnection db, DbTransaction tx, string schoolId, string date, string? pupilIds)
    {
        var result = new Dictionary<string, IReadOnlyList<int>>();
        foreach (var pupilId in (pupilIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            result[pupilId] = (await db.QueryAsync<long>(
                    "SELECT lesson_no FROM marks WHERE school_id = @schoolId AND pupil_id = @pupilId AND date = @date AND presence = 'Absent' AND reason IN ('NoneRecorded', 'Unexcused') ORDER BY lesson_no",
                    new { schoolId, pupilId, date }, tx).ConfigureAwait(false))
                .Select(l => (int)l).ToList();
        }

        return result;
    }
}
