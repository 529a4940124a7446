using Connector.Escalation;
using Connector.Thresholds;

namespace Connector.Tests.Escalation;

/// <summary>Whether a breach opens a case, which cases it takes over, and what follows a recorded step, apart from the store.</summary>
public sealed class CaseRuleTests
{
    private static readonly ThresholdLevel Notice = new() { Id = "notice", Rank = 1, OpensCase = false };
    private static readonly ThresholdLevel Risk = new() { Id = "risk", Rank = 2, OpensCase = true };
    private static readonly ThresholdLevel Register = new() { Id = "register", Rank = 3, OpensCase = true };

    private static readonly RuleProfile Profile = new()
    {
        Id = "test",
        Levels = [Notice, Risk, Register],
        Ladder =
        [
            new() { Id = "talk", Name = "Беседа" },
            new() { Id = "council", Name = "Совет профилактики", ForLevels = ["register"] },
            new() { Id = "kdn", Name = "Информирование КДН" },
        ],
    };

    [Fact]
    public void ABreachOfALevelThatOpensNoCase_OpensNone() => Assert.Null(CaseRule.Opens(Profile, Notice, []));

    [Fact]
    public void AFirstBreach_OpensACase_TakingOverNothing() => Assert.Equal([], CaseRule.Opens(Profile, Risk, []));

    [Fact]
    public void ABreachOfAHigherLevel_OpensACase_AndTheLowerCaseClosesIntoIt() => Assert.Equal([5L], CaseRule.Opens(Profile, Register, [(5, "risk")]));

    [Fact]
    public void ABreachOfTheSameOrALowerLevelThanAnOpenCase_OpensNone()
    {
        Assert.Null(CaseRule.Opens(Profile, Risk, [(5, "risk")]));
        Assert.Null(CaseRule.Opens(Profile, Risk, [(5, "register")]));
    }

    [Fact]
    public void ACaseWalksOnlyTheStepsForItsLevel()
    {
        Assert.Equal(["talk", "kdn"], CaseRule.StepsFor(Profile, "risk").Select(s => s.Id));
        Assert.Equal(["talk", "council", "kdn"], CaseRule.StepsFor(Profile, "register").Select(s => s.Id));
    }

    [Fact]
    public void ARecordedStep_IsFollowedByTheNextOfItsLadder_AndTheLastClosesTheCase()
    {
        Assert.Equal("kdn", CaseRule.AfterStep(Profile, "risk", 0, "talk", "проведена").Next?.Id);
        Assert.Equal((null, "все шаги выполнены"), CaseRule.AfterStep(Profile, "risk", 1, "kdn", "направлено"));
    }

    [Fact]
    public void TheDeregistrationStep_ClosesTheCase_WithItsOutcome() =>
        Assert.Equal((null, "снят с учёта: решение совета № 4"), CaseRule.AfterStep(Profile, "risk", 2, DeregistrationRule.StepId, "решение совета № 4"));
}
