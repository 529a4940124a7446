namespace Connector.Abstractions.Schools;

/// <summary>A pupil as the journal lists them. Only what the work needs is carried.</summary>
/// <param name="Id">The journal's own id of the pupil.</param>
/// <param name="FullName">Full name as the journal spells it: last name, first name, patronymic.</param>
/// <param name="ClassName">The class, e.g. "7Б".</param>
/// <param name="Grade">The grade, 1 to 11.</param>
/// <param name="GuardianIds">The ids of the pupil's guardians (legal representatives).</param>
/// <param name="Active">False once the pupil has left the school.</param>
/// <param name="BirthDate">Date of birth where the journal gives it (some reports require it).</param>
/// <param name="EnrolledOn">When the pupil joined the school, if this school year: lessons before it are not theirs.</param>
public sealed record Pupil(
    string Id,
    string FullName,
    string ClassName,
    int Grade,
    IReadOnlyList<string> GuardianIds,
    bool Active = true,
    DateOnly? BirthDate = null,
    DateOnly? EnrolledOn = null);
