using System.Data.Common;
using Connector.Delivery;
using Dapper;

namespace Connector.Store;

/// <summary>Guardians as delivery reads them: who a pupil's guardians are, their contacts and opt-outs, the name a message greets.</summary>
internal static class GuardianStore
{
    public static async Task<IReadOnlyList<string>> OfPupilAsync(DbConnection db, DbTransaction tx, string schoolId, string pupilId) =>
        (await db.QueryAsync<string>(
            "SELECT guardian_id FROM pupil_guardians WHERE school_id = @schoolId AND pupil_id = @pupilId ORDER BY guardian_id",
            new { schoolId, pupilId }, tx).ConfigureAwait(false)).ToList();

    public static async Task<GuardianContact?> ContactAsync(DbConnection db, DbTransaction? tx, string schoolId, string guardianId)
    {
        var row = await db.QueryFirstOrDefaultAsync<(string? Email, string? Phone, string? Preferred)?>(
            "SELECT email, phone, preferred_channel FROM guardians WHERE school_id = @schoolId AND guardian_id = @guardianId",
            new { schoolId, guardianId }, tx).ConfigureAwait(false);
        if (row is null) return null;

        var optedOut = await db.QueryAsync<string>(
            "SELECT channel FROM guardian_consents WHERE school_id = @schoolId AND guardian_id = @guardianId AND status = 'opt-out'",
            new { schoolId, guardianId }, tx).ConfigureAwait(false);
        return GuardianContact.From(row.Value.Email, row.Value.Phone, row.Value.Preferred, optedOut);
    }

    /// <summary>The guardian's full name as the journal has it, for the greeting; null when they are gone.</summary>
    public static Task<string?> FullNameAsync(DbConnection db, DbTransaction? tx, string schoolId, string guardianId) => db.ExecuteScalarAsync<string?>(
        "SELECT full_name FROM guardians WHERE school_id = @schoolId AND guardian_id = @guardianId", new { schoolId, guardianId }, tx);
}
