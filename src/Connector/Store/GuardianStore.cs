using System.Data.Common;
using Connector.Abstractions.Schools;
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

    public static async Task<bool> ExistsAsync(DbConnection db, DbTransaction tx, string schoolId, string guardianId) =>
        await db.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM guardians WHERE school_id = @schoolId AND guardian_id = @guardianId", new { schoolId, guardianId }, tx).ConfigureAwait(false) > 0;

    /// <summary>
    /// Records a guardian's consent to, or refusal of, notices on a channel. With <paramref name="onlyOverSameSource"/>
    /// (a file read again at every poll) a choice recorded from another source is left as it is.
    /// </summary>
    public static Task RecordConsentAsync(
        DbConnection db, DbTransaction tx, string schoolId, string guardianId, ChannelKind channel, bool optOut, string source, DateTimeOffset now, bool onlyOverSameSource = false) =>
        db.ExecuteAsync(
            onlyOverSameSource
                ? """
                  INSERT INTO guardian_consents (school_id, guardian_id, channel, status, recorded_at, source) VALUES (@schoolId, @guardianId, @channel, @status, @at, @source)
                  ON CONFLICT (school_id, guardian_id, channel) DO UPDATE SET status = excluded.status, recorded_at = excluded.recorded_at
                  WHERE guardian_consents.source = excluded.source AND guardian_consents.status <> excluded.status
                  """
                : """
                  INSERT INTO guardian_consents (school_id, guardian_id, channel, status, recorded_at, source) VALUES (@schoolId, @guardianId, @channel, @status, @at, @source)
                  ON CONFLICT (school_id, guardian_id, channel) DO UPDATE SET status = excluded.status, recorded_at = excluded.recorded_at, source = excluded.source
                  """,
            new { schoolId, guardianId, channel = channel.ToString(), status = optOut ? "opt-out" : "consent", at = StoreTime.Format(now), source }, tx);

    /// <summary>Records the guardian's written consent to the processing of the child's personal data (003 §6.3.1).</summary>
    public static Task RecordProcessingConsentAsync(DbConnection db, DbTransaction tx, string schoolId, string guardianId, DateOnly givenOn, string basis, DateTimeOffset now) =>
        db.ExecuteAsync(
            """
            INSERT INTO processing_consents (school_id, guardian_id, given_on, basis, recorded_at) VALUES (@schoolId, @guardianId, @given, @basis, @at)
            ON CONFLICT (school_id, guardian_id) DO UPDATE SET given_on = excluded.given_on, basis = excluded.basis, recorded_at = excluded.recorded_at
            """,
            new { schoolId, guardianId, given = StoreTime.Format(givenOn), basis, at = StoreTime.Format(now) }, tx);
}
