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
            problems.Add($"{folder}: папки профилей нет");
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
                problems.Add($"{name}: {Configuration.JsonProblem.Describe(ex)}");
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
        if (profile.Id != expectedId) problems.Add($"{file}: Id: «{profile.Id}» должен совпадать с именем файла «{expectedId}»");
        if (string.IsNullOrWhiteSpace(profile.Source)) problems.Add($"{file}: Source: укажите документ и пункт, по которым составлен профиль");
        if (profile.SchoolDeadlineWorkingDays is < 1 or > 60) problems.Add($"{file}: SchoolDeadlineWorkingDays: {profile.SchoolDeadlineWorkingDays} вне допустимого диапазона 1–60");
        if (profile.MinimumLessons is < 1 or > 500) problems.Add($"{file}: MinimumLessons: {profile.MinimumLessons} вне допустимого диапазона 1–500");
        if (profile.Deregistration is { } deregistration)
        {
            var at = $"{file}: Deregistration";
            if (deregistration.CleanMonths is null && !deregistration.WhenLeft && !deregistration.WhenAdult) problems.Add($"{at}: нет условия; задайте CleanMonths, WhenLeft или WhenAdult");
            if (deregistration.CleanMonths is < 1 or > 36) problems.Add($"{at}.CleanMonths: {deregistration.CleanMonths} вне допустимого диапазона 1–36");
            if (string.IsNullOrWhiteSpace(deregistration.Step.Name)) problems.Add($"{at}.Step.Name: не задан");
            if (string.IsNullOrWhiteSpace(deregistration.Step.Source)) problems.Add($"{at}.Step.Source: укажите документ и пункт");
            if (deregistration.Step.Deadline is not (>= 1 and <= 60)) problems.Add($"{at}.Step.Deadline: {deregistration.Step.Deadline?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "не задан"} — нужен срок 1–60");
            deregistration.Step.Id = DeregistrationRule.StepId;
        }

        if (profile.TransferNotice is { } transfer)
        {
            if (transfer.WorkingDays is < 1 or > 30) problems.Add($"{file}: TransferNotice.WorkingDays: {transfer.WorkingDays} вне допустимого диапазона 1–30");
            if (string.IsNullOrWhiteSpace(transfer.Source)) problems.Add($"{file}: TransferNotice.Source: укажите документ и пункт");
        }

        if (profile.RetentionDaysAfterLeaving is < 1 or > 3650)
        {
            problems.Add($"{file}: RetentionDaysAfterLeaving: {profile.RetentionDaysAfterLeaving} вне допустимого диапазона 1–3650 (не задавайте, чтобы хранить до конца учебного года)");
        }

        if (profile.Levels.Count == 0) problems.Add($"{file}: Levels: в профиле нужен хотя бы один уровень");
        for (var i = 0; i < profile.Levels.Count; i++)
        {
            var level = profile.Levels[i];
            var at = $"{file}: Levels[{i}]";
            if (string.IsNullOrWhiteSpace(level.Id)) problems.Add($"{at}.Id: не задан");
            if (profile.Levels.Count(l => l.Id == level.Id) > 1) problems.Add($"{at}.Id: «{level.Id}» встречается дважды");
            foreach (var (field, value) in new[] { ("ShareAtLeast", level.ShareAtLeast), ("ShareAbove", level.ShareAbove), ("ShareBelow", level.ShareBelow) })
            {
                if (value is < 0 or > 100) problems.Add($"{at}.{field}: {value} — не доля от 0 до 100");
            }

            if (level.ShareAtLeast is null && level.ShareAbove is null && level.HoursAbove is null && !level.AnyUnexcused && !level.NotStarted && level.LateAtLeast is null)
            {
                problems.Add($"{at}: нет условия; задайте ShareAtLeast, ShareAbove, HoursAbove, AnyUnexcused, NotStarted или LateAtLeast");
            }

            if (level.LateAtLeast is < 2 or > 500) problems.Add($"{at}.LateAtLeast: {level.LateAtLeast} вне допустимого диапазона 2–500");

            if (string.IsNullOrWhiteSpace(level.Source)) problems.Add($"{at}.Source: укажите документ и пункт");
        }

        for (var i = 0; i < profile.Reports.Count; i++)
        {
            var report = profile.Reports[i];
            var at = $"{file}: Reports[{i}]";
            if (report.DayOfMonth is null && report.Dates.Count == 0) problems.Add($"{at}: задайте DayOfMonth или Dates");
            if (report.DayOfMonth is < 1 or > 31) problems.Add($"{at}.DayOfMonth: {report.DayOfMonth} — не число месяца");
            foreach (var date in report.Dates.Where(d => !DateOnly.TryParseExact("2024-" + d, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _)))
            {
                problems.Add($"{at}.Dates: «{date}» — не дата ММ-ДД");
            }
        }

        if (profile.OpensOnRepresentation && !profile.Ladder.Any(s => s.Id != "representation" && (s.ForLevels.Count == 0 || s.ForLevels.Contains(RuleProfile.RepresentationLevel))))
        {
            problems.Add($"{file}: OpensOnRepresentation: в Ladder нет шагов для случаев по представлению (ForLevels пуст или содержит «{RuleProfile.RepresentationLevel}»)");
        }

        for (var i = 0; i < profile.Ladder.Count; i++)
        {
            var step = profile.Ladder[i];
            var at = $"{file}: Ladder[{i}]";
            if (string.IsNullOrWhiteSpace(step.Id) || string.IsNullOrWhiteSpace(step.Name)) problems.Add($"{at}: нужно задать Id и Name");
            if (step.Deadline is < 1 or > 60) problems.Add($"{at}.Deadline: {step.Deadline} вне допустимого диапазона 1–60 (не задавайте, если порядок срока не устанавливает)");
            if (string.IsNullOrWhiteSpace(step.Source)) problems.Add($"{at}.Source: укажите документ и пункт, которые требуют этот шаг");
            foreach (var level in step.ForLevels.Where(l => profile.Levels.All(x => x.Id != l) && !(profile.OpensOnRepresentation && l == RuleProfile.RepresentationLevel)))
            {
                problems.Add($"{at}.ForLevels: «{level}» — нет такого уровня в этом профиле");
            }
        }
    }
}
