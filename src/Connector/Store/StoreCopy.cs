using System.Data.Common;
using Connector.Audit;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Connector.Store;

/// <summary>
/// Moves an installation's history from its SQLite file into an empty PostgreSQL database of the same schema: every
/// table, row for row, in one transaction on the target (a copy cut short leaves the target empty), the identity
/// counters set past the copied ids, each table's count read back and compared, and the move recorded in the audit
/// log of every school (a transfer of the children's data to another store).
/// </summary>
internal static class StoreCopy
{
    /// <summary>What was copied: the rows of each table, in the order copied.</summary>
    public sealed record Result(IReadOnlyList<(string Table, long Rows)> Tables);

    /// <summary>The target already holds data; nothing was copied.</summary>
    public sealed class TargetNotEmptyException(string table, long rows) : Exception($"{table}: {rows}")
    {
        public string Table { get; } = table;

        public long Rows { get; } = rows;
    }

    public static async Task<Result> CopyAsync(ConnectorDatabase source, ConnectorDatabase target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (source.Kind != StoreKind.Sqlite || target.Kind != StoreKind.Postgres) throw new ArgumentException("copies from SQLite into PostgreSQL");

        // Both at the newest schema: the same tables and columns (StoreContractTests hold them to it).
        await using var from = (SqliteConnection)await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var to = (NpgsqlConnection)await target.OpenAsync(cancellationToken).ConfigureAwait(false);
        var tables = (await from.QueryAsync<string>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version' ORDER BY name").ConfigureAwait(false)).ToList();

        await using var tx = await to.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in tables)
        {
            var rows = await to.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}", transaction: tx).ConfigureAwait(false);
            if (rows > 0) throw new TargetNotEmptyException(table, rows);
        }

        var copied = new List<(string, long)>();
        foreach (var table in tables)
        {
            var columns = (await to.QueryAsync<(string Name, string Type)>(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table ORDER BY ordinal_position",
                new { table }, tx).ConfigureAwait(false)).ToList();
            copied.Add((table, await CopyTableAsync(from, to, table, columns, cancellationToken).ConfigureAwait(false)));

            // A table whose id the database counts: the next id after the copied ones.
            if (columns.Any(c => c.Name == "id") && await to.ExecuteScalarAsync<string?>("SELECT pg_get_serial_sequence(@table, 'id')", new { table }, tx).ConfigureAwait(false) is { } sequence)
            {
                await to.ExecuteAsync($"SELECT setval(@sequence, COALESCE((SELECT MAX(id) FROM {table}), 1), (SELECT MAX(id) FROM {table}) IS NOT NULL)", new { sequence }, tx).ConfigureAwait(false);
            }
        }

        // Read back: every table holds what the file held.
        foreach (var (table, rows) in copied)
        {
            var there = await to.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}", transaction: tx).ConfigureAwait(false);
            if (there != rows) throw new InvalidOperationException($"{table}: {rows} rows copied, {there} found");
        }

        var server = new NpgsqlConnectionStringBuilder(to.ConnectionString);
        foreach (var school in await to.QueryAsync<string>("SELECT DISTINCT school_id FROM pupils ORDER BY school_id", transaction: tx).ConfigureAwait(false))
        {
            await AuditLog.RecordAsync(to, tx, new AuditEntry(now, school, "store.copied", $"store:postgresql:{server.Host}/{server.Database}", null, [],
                "перенос данных установки из файла SQLite в базу PostgreSQL того же оператора (муниципалитета)", source.Path)).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new Result(copied);
    }

    /// <summary>One table through PostgreSQL's binary COPY, each value as its column's type.</summary>
    private static async Task<long> CopyTableAsync(SqliteConnection from, NpgsqlConnection to, string table, List<(string Name, string Type)> columns, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", columns.Select(c => c.Name));
        await using var read = from.CreateCommand();
        read.CommandText = $"SELECT {names} FROM {table}";
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var writer = await to.BeginBinaryImportAsync($"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < columns.Count; i++)
            {
                if (reader.IsDBNull(i))
                {
                    await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var value = reader.GetValue(i);
                await (columns[i].Type switch
                {
                    "bigint" => writer.WriteAsync(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, cancellationToken),
                    "integer" => writer.WriteAsync(Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Integer, cancellationToken),
                    "double precision" => writer.WriteAsync(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Double, cancellationToken),
                    _ => writer.WriteAsync(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!, NpgsqlDbType.Text, cancellationToken),
                }).ConfigureAwait(false);
            }

            rows++;
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }
}
