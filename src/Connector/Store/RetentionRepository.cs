using System.Data.Common;
using Connector.Audit;
using Dapper;

namespace Connector.Store;

/// <summary>
/// Removes what the store holds about pupils who left once the profile's retention is over (003 §6.4): their marks,
/// absences, pending journal flags and guardian links are deleted, guardians left with no child at the school are
/// deleted with their contacts and consents (and their addresses cleared from past messages), and the pupil's row
/// keeps only its id and class, so that cases and reports of past periods still count without a name. Each pupil
/// removed is one audit entry.
/// </summary>
internal static class RetentionRepository
{
    public const string Anonymised = "данные удалены";

    /// <summary>Pupils who left and still have their data, with the school-local day they left.</summary>
    public static async Task<IReadOnlyList<(string PupilId, DateOnly LeftOn)>> LeftAsync(DbConnection db, DbTransaction tx, string schoolId) =>
        (await db.QueryAsync<(string, string)>(
            "SELECT pupil_id, left_on FROM pupils WHERE school_id = @schoolId AND active = 0 AND left_on IS NOT NULL AND anonymised_at IS NULL",
            new { schoolId }, tx).ConfigureAwait(false))
        .Select(r => (r.Item1, StoreTime.ParseDate(r.Item2))).ToList();

    /// <summary>Removes the data of <paramref name="pupilIds"/>; returns how many guardians went with them.</summary>
    public static async Task<int> RemoveAsync(DbConnection db, DbTransaction tx, string schoolId, IReadOnlyList<string> pupilIds, string purpose, DateTimeOffset now)
    {
        var at = StoreTime.Format(now);
        var guardians = (await db.QueryAsync<string>(
            $"SELECT DISTINCT guardian_id FROM pupil_guardians WHERE school_id = @schoolId AND pupil_id {SqlDialect.In(db, "pupilIds")}",
            new { schoolId, pupilIds }, tx).ConfigureAwait(false)).ToList();
        var pupilsListed = SqlDialect.In(db, "pupilIds");
        await db.ExecuteAsync(
            $"""
            DELETE FROM marks WHERE school_id = @schoolId AND pupil_id {pupilsListed};
            DELETE FROM absences WHERE school_id = @schoolId AND pupil_id {pupilsListed};
            DELETE FROM journal_flags WHERE school_id = @schoolId AND pupil_id {pupilsListed} AND state <> 'written';
            DELETE FROM pupil_guardians WHERE school_id = @schoolId AND pupil_id {pupilsListed};
            UPDATE pupils SET full_name = @name, birth_date = NULL, enrolled_on = NULL, anonymised_at = @at WHERE school_id = @schoolId AND pupil_id {pupilsListed};
            """,
            new { schoolId, pupilIds, name = Anonymised, at }, tx).ConfigureAwait(false);

        // A guardian of another child still at the school stays.
        var orphans = (await db.QueryAsync<string>(
            $"SELECT guardian_id FROM guardians g WHERE school_id = @schoolId AND guardian_id {SqlDialect.In(db, "guardians")} AND NOT EXISTS (SELECT 1 FROM pupil_guardians pg WHERE pg.school_id = g.school_id AND pg.guardian_id = g.guardian_id)",
            new { schoolId, guardians }, tx).ConfigureAwait(false)).ToList();
        var orphansListed = SqlDialect.In(db, "orphans");
        await db.ExecuteAsync(
            $"""
            DELETE FROM guardians WHERE school_id = @schoolId AND guardian_id {orphansListed};
            DELETE FROM guardian_consents WHERE school_id = @schoolId AND guardian_id {orphansListed};
            DELETE FROM processing_consents WHERE school_id = @schoolId AND guardian_id {orphansListed};
            UPDATE outbox SET address = NULL WHERE school_id = @schoolId AND guardian_id {orphansListed};
            """,
            new { schoolId, orphans }, tx).ConfigureAwait(false);

        foreach (var pupilId in pupilIds)
        {
            await AuditLog.RecordAsync(db, tx, new AuditEntry(now, schoolId, "pupil-data.removed", "store", null, [pupilId], purpose, null)).ConfigureAwait(false);
        }

        return orphans.Count;
    }
}
