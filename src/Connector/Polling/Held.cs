using Connector.Abstractions.Schools;

namespace Connector.Polling;

/// <summary>
/// Pupils' days whose decisions wait, because a record about them could not be used: the left-out row may be the
/// reason that explains an absence, or the mark that says present. Neither a notice nor a correction comes from
/// such a day until the row is fixed.
/// </summary>
internal sealed class Held
{
    private readonly HashSet<(string PupilId, DateOnly Date)> days = [];
    private readonly HashSet<string> wholePupils = new(StringComparer.Ordinal);

    public int Count => days.Count + wholePupils.Count;

    public static Held From(IEnumerable<SourceProblem> problems)
    {
        var held = new Held();
        foreach (var problem in problems.Where(p => p.Kind == SourceProblemKind.Record && p.PupilId is not null))
        {
            if (problem.Date is { } date) held.days.Add((problem.PupilId!, date));
            else held.wholePupils.Add(problem.PupilId!);
        }

        return held;
    }

    public bool Covers(string pupilId, DateOnly date) => wholePupils.Contains(pupilId) || days.Contains((pupilId, date));
}
