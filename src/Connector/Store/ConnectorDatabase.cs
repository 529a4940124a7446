using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Connector.Store;

/// <summary>
/// The store: the truth the process restarts from. By default an SQLite database under the data directory (WAL, a
/// busy timeout); for a municipality on several nodes, a PostgreSQL database (<c>Connector:Store:Kind = Postgres</c>).
/// Both hold the same schema and answer the same SQL. Every unit of work runs in one transaction, so a kill at any
/// line leaves either all of it or none; on PostgreSQL the transaction is serializable and is run again when the
/// server refuses it for a conflict with another node's.
/// </summary>
internal sealed class ConnectorDatabase : IAsyncDisposable, IDisposable
{
    public const string FileName = "connector.db";

    // How often a unit of work is run again after PostgreSQL refused it for a conflict with another transaction.
    private const int ConflictRetries = 8;

    private readonly string connectionString;
    private readonly NpgsqlDataSource? postgres;
    private readonly SemaphoreSlim migrationGate = new(1, 1);
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly SemaphoreSlim presenceGate = new(1, 1);
    private NpgsqlConnection? presence;
    private bool migrated;

    // The advisory-lock namespace of runners' presence (the first of PostgreSQL's two-key advisory locks).
    private const int PresenceSpace = 72440;

    /// <summary>The SQLite database at <paramref name="path"/>.</summary>
    public ConnectorDatabase(string path)
    {
        Kind = StoreKind.Sqlite;
        Path = path;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
    }

    private ConnectorDatabase(NpgsqlDataSource dataSource)
    {
        Kind = StoreKind.Postgres;
        postgres = dataSource;
        connectionString = dataSource.ConnectionString;
        var server = new NpgsqlConnectionStringBuilder(connectionString);
        Path = $"PostgreSQL {server.Host}:{server.Port}/{server.Database}";
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
    }

    /// <summary>The PostgreSQL database the connection string names (from the environment; never from a file).</summary>
    public static ConnectorDatabase ForPostgres(string connectionString) => new(new NpgsqlDataSourceBuilder(connectionString).Build());

    public StoreKind Kind { get; }

    /// <summary>The SQLite file; for PostgreSQL, the server and database (never the password), as staff are shown it.</summary>
    public string Path { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (postgres is not null)
        {
            var connection = await postgres.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (!migrated) await MigrateOnceAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }

        if (!migrated)
        {
            // Children's personal data: the folder and the database (SQLite gives -wal and -shm the same mode) for the service alone.
            Notifier.PrivateFiles.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            Notifier.PrivateFiles.Touch(Path);
        }

        var sqlite = new SqliteConnection(connectionString);
        await sqlite.OpenAsync(cancellationToken).ConfigureAwait(false);
        await sqlite.ExecuteAsync("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000; PRAGMA cache_size = -16384;").ConfigureAwait(false);
        if (!migrated) await MigrateOnceAsync(sqlite, cancellationToken).ConfigureAwait(false);
        return sqlite;
    }

    /// <summary>
    /// Copies the database, consistent, into <paramref name="target"/> (a new file, readable by the service alone)
    /// while the service may be writing to it: SQLite's online backup, which sees one committed state.
    /// </summary>
    public async Task BackupAsync(string target, CancellationToken cancellationToken)
    {
        if (Kind != StoreKind.Sqlite) throw new InvalidOperationException("A PostgreSQL store is backed up by the server's own tools (pg_dump).");
        Notifier.PrivateFiles.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        Notifier.PrivateFiles.Touch(target);
        await using var source = (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString()))
        {
            await copy.OpenAsync(cancellationToken).ConfigureAwait(false);
            source.BackupDatabase(copy);
            // The copy is one file: no -wal beside it to lose when it is moved.
            await copy.ExecuteAsync("PRAGMA journal_mode = DELETE").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction, committed only if it returns. The process's own write
    /// transactions take turns at an async gate: SQLite would otherwise make each waiting one sleep in its busy
    /// handler (1, 2, 5 … 100 ms at a time), which cost the outbox's lanes most of their time. Another process (a CLI
    /// command) is still waited for by the busy timeout. On PostgreSQL the transaction is serializable, so that what a
    /// unit of work read still holds when it commits, across nodes as within one; a transaction the server refuses
    /// for a conflict (or a deadlock) is rolled back and <paramref name="work"/> runs again, from the start.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
                var result = await work(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected && attempt < ConflictRetries)
            {
                // Another node's transaction touched the same rows; the next attempt reads what it committed.
            }
            finally
            {
                writeGate.Release();
            }

            // A real pause, not the schools' clock: the other node needs real time to commit.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// On PostgreSQL: marks this process as alive, under <paramref name="runnerId"/>, for as long as it lives, with a
    /// session advisory lock on a connection of its own. The server drops the lock the moment the process's connection
    /// goes, however the process ends, so another node can tell at once that a claim's runner is gone
    /// (<see cref="IsPresentAsync"/>). Nothing on SQLite, where the installation lock says the same.
    /// </summary>
    public async Task HoldPresenceAsync(string runnerId, CancellationToken cancellationToken)
    {
        if (postgres is null || presence is { State: ConnectionState.Open }) return;
        await presenceGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (presence is { State: ConnectionState.Open }) return;
            if (presence is not null) await presence.DisposeAsync().ConfigureAwait(false);
            presence = await postgres.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await presence.ExecuteAsync("SELECT pg_advisory_lock(@space, @key)", new { space = PresenceSpace, key = PresenceKey(runnerId) }).ConfigureAwait(false);
        }
        finally
        {
            presenceGate.Release();
        }
    }

    /// <summary>
    /// Whether the runner <paramref name="runnerId"/> is alive (holds its presence lock). Only PostgreSQL can tell;
    /// on SQLite the answer is true, and the installation lock or the claim's lease decides.
    /// </summary>
    public async Task<bool> IsPresentAsync(string runnerId, CancellationToken cancellationToken)
    {
        if (postgres is null) return true;
        await using var connection = await postgres.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var args = new { space = PresenceSpace, key = PresenceKey(runnerId) };
        if (!await connection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@space, @key)", args).ConfigureAwait(false)) return true;
        await connection.ExecuteAsync("SELECT pg_advisory_unlock(@space, @key)", args).ConfigureAwait(false);
        return false;
    }

    // A runner that stops says so at once: its presence lock is released on the server before the connection goes back
    // to the pool (a pooled connection would keep it until the pool closes it), so other nodes take its claims at once.
    public async ValueTask DisposeAsync()
    {
        if (presence is not null)
        {
            await ReleasePresenceAsync().ConfigureAwait(false);
            await presence.DisposeAsync().ConfigureAwait(false);
        }

        if (postgres is not null) await postgres.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (presence is not null)
        {
            ReleasePresenceAsync().AsTask().GetAwaiter().GetResult();
            presence.Dispose();
        }

        postgres?.Dispose();
    }

    private async ValueTask ReleasePresenceAsync()
    {
        if (presence is not { State: ConnectionState.Open } connection) return;
        try
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock_all()").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone already, and the lock with it.
        }
    }

    private static int PresenceKey(string runnerId) =>
        BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(runnerId)), 0);

    private async Task MigrateOnceAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await migrationGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!migrated)
            {
                if (Kind == StoreKind.Postgres)
                {
                    await MigratePostgresAsync(connection, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await MigrateSqliteAsync(connection, cancellationToken).ConfigureAwait(false);
                }
            }

            migrated = true;
        }
        finally
        {
            migrationGate.Release();
        }
    }

    /// <summary>
    /// Applies the migrations not applied yet, all under one write lock (BEGIN IMMEDIATE): two processes opening a
    /// new database at once wait for each other, and the second finds the schema made.
    /// </summary>
    private static async Task MigrateSqliteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("BEGIN IMMEDIATE").ConfigureAwait(false);
        try
        {
            await ApplyAsync(connection, null, Migrations.All, "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync("COMMIT").ConfigureAwait(false);
        }
        catch
        {
            await connection.ExecuteAsync("ROLLBACK").ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The same on PostgreSQL: one transaction under an advisory lock, so nodes starting together migrate once.</summary>
    private static async Task MigratePostgresAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(7244091)", transaction: transaction).ConfigureAwait(false);
        await ApplyAsync(connection, transaction, PostgresMigrations.All, """to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')""", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ApplyAsync(
        DbConnection connection, DbTransaction? transaction, IReadOnlyList<(int Version, string Name, string Sql)> migrations, string now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)", transaction: transaction).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<int>("SELECT version FROM schema_version", transaction: transaction).ConfigureAwait(false)).ToHashSet();
        foreach (var (version, name, sql) in migrations.Where(m => !applied.Contains(m.Version)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await connection.ExecuteAsync(sql, transaction: transaction).ConfigureAwait(false);
            await connection.ExecuteAsync(
                $"INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, {now})", new { version, name }, transaction).ConfigureAwait(false);
        }
    }

    /// <summary>Dates are stored as yyyy-MM-dd text, which sorts and compares correctly.</summary>
    private sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override DateOnly Parse(object value) => DateOnly.ParseExact((string)value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>Where the store lives (<c>Connector:Store:Kind</c>).</summary>
public enum StoreKind
{
    /// <summary>One SQLite file in the data folder: one school or a few, on one machine.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database shared by one or several nodes: a municipality or a region.</summary>
    Postgres,
}
