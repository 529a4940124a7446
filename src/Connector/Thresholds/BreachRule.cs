namespace Connector.Thresholds;

/// <summary>
/// How one level's breaches of one period follow the counts: a pupil who reached the level for the first time gets a
/// new breach; one whose breach was dropped and who reached it again gets it back; one who fell back below it (a
/// reason recorded later) has the breach dropped, with the share it fell to, and it stays visible.
/// </summary>
internal static class BreachRule
{
    /// <summary>A breach as stored: its pupil, and whether it was dropped.</summary>
    public sealed record Stored(long Id, string PupilId, bool Dropped);

    public abstract record Change;

    /// <summary>The pupil reached the level for the first time this period.</summary>
    public sealed record Open(PupilPeriodCounts Counts) : Change;

    /// <summary>A dropped breach whose pupil reached the level again.</summary>
    public sealed record Revive(long Id, PupilPeriodCounts Counts) : Change;

    /// <summary>A breach whose pupil is below the level now, with the share they fell to.</summary>
    public sealed record Drop(long Id, decimal Share) : Change;

    /// <param name="reached">Who is at or above the level now, by pupil.</param>
    /// <param name="stored">The level's breaches of the period, one a pupil.</param>
    /// <param name="counts">Every pupil's counts of the period, for the share a dropped breach fell to (0 for a pupil no longer counted).</param>
    public static IReadOnlyList<Change> Compare(IReadOnlyDictionary<string, PupilPeriodCounts> reached, IEnumerable<Stored> stored, IEnumerable<PupilPeriodCounts> counts)
    {
        var byPupil = stored.ToDictionary(b => b.PupilId, StringComparer.Ordinal);
        var changes = new List<Change>();
        foreach (var (pupilId, c) in reached)
        {
            if (!byPupil.TryGetValue(pupilId, out var old)) changes.Add(new Open(c));
            else if (old.Dropped) changes.Add(new Revive(old.Id, c));
        }

        var share = counts.ToDictionary(c => c.PupilId, c => c.Share, StringComparer.Ordinal);
        changes.AddRange(byPupil.Values
            .Where(b => !b.Dropped && !reached.ContainsKey(b.PupilId))
            .Select(b => new Drop(b.Id, share.GetValueOrDefault(b.PupilId))));
        return changes;
    }
}
