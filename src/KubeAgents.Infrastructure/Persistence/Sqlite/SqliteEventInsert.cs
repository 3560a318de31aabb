using System.Globalization;
using System.Text;
using KubeAgents.Infrastructure.Events;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Writes numbered events as multi-row <c>INSERT ... VALUES (...), (...)</c> statements in the current
/// transaction, instead of one tracked entity and one statement per row: the event log cost SQLite
/// ingestion a sixth of its rate through <c>SaveChanges</c> (docs/benchmarks.md). Columns and value
/// conversions come from the EF model, so a new event column is written without touching this.
/// </summary>
internal static class SqliteEventInsert
{
    /// <summary>Rows per statement: far below SQLite's 32,766 bound variables at any column count of the log.</summary>
    private const int RowsPerStatement = 500;

    public static async Task InsertAsync(DbContext db, IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        var entity = db.Model.FindEntityType(typeof(EventRecord))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties()
            .Select(p => new Column(p.GetColumnName(table)!, p.GetGetter(), p.GetTypeMapping().Converter))
            .ToArray();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        for (var first = 0; first < events.Count; first += RowsPerStatement)
        {
            var rows = Math.Min(RowsPerStatement, events.Count - first);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Sql(table.Name, columns, rows);
            for (var row = 0; row < rows; row++)
            {
                var record = events[first + row];
                for (var c = 0; c < columns.Length; c++)
                {
                    command.Parameters.Add(new SqliteParameter(ParameterName(row, c, columns.Length), columns[c].Value(record)));
                }
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Sql(string table, Column[] columns, int rows)
    {
        var sql = new StringBuilder("INSERT INTO \"").Append(table).Append("\" (")
            .AppendJoin(", ", columns.Select(c => $"\"{c.Name}\"")).Append(") VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Length; c++)
            {
                sql.Append(c == 0 ? string.Empty : ", ").Append(ParameterName(row, c, columns.Length));
            }

            sql.Append(')');
        }

        return sql.ToString();
    }

    private static string ParameterName(int row, int column, int columns) =>
        string.Create(CultureInfo.InvariantCulture, $"@p{(row * columns) + column}");

    private sealed record Column(string Name, IClrPropertyGetter Getter, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter)
    {
        public object Value(EventRecord record)
        {
            var value = Getter.GetClrValueUsingContainingEntity(record);
            if (value is not null && Converter is not null)
            {
                value = Converter.ConvertToProvider(value);
            }

            return value ?? DBNull.Value;
        }
    }
}
