namespace Connector.Thresholds;

/// <summary>
/// A pupil's lessons in a period. <see cref="Scheduled"/>: lessons of the pupil's class whose attendance was
/// taken, from the pupil's enrolment on. <see cref="Missed"/>: those missed without a valid reason (unexcused, or
/// no reason recorded). <see cref="Attended"/>: those the pupil was at (present or late). <see cref="Late"/>: those the
/// pupil came late to without a valid reason.
/// </summary>
internal sealed record PupilPeriodCounts(string PupilId, int Scheduled, int Missed, int Attended, int Late = 0)
{
    /// <summary>Per cent of scheduled lessons missed without a valid reason.</summary>
    public decimal Share => Scheduled == 0 ? 0 : 100m * Missed / Scheduled;
}
