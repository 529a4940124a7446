namespace Connector.Adapters.SetevoyGorod;

/// <summary>
/// What one school's adapter read from the teacher journal before, so that a poll costs what may have changed and
/// not the whole window (SGO_API.md §4.2–4.3 has no "changed since" query). Today's lesson pages are read on every
/// poll. The previous lesson day's pages are read again once they are <see cref="SgoOptions.RecentRefreshMinutes"/>
/// old, older days' pages and the lists of lessons once they are <see cref="SgoOptions.OlderRefreshMinutes"/> old.
/// Refreshes are spread over the polls: a poll refreshes at most the share of a tier that the time since the last
/// poll is of the tier's interval, so a window read in one go at start does not fall due in one go again, nor after a
/// night (<see cref="BeginPoll"/>). Something never read is always read. Only whole answers are kept; a failed read
/// leaves what was kept before. One poll uses it at a time: the calls of one account never overlap (<see cref="SgoClient"/>).
/// </summary>
internal sealed class LessonPageCache(SgoOptions options)
{
    /// <summary>How many usual gaps between polls make a pause (polls missed by a busy server are not one).</summary>
    internal const int PauseGaps = 4;

    private readonly Dictionary<(int Group, int? Term), Entry<List<ClassMeeting>>> meetings = [];
    private readonly Dictionary<(int Group, int? Term, int Meeting), Entry<List<(int StudentId, string? Code)>>> pages = [];
    private readonly Dictionary<Tier, int> budget = [];
    private DateTimeOffset? lastPoll;
    private TimeSpan? usualGap;
    private DateTimeOffset now;

    /// <summary>How recent a lesson is, which says how often its page is read.</summary>
    internal enum Tier
    {
        Today,
        Recent,
        Older,
    }

    /// <summary>
    /// Starts a poll at <paramref name="at"/>: sets how many stale entries of each tier it may refresh. A pause much
    /// longer than the usual time between polls (a night, a weekend) does not bring every kept entry due at once, which
    /// would make each morning's first poll read the whole window: the entries that fell due meanwhile are refreshed
    /// over the next polls at the usual pace, as if the pause had been one usual gap.
    /// </summary>
    public void BeginPoll(DateTimeOffset at)
    {
        now = at;
        var since = lastPoll is { } last && at > last ? at - last : TimeSpan.MaxValue;
        lastPoll = at;
        var gap = since;
        if (usualGap is { } usual && since > usual * PauseGaps) since = usual;
        // The gap is the usual one from now on: one pause changes nothing at the next poll, and polls set further apart
        // (another interval) are taken as the new usual from their second gap.
        if (gap != TimeSpan.MaxValue) usualGap = gap;
        budget[Tier.Recent] = Share(pages.Values.Count(p => p.Tier == Tier.Recent), since, options.RecentRefreshMinutes);
        budget[Tier.Older] = Share(pages.Values.Count(p => p.Tier == Tier.Older) + meetings.Count, since, options.OlderRefreshMinutes);
    }

    public Task<List<ClassMeeting>> MeetingsAsync(int group, int? term, Func<Task<List<ClassMeeting>>> read) =>
        GetAsync(meetings, (group, term), Tier.Older, read);

    public Task<List<(int StudentId, string? Code)>> PageAsync(int group, int? term, int meeting, Tier tier, Func<Task<List<(int StudentId, string? Code)>>> read) =>
        GetAsync(pages, (group, term, meeting), tier, read);

    /// <summary>Forgets the lesson pages not in <paramref name="window"/> (days that left it), so the cache holds one window at most.</summary>
    public void KeepOnly(IReadOnlySet<(int Group, int? Term, int Meeting)> window)
    {
        foreach (var key in pages.Keys.Where(k => !window.Contains(k)).ToList()) pages.Remove(key);
    }

    private async Task<T> GetAsync<TKey, T>(Dictionary<TKey, Entry<T>> entries, TKey key, Tier tier, Func<Task<T>> read)
        where TKey : notnull
    {
        if (entries.TryGetValue(key, out var kept) && !MustRead(kept, tier))
        {
            entries[key] = kept with { Tier = tier };
            return kept.Value;
        }

        var value = await read().ConfigureAwait(false);
        entries[key] = new Entry<T>(value, now, tier);
        return value;
    }

    private bool MustRead<T>(Entry<T> kept, Tier tier)
    {
        if (tier == Tier.Today) return true;
        var interval = TimeSpan.FromMinutes(tier == Tier.Recent ? options.RecentRefreshMinutes : options.OlderRefreshMinutes);
        if (now - kept.ReadAt < interval) return false;
        if (budget.GetValueOrDefault(tier) <= 0) return false;
        budget[tier]--;
        return true;
    }

    /// <summary>The part of <paramref name="count"/> entries that falls due in <paramref name="since"/>, rounded up; all of them after a long pause.</summary>
    private static int Share(int count, TimeSpan since, int intervalMinutes)
    {
        if (intervalMinutes <= 0 || since >= TimeSpan.FromMinutes(intervalMinutes)) return count;
        return (int)Math.Ceiling(count * since.TotalMinutes / intervalMinutes);
    }

    private sealed record Entry<T>(T Value, DateTimeOffset ReadAt, Tier Tier);
}
