using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Connector.Store;

/// <summary>
/// The few places where SQLite and PostgreSQL need different words for the same statement. Everything else the store
/// writes is SQL both understand (upserts with ON CONFLICT, RETURNING, COALESCE, text dates), so one statement serves both.
/// </summary>
internal static class SqlDialect
{
    /// <summary>
    /// A join that keeps its order: SQLite's planner never reorders a CROSS JOIN, which is how a query tells it to
    /// read the few rows first; PostgreSQL's planner orders joins by its statistics and takes a plain JOIN.
    /// </summary>
    public static string OrderedJoin(DbConnection db) => db is SqliteConnection ? "CROSS JOIN" : "JOIN";

    /// <summary>
    /// «is one of the list <paramref name="parameter"/>»: Dapper spreads a list into SQLite's IN (…), and hands it to
    /// PostgreSQL as one array, which SQL compares with = ANY.
    /// </summary>
    public static string In(DbConnection db, string parameter) => db is SqliteConnection ? $"IN @{parameter}" : $"= ANY(@{parameter})";

    /// <summary>SQLite's INDEXED BY, where its planner would take a worse index; PostgreSQL chooses by its statistics.</summary>
    public static string IndexedBy(DbConnection db, string index) => db is SqliteConnection ? $"INDEXED BY {index}" : "";
}
