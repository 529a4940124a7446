using Connector.Absences;
using static Connector.Absences.VanishedMarkRule;

namespace Connector.Tests.Absences;

/// <summary>A stored absence the journal no longer lists: when it becomes "present", and when it is left alone.</summary>
public sealed class VanishedMarkRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Confirm = TimeSpan.FromMinutes(30);

    private static Verdict Missing(DateTimeOffset? since = null, bool present = false, bool taken = true, bool held = false) =>
        Decide(inJournal: false, present, taken, held, since, Now, Confirm);

    [Fact]
    public void AMarkTheJournalStillLists_IsKept() => Assert.Equal(Verdict.Keep, Decide(true, false, true, false, Now.AddHours(-2), Now, Confirm));

    [Fact]
    public void AnAbsenceMissingForTheFirstTime_StartsVanishing_AndIsNotPresentYet() => Assert.Equal(Verdict.StartVanishing, Missing());

    [Fact]
    public void AnAbsenceMissingForLessThanTheConfirmationTime_StaysVanishing() => Assert.Equal(Verdict.Keep, Missing(Now.AddMinutes(-29)));

    [Fact]
    public void AnAbsenceMissingForTheWholeConfirmationTime_BecomesPresent()
    {
        Assert.Equal(Verdict.BecomePresent, Missing(Now - Confirm));
        Assert.Equal(Verdict.BecomePresent, Missing(Now.AddDays(-1)));
    }

    [Fact]
    public void AMarkOfALessonNoLongerTaken_IsLeftAlone() => Assert.Equal(Verdict.Keep, Missing(Now.AddDays(-1), taken: false));

    [Fact]
    public void AMarkWhosePupilsDayTheReadCouldNotRead_IsLeftAlone_HoweverLongItIsMissing()
    {
        Assert.Equal(Verdict.Keep, Missing(held: true));
        Assert.Equal(Verdict.Keep, Missing(Now.AddDays(-1), held: true));
    }

    [Fact]
    public void AStoredPresentMark_HasNothingToVanish() => Assert.Equal(Verdict.Keep, Missing(present: true));
}
