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

    /// <summary>The composition, or null when another runner claimed the message first.</summary>
    public Task<Composition?> ClaimAsync(SchoolContext school, OutboxMessage message, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (db, tx) =>
        {
            if (!await OutboxStore.ClaimAsync(db, tx, message.Id, runner.Id, now + Lease, now).ConfigureAwait(false)) return null;

            var composed = await composer.ComposeAsync(db, tx, school, message, school.LocalDate(now), now).ConfigureAwait(false);
            if (composed.Notice is { } notice)
            {
                await OutboxStore.StartAttemptAsync(db, tx, message.Id, notice.Message.Address, notice.LessonsByPupil.Keys).ConfigureAwait(false);
            }
            else if (composed.NoAddressReason is { } reason)
            {
                await record.FailAndFallBackAsync(db, tx, school, message, reason, now).ConfigureAwait(false);
            }
            else
            {
                await OutboxStore.CancelAsync(db, tx, message.Id, "explained before sending", now).ConfigureAwait(false);
            }

            return (Composition?)composed;
        }, cancellationToken);
}
