namespace Connector.Digest;

/// <summary>Everything one staff member's morning digest says, for one school day.</summary>
internal sealed record DigestModel(
    string SchoolName,
    string StaffName,
    string Scope,
    DateOnly Date,
    DateOnly? PreviousSchoolDay,
    IReadOnlyList<AbsenceRow> Absences,
    IReadOnlyList<UnreachableRow> Unreachable,
    IReadOnlyList<BreachRow> Breaches,
    IReadOnlyList<StepRow> Steps,
    IReadOnlyList<string> ClassesWithoutAttendance,
    IReadOnlyList<string> Alerts,
    IReadOnlyList<(string Report, DateOnly Due)> ReportsDue,
    IReadOnlyList<(string ClassName, int Lessons)> MissedByClass,
    IReadOnlyList<ClosableRow> Closable,
    IReadOnlyList<TransferRow> Transfers)
{
    public bool IsEmpty => Absences.Count + Unreachable.Count + Breaches.Count + Steps.Count + ClassesWithoutAttendance.Count + Alerts.Count + ReportsDue.Count + Closable.Count
        + Transfers.Count == 0;
}

/// <summary>A pupil absent without a reason on the previous school day, and whether a reason came since.</summary>
internal sealed record AbsenceRow(string Pupil, string ClassName, int Lessons, string Now);

/// <summary>A guardian who could not be reached, and what was tried.</summary>
internal sealed record UnreachableRow(string Pupil, string ClassName, string Guardian, string Tried);

/// <summary>A threshold level reached (or dropped below) since the previous digest.</summary>
internal sealed record BreachRow(string Pupil, string ClassName, string Level, string Detail);

/// <summary>An escalation step due today or overdue.</summary>
internal sealed record StepRow(long CaseId, string Pupil, string ClassName, string Step, string Owner, DateOnly Due, bool Overdue);

/// <summary>An open case whose breach is gone (reasons recorded later took the pupil below the level): staff may close it.</summary>
internal sealed record ClosableRow(long CaseId, string Pupil, string ClassName, string Level, decimal ShareNow);

/// <summary>A pupil enrolled during the school year: if by transfer, the previous school is to be told by <see cref="Due"/>.</summary>
internal sealed record TransferRow(string Pupil, string ClassName, DateOnly EnrolledOn, DateOnly Due, string Source);
