using System.Data.Common;
using Connector.Audit;
using Dapper;

namespace Connector.Store;

/// <summary>
/// The register of transfers of personal data (003 §6.5: «с регистрацией факта передачи»): when, what kind, to whom,
/// about whom, why. Ids only; the message itself is not kept.
/// </summary>
internal static class AuditLog
{
    public static Task RecordAsync(DbConnection db, DbTransaction tx, AuditEntry entry) => db.ExecuteAsync(
        """
        INSERT INTO audit_log (at, school_id, action, recipient, channel, subject_ids, purpose, reference)
        VALUES (@At, @SchoolId, @Action, @Recipient, @Channel, @SubjectIds, @Purpose, @Reference)
        """,
        new
        {
            At = StoreTime.Format(entry.At), entry.SchoolId, entry.Action, entry.Recipient, entry.Channel,
            SubjectIds = string.Join(',', entry.SubjectIds), entry.Purpose, entry.Reference,
        },
        tx);
}
