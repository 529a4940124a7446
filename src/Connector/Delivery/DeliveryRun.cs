using Connector.Abstractions.Schools;

namespace Connector.Delivery;

/// <summary>What one delivery run of one school did. Messages of a run are sent in parallel, so every count is atomic.</summary>
internal sealed class DeliveryRun
{
    private readonly Lock gate = new();
    private readonly HashSet<ChannelKind> held = []; // channels that held their messages this run: paused, absent, or at their rate
    private int sent;
    private int cancelled;
    private int failed;
    private int retrying;
    private int recovered;
    private int deferred;

    public int Sent => Read(ref sent);

    public int Cancelled => Read(ref cancelled);

    public int Failed => Read(ref failed);

    public int Retrying => Read(ref retrying);

    public int Recovered => Read(ref recovered);

    /// <summary>Messages moved to the end of the quiet hours.</summary>
    public int Deferred => Read(ref deferred);

    public void CountSent() => Interlocked.Increment(ref sent);

    public void CountCancelled() => Interlocked.Increment(ref cancelled);

    public void CountFailed() => Interlocked.Increment(ref failed);

    public void CountRetrying() => Interlocked.Increment(ref retrying);

    public void CountRecovered() => Interlocked.Increment(ref recovered);

    public void CountDeferred() => Interlocked.Increment(ref deferred);

    public bool IsHeld(ChannelKind channel)
    {
        lock (gate) return held.Contains(channel);
    }

    public void Hold(ChannelKind channel)
    {
        lock (gate) held.Add(channel);
    }

    private static int Read(ref int field) => Volatile.Read(ref field);
}
