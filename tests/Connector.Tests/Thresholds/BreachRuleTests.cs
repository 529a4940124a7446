using Connector.Thresholds;
using CsCheck;

namespace Connector.Tests.Thresholds;

/// <summary>How a level's breaches follow the counts, apart from the store: new, dropped, revived.</summary>
public sealed class BreachRuleTests
{
    private static PupilPeriodCounts Counts(string pupil, int missed, int scheduled = 40) => new(pupil, scheduled, missed, scheduled - missed);

    [Fact]
    public void APupilReachingTheLevelForTheFirstTime_GetsANewBreach()
    {
        var p1 = Counts("p1", 12);

        var change = Assert.Single(BreachRule.Compare(new Dictionary<string, PupilPeriodCounts> { ["p1"] = p1 }, [], [p1]));

        Assert.Equal(p1, Assert.IsType<BreachRule.Open>(change).Counts);
    }

    [Fact]
    public void APupilStillAtTheLevel_ChangesNothing()
    {
        var p1 = Counts("p1", 12);

        Assert.Empty(BreachRule.Compare(new Dictionary<string, PupilPeriodCounts> { ["p1"] = p1 }, [new(7, "p1", Dropped: false)], [p1]));
    }

    [Fact]
    public void APupilWhoFellBackBelowTheLevel_HasTheBreachDropped_WithTheShareTheyFellTo()
    {
        var p1 = Counts("p1", 4);

        var drop = Assert.IsType<BreachRule.Drop>(Assert.Single(BreachRule.Compare(new Dictionary<string, PupilPeriodCounts>(), [new(7, "p1", Dropped: false)], [p1])));

        Assert.Equal((7L, 10m), (drop.Id, drop.Share));
    }

    [Fact]
    public void APupilNoLongerCounted_HasTheBreachDroppedAtNothing() =>
        Assert.Equal(0m, Assert.IsType<BreachRule.Drop>(Assert.Single(BreachRule.Compare(new Dictionary<string, PupilPeriodCounts>(), [new(7, "p1", false)], []))).Share);

    [Fact]
    public void ADroppedBreachWhosePupilReachesTheLevelAgain_IsRevived_NotOpenedTwice()
    {
        var p1 = Counts("p1", 14);

        var revive = Assert.IsType<BreachRule.Revive>(Assert.Single(BreachRule.Compare(new Dictionary<string, PupilPeriodCounts> { ["p1"] = p1 }, [new(7, "p1", Dropped: true)], [p1])));

        Assert.Equal(7, revive.Id);
    }

    [Fact]
    public void ADroppedBreachOfAPupilStillBelow_StaysAsItIs() =>
        Assert.Empty(BreachRule.Compare(new Dictionary<string, PupilPeriodCounts>(), [new(7, "p1", Dropped: true)], [Counts("p1", 2)]));

    /// <summary>
    /// Whatever was stored and whoever is at the level now: once the changes are applied, the active breaches are
    /// exactly the pupils at the level, each with one breach, and comparing again changes nothing.
    /// </summary>
    [Fact]
    public void AfterTheChanges_TheActiveBreachesAreThePupilsAtTheLevel_AndASecondComparisonChangesNothing()
    {
        var pupils = Enumerable.Range(1, 8).Select(i => $"p{i}").ToArray();
        var gen =
            from stored in Gen.Int[0, 2].Array[pupils.Length] // 0 none, 1 active, 2 dropped
            from missed in Gen.Int[0, 40].Array[pupils.Length]
            from level in Gen.Int[1, 39]
            select (stored, missed, level);
        gen.Sample(sample =>
        {
            var counts = pupils.Select((p, i) => Counts(p, sample.missed[i])).ToList();
            var reached = counts.Where(c => c.Missed >= sample.level).ToDictionary(c => c.PupilId);
            var store = pupils.Select((p, i) => (p, i)).Where(x => sample.stored[x.i] > 0)
                .ToDictionary(x => x.p, x => new BreachRule.Stored(x.i + 100, x.p, sample.stored[x.i] == 2));
            var nextId = 1000L;
            foreach (var change in BreachRule.Compare(reached, store.Values, counts))
            {
                switch (change)
                {
                    case BreachRule.Open open:
                        Assert.False(store.ContainsKey(open.Counts.PupilId), "a pupil with a breach got a second one");
                        store[open.Counts.PupilId] = new(nextId++, open.Counts.PupilId, false);
                        break;
                    case BreachRule.Revive revive:
                        var revived = store.Values.Single(b => b.Id == revive.Id);
                        store[revived.PupilId] = revived with { Dropped = false };
                        break;
                    case BreachRule.Drop drop:
                        var dropped = store.Values.Single(b => b.Id == drop.Id);
                        store[dropped.PupilId] = dropped with { Dropped = true };
                        break;
                }
            }

            Assert.Equal(reached.Keys.Order(), store.Values.Where(b => !b.Dropped).Select(b => b.PupilId).Order());
            Assert.Empty(BreachRule.Compare(reached, store.Values, counts));
        });
    }
}
