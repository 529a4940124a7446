namespace Connector.Adapters.SetevoyGorod;

/// <summary>
/// Spaces the requests to one server evenly: at most <c>perMinute</c> a minute, whoever sends them. A request that
/// comes early waits for its slot, so a school's server is never hammered however many schools share it.
/// </summary>
internal sealed class RequestPacer(int perMinute, TimeProvider time)
{
    private readonly TimeSpan interval = TimeSpan.FromMinutes(1) / Math.Max(1, perMinute);
    private readonly Lock gate = new();
    private DateTimeOffset next = DateTimeOffset.MinValue;

    public int PerMinute => perMinute;

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        DateTimeOffset slot;
        lock (gate)
        {
            slot = next > now ? next : now;
            next = slot + interval;
        }

        var wait = slot - now;
        return wait > TimeSpan.Zero ? Task.Delay(wait, time, cancellationToken) : Task.CompletedTask;
    }
}
