using Connector.Abstractions.Schools;
using Connector.Notifier.Email;
using Connector.Notifier.Sms;
using Microsoft.Extensions.Options;

namespace Connector.Delivery;

/// <summary>
/// How many messages of a channel may be in flight at once, across every school of the process: e-mail over SMTP as
/// many as the connections (<c>Email:Smtp:Connections</c>), into the pickup folder one (a file is written in well
/// under a millisecond), SMS as <c>Sms:Parallel</c>. A message holds its lane from
/// the claim to the record, and counts against the channel's rate while it does, so the rate holds however many
/// messages are on their way.
/// </summary>
internal sealed class DeliveryLanes(IOptions<EmailOptions> email, IOptions<SmsOptions> sms)
{
    private readonly Lazy<Lane> emailLane = new(() => new Lane(email.Value.Transport == EmailTransportKind.Smtp ? email.Value.Smtp.Connections : 1));
    private readonly Lazy<Lane> smsLane = new(() => new Lane(sms.Value.Parallel));

    public Lane For(ChannelKind channel) => channel == ChannelKind.Sms ? smsLane.Value : emailLane.Value;

    /// <summary>One channel's lanes.</summary>
    internal sealed class Lane(int width)
    {
        private readonly SemaphoreSlim slots = new(Math.Clamp(width, 1, 16));
        private readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte> onTheirWay = new();

        /// <summary>
        /// The messages on their way: claimed and not yet released. A message whose attempt is already recorded may still
        /// be here for a moment; the rate check counts each of these once, however its attempt stands.
        /// </summary>
        public IReadOnlyCollection<long> InFlight => [.. onTheirWay.Keys];

        /// <summary>Waits for a free lane and takes it for <paramref name="messageId"/>; dispose the answer once the message is recorded.</summary>
        public async Task<IDisposable> EnterAsync(long messageId, CancellationToken cancellationToken)
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            onTheirWay[messageId] = 0;
            return new Release(this, messageId);
        }

        private sealed class Release(Lane lane, long messageId) : IDisposable
        {
            private int done;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref done, 1) == 1) return;
                lane.onTheirWay.TryRemove(messageId, out _);
                lane.slots.Release();
            }
        }
    }
}
