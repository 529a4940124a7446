namespace Connector.Abstractions.Journals;

/// <summary>Something the connector writes back to the journal for the school's staff to see.</summary>
/// <param name="Key">The flag's natural key; the same flag is never written twice.</param>
/// <param name="PupilId">The journal's id of the pupil.</param>
/// <param name="Kind">What the flag says.</param>
/// <param name="Date">The school-local date it concerns.</param>
/// <param name="Text">A short Russian text for staff.</param>
/// <param name="ClassTeacher">The pupil's class teacher as the school's settings name them, for a journal that does not say; null when not configured.</param>
public sealed record JournalFlag(string Key, string PupilId, JournalFlagKind Kind, DateOnly Date, string Text, string? ClassTeacher = null);
