using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Row writers for one entity type, in the current transaction: one single-row <c>INSERT</c> or
/// <c>UPDATE</c> prepared once per call and executed for every row. The rows are untracked entities,
/// their values read through the model's property getters. Columns, value conversions and
/// parameter set-up come from the EF model (each property's type mapping makes its parameter), so a
/// new column is written without touching this.
/// </summary>
/// <remarks>
/// Not multi-row statements: Microsoft.Data.Sqlite binds parameters by name, and SQLite finds a name
/// (when it parses the statement, and again when each one is bound) by a linear search of the
/// statement's parameters, so a statement of n parameters costs n² string comparisons twice, and a
/// new text for each row count is parsed again. With 240 parameters a statement, that search was 8%
/// of the service's CPU under fresh ingestion (docs/benchmarks.md). A prepared single-row statement
/// binds a dozen names and steps once per row, inside the batch's one transaction.
/// </remarks>
internal sealed class SqliteRows
{
    /// <summary>One per entity type of a model (models are built once per context type).</summary>
    private static readonly ConcurrentDictionary<IEntityType, SqliteRows> ByEntity = new();

    private readonly string _table;
    private readonly Column[] _columns;
    private readonly string _insert;
    private readonly string _update;

    /// <summary>The writer of <paramref name="entity"/>'s table: its columns and SQL texts are worked out once, not per batch.</summary>
    public static SqliteRows For(IEntityType entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return ByEntity.GetOrAdd(entity, static e => new SqliteRows(e));
    }

    private SqliteRows(IEntityType entity)
    {
        _table = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(_table, entity.GetSchema());
        IProperty[] keys = [.. entity.FindPrimaryKey()!.Properties];
        IProperty[] properties = [.. keys, .. entity.GetProperties().Where(p => !p.IsPrimaryKey() && p.GetColumnName(store) is not null)];
        // What each row's parameters need, looked up once here rather than for every cell of every batch.
        _columns = [.. properties.Select((p, c) => new Column(
            string.Create(CultureInfo.InvariantCulture, $"@p{c}"), p.GetRelationalTypeMapping(), p.GetGetter(), p.IsNullable))];
        var names = _columns.Select(c => c.Parameter).ToArray();
        var columns = properties.Select(p => $"\"{p.GetColumnName(store)}\"").ToArray();
        _insert = $"INSERT INTO \"{_table}\" ({string.Join(", ", columns)}) VALUES ({string.Join(", ", names)})";
        // Keys come first in _columns, so column c is set from parameter c.
        var sets = Enumerable.Range(keys.Length, _columns.Length - keys.Length).Select(c => $"{columns[c]} = {names[c]}");
        var where = Enumerable.Range(0, keys.Length).Select(k => $"{columns[k]} = {names[k]}");
        _update = $"UPDATE \"{_table}\" SET {string.Join(", ", sets)} WHERE {string.Join(" AND ", where)}";
    }

    /// <summary>Inserts <paramref name="rows"/>, entities of this writer's type, untracked: their values are read from the entities.</summary>
    public Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class => WriteAsync(db, rows, _insert, cancellationToken);

    /// <summary>Sets every column but the key of each of <paramref name="rows"/>, found by its key.</summary>
    public Task UpdateAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class => WriteAsync(db, rows, _update, cancellationToken);

    private async Task WriteAsync<T>(DbContext db, IReadOnlyList<T> rows, string sql, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        // The text stays the same, so SQLite parses it once and each execution only binds and steps.
        command.CommandText = sql;
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            foreach (var column in _columns)
            {
                // The type mapping converts the value and sets the parameter up exactly as SaveChanges would.
                command.Parameters.Add(column.Mapping.CreateParameter(
                    command, column.Parameter, column.Getter.GetClrValueUsingContainingEntity(row), column.Nullable));
            }

            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                // As SaveChanges reports a failed write: the batch's refusal and outage handling expect it.
                throw new DbUpdateException($"The store refused the batch's rows in {_table}: {ex.Message}", ex);
            }
        }
    }

    /// <summary>One column's parameter name, type mapping, value getter and nullability.</summary>
    private sealed record Column(string Parameter, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool Nullable);
}
