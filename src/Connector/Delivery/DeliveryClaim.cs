using Connector.Abstractions.Schools;
using Connector.Configuration;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.Options;

namespace Connector.Delivery;

/// <summary>
/// The delivery path's first step: the claim. In one transaction the message becomes this runner's ("sending", for
/// the lease), is composed from the store as it is now, and counts its attempt. A message with nothing left to tell
/// is cancelled; one whose guardian cannot be reached on its channel any more (gone, opted out, no address) fails
/// over to the next channel.
/// </summary>
internal sealed class DeliveryClaim(ConnectorDatabase database, NoticeComposer composer, DeliveryRecord record, RunnerIdentity runner, IOptions<ConnectorOptions> options)
{
    public TimeSpan Lease => TimeSpan.FromSeconds(options.Value.Delivery.ClaimLeaseSeconds);

    /// <summary>
    /// The composition, or null when another runner claimed the message first. An absence notice takes with it the
    /// guardian's other absence messages on its channel that are due (<see cref="OutboxStore.ClaimRidersAsync"/>): a
    /// day entered late and today's go as one message. Whatever becomes of the message becomes of them.
    /// </summary>
    public Task<Composition?> ClaimAsync(SchoolContext school, OutboxMessage message, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (db, tx) =>
        {
            if (!await OutboxStore.ClaimAsync(db, tx, message.Id, runner.Id, now + Lease, now).ConfigureAwait(false)) return null;
            var riders = message.Kind == MessageKind.Absence
                ? await OutboxStore.ClaimRidersAsync(db, tx, school.Id, message, runner.Id, now + Lease, now).ConfigureAwait(false)
                : [];

            var composed = await composer.ComposeAsync(db, tx, school, message, school.LocalDate(now), now, riders).ConfigureAwait(false);
            if (composed.Notice is { } notice)
            {
                await OutboxStore.StartAttemptAsync(db, tx, message.Id, notice.Message.Address, notice.LessonsByPupil.Keys).ConfigureAwait(false);
                foreach (var day in notice.Carried)
                {
                    await OutboxStore.StartAttemptAsync(db, tx, day.Message.Id, notice.Message.Address, day.LessonsByPupil.Keys).ConfigureAwait(false);
                }

                foreach (var rider in notice.Emptied)
                {
                    await OutboxStore.CancelAsync(db, tx, rider.Id, "explained before sending", now).ConfigureAwait(false);
                }
            }
            else if (composed.NoAddressReason is { } reason)
            {
                await record.FailAndFallBackAsync(db, tx, school, message, reason, now).ConfigureAwait(false);
                foreach (var rider in riders)
                {
                    await record.FailAndFallBackAsync(db, tx, school, rider, reason, now).ConfigureAwait(false);
                }
            }
            else
            {
                await OutboxStore.CancelAsync(db, tx, message.Id, "explained before sending", now).ConfigureAwait(false);
                // The carrier's own day was explained; the others are still to be told, on their own claim.
                await OutboxStore.ReleaseRidersAsync(db, tx, message.Id, null).ConfigureAwait(false);
            }

            return (Composition?)composed;
        }, cancellationToken);
}
