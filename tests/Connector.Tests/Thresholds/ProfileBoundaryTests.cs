using Connector.Testing;
using Connector.Thresholds;

namespace Connector.Tests.Thresholds;

/// <summary>Every shipped profile at its boundaries, read from config/profiles as a school would use it.</summary>
public sealed class ProfileBoundaryTests
{
    private static readonly RuleProfiles Profiles = RuleProfiles.Load(Path.Combine(RepositoryRoot.Path, "config", "profiles"));

    [Fact]
    public void EveryShippedProfileLoads_AndCitesItsSource()
    {
        Assert.Empty(Profiles.Problems);
        Assert.Equal(["baley", "default", "krasnodar", "tolyatti", "volsk", "zato-svobodny"], Profiles.Ids.Order());
        Assert.All(Profiles.Ids.Select(Profiles.Get), p => Assert.All(p.Levels, l => Assert.NotEmpty(l.Source)));
    }

    [Theory]
    // Federal default and Baley: systematic at 20 % or more in a month.
    [InlineData("default", "systematic", 100, 19, false)]
    [InlineData("default", "systematic", 100, 20, true)]
    [InlineData("baley", "systematic", 100, 20, true)]
    [InlineData("baley", "missing", 100, 19, true)]
    [InlineData("baley", "missing", 100, 20, false)]
    [InlineData("baley", "missing", 100, 0, false)]
    // Volsk: under 30 % is "missing" (and any), over 30 % systematic; exactly 30 % is neither.
    [InlineData("volsk", "missing", 100, 29, true)]
    [InlineData("volsk", "missing", 100, 30, false)]
    [InlineData("volsk", "systematic", 100, 30, false)]
    [InlineData("volsk", "systematic", 100, 31, true)]
    // Tolyatti: over 50 %.
    [InlineData("tolyatti", "systematic", 100, 50, false)]
    [InlineData("tolyatti", "systematic", 100, 51, true)]
    // ZATO Svobodny: over 75 %.
    [InlineData("zato-svobodny", "systematic", 100, 75, false)]
    [InlineData("zato-svobodny", "systematic", 100, 76, true)]
    // Not started: over 80 % of the school year.
    [InlineData("baley", "not-started", 100, 80, false)]
    [InlineData("baley", "not-started", 100, 81, true)]
    [InlineData("default", "not-started", 100, 81, true)]
    // Krasnodar: over 60 % of the quarter (36 of 60 lessons is 60 %, 36 hours)…
    [InlineData("krasnodar", "red-zone", 60, 36, false)]
    [InlineData("krasnodar", "red-zone", 60, 37, true)]
    // …or more than 40 academic hours, whatever the share (40 of 200 is 20 %).
    [InlineData("krasnodar", "red-zone", 200, 40, false)]
    [InlineData("krasnodar", "red-zone", 200, 41, true)]
    public void TheLevelIsReachedExactlyWhereTheDocumentSays(string profileId, string levelId, int scheduled, int missed, bool reached)
    {
        var profile = Profiles.Get(profileId);
        var counts = new PupilPeriodCounts("p1", scheduled, missed, scheduled - missed);

        Assert.Equal(reached, ThresholdEngine.Reaches(profile.Levels.Single(l => l.Id == levelId), counts, profile.MinimumLessons));
    }

    [Fact]
    public void AShareIsNotJudgedOverTooFewLessons_ButHoursAndAnyUnexcusedAre()
    {
        var baley = Profiles.Get("baley");
        var fewLessons = new PupilPeriodCounts("p1", 12, 12, 0);

        Assert.False(ThresholdEngine.Reaches(baley.Levels.Single(l => l.Id == "systematic"), fewLessons, baley.MinimumLessons));
        Assert.True(ThresholdEngine.Reaches(baley.Levels.Single(l => l.Id == "missing"), new PupilPeriodCounts("p1", 12, 1, 11), baley.MinimumLessons));
    }

    [Fact]
    public void NotStarted_IsAPupilWhoMissedEveryLessonWithoutAValidReason_NotAnIllOne()
    {
        var tolyatti = Profiles.Get("tolyatti");
        var level = tolyatti.Levels.Single(l => l.Id == "not-started");

        Assert.True(ThresholdEngine.Reaches(level, new PupilPeriodCounts("p1", 40, 40, 0), tolyatti.MinimumLessons));
        Assert.False(ThresholdEngine.Reaches(level, new PupilPeriodCounts("p2", 40, 0, 0), tolyatti.MinimumLessons));
        Assert.False(ThresholdEngine.Reaches(level, new PupilPeriodCounts("p3", 40, 39, 1), tolyatti.MinimumLessons));
    }

    [Fact]
    public void AWrongProfile_IsRefusedNamingTheFileTheFieldAndTheProblem()
    {
        var folder = Directory.CreateTempSubdirectory("connector-profiles-").FullName;
        var profiles = Path.Combine(folder, "config", "profiles");
        Directory.CreateDirectory(profiles);
        File.WriteAllText(Path.Combine(profiles, "city.json"), """
            { "Id": "city", "Name": "Город", "Source": "постановление № 1", "Levels": [
              { "Id": "systematic", "Name": "Систематически", "Period": "Month", "ShareAbove": 130, "Source": "п. 2" } ], "Ladder": [] }
            """);
        File.WriteAllText(Path.Combine(profiles, "town.json"), """
            { "Id": "town", "Name": "Посёлок", "Source": "п. 1", "Levels": [ { "Id": "x", "Period": "Quartr", "ShareAbove": 10, "Source": "п. 2" } ] }
            """);

        var loaded = RuleProfiles.Load(profiles);

        Assert.Equal(2, loaded.Problems.Count);
        Assert.Equal("config/profiles/city.json: Levels[0].ShareAbove: 130 — не доля от 0 до 100", loaded.Problems[0]);
        // The parser's own words name a .NET type; the line a person reads names the field and where it is instead.
        Assert.Matches(@"^config/profiles/town\.json: значение Levels\[0\]\.Period не подходит по типу \(строка \d+, позиция \d+\)$", loaded.Problems[1]);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void ALadderStepWithoutItsSource_AndRepresentationsWithoutSteps_AreRefused()
    {
        var folder = Directory.CreateTempSubdirectory("connector-profiles-").FullName;
        var profiles = Path.Combine(folder, "config", "profiles");
        Directory.CreateDirectory(profiles);
        File.WriteAllText(Path.Combine(profiles, "city.json"), """
            { "Id": "city", "Name": "Город", "Source": "постановление № 1", "OpensOnRepresentation": true,
              "Levels": [ { "Id": "systematic", "Name": "Систематически", "Period": "Month", "ShareAbove": 30, "OpensCase": true, "Source": "п. 2" } ],
              "Ladder": [ { "Id": "council", "Name": "Совет", "Owner": "DeputyDirector", "ForLevels": [ "systematic" ] } ] }
            """);

        var loaded = RuleProfiles.Load(profiles);

        Assert.Equal(
            [
                "config/profiles/city.json: OpensOnRepresentation: в Ladder нет шагов для случаев по представлению (ForLevels пуст или содержит «representation»)",
                "config/profiles/city.json: Ladder[0].Source: укажите документ и пункт, которые требуют этот шаг",
            ], loaded.Problems);
        Directory.Delete(folder, recursive: true);
    }
}
