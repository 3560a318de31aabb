using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Sqlite.Migrations.Internal;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// EF's SQLite migration history, with the history table's <c>CREATE TABLE</c> written out instead of
/// derived at every start from a model EF builds by convention for it (the one model the service does
/// not compile ahead: about 90 ms of a cold start's CPU, measured in docs/benchmarks.md).
/// <c>CompiledModelTests</c> checks the text against what EF derives, so an EF upgrade that
/// changes the table fails a test instead of drifting.
/// </summary>
#pragma warning disable EF1001 // SqliteHistoryRepository is EF's "internal" API; the test above pins what we rely on.
internal sealed class SqliteMigrationHistory(HistoryRepositoryDependencies dependencies) : SqliteHistoryRepository(dependencies)
#pragma warning restore EF1001
{
    public const string CreateScript = """
        CREATE TABLE "__EFMigrationsHistory" (
            "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
            "ProductVersion" TEXT NOT NULL
        );

        """;

    public const string MigrationIdColumn = "MigrationId";

    public const string ProductVersionColumn = "ProductVersion";

    public override string GetCreateScript() => CreateScript;

    // EF reads these two from the same convention-built model.
    protected override string MigrationIdColumnName => MigrationIdColumn;

    protected override string ProductVersionColumnName => ProductVersionColumn;

    /// <summary>What EF derives from its convention-built model: what the constants above must equal.</summary>
    internal (string CreateScript, string MigrationIdColumn, string ProductVersionColumn) Derived() =>
        (base.GetCreateScript(), base.MigrationIdColumnName, base.ProductVersionColumnName);
}
