using Connector.Abstractions.Schools;
using Connector.Delivery;
using Connector.Store;
using static Connector.Delivery.AbsenceNoticeRule;

namespace Connector.Tests.Delivery;

/// <summary>One message per guardian per day: what a newly found absence of a child queues, from the guardian's messages of that day.</summary>
public sealed class AbsenceNoticeRuleTests
{
    private static QueuedMessage M(long id, OutboxState state, ChannelKind? channel = ChannelKind.Email, params string[] pupils) => new(id, state, pupils, channel);

    [Fact]
    public void AGuardianWithNothingThatDay_GetsAMessageAboutAllTheirChildren()
    {
        var queue = Assert.IsType<Queue>(Decide([], "p1"));

        Assert.False(queue.OnlyPupil);
        Assert.Empty(queue.Tried);
    }

    [Fact]
    public void AMessageStillWaiting_TakesTheChildIn_NothingNewIsQueued() =>
        Assert.IsType<Nothing>(Decide([M(1, OutboxState.Pending)], "p2"));

    [Fact]
    public void AGuardianAlreadyToldOfThisChild_IsNotToldAgain()
    {
        Assert.IsType<Nothing>(Decide([M(1, OutboxState.Sent, ChannelKind.Email, "p1")], "p1"));
        Assert.IsType<Nothing>(Decide([M(1, OutboxState.Sending, ChannelKind.Sms, "p1", "p2")], "p2"));
    }

    [Fact]
    public void AGuardianToldOfASiblingEarlier_GetsAMessageAboutThisChildOnly()
    {
        var queue = Assert.IsType<Queue>(Decide([M(1, OutboxState.Sent, ChannelKind.Email, "p1")], "p2"));

        Assert.True(queue.OnlyPupil);
        Assert.Empty(queue.Tried);
    }

    [Fact]
    public void WhenEveryMessageOfTheDayWasCancelled_TheLastIsQueuedAgain() =>
        Assert.Equal(3, Assert.IsType<Reopen>(Decide([M(1, OutboxState.Cancelled), M(3, OutboxState.Cancelled)], "p1")).Id);

    [Fact]
    public void WhenNobodyWasReached_TheChannelsNotTriedAreTried()
    {
        var queue = Assert.IsType<Queue>(Decide([M(1, OutboxState.Failed, ChannelKind.Sms), M(2, OutboxState.Unreachable, channel: null)], "p1"));

        Assert.False(queue.OnlyPupil);
        Assert.Equal([ChannelKind.Sms], queue.Tried);
    }

}
