using Connector.Store;

namespace Connector.Configuration;

/// <summary>Where the connector keeps its state (<c>Connector:Store</c>).</summary>
public sealed class StoreOptions
{
    /// <summary>SQLite in the data folder (the default), or PostgreSQL for several nodes sharing one database.</summary>
    public StoreKind Kind { get; set; } = StoreKind.Sqlite;

    /// <summary>
    /// The PostgreSQL connection string (Npgsql's form: <c>Host=…;Port=…;Database=…;Username=…;Password=…</c>). It holds
    /// a password, so it comes from the environment (<c>CONNECTOR__Store__ConnectionString</c>), never from a file.
    /// </summary>
    public string ConnectionString { get; set; } = "";
}
