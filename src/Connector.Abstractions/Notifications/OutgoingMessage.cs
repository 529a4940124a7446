using Connector.Abstractions.Schools;

namespace Connector.Abstractions.Notifications;

/// <summary>One rendered message to one recipient, ready for a channel.</summary>
/// <param name="IdempotencyKey">
/// The message's natural key (school, guardian, date, kind, channel). A channel that can tell it already
/// accepted a message with this key does not send it again.
/// </param>
/// <param name="Channel">The channel it is for.</param>
/// <param name="Address">E-mail address or E.164 phone number.</param>
/// <param name="Subject">The subject line (e-mail only); never carries a child's name.</param>
/// <param name="Body">The plain-text body.</param>
/// <param name="ReplyTo">Where a reply should go (e-mail only), e.g. the school's or class teacher's address.</param>
/// <param name="HtmlBody">An HTML alternative of the body (e-mail only), or null.</param>
public sealed record OutgoingMessage(
    string IdempotencyKey,
    ChannelKind Channel,
    string Address,
    string? Subject,
    string Body,
    string? ReplyTo = null,
    string? HtmlBody = null);
