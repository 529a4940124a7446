using System.Data.Common;
using System.Globalization;
using Connector.Store;

namespace Connector.Thresholds;

/// <summary>Counts each pupil's lessons in the profile's current periods and records the levels reached, in the poll's transaction.</summary>
internal static class Breaches
{
    /// <summary>Applies <see cref="BreachRule"/> to every level of every current period; returns the new breaches.</summary>
    public static async Task<IReadOnlyList<NewBreach>> ApplyAsync(DbConnection db, DbTransaction tx, string schoolId, RuleProfile profile, DateOnly today, DateTimeOffset now)
    {
        var found = new List<NewBreach>();
        foreach (var group in profile.Levels.GroupBy(l => l.Period))
        {
            if (Periods.Current(group.Key, today) is not { } period) continue;
            var counts = await BreachStore.CountAsync(db, tx, schoolId, period).ConfigureAwait(false);
            foreach (var level in group)
            {
                var reached = ThresholdEngine.Reached(profile, level, counts).ToDictionary(r => r.Counts.PupilId, r => r.Counts);
                var stored = await BreachStore.OfLevelAsync(db, tx, schoolId, level.Id, period.Key).ConfigureAwait(false);
                foreach (var change in BreachRule.Compare(reached, stored, counts))
                {
                    switch (change)
                    {
                        case BreachRule.Open open:
                            var id = await BreachStore.InsertAsync(db, tx, schoolId, profile.Id, level, period, open.Counts, now).ConfigureAwait(false);
                            found.Add(new NewBreach(id, open.Counts.PupilId, level, period, open.Counts));
                            break;
                        case BreachRule.Revive revive:
                            await BreachStore.ReviveAsync(db, tx, revive.Id, revive.Counts.Share).ConfigureAwait(false);
                            break;
                        case BreachRule.Drop drop:
                            await BreachStore.DropAsync(db, tx, drop.Id, drop.Share, now).ConfigureAwait(false);
                            break;
                    }
                }
            }
        }

        return found;
    }
}

/// <summary>A level a pupil reached for the first time in a period.</summary>
internal sealed record NewBreach(long Id, string PupilId, ThresholdLevel Level, Period Period, PupilPeriodCounts Counts)
{
    public string Describe() => Level.LateAtLeast is not null
        ? string.Create(CultureInfo.GetCultureInfo("ru-RU"), $"{Level.Name}: {Period.Name}, опозданий без уважительной причины: {Counts.Late}")
        : string.Create(CultureInfo.GetCultureInfo("ru-RU"),
            $"{Level.Name}: {Period.Name}, пропущено без уважительной причины {Counts.Missed} из {Counts.Scheduled} уроков ({Counts.Share:0.#} %)");
}
