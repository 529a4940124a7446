namespace Connector.Configuration;

/// <summary>
/// Where the installation lives: the folder that holds <c>config/</c>. Relative paths in the settings (data, outbox,
/// templates, a school's export folder) start here, whatever the current directory of the process.
/// </summary>
public sealed record ConnectorPaths(string Home)
{
    public string ConfigDirectory => Path.Combine(Home, "config");

    public string Resolve(string path) => Path.GetFullPath(path, Home);

    /// <summary>
    /// The installation folder: <paramref name="explicitHome"/> if given, else the first folder upwards from the
    /// current directory, then from the program's own folder, that has config/appsettings.json.
    /// </summary>
    public static ConnectorPaths Locate(string? explicitHome)
    {
        if (!string.IsNullOrWhiteSpace(explicitHome)) return new ConnectorPaths(Path.GetFullPath(explicitHome));

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "config", "appsettings.json"))) return new ConnectorPaths(dir.FullName);
            }
        }

        return new ConnectorPaths(Directory.GetCurrentDirectory());
    }
}
