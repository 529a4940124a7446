namespace Connector.Adapters.SetevoyGorod.Tests;

/// <summary>The probe's estimate of what a poll costs, against what the bench counted on the emulator.</summary>
public sealed class SgoPollCostTests
{
    [Fact]
    public void ASchoolOf33Classes_CostsWhatTheBenchCounted()
    {
        // bench -- sgo: 33 classes × 8 subject groups, 7 lessons on each of the window's 5 school days; the largest
        // later poll read 290 requests, the first one at 16:00 would read every list and page, 264 + 1,155.
        var cost = SgoPollCost.Estimate(10, 264, 1155.0 / 264, 5, new SgoOptions());

        Assert.Equal((231, 1419, 290), (cost.LessonsPerDay, cost.FirstPoll, cost.LargestPoll));
        Assert.Equal(4.83, cost.Minutes(cost.LargestPoll), 2);
    }

    [Fact]
    public void ReadingEverythingEveryPoll_CostsTheWholeWindowEachTime()
    {
        var cost = SgoPollCost.Estimate(10, 264, 1155.0 / 264, 5, new SgoOptions { RecentRefreshMinutes = 0, OlderRefreshMinutes = 0 });

        Assert.Equal(cost.FirstPoll, cost.LargestPoll);
    }
}
