using System.Globalization;

namespace Connector.Diagnostics;

/// <summary>
/// The service's clock. Normally the system's; with the environment variable <c>CONNECTOR_NOW</c> set to an instant
/// ("2026-11-09T12:00:00+03:00"), a clock that starts at that instant and runs at the normal pace, so that a school
/// day can be rehearsed (and tested) on any day. For rehearsals only: the service says so in its first line.
/// </summary>
// The composition root's clock: the one place in src/ that reads the system's time (BannedSymbols.txt).
#pragma warning disable RS0030
internal sealed class RehearsalClock : TimeProvider
{
    public const string Variable = "CONNECTOR_NOW";

    private readonly TimeSpan shift;

    private RehearsalClock(DateTimeOffset start) => shift = start - System.GetUtcNow();

    /// <summary>The system clock, or the rehearsal clock <c>CONNECTOR_NOW</c> asks for; an unreadable value is an error naming it.</summary>
    public static TimeProvider FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value)) return System;
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start))
        {
            throw new FormatException($"{Variable}: '{value}' is not an instant such as 2026-11-09T12:00:00+03:00");
        }

        Console.Error.WriteLine($"Внимание: часы сервиса переведены на {start:dd.MM.yyyy HH:mm:ss zzz} ({Variable}); это репетиция, а не работа.");
        return new RehearsalClock(start);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;

    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;
}
#pragma warning restore RS0030
