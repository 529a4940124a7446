using Connector.Abstractions.Schools;

namespace Connector.Delivery;

/// <summary>What an outbox message tells.</summary>
internal enum MessageKind
{
    /// <summary>A guardian's notice of the day's absences.</summary>
    Absence,

    /// <summary>A guardian's correction of a notice: the child was there after all, or a reason arrived.</summary>
    Correction,

    /// <summary>A staff member's morning digest.</summary>
    Digest,
}

/// <summary>
/// An outbox message as delivery needs it. <see cref="Address"/> and <see cref="PupilIds"/> are set once it was
/// claimed, <see cref="ProviderId"/> once sent; <see cref="ClaimedBy"/> and <see cref="ClaimedUntil"/> while a runner holds it.
/// <see cref="CarriedBy"/> names the message of another day this one went with, as one message to the guardian.
/// </summary>
internal sealed record OutboxMessage(
    long Id, string IdempotencyKey, MessageKind Kind, string GuardianId, DateOnly Date, ChannelKind? Channel, string? OnlyPupilId, DateTimeOffset CreatedAt, int Attempts,
    string? Address, IReadOnlyList<string> PupilIds, string? ProviderId, string? ClaimedBy = null, DateTimeOffset? ClaimedUntil = null, long? CarriedBy = null);

internal static class MessageKinds
{
    /// <summary>The kind's name in keys, template names and audit actions: "absence", "correction", "digest".</summary>
    public static string Name(this MessageKind kind) => kind.ToString().ToLowerInvariant();
}
