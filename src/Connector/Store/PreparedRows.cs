using System.Data;
using System.Data.Common;

namespace Connector.Store;

/// <summary>
/// One statement run for many rows in a transaction: prepared once, its parameters made once and given each row's
/// values in place. Parameters are named with their prefix, as in the statement: Microsoft.Data.Sqlite looks a bare
/// name up as given and then once per prefix, at every row (a first poll writes tens of thousands of rows a school).
/// </summary>
internal sealed class PreparedRows : IAsyncDisposable
{
    private readonly DbCommand command;
    private readonly DbParameter[] parameters;

    private PreparedRows(DbCommand command, DbParameter[] parameters) => (this.command, this.parameters) = (command, parameters);

    /// <summary>The parameter <paramref name="index"/>, in the order given to <see cref="Prepare"/>; set its value before <see cref="Run"/>.</summary>
    public DbParameter this[int index] => parameters[index];

    public static PreparedRows Prepare(DbConnection db, DbTransaction tx, string sql, params (string Name, DbType Type)[] names)
    {
        var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        var parameters = names.Select(n =>
        {
            var parameter = command.CreateParameter();
            (parameter.ParameterName, parameter.DbType, parameter.Value) = (n.Name, n.Type, DBNull.Value);
            command.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        command.Prepare();
        return new PreparedRows(command, parameters);
    }

    /// <summary>Runs the statement with the values set. SQLite is synchronous underneath: an async call would only add a task per row.</summary>
    public void Run() => command.ExecuteNonQuery();

    public ValueTask DisposeAsync() => command.DisposeAsync();
}
