using System.Data;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Connector.Store;

/// <summary>
/// The SQLite database under the data directory: the truth the process restarts from. Connections use WAL and a
/// busy timeout; every unit of work runs in one transaction, so a kill at any line leaves either all of it or none.
/// </summary>
internal sealed class ConnectorDatabase
{
    public const string FileName = "connector.db";

    private readonly string connectionString;
    private readonly SemaphoreSlim migrationGate = new(1, 1);
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private bool migrated;

    public ConnectorDatabase(string path)
    {
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

    public string Path { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!migrated)
        {
            // Children's personal data: the folder and the database (SQLite gives -wal and -shm the same mode) for the service alone.
            Notifier.PrivateFiles.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            Notifier.PrivateFiles.Touch(Path);
        }

        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000; PRAGMA cache_size = -16384;").ConfigureAwait(false);
        if (!migrated)
        {
            await migrationGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!migrated) await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
                migrated = true;
            }
            finally
            {
                migrationGate.Release();
            }
        }

        return connection;
    }

    /// <summary>
    /// Copies the database, consistent, into <paramref name="target"/> (a new file, readable by the service alone)
    /// while the service may be writing to it: SQLite's online backup, which sees one committed state.
    /// </summary>
    public async Task BackupAsync(string target, CancellationToken cancellationToken)
    {
        Notifier.PrivateFiles.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        Notifier.PrivateFiles.Touch(target);
        await using var source = await OpenAsync(cancellationToken).ConfigureAwait(false);
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
    /// transactions take turns at an async gate before BEGIN IMMEDIATE: SQLite would otherwise make each waiting one
    /// sleep in its busy handler (1, 2, 5 … 100 ms at a time), which cost the outbox's lanes most of their time. Another
    /// process (a CLI command) is still waited for by the busy timeout.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken).ConfigureAwait(false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            writeGate.Release();
        }
    }

    /// <summary>
    /// Applies the migrations not applied yet, all under one write lock (BEGIN IMMEDIATE): two processes opening a
    /// new database at once wait for each other, and the second finds the schema made.
    /// </summary>
    private static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("BEGIN IMMEDIATE").ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)").ConfigureAwait(false);
            var applied = (await connection.QueryAsync<int>("SELECT version FROM schema_version").ConfigureAwait(false)).ToHashSet();
            foreach (var (version, name, sql) in Migrations.All.Where(m => !applied.Contains(m.Version)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await connection.ExecuteAsync(sql).ConfigureAwait(false);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                    new { version, name }).ConfigureAwait(false);
            }

            await connection.ExecuteAsync("COMMIT").ConfigureAwait(false);
        }
        catch
        {
            await connection.ExecuteAsync("ROLLBACK").ConfigureAwait(false);
            throw;
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
