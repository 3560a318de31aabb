using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

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
    /// Creates the schema when the database is new; false, untouched, when it is not. The check and the
    /// script share one transaction, so a failure rolls the whole script back, history rows included.
    /// The script runs through EF: with the context's command timeout (the start-up time left, for a
    /// migration) and its interceptors, as the migrations' own statements would.
    /// </summary>
    public async Task<bool> CreateIfNewAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = database.GetDbConnection().CreateCommand())
        {
            command.Transaction = transaction.GetDbTransaction();
            command.CommandText = hasSchemaQuery;
            command.CommandTimeout = database.GetCommandTimeout() ?? command.CommandTimeout;
            if (Convert.ToBoolean(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture))
            {
                return false;
            }
        }

        // ExecuteSqlRaw formats its text (string.Format), parameters or not: braces are escaped.
        await database.ExecuteSqlRawAsync(Text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
