using System.Data.Common;
using Connector.Abstractions.Schools;
using Connector.Notifier.Email;
using Connector.Notifier.Sms;
using Connector.Schools;
using Connector.Store;
using Dapper;
using Microsoft.Extensions.Options;

namespace Connector.Delivery;

/// <summary>
/// Whether a message may go now: not in the school's quiet hours, not over the channel's rate, not on a channel
/// paused because its server refused the settings. All of it is read from the store, so it holds across schools
/// sharing one account and across restarts.
/// </summary>
internal sealed class DeliveryGate(IOptions<EmailOptions> email, IOptions<SmsOptions> sms)
{
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

    /// <summary>How many messages went through the channel in the minute before <paramref name="now"/>, from every school.</summary>
    public static Task<int> SentInLastMinuteAsync(DbConnection db, ChannelKind channel, DateTimeOffset now) => db.ExecuteScalarAsync<int>(
        """
        SELECT COUNT(*) FROM delivery_attempts a JOIN outbox o ON o.id = a.outbox_id
        WHERE o.channel = @channel AND a.attempted_at > @since AND a.attempted_at <= @now
        """,
        new { channel = channel.ToString(), since = StoreTime.Format(now.AddMinutes(-1)), now = StoreTime.Format(now) });

    public static async Task<bool> IsPausedAsync(DbConnection db, ChannelKind channel, DateTimeOffset now) =>
        await db.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM channel_pauses WHERE channel = @channel AND paused_until > @now",
            new { channel = channel.ToString(), now = StoreTime.Format(now) }).ConfigureAwait(false) > 0;

    public static Task PauseAsync(DbConnection db, DbTransaction tx, ChannelKind channel, DateTimeOffset until, string reason, DateTimeOffset now) => db.ExecuteAsync(
        """
        INSERT INTO channel_pauses (channel, paused_until, reason, since) VALUES (@channel, @until, @reason, @now)
        ON CONFLICT (channel) DO UPDATE SET paused_until = excluded.paused_until, reason = excluded.reason
        """,
        new { channel = channel.ToString(), until = StoreTime.Format(until), reason, now = StoreTime.Format(now) }, tx);

    public static Task ResumeAsync(DbConnection db, DbTransaction tx, ChannelKind channel) =>
        db.ExecuteAsync("DELETE FROM channel_pauses WHERE channel = @channel", new { channel = channel.ToString() }, tx);
}
