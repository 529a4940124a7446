using System.Data.Common;
using Dapper;

namespace Connector.Delivery;

/// <summary>Reads a guardian's contacts and opt-outs from the store.</summary>
internal static class GuardianContacts
{
    public static async Task<GuardianContact?> LoadAsync(DbConnection db, DbTransaction? tx, string schoolId, string guardianId)
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
}
