namespace Connector.Thresholds;

/// <summary>
/// Whether a pupil reached a level (RULES.md §3): a pure function of the counts. A share is judged only over at
/// least the profile's minimum number of lessons; hours and "any unexcused lesson" count from the first lesson.
/// "Not started" is a pupil who missed every lesson of the period without a valid reason (an ill pupil has one).
/// </summary>
internal static class ThresholdEngine
{
    public static bool Reaches(ThresholdLevel level, PupilPeriodCounts counts, int minimumLessons)
    {
        var judged = counts.Scheduled >= minimumLessons;
        var share = counts.Share;
        var reached =
            (judged && level.ShareAtLeast is { } atLeast && share >= atLeast)
            || (judged && level.ShareAbove is { } above && share > above)
            || (level.HoursAbove is { } hours && counts.Missed > hours)
            || (level.AnyUnexcused && counts.Missed > 0)
            || (level.LateAtLeast is { } late && counts.Late >= late)
            || (level.NotStarted && judged && counts.Attended == 0 && counts.Missed == counts.Scheduled);
        // The level under a higher one: a share that cannot be judged yet does not rule it out.
        return reached && (!judged || level.ShareBelow is not { } below || share < below);
    }

    /// <summary>
    /// Whether a breach of <paramref name="level"/> that no longer holds at <paramref name="share"/> was left upwards:
    /// the share rose to a bound of the level (its <see cref="ThresholdLevel.ShareBelow"/>), so the pupil moved to a higher
    /// level, rather than falling back because reasons were recorded.
    /// </summary>
    public static bool LeftUpwards(ThresholdLevel? level, decimal share) => level?.ShareBelow is { } below && share >= below;

    /// <summary>The most serious level reached for each pupil in each level's period.</summary>
    public static IEnumerable<(ThresholdLevel Level, PupilPeriodCounts Counts)> Reached(
        RuleProfile profile, ThresholdLevel level, IEnumerable<PupilPeriodCounts> counts) =>
        counts.Where(c => Reaches(level, c, profile.MinimumLessons)).Select(c => (level, c));
}
