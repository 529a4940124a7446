namespace Connector.Demo;

/// <summary>
/// A clock that stands still until moved: the demo replays weeks in seconds with it, and tests put it at the
/// edges that matter (midnight, the end of a month, another time zone). Timers still run on real time.
/// </summary>
public sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private long ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public void Set(DateTimeOffset instant) => Interlocked.Exchange(ref ticks, instant.UtcTicks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}
