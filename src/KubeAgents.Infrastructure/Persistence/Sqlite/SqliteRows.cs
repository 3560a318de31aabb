using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Multi-row <c>INSERT</c> and <c>UPDATE ... FROM (VALUES ...)</c> statements for one entity type, in
/// the current transaction. Columns, value conversions and parameter set-up come from the EF model
/// (each property's type mapping makes its parameter), so a new column is written without touching this.
/// </summary>
/// <remarks>
/// Rows per statement stay small: Microsoft.Data.Sqlite binds parameters by name, and SQLite finds a
/// name by a linear search of the statement's parameters, so binding costs the square of a
/// statement's parameter count.
/// </remarks>
internal sealed class SqliteRows
{
    private const int ParametersPerStatement = 240;

    /// <summary>One per entity type of a model (models are built once per context type).</summary>
    private static readonly ConcurrentDictionary<IEntityType, SqliteRows> ByEntity = new();

    private readonly ConcurrentDictionary<int, string> _inserts = new();
    private readonly ConcurrentDictionary<int, string> _updates = new();
    private readonly string _table;
    private readonly IProperty[] _keys;
    private readonly IProperty[] _columns;
    private readonly StoreObjectIdentifier _store;

    /// <summary>The writer of <paramref name="entity"/>'s table: its columns and SQL texts are worked out once, not per batch.</summary>
    public static SqliteRows For(IEntityType entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return ByEntity.GetOrAdd(entity, static e => new SqliteRows(e));
    }

    private SqliteRows(IEntityType entity)
    {
        _table = entity.GetTableName()!;
        _store = StoreObjectIdentifier.Table(_table, entity.GetSchema());
        _keys = [.. entity.FindPrimaryKey()!.Properties];
        // Keys first: the UPDATE joins on the first columns of its VALUES rows.
        _columns = [.. _keys, .. entity.GetProperties().Where(p => !p.IsPrimaryKey() && p.GetColumnName(_store) is not null)];
    }

    /// <summary>Inserts <paramref name="rows"/>; <paramref name="value"/> reads one property of one row.</summary>
    public Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, Func<T, IProperty, object?> value, CancellationToken cancellationToken) =>
        WriteAsync(db, rows, value, count => _inserts.GetOrAdd(count, InsertSql), cancellationToken);

    /// <summary>Sets every column but the key of each of <paramref name="rows"/>, found by its key.</summary>
    public Task UpdateAsync<T>(DbContext db, IReadOnlyList<T> rows, Func<T, IProperty, object?> value, CancellationToken cancellationToken) =>
        WriteAsync(db, rows, value, count => _updates.GetOrAdd(count, UpdateSql), cancellationToken);

    private async Task WriteAsync<T>(
        DbContext db, IReadOnlyList<T> rows, Func<T, IProperty, object?> value, Func<int, string> sql, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        var perStatement = Math.Max(1, ParametersPerStatement / _columns.Length);
        for (var first = 0; first < rows.Count; first += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - first);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql(count);
            for (var row = 0; row < count; row++)
            {
                for (var c = 0; c < _columns.Length; c++)
                {
                    var property = _columns[c];
                    command.Parameters.Add(property.GetRelationalTypeMapping().CreateParameter(
                        command, ParameterName(row, c), value(rows[first + row], property), property.IsNullable));
                }
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

    private string InsertSql(int rows)
    {
        var sql = new StringBuilder("INSERT INTO \"").Append(_table).Append("\" (")
            .AppendJoin(", ", _columns.Select(c => $"\"{c.GetColumnName(_store)}\"")).Append(") VALUES ");
        return AppendValues(sql, rows).ToString();
    }

    /// <summary>SQLite names a VALUES list's columns column1, column2, ...: the key columns come first.</summary>
    private string UpdateSql(int rows)
    {
        var sql = new StringBuilder("UPDATE \"").Append(_table).Append("\" AS t SET ");
        for (var c = _keys.Length; c < _columns.Length; c++)
        {
            sql.Append(c == _keys.Length ? string.Empty : ", ")
                .Append('"').Append(_columns[c].GetColumnName(_store)).Append("\" = v.column").Append(c + 1);
        }

        AppendValues(sql.Append(" FROM (VALUES "), rows).Append(") AS v WHERE ");
        for (var k = 0; k < _keys.Length; k++)
        {
            sql.Append(k == 0 ? string.Empty : " AND ")
                .Append("t.\"").Append(_keys[k].GetColumnName(_store)).Append("\" = v.column").Append(k + 1);
        }

        return sql.ToString();
    }

    private StringBuilder AppendValues(StringBuilder sql, int rows)
    {
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (var c = 0; c < _columns.Length; c++)
            {
                sql.Append(c == 0 ? string.Empty : ", ").Append(ParameterName(row, c));
            }

            sql.Append(')');
        }

        return sql;
    }

    private string ParameterName(int row, int column) =>
        string.Create(CultureInfo.InvariantCulture, $"@p{(row * _columns.Length) + column}");
}
