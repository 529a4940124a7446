namespace Connector.Configuration;

/// <summary>Outbox delivery (<c>Connector:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    /// <summary>How often each school's outbox is looked at.</summary>
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>After a transient failure, the first wait; it doubles each attempt (with jitter) up to <see cref="MaxRetryDelayMinutes"/>.</summary>
    public int FirstRetryDelaySeconds { get; set; } = 60;

    /// <summary>The longest wait between attempts.</summary>
    public int MaxRetryDelayMinutes { get; set; } = 30;

    /// <summary>A message still failing this long after it was created is given up and shown to staff.</summary>
    public int GiveUpAfterHours { get; set; } = 24;

    /// <summary>
    /// How long each send attempt is kept (its time, outcome and the server's answer). Only the rate check reads them,
    /// over the last minute; the message itself, its attempt count and last error, and the audit log stay.
    /// </summary>
    public int KeepAttemptsDays { get; set; } = 90;

    /// <summary>
    /// How long a runner's claim on a message keeps it from every other runner. A message a runner claimed and did
    /// not record (it died, or its node did) is taken back by another once the claim ran out, and sent again where the
    /// channel cannot say whether it has it. Longer than a send can take; on one machine the installation lock lets a
    /// restarted runner take back its predecessor's claims at once.
    /// </summary>
    public int ClaimLeaseSeconds { get; set; } = 900;
}
