using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// A store's whole schema as one embedded SQL script, with every migration recorded as applied: what a
/// new database is created with instead of EF replaying the migrations one by one, which builds each
/// one's target model and SQL at run time (the longest step of a cold start: docs/benchmarks.md,
/// "Start-up, round 4"). A test per store regenerates the text from the migrations and fails while the
/// embedded file differs (docs/architecture.md, "A change to the model").
/// </summary>
internal sealed class SchemaScript(string resourceName)
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
    /// Runs the statements through EF, in its current transaction: with the context's command timeout
    /// (the start-up time left, for a migration) and its interceptors, as the migrations' own would.
    /// </summary>
    public Task RunAsync(DatabaseFacade database, CancellationToken cancellationToken) =>
        // ExecuteSqlRaw formats its text (string.Format), parameters or not: braces are escaped.
        database.ExecuteSqlRawAsync(Text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal), cancellationToken);
}
