using System.Data.Common;
using System.Globalization;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// A store's whole schema as one embedded SQL script, with every migration recorded as applied: what a
/// new database is created with instead of EF replaying the migrations one by one, which builds each
/// one's target model and SQL at run time (the longest step of a cold start: docs/benchmarks.md,
/// "Start-up, round 4"). A test per store regenerates the text from the migrations and fails while the
/// embedded file differs (docs/architecture.md, "A change to the model").
/// </summary>
/// <param name="resourceName">The embedded <c>Schema.sql</c>.</param>
/// <param name="hasSchemaQuery">One value, true (or non-zero) when the database is not new: EF migrates it instead.</param>
internal sealed class SchemaScript(string resourceName, string hasSchemaQuery)
{
    private readonly Lazy<string> _text = new(() =>
    {
        var assembly = typeof(SchemaScript).Assembly;
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"{resourceName} is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The statements, as embedded.</summary>
    public string Text => _text.Value;

    /// <summary>
    /// Creates the schema over an open connection when the database is new; false, untouched, when it is
    /// not. The check and the script share one transaction, so a failure rolls the whole script back,
    /// history rows included. Plain ADO.NET, no EF: a cold context costs a start tens of milliseconds
    /// (docs/benchmarks.md, "Start-up, round 5").
    /// </summary>
    /// <param name="connection">Open, and the caller's alone until this returns.</param>
    /// <param name="commandTimeout">Seconds each statement may take (a migration's: the start-up time left); null for the provider's default.</param>
    /// <param name="cancellationToken">Cancels the check or the script, which then rolls back.</param>
    public async Task<bool> CreateIfNewAsync(DbConnection connection, int? commandTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var hasSchema = await RunAsync(hasSchemaQuery, scalar: true).ConfigureAwait(false);
            if (Convert.ToBoolean(hasSchema, CultureInfo.InvariantCulture))
            {
                return false;
            }

            await RunAsync(Text, scalar: false).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }

        async Task<object?> RunAsync(string sql, bool scalar)
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.Transaction = transaction;
                command.CommandText = sql;
                command.CommandTimeout = commandTimeout ?? command.CommandTimeout;
                return scalar
                    ? await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)
                    : await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
