using Microsoft.Extensions.Time.Testing;

namespace Connector.Testing;

/// <summary>Moving a test's FakeTimeProvider to an instant, as the demo's clock is moved.</summary>
public static class FakeClockMoves
{
    /// <summary>
    /// Sets the clock to <paramref name="instant"/>: forward as time passes (timers made on the clock fire), or back,
    /// where a test or the replay starts a school's day before the instant the clock was made at (as a system clock
    /// is adjusted; no timer fires).
    /// </summary>
    public static void MoveTo(this FakeTimeProvider clock, DateTimeOffset instant)
    {
        if (instant >= clock.GetUtcNow()) clock.SetUtcNow(instant);
        else clock.AdjustTime(instant);
    }
}
