using Connector.Testing;

namespace Connector.Tests.Install;

/// <summary>Reading the machine's clock in src/ (DateTime.Now and its kin) fails the build: time comes from TimeProvider.</summary>
public sealed class BannedApiTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("connector-banned-").FullName;

    [Theory]
    [InlineData("System.DateTime.Now", "DateTime.Now")]
    [InlineData("System.TimeProvider.System.GetUtcNow()", "TimeProvider.System")]
    public void AFileOfSrcThatReadsTheMachinesClock_FailsTheBuild_NamingTheRule(string expression, string named)
    {
        var probe = Path.Combine(folder, "Probe.cs");
        File.WriteAllText(probe, $"namespace Connector.Abstractions;\n\ninternal static class BannedApiProbe\n{{\n    public static object When() => {expression};\n}}\n");

        var refused = Build(probe);
        var clean = Build(null);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("error RS0030", refused.Output, StringComparison.Ordinal);
        Assert.Contains(named, refused.Output, StringComparison.Ordinal);
        Assert.True(clean.ExitCode == 0, clean.Output);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private ProcessResult Build(string? probe)
    {
        var output = Path.Combine(folder, probe is null ? "clean" : "probe");
        return Programs.Run("dotnet", RepositoryRoot.Path, "build", Path.Combine("src", "Connector.Abstractions", "Connector.Abstractions.csproj"),
            "--no-restore", "--nologo", $"-p:BannedApiProbe={probe ?? ""}", $"-p:OutDir={output}/", $"-p:IntermediateOutputPath={output}/obj/");
    }
}
