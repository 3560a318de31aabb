using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Infrastructure.Configuration;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Persistence.Sqlite.CompiledModel;
using KubeAgents.Infrastructure.Reports;
using KubeAgents.Infrastructure.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>The embedded store, the default: SQLite in memory, or on the file <c>DB_FILE</c> names.</summary>
internal sealed class SqliteStore : StoreDefinition
{
    public override string Name => "SQLite";

    public override string SelectedBy => DatabaseSettings.FileKey;

    /// <summary><c>DB_FILE</c> selects it; beside PostgreSQL's settings it is refused, naming both.</summary>
    public override bool IsSelected(IConfiguration configuration) => DatabaseSettings.GetSqliteFile(configuration) is not null;

    /// <summary>With no store's settings, the service runs on SQLite in memory.</summary>
    public override bool IsDefault => true;

    public override bool IsDurable(IConfiguration configuration) => DatabaseSettings.GetSqliteFile(configuration) is not null;

    public override string Describe(IConfiguration configuration) =>
        DatabaseSettings.GetSqliteFile(configuration) is { } file
            ? $"embedded SQLite file {Path.GetFullPath(file)} (DB_FILE)"
            : "embedded SQLite in memory (data lives and dies with the process; DB_FILE or DB_NAME keeps it)";

    /// <summary>Everything the embedded store brings, registered once.</summary>
    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var file = DatabaseSettings.GetSqliteFile(configuration);
        if (file is not null)
        {
            SqliteDatabase.Probe(file);
        }

        // Owned by the container: disposing it (host shutdown) removes a temporary database.
        services.AddSingleton(_ => SqliteDatabase.Open(file));
        services.AddDbContextPool<SqliteDbContext>((provider, options) =>
        {
            var database = provider.GetRequiredService<SqliteDatabase>();
            options.UseSqlite(database.ConnectionString)
                .UseModel(SqliteDbContextModel.Instance)
                .AddInterceptors(database.Setup, SqliteCommandTracing.Instance)
                .AddInterceptors(provider.GetServices<IInterceptor>())
                // The write gate last: other interceptors act before a writer takes its turn, not while
                // it holds it (a command's span includes its wait for the turn).
                .AddInterceptors(database.WriteGating)
                .ReplaceService<IRelationalTransactionFactory, SqliteGatedTransactionFactory>()
                .ReplaceService<IHistoryRepository, SqliteMigrationHistory>()
                .ConfigureWarnings(StoreLogLevels.Configure);
        });
        services.AddScoped<KubeAgentsDbContext>(provider => provider.GetRequiredService<SqliteDbContext>());
        services.AddScoped<IStoreMigrator, SqliteMigrator>();
        services.AddSingleton<IStoreFailureClassifier, SqliteFailures>();
        services.AddSingleton<INotificationClaims, SqliteNotificationClaims>();
        services.AddScoped<IRetentionStore, SqliteRetentionStore>();
        services.AddScoped<IAgentSearch, SubstringAgentSearch>();
        // One writer at a time is SQLite's model: one writer loop, batches as large as the load makes them.
        services.Configure<WritePipelineOptions>(options => options.Writers = 1);
        // The temporary database's event log starts empty at every start: its ids must not pass for an earlier process's.
        services.Configure<EventStreamOptions>(options => options.TemporaryLog = file is null);
    }
}
