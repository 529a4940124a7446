namespace Connector.Configuration;

/// <summary>The settings' problems: global ones stop the service; a school's own stop that school alone.</summary>
internal sealed record SettingsReport(IReadOnlyList<string> Global, IReadOnlyList<SchoolProblems> Schools)
{
    /// <summary>Whether anything can run: no global problem, and at least one school without problems.</summary>
    public bool CanRun => Global.Count == 0 && Schools.Any(s => s.Problems.Count == 0);

    /// <summary>The schools that cannot run, with why.</summary>
    public IEnumerable<SchoolProblems> Disabled => Schools.Where(s => s.Problems.Count > 0);
}

/// <summary>One school's problems; <see cref="Index"/> is its place in <c>Connector:Schools</c>.</summary>
internal sealed record SchoolProblems(int Index, string Id, IReadOnlyList<string> Problems);
