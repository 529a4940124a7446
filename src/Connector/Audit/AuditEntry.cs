namespace Connector.Audit;

/// <summary>One transfer of personal data.</summary>
/// <param name="At">When it was handed over.</param>
/// <param name="SchoolId">The school.</param>
/// <param name="Action">What was transferred, e.g. "absence-notice.sent".</param>
/// <param name="Recipient">To whom: "guardian:{id}", "staff:{id}", "journal", "file:{name}".</param>
/// <param name="Channel">By which channel, if any.</param>
/// <param name="SubjectIds">The pupils the data is about.</param>
/// <param name="Purpose">Why, with its legal basis.</param>
/// <param name="Reference">The outbox key or the provider's id.</param>
internal sealed record AuditEntry(
    DateTimeOffset At,
    string SchoolId,
    string Action,
    string Recipient,
    string? Channel,
    IReadOnlyList<string> SubjectIds,
    string Purpose,
    string? Reference);
