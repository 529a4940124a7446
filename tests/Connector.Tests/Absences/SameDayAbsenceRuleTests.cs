using Connector.Absences;
using Connector.Abstractions.Attendance;

namespace Connector.Tests.Absences;

public sealed class SameDayAbsenceRuleTests
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private static readonly DateOnly Tuesday = Monday.AddDays(1);

    [Fact]
    public void AnUnexplainedAbsenceToday_OpensANotice_ListingItsLessons()
    {
        var decisions = Decide(Day(Tuesday, null, Absent(1), Absent(3), Present(2)));

        var open = Assert.IsType<AbsenceDecision.Open>(Assert.Single(decisions));
        Assert.Equal([1, 3], open.Lessons);
    }

    [Fact]
    public void Order000_2_4_AnAbsenceMarkedUnexcusedFromTheStart_OpensANotice()
    {
        var decisions = Decide(Day(Tuesday, null, Mark(2, Presence.Absent, AbsenceReason.Unexcused), Absent(4)));

        Assert.Equal([2, 4], Assert.IsType<AbsenceDecision.Open>(Assert.Single(decisions)).Lessons);
    }

    [Fact]
    public void AnOpenAbsenceMarkedUnexcusedBeforeSending_StaysOpen() =>
        Assert.Empty(Decide(Day(Tuesday, new AbsenceRecord(AbsenceState.Open, [], null), Mark(1, Presence.Absent, AbsenceReason.Unexcused))));

    [Fact]
    public void AnAbsenceWithAReason_OpensNothing() =>
        Assert.Empty(Decide(Day(Tuesday, null, Mark(1, Presence.Absent, AbsenceReason.Illness), Mark(2, Presence.Absent, AbsenceReason.Excused))));

    [Fact]
    public void Order000_2_4_AnAbsenceEnteredAfterHoursOrDaysLate_IsNotifiedWhenFound()
    {
        var decisions = Decide(Day(Monday, null, Absent(6)), Day(Monday.AddDays(-3), null, Absent(1)));

        Assert.Equal([Monday.AddDays(-3), Monday], decisions.Cast<AbsenceDecision.Open>().Select(o => o.Date).Order());
    }

    [Fact]
    public void TheFirstPollOfAnInstallation_TakesThePastAsKnown_AndDecidesOnlyFromItsOwnDay()
    {
        var decisions = SameDayAbsenceRule.Decide([Day(Tuesday, null, Absent(2)), Day(Monday, null, Absent(6)), Day(Monday.AddDays(-3), null, Absent(1))], decidesFrom: Tuesday);

        Assert.Equal(Tuesday, Assert.IsType<AbsenceDecision.Open>(Assert.Single(decisions)).Date);
    }

    [Fact]
    public void ALaterLessonOnTheSameDay_DoesNotOpenASecondNotice() =>
        Assert.Empty(Decide(Day(Tuesday, new AbsenceRecord(AbsenceState.Notified, [1], null), Absent(1), Absent(4))));

    [Fact]
    public void AReasonBeforeSending_ExplainsTheOpenAbsence() =>
        Assert.IsType<AbsenceDecision.Explain>(Assert.Single(Decide(Day(Tuesday, new AbsenceRecord(AbsenceState.Open, [], null),
            Mark(1, Presence.Absent, AbsenceReason.Excused)))));

    [Fact]
    public void AMarkChangedToPresentAfterSending_IsACorrection()
    {
        var decision = Assert.Single(Decide(Day(Tuesday, new AbsenceRecord(AbsenceState.Notified, [1, 2], null), Present(1), Absent(2))));

        Assert.Equal("present", Assert.IsType<AbsenceDecision.Correct>(decision).Correction);
    }

    [Fact]
    public void AnIllnessNoteAfterSending_IsACorrectionToExcused() =>
        Assert.Equal("excused", Assert.IsType<AbsenceDecision.Correct>(Assert.Single(Decide(
            Day(Monday, new AbsenceRecord(AbsenceState.Notified, [1], null), Mark(1, Presence.Absent, AbsenceReason.Illness))))).Correction);

    [Fact]
    public void AnUnexcusedVerdictAfterSending_IsNoCorrection() =>
        Assert.Empty(Decide(Day(Monday, new AbsenceRecord(AbsenceState.Notified, [1], null), Mark(1, Presence.Absent, AbsenceReason.Unexcused))));

    [Fact]
    public void DecidingTwice_ChangesNothing_OnceTheDecisionIsStored()
    {
        Assert.Empty(Decide(Day(Tuesday, new AbsenceRecord(AbsenceState.Open, [], null), Absent(1))));
        Assert.Empty(Decide(Day(Tuesday, new AbsenceRecord(AbsenceState.Notified, [1], "present"), Present(1))));
    }

    [Fact]
    public void AnAbsenceMarkedAgainAfterItWasExplained_OpensAgain() =>
        Assert.IsType<AbsenceDecision.Open>(Assert.Single(Decide(Day(Tuesday, new AbsenceRecord(AbsenceState.Explained, [], null), Absent(2)))));

    /// <summary>Decided on Tuesday by an installation that has been polling since the week before.</summary>
    private static IReadOnlyList<AbsenceDecision> Decide(params PupilDay[] days) => SameDayAbsenceRule.Decide(days, Monday.AddDays(-7));

    private static PupilDay Day(DateOnly date, AbsenceRecord? existing, params DayMark[] marks) => new("p1", date, marks, existing);

    private static DayMark Absent(int lesson) => Mark(lesson, Presence.Absent, AbsenceReason.NoneRecorded);

    private static DayMark Present(int lesson) => Mark(lesson, Presence.Present, AbsenceReason.NoneRecorded);

    private static DayMark Mark(int lesson, Presence presence, AbsenceReason reason) => new(lesson, "Математика", presence, reason);
}
