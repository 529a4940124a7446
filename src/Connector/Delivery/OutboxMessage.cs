namespace Connector.Delivery;

/// <summary>An outbox row as delivery needs it; <see cref="Address"/>, <see cref="PupilIds"/> and <see cref="ProviderId"/> are set once it was claimed or sent.</summary>
internal sealed record OutboxMessage(
    long Id, string IdempotencyKey, string Kind, string GuardianId, string Date, string? Channel, string? OnlyPupilId, string CreatedAt, long Attempts,
    string? Address, string? PupilIds, string? ProviderId, string? ClaimedBy = null, string? ClaimedUntil = null)
{
    /// <summary>The columns, in the order of the constructor.</summary>
    public const string Columns = """
        id AS Id, idempotency_key AS IdempotencyKey, kind AS Kind, guardian_id AS GuardianId, date AS Date, channel AS Channel,
        only_pupil_id AS OnlyPupilId, created_at AS CreatedAt, attempts AS Attempts, address AS Address, pupil_ids AS PupilIds,
        provider_id AS ProviderId, claimed_by AS ClaimedBy, claimed_until AS ClaimedUntil
        """;
}
