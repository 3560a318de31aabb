using KubeAgents.Infrastructure.Diagnostics;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Reports;
using KubeAgents.Infrastructure.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

internal static class SqliteStore
{
    /// <summary>Everything the embedded store brings, registered once.</summary>
    /// <param name="file">The <c>DB_FILE</c> path, or null for a database that lives and dies with the process.</param>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, string? file)
    {
        // Owned by the container: disposing it (host shutdown) removes a temporary database.
        services.AddSingleton(_ => SqliteDatabase.Open(file));
        services.AddDbContextPool<SqliteDbContext>((provider, options) =>
        {
            var database = provider.GetRequiredService<SqliteDatabase>();
            options.UseSqlite(database.ConnectionString)
                .AddInterceptors(database.Setup, SqliteCommandTracing.Instance)
                .AddInterceptors(provider.GetServices<IInterceptor>())
                .ConfigureWarnings(StoreLogLevels.Configure);
        });
        services.AddScoped<KubeAgentsDbContext>(provider => provider.GetRequiredService<SqliteDbContext>());
        services.AddScoped<IStoreMigrator, SqliteMigrator>();
        services.AddSingleton<INotificationClaims, SqliteNotificationClaims>();
        services.AddScoped<IRetentionStore, SqliteRetentionStore>();
        // One writer at a time is SQLite's model: one writer loop, batches as large as the load makes them.
        services.Configure<WritePipelineOptions>(options => options.Writers = 1);
        // The temporary database's event log starts empty at every start: its ids must not pass for an earlier process's.
        services.Configure<EventStreamOptions>(options => options.TemporaryLog = file is null);
        return services;
    }
}
