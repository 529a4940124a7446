using System.Data.Common;
using Connector.Audit;
using Connector.Store;

namespace Connector.Delivery;

/// <summary>Records a message as sent: the outbox row, what the guardians now know, and the audit entry, in one transaction.</summary>
internal sealed class SentRecorder
{
    private static readonly Dictionary<MessageKind, string> Purposes = new()
    {
        [MessageKind.Absence] = "информирование родителей о пропуске занятий в течение дня (пост. № 122, п. 2.4)",
        [MessageKind.Correction] = "уточнение ранее переданных сведений о пропуске",
        [MessageKind.Digest] = "ежедневная сводка для сотрудника школы (RULES.md §2: эскалация в утренней сводке)",
    };

    /// <summary>
    /// Records <paramref name="message"/> as sent, with the messages of other days it <paramref name="carried"/>: each
    /// closed as sent, what the guardians now know of each day, and one audit entry for the one transfer.
    /// </summary>
    public async Task MarkSentAsync(
        DbConnection db, DbTransaction tx, string schoolId, OutboxMessage message, string address,
        IReadOnlyDictionary<string, IReadOnlyList<int>> lessonsByPupil, string? providerId, DateTimeOffset now, IReadOnlyList<CarriedDay>? carried = null)
    {
        carried ??= [];
        await OutboxStore.MarkSentAsync(db, tx, message.Id, address, providerId, now).ConfigureAwait(false);
        foreach (var day in carried)
        {
            await OutboxStore.MarkSentAsync(db, tx, day.Message.Id, address, null, now).ConfigureAwait(false);
        }

        if (message.Kind == MessageKind.Absence)
        {
            foreach (var (date, lessons) in carried.Select(d => (d.Message.Date, d.LessonsByPupil)).Prepend((message.Date, lessonsByPupil)))
            {
                foreach (var (pupilId, lessonNumbers) in lessons)
                {
                    await AbsenceStore.MarkNotifiedAsync(db, tx, schoolId, pupilId, date, lessonNumbers, now).ConfigureAwait(false);
                }
            }
        }

        var purpose = Purposes[message.Kind] + (carried.Count == 0 ? "" : $"; в том же сообщении — о пропусках {string.Join(", ", carried.Select(d => StoreTime.Format(d.Message.Date)))}");
        await AuditLog.RecordAsync(db, tx, new AuditEntry(
            now, schoolId, $"{message.Kind.Name()}-notice.sent",
            message.GuardianId.StartsWith("staff:", StringComparison.Ordinal) ? message.GuardianId : $"guardian:{message.GuardianId}", message.Channel?.ToString(),
            lessonsByPupil.Keys.Concat(carried.SelectMany(d => d.LessonsByPupil.Keys)).Distinct().ToList(), purpose, message.IdempotencyKey)).ConfigureAwait(false);
    }

    /// <summary>
    /// Audits the interrupted send of a message the channel cannot vouch for (SMTP, SMS.ru): the server may have
    /// taken it before the process died, so the resend that follows may be a second copy, and both are in the log.
    /// </summary>
    public Task AuditPossiblySentAsync(DbConnection db, DbTransaction tx, string schoolId, OutboxMessage message, IReadOnlyList<string> pupilIds, DateTimeOffset now) =>
        AuditLog.RecordAsync(db, tx, new AuditEntry(
            now, schoolId, $"{message.Kind.Name()}-notice.possibly-sent",
            message.GuardianId.StartsWith("staff:", StringComparison.Ordinal) ? message.GuardianId : $"guardian:{message.GuardianId}", message.Channel?.ToString(),
            pupilIds, Purposes[message.Kind] + "; отправка прервана, канал не может подтвердить доставку, сообщение отправляется повторно", message.IdempotencyKey));
}
