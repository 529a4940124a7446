using Connector.Abstractions.Journals;
using Connector.Store;

namespace Connector.Testing;

/// <summary>The service's real store of adapter memory (SQLite in a throwaway folder), as a restarted service finds it.</summary>
public sealed class AdapterMemoryStore : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("connector-memory-").FullName;

    public AdapterMemoryStore()
    {
        var database = new ConnectorDatabase(Path.Combine(folder, ConnectorDatabase.FileName));
        Memory = new AdapterMemory(() => database, TimeProvider.System);
    }

    public IAdapterMemory Memory { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
