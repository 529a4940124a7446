using Connector.Absences;

namespace Connector.Polling;

/// <summary>What one poll of one school did.</summary>
internal sealed record PollResult(string SchoolId, bool Skipped, int ChangedMarks, DecisionSummary Decisions, int Problems, ReadQuarantine? Quarantine = null);
