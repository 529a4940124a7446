namespace Connector.Notifier.Templates;

/// <summary>What the correction templates (<c>config/templates/correction.*.hbs</c>) can use.</summary>
/// <param name="SchoolName">The school's name.</param>
/// <param name="SmsSchoolName">The school's short name for SMS.</param>
/// <param name="SchoolPhone">The school's phone, or null.</param>
/// <param name="Greeting">How to address the guardian.</param>
/// <param name="DateText">"23 ноября 2026 г."</param>
/// <param name="ShortDateText">"23.11"</param>
/// <param name="Pupils">The children whose marks changed after the guardian was told.</param>
public sealed record CorrectionNoticeModel(
    string SchoolName,
    string SmsSchoolName,
    string? SchoolPhone,
    string Greeting,
    string DateText,
    string ShortDateText,
    IReadOnlyList<CorrectedPupilModel> Pupils);

/// <summary>One child whose absence was corrected.</summary>
/// <param name="Name">"Иван Петров".</param>
/// <param name="SmsName">The first name, or «ребёнок».</param>
/// <param name="ClassName">"7Б".</param>
/// <param name="WasPresent">True when the child was in fact at the lessons; false when a valid reason was recorded.</param>
public sealed record CorrectedPupilModel(string Name, string SmsName, string ClassName, bool WasPresent);
