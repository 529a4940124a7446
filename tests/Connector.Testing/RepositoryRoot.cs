namespace Connector.Testing;

/// <summary>The repository checkout the tests run from.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Connector.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("Connector.sln not found above " + AppContext.BaseDirectory);
    }
}
