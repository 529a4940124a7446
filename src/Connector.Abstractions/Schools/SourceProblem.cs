namespace Connector.Abstractions.Schools;

/// <summary>A piece of the journal's data that could not be used, and why. It never becomes a decision.</summary>
/// <param name="Location">Where it is: a file and line ("attendance.csv:17"), or an endpoint and record.</param>
/// <param name="Reason">What is wrong, in words an IT person can act on.</param>
public sealed record SourceProblem(string Location, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Location}: {Reason}";
}
