using Connector.Abstractions.Schools;
using Connector.Notifier.Email;
using Connector.Notifier.Sms;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.Options;

namespace Connector.Delivery;

/// <summary>
/// The delivery path's second step: whether a message may go now. Not in the school's quiet hours (the message moves
/// to their end), not on a channel that is missing, paused because its server refused the settings, or at its rate
/// (the channel holds all its messages till the next run, keeping their order). Pauses and the rate are read from the
/// store, so they hold across schools sharing one account and across restarts. Whether the guardian agreed to the
/// channel is read with the message when it is claimed (<see cref="DeliveryClaim"/>).
/// </summary>
internal sealed class DeliveryGate(IOptions<EmailOptions> email, IOptions<SmsOptions> sms, NoticeRouting routing, ConnectorDatabase database)
{
    /// <summary>What the gate says of one message.</summary>
    public enum Verdict
    {
        Go,

        /// <summary>Moved to the end of the quiet hours.</summary>
        Deferred,

        /// <summary>The channel cannot take it now; neither can it take the rest of its messages this run.</summary>
        HoldChannel,
    }

    /// <summary>
    /// Asks the gate about <paramref name="message"/>; the messages <paramref name="inFlight"/> of its channel are on their
    /// way and count against the rate with those already sent, each once: one that finished a moment ago is counted
    /// among those on their way, not also among those sent.
    /// </summary>
    public async Task<Verdict> PassAsync(SchoolContext school, OutboxMessage message, ChannelKind channel, IReadOnlyCollection<long> inFlight, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (QuietUntil(school, channel, now) is { } until)
        {
            // A notice pushed past the day of the absence breaks the same-day rule: the digest must say so.
            var late = DateOnly.FromDateTime(school.LocalTime(until)) > message.Date ? "quiet-hours" : null;
            await OutboxStore.DeferAsync(db, message.Id, until, late).ConfigureAwait(false);
            return Verdict.Deferred;
        }

        if (routing.Channel(channel) is null || await OutboxStore.IsPausedAsync(db, channel, now).ConfigureAwait(false)
            || await OutboxStore.SentInLastMinuteAsync(db, channel, now, inFlight).ConfigureAwait(false) + inFlight.Count >= PerMinute(channel))
        {
            return Verdict.HoldChannel;
        }

        return Verdict.Go;
    }

    /// <summary>When the quiet hours end, if <paramref name="now"/> falls in them for this channel; null otherwise.</summary>
    public static DateTimeOffset? QuietUntil(SchoolContext school, ChannelKind channel, DateTimeOffset now)
    {
        if (channel == ChannelKind.Email && !school.Options.QuietHoursForEmail) return null;
        var local = school.LocalTime(now);
        var time = TimeOnly.FromDateTime(local);
        var (start, end) = (school.QuietStart, school.QuietEnd);
        var quiet = start > end ? time >= start || time < end : time >= start && time < end;
        if (!quiet) return null;
        var day = DateOnly.FromDateTime(local);
        return school.Instant(time >= end && start > end ? day.AddDays(1) : day, end);
    }

    public int PerMinute(ChannelKind channel) => channel == ChannelKind.Sms ? sms.Value.MessagesPerMinute : email.Value.MessagesPerMinute;
}
