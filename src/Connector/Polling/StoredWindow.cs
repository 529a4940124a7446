namespace Connector.Polling;

/// <summary>What the store already holds for a school's read window, to judge a new read against.</summary>
/// <param name="TakenLessons">Lessons with attendance taken: class, date, number.</param>
/// <param name="Absences">Stored marks other than present, of active pupils: pupil, date, lesson.</param>
internal sealed record StoredWindow(
    IReadOnlySet<(string ClassName, DateOnly Date, int Number)> TakenLessons,
    IReadOnlyList<(string PupilId, string ClassName, DateOnly Date, int Number)> Absences);

/// <summary>What the store holds of a school's roster.</summary>
/// <param name="ActivePupils">Ids of the pupils the last accepted roster listed as active.</param>
/// <param name="GuardiansWithContact">Ids of guardians with an e-mail or a phone.</param>
internal sealed record StoredRoster(IReadOnlySet<string> ActivePupils, IReadOnlySet<string> GuardiansWithContact);
