namespace Connector.Thresholds;

/// <summary>
/// A pupil's lessons in a period. <see cref="Scheduled"/>: lessons of the pupil's class whose attendance was
/// taken, from the pupil's enrolment on. <see cref="Missed"/>: those missed without a valid reason (unexcused, or
/// no reason recorded). <see cref="Attended"/>: those the pupil was at (present or late).
/// </summary>
internal sealed record PupilPeriodCounts(string PupilId, int Scheduled, int Missed, int Attended)
{
    /// <summary>Per cent of scheduled lessons missed without a valid reason.</summary>
    public decimal Share => Scheduled == 0 ? 0 : 100m * Missed / Scheduled;
}
