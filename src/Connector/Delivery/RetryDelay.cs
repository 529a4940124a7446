namespace Connector.Delivery;

/// <summary>
/// Exponential back-off with jitter for messages that failed transiently. The wait is stored with the message
/// (not kept in memory), so it survives a restart and a retry never becomes a timer of its own.
/// </summary>
internal static class RetryDelay
{
    public static TimeSpan For(long attempts, TimeSpan first, TimeSpan max)
    {
        var exponential = first.TotalSeconds * Math.Pow(2, Math.Max(0, attempts - 1));
        var capped = Math.Min(exponential, max.TotalSeconds);
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromSeconds(capped * jitter);
    }
}
