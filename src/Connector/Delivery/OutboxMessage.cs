namespace Connector.Delivery;

/// <summary>A due outbox row.</summary>
internal sealed record OutboxMessage(long Id, string IdempotencyKey, string Kind, string GuardianId, string Date, string? Channel, string? OnlyPupilId, string CreatedAt, long Attempts);
