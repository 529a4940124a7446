namespace Connector.Notifier.Email;

/// <summary>One e-mail as a transport sends it.</summary>
/// <param name="MessageId">A Message-ID derived from the idempotency key, so that a repeat is recognisable as the same message.</param>
/// <param name="IdempotencyKey">The outbox key of the message.</param>
/// <param name="To">The recipient's address.</param>
/// <param name="ReplyTo">Where replies go, or null.</param>
/// <param name="Subject">The subject.</param>
/// <param name="TextBody">The plain-text body.</param>
/// <param name="HtmlBody">The HTML alternative, or null.</param>
public sealed record EmailEnvelope(
    string MessageId,
    string IdempotencyKey,
    string To,
    string? ReplyTo,
    string Subject,
    string TextBody,
    string? HtmlBody);
