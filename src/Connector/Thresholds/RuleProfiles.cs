using System.Text.Json;
using System.Text.Json.Serialization;

namespace Connector.Thresholds;

/// <summary>The profiles in config/profiles, read and checked once; a wrong one names the file, the field and the problem.</summary>
public sealed class RuleProfiles
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter(allowIntegerValues: false) }, ReadCommentHandling = JsonCommentHandling.Skip };
    private readonly Dictionary<string, RuleProfile> profiles;

    private RuleProfiles(Dictionary<string, RuleProfile> profiles, IReadOnlyList<string> problems)
    {
        this.profiles = profiles;
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }

    public IReadOnlyCollection<string> Ids => profiles.Keys;

    public RuleProfile Get(string id) => profiles.TryGetValue(id, out var profile) ? profile : throw new KeyNotFoundException($"no rule profile '{id}'");

    public static RuleProfiles Load(string folder)
    {
        var profiles = new Dictionary<string, RuleProfile>(StringComparer.Ordinal);
        var problems = new List<string>();
        if (!Directory.Exists(folder))
        {
            problems.Add($"{folder}: the profiles folder does not exist");
            return new RuleProfiles(profiles, problems);
        }

        foreach (var file in Directory.GetFiles(folder, "*.json").Order())
        {
            var name = Path.GetRelativePath(Path.GetDirectoryName(Path.GetDirectoryName(folder)!)!, file);
            RuleProfile? profile;
            try
            {
                profile = JsonSerializer.Deserialize<RuleProfile>(File.ReadAllText(file), Json);
            }
            catch (JsonException ex)
            {
                problems.Add($"{name}: {ex.Path?.TrimStart('$', '.')}: {ex.Message.Split(" Path:")[0]}");
                continue;
            }

            var before = problems.Count;
            Validate(profile!, name, Path.GetFileNameWithoutExtension(file), problems);
            if (problems.Count == before) profiles[profile!.Id] = profile;
        }

        return new RuleProfiles(profiles, problems);
    }

    private static void Validate(RuleProfile profile, string file, string expectedId, List<string> problems)
    {
        if (profile.Id != expectedId) problems.Add($"{file}: Id: '{profile.Id}' must match the file name '{expectedId}'");
        if (string.IsNullOrWhiteSpace(profile.Source)) problems.Add($"{file}: Source: name the document and section the profile follows");
        if (profile.MinimumLessons is < 1 or > 500) problems.Add($"{file}: MinimumLessons: {profile.MinimumLessons} is not between 1 and 500");
        if (profile.Levels.Count == 0) problems.Add($"{file}: Levels: a profile needs at least one level");
        for (var i = 0; i < profile.Levels.Count; i++)
        {
            var level = profile.Levels[i];
            var at = $"{file}: Levels[{i}]";
            if (string.IsNullOrWhiteSpace(level.Id)) problems.Add($"{at}.Id: not set");
            if (profile.Levels.Count(l => l.Id == level.Id) > 1) problems.Add($"{at}.Id: '{level.Id}' is used twice");
            foreach (var (field, value) in new[] { ("ShareAtLeast", level.ShareAtLeast), ("ShareAbove", level.ShareAbove), ("ShareBelow", level.ShareBelow) })
            {
                if (value is < 0 or > 100) problems.Add($"{at}.{field}: {value} is not a share between 0 and 100");
            }

            if (level.ShareAtLeast is null && level.ShareAbove is null && level.HoursAbove is null && !level.AnyUnexcused && !level.NotStarted)
            {
                problems.Add($"{at}: no criterion; set ShareAtLeast, ShareAbove, HoursAbove, AnyUnexcused or NotStarted");
            }

            if (string.IsNullOrWhiteSpace(level.Source)) problems.Add($"{at}.Source: name the document and section");
        }

        for (var i = 0; i < profile.Reports.Count; i++)
        {
            var report = profile.Reports[i];
            var at = $"{file}: Reports[{i}]";
            if (report.DayOfMonth is null && report.Dates.Count == 0) problems.Add($"{at}: set DayOfMonth or Dates");
            if (report.DayOfMonth is < 1 or > 31) problems.Add($"{at}.DayOfMonth: {report.DayOfMonth} is not a day of a month");
            foreach (var date in report.Dates.Where(d => !DateOnly.TryParseExact("2024-" + d, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _)))
            {
                problems.Add($"{at}.Dates: '{date}' is not MM-dd");
            }
        }

        for (var i = 0; i < profile.Ladder.Count; i++)
        {
            var step = profile.Ladder[i];
            var at = $"{file}: Ladder[{i}]";
            if (string.IsNullOrWhiteSpace(step.Id) || string.IsNullOrWhiteSpace(step.Name)) problems.Add($"{at}: Id and Name must be set");
            if (step.Deadline is < 1 or > 60) problems.Add($"{at}.Deadline: {step.Deadline} is not between 1 and 60");
            foreach (var level in step.ForLevels.Where(l => profile.Levels.All(x => x.Id != l))) problems.Add($"{at}.ForLevels: '{level}' is not a level of this profile");
        }
    }
}
