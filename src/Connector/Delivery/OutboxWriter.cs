using System.Data.Common;
using Connector.Abstractions.Schools;
using Connector.Store;

namespace Connector.Delivery;

/// <summary>
/// Puts messages into the outbox, in the caller's transaction. One rule for every path: a guardian gets one
/// message of a kind per day, on the first channel the policy allows. A channel is tried at most once for the
/// same message, and each message has a natural key, so the same decision queues it once.
/// </summary>
internal static class OutboxWriter
{
    /// <summary>Queues the day's digest to a staff member by e-mail.</summary>
    public static Task QueueDigestAsync(DbConnection db, DbTransaction tx, string schoolId, string staffId, DateOnly date, DateTimeOffset now) =>
        OutboxStore.InsertAsync(db, tx, new NewOutboxMessage(Key(MessageKind.Digest, schoolId, $"staff-{staffId}", date, ChannelKind.Email, null), schoolId, MessageKind.Digest,
            StaffRecipient(staffId), date, ChannelKind.Email, null, OutboxState.Pending, now, now));

    /// <summary>How a staff member stands in the outbox's recipient column.</summary>
    public static string StaffRecipient(string staffId) => $"staff:{staffId}";

    /// <summary>
    /// Queues the day's absence notice to each guardian of <paramref name="pupilId"/>. A sibling or a later lesson
    /// joins a message still queued. Only a child first found absent after that day's message already went gets a
    /// message of their own. Returns how many were queued and how many guardians cannot be reached.
    /// </summary>
    public static async Task<(int Queued, int Unreachable, bool HasGuardians)> QueueAbsenceAsync(
        DbConnection db, DbTransaction tx, string schoolId, ChannelKind schoolDefault, NoticeRouting routing,
        string pupilId, DateOnly date, DateTimeOffset notBefore, DateTimeOffset now)
    {
        var guardians = await GuardianStore.OfPupilAsync(db, tx, schoolId, pupilId).ConfigureAwait(false);
        var (queued, unreachable) = (0, 0);
        foreach (var guardianId in guardians)
        {
            var rows = await OutboxStore.OfGuardianAsync(db, tx, schoolId, guardianId, date, MessageKind.Absence).ConfigureAwait(false);
            switch (AbsenceNoticeRule.Decide(rows, pupilId))
            {
                case AbsenceNoticeRule.Reopen reopen:
                    await OutboxStore.ReopenAsync(db, tx, reopen.Id, notBefore).ConfigureAwait(false);
                    queued++;
                    break;
                case AbsenceNoticeRule.Queue queue:
                    if (await InsertAsync(db, tx, schoolId, schoolDefault, routing, MessageKind.Absence, guardianId, date, queue.OnlyPupil ? pupilId : null, notBefore, now, queue.Tried, fallbackOf: null)
                            .ConfigureAwait(false))
                    {
                        queued++;
                    }
                    else
                    {
                        unreachable++;
                    }

                    break;
            }
        }

        return (queued, unreachable, guardians.Count > 0);
    }

    /// <summary>Queues a correction to each guardian who was told about <paramref name="pupilId"/>'s absence that day, on the channel they were told by.</summary>
    public static async Task<int> QueueCorrectionAsync(DbConnection db, DbTransaction tx, string schoolId, string pupilId, DateOnly date, DateTimeOffset notBefore, DateTimeOffset now)
    {
        var told = (await OutboxStore.ToldOnAsync(db, tx, schoolId, date, MessageKind.Absence).ConfigureAwait(false))
            .Where(r => r.PupilIds.Contains(pupilId))
            .DistinctBy(r => r.GuardianId)
            .ToList();
        foreach (var (guardianId, channel, _) in told)
        {
            await OutboxStore.InsertAsync(db, tx, new NewOutboxMessage(Key(MessageKind.Correction, schoolId, guardianId, date, channel, pupilId), schoolId, MessageKind.Correction, guardianId, date,
                channel, pupilId, OutboxState.Pending, notBefore, now)).ConfigureAwait(false);
        }

        return told.Count;
    }

    /// <summary>
    /// After a permanent failure, queues the same message on the next channel the policy allows that was not
    /// tried yet. Returns the channel, or null when none is left.
    /// </summary>
    public static async Task<ChannelKind?> QueueFallbackAsync(
        DbConnection db, DbTransaction tx, string schoolId, ChannelKind schoolDefault, NoticeRouting routing, OutboxMessage failed, DateTimeOffset now)
    {
        var tried = await OutboxStore.ChannelsTriedAsync(db, tx, schoolId, failed).ConfigureAwait(false);
        var contact = await GuardianStore.ContactAsync(db, tx, schoolId, failed.GuardianId).ConfigureAwait(false);
        if (contact is null) return null;
        var next = ChannelPolicy.Order(contact, schoolDefault, routing.Available).Where(c => !tried.Contains(c)).Cast<ChannelKind?>().FirstOrDefault();
        if (next is not { } channel) return null;

        var date = failed.Date;
        await OutboxStore.InsertAsync(db, tx, new NewOutboxMessage(Key(failed.Kind, schoolId, failed.GuardianId, date, channel, failed.OnlyPupilId),
            schoolId, failed.Kind, failed.GuardianId, date, channel, failed.OnlyPupilId, OutboxState.Pending, now, now, FallbackOf: failed.Id)).ConfigureAwait(false);
        return channel;
    }

    /// <summary>The natural key: kind, school, guardian, date, channel, and the pupil for a message about one child only.</summary>
    public static string Key(MessageKind kind, string schoolId, string guardianId, DateOnly date, ChannelKind? channel, string? onlyPupil) =>
        $"{kind.Name()}:{schoolId}:{guardianId}:{StoreTime.Format(date)}:{channel?.ToString().ToLowerInvariant() ?? "none"}{(onlyPupil is null ? "" : ":" + onlyPupil)}";

    private static async Task<bool> InsertAsync(
        DbConnection db, DbTransaction tx, string schoolId, ChannelKind schoolDefault, NoticeRouting routing, MessageKind kind, string guardianId,
        DateOnly date, string? onlyPupil, DateTimeOffset notBefore, DateTimeOffset now, IReadOnlyCollection<ChannelKind> tried, long? fallbackOf)
    {
        var contact = await GuardianStore.ContactAsync(db, tx, schoolId, guardianId).ConfigureAwait(false);
        var order = contact is null ? [] : ChannelPolicy.Order(contact, schoolDefault, routing.Available).Where(c => !tried.Contains(c)).ToList();
        if (order.Count == 0)
        {
            var why = contact is null ? "представителя нет в журнале" : ChannelPolicy.WhyUnreachable(contact, routing.Available);
            await OutboxStore.InsertAsync(db, tx, new NewOutboxMessage(Key(kind, schoolId, guardianId, date, null, onlyPupil), schoolId, kind, guardianId, date, null, onlyPupil,
                OutboxState.Unreachable, notBefore, now, why, fallbackOf)).ConfigureAwait(false);
            return false;
        }

        var channel = order[0];
        await OutboxStore.InsertAsync(db, tx, new NewOutboxMessage(Key(kind, schoolId, guardianId, date, channel, onlyPupil), schoolId, kind, guardianId, date,
            channel, onlyPupil, OutboxState.Pending, notBefore, now, null, fallbackOf)).ConfigureAwait(false);
        return true;
    }
}

/// <summary>
/// Whether a guardian's day calls for a new absence notice about a child, from the messages of that day already
/// queued: the rule that makes "one message per guardian per day" hold.
/// </summary>
internal static class AbsenceNoticeRule
{
    public abstract record Decision;

    /// <summary>Nothing to queue: a message is waiting (the child joins it when it is composed) or the guardian was told of this child.</summary>
    public sealed record Nothing : Decision;

    /// <summary>Every message of the day was cancelled (its absences explained): the last one is queued again.</summary>
    public sealed record Reopen(long Id) : Decision;

    /// <summary>
    /// A new message, on a channel not in <paramref name="Tried"/>; about this child only (<paramref name="OnlyPupil"/>)
    /// when the guardian was already told of others that day.
    /// </summary>
    public sealed record Queue(bool OnlyPupil, IReadOnlyCollection<ChannelKind> Tried) : Decision;

    public static Decision Decide(IReadOnlyList<QueuedMessage> day, string pupilId)
    {
        if (day.Count == 0) return new Queue(false, []);
        if (day.All(r => r.State == OutboxState.Cancelled)) return new Reopen(day[^1].Id);
        var waiting = day.Any(r => r.State == OutboxState.Pending);
        // A guardian already told (or being told) about this child today is not told again, whatever the absence's own state says.
        var told = day.Any(r => r.State is OutboxState.Sent or OutboxState.Sending && r.PupilIds.Contains(pupilId));
        if (waiting || told) return new Nothing();
        // Nobody was told yet: try the channels not tried, now that the journal may have a new address.
        return day.All(r => r.State is OutboxState.Failed or OutboxState.Unreachable)
            ? new Queue(false, day.Where(r => r.Channel is not null).Select(r => r.Channel!.Value).ToList())
            : new Queue(true, []);
    }
}
