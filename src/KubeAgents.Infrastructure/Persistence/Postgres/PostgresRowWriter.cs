using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using NpgsqlTypes;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// Writes the rows a batch of reports changed as one statement per table and kind (insert, update),
/// all in one round trip, instead of one statement per row: PostgreSQL's cost per statement, not per
/// row, is what bounded ingestion. The values are the ones the domain computed on the rows the batch
/// names (<see cref="Reports.ReportBatchRows"/>, untracked); columns, conversions and keys come from
/// the EF model, so nothing here restates it.
/// </summary>
/// <remarks>
/// Each column travels as a <c>text[]</c> parameter and is unnested into rows. Non-string columns are
/// cast to their store type; string columns are assigned uncast, so a value longer than its
/// <c>varchar(n)</c> is an error, as it is for EF, instead of being silently cut.
/// </remarks>
internal static class PostgresRowWriter
{
    /// <summary>
    /// Adds to <paramref name="batch"/> an INSERT of <paramref name="added"/> and an UPDATE of
    /// <paramref name="changed"/>, rows of one entity type, untracked: their values are read from the
    /// objects through the model's getters, as EF reads them.
    /// </summary>
    public static void AddStatements<T>(NpgsqlBatch batch, IEntityType entityType, IReadOnlyList<T> added, IReadOnlyList<T> changed)
        where T : class
    {
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        if (added.Count > 0)
        {
            // Identity columns are the store's to fill; hi/lo ids are already known.
            var columns = entityType.GetProperties().Where(p => NpgsqlPropertyExtensions.GetValueGenerationStrategy(p) is not
                (NpgsqlValueGenerationStrategy.IdentityAlwaysColumn or NpgsqlValueGenerationStrategy.IdentityByDefaultColumn or NpgsqlValueGenerationStrategy.SerialColumn)).ToList();
            batch.BatchCommands.Add(Insert(table, columns, added));
        }

        if (changed.Count > 0)
        {
            batch.BatchCommands.Add(Update(table, entityType.GetProperties().ToList(), entityType.FindPrimaryKey()!.Properties, changed));
        }
    }

    /// <summary>
    /// Adds an INSERT of <paramref name="rows"/> (untracked entities of <paramref name="entityType"/>,
    /// all columns but the key) into <paramref name="inbox"/>, a table of the same columns whose
    /// <c>seq</c> identity numbers them in list order.
    /// </summary>
    public static void AddInboxInsert<T>(NpgsqlBatch batch, IEntityType entityType, IReadOnlyList<T> rows, string inbox)
        where T : class
    {
        var (table, _, columns) = KeyAndColumns(entityType);
        var command = new NpgsqlBatchCommand();
        var names = string.Join(", ", columns.Select(p => Quote(p.GetColumnName(table)!)));
        var unnest = Unnest(command, columns, rows.Count, (property, r) => property.GetGetter().GetClrValue(rows[r]), ordinality: true);
        command.CommandText = $"INSERT INTO {Quote(inbox)} ({names}) SELECT {Selected(columns)} FROM {unnest} ORDER BY v.n";
        batch.BatchCommands.Add(command);
    }

    /// <summary>
    /// Moves up to <paramref name="limit"/> committed rows from <paramref name="inbox"/> into the entity's
    /// table, numbering the key after the table's greatest, in <c>seq</c> order: <c>max(key) + 1, + 2, ...</c>.
    /// Returns one row: how many it moved (<c>int</c>), and the table's greatest key after the move
    /// (<c>bigint</c>, 0 when empty). Correct only while the caller holds a lock that every numberer
    /// takes first (the event log's lock).
    /// </summary>
    public static NpgsqlBatchCommand MoveNumbered(IEntityType entityType, string inbox, int limit, string tag)
    {
        var (table, key, columns) = KeyAndColumns(entityType);
        var names = string.Join(", ", columns.Select(p => Quote(p.GetColumnName(table)!)));
        var keyName = Quote(key.GetColumnName(table)!);
        var target = QualifiedName(table);
        // The outer SELECT sees the table as before the move (one snapshot for the whole statement):
        // the greatest key is the moved rows' when there were any, else the table's.
        return new NpgsqlBatchCommand(
            $"-- {tag}\n" +
            $"WITH moved AS (DELETE FROM {Quote(inbox)} WHERE seq IN (SELECT seq FROM {Quote(inbox)} ORDER BY seq LIMIT {limit}) RETURNING *), " +
            $"numbered AS (INSERT INTO {target} ({keyName}, {names}) " +
            $"SELECT (SELECT coalesce(max({keyName}), 0) FROM {target}) + row_number() OVER (ORDER BY moved.seq), {names} FROM moved RETURNING {keyName}) " +
            $"SELECT (SELECT count(*) FROM numbered)::int, coalesce((SELECT max({keyName}) FROM numbered), (SELECT max({keyName}) FROM {target}), 0)::bigint");
    }

    private static (StoreObjectIdentifier Table, IProperty Key, List<IProperty> Columns) KeyAndColumns(IEntityType entityType)
    {
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var key = entityType.FindPrimaryKey()!.Properties.Single();
        return (table, key, entityType.GetProperties().Where(p => p != key).ToList());
    }

    private static NpgsqlBatchCommand Insert<T>(StoreObjectIdentifier table, List<IProperty> columns, IReadOnlyList<T> rows)
        where T : class
    {
        var command = new NpgsqlBatchCommand();
        var names = string.Join(", ", columns.Select(p => Quote(p.GetColumnName(table)!)));
        command.CommandText = $"INSERT INTO {QualifiedName(table)} ({names}) SELECT {Selected(columns)} FROM {Unnest(command, columns, rows)}";
        return command;
    }

    /// <summary>
    /// Writes every non-key column, not only the changed ones. That is what keeps a session a report
    /// revived alive: the expiry sweeper does not wait for the batch's agent locks, and had it marked
    /// the session expired after the batch read it, writing only the changed columns would leave that
    /// mark (SweeperRaceTests). SQLite needs no such care: its single write lock serialises the two.
    /// </summary>
    private static NpgsqlBatchCommand Update<T>(StoreObjectIdentifier table, List<IProperty> columns, IReadOnlyList<IProperty> key, IReadOnlyList<T> rows)
        where T : class
    {
        var command = new NpgsqlBatchCommand();
        var set = string.Join(", ", columns.Where(p => !key.Contains(p)).Select(p => $"{Quote(p.GetColumnName(table)!)} = {Value(p, columns.IndexOf(p))}"));
        var match = string.Join(" AND ", key.Select(p => $"t.{Quote(p.GetColumnName(table)!)} = {Value(p, columns.IndexOf(p))}"));
        command.CommandText = $"UPDATE {QualifiedName(table)} AS t SET {set} FROM {Unnest(command, columns, rows)} WHERE {match}";
        return command;
    }

    /// <summary><c>unnest($1::text[], $2::text[], ...) AS v(c0, c1, ...)</c>, one array per column.</summary>
    private static string Unnest<T>(NpgsqlBatchCommand command, List<IProperty> columns, IReadOnlyList<T> rows)
        where T : class =>
        Unnest(command, columns, rows.Count, (property, r) => property.GetGetter().GetClrValue(rows[r]));

    /// <param name="ordinality">Adds the row's position (1, 2, ...) as column <c>n</c>.</param>
    private static string Unnest(NpgsqlBatchCommand command, List<IProperty> columns, int rowCount, Func<IProperty, int, object?> value, bool ordinality = false)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            var property = columns[i];
            var values = new string?[rowCount];
            for (var r = 0; r < rowCount; r++)
            {
                values[r] = Text(property, value(property, r));
            }

            command.Parameters.Add(new NpgsqlParameter { Value = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }

        var arrays = string.Join(", ", columns.Select((_, i) => $"${i + 1}"));
        var aliases = string.Join(", ", columns.Select((_, i) => $"c{i}"));
        return ordinality ? $"unnest({arrays}) WITH ORDINALITY AS v({aliases}, n)" : $"unnest({arrays}) AS v({aliases})";
    }

    private static string Selected(List<IProperty> columns) => string.Join(", ", columns.Select((p, i) => Value(p, i)));

    /// <summary>The unnested column as its store type; strings stay uncast so length limits are enforced.</summary>
    private static string Value(IProperty property, int index) =>
        property.GetTypeMapping().Converter?.ProviderClrType == typeof(string) || property.ClrType == typeof(string)
            ? $"v.c{index}"
            : $"v.c{index}::{property.GetColumnType()}";

    private static string? Text(IProperty property, object? value)
    {
        if (value is null)
        {
            return null;
        }

        var converter = property.GetTypeMapping().Converter;
        var stored = converter is null ? value : converter.ConvertToProvider(value);
        return stored switch
        {
            null => null,
            string text => text,
            // timestamptz keeps microseconds: cut, as Npgsql's binary writer does.
            DateTimeOffset instant => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00",
            bool flag => flag ? "true" : "false",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => stored.ToString(),
        };
    }

    private static string QualifiedName(StoreObjectIdentifier table) =>
        table.Schema is null ? Quote(table.Name) : $"{Quote(table.Schema)}.{Quote(table.Name)}";

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
