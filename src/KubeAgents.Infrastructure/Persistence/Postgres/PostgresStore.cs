using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Reports;
using KubeAgents.Infrastructure.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

internal static class PostgresStore
{
    /// <summary>Writers per process: one batch's round trips overlap another's; agents are locked in id order, so they never deadlock.</summary>
    public const int Writers = 4;

    /// <summary>Everything the PostgreSQL store brings, registered once.</summary>
    public static IServiceCollection AddPostgresStore(this IServiceCollection services, string connectionString)
    {
        // Pooled: a context per request is otherwise rebuilt from scratch on every read.
        services.AddDbContextPool<PostgresDbContext>((provider, options) => options
            .UseNpgsql(connectionString)
            .AddInterceptors(provider.GetServices<IInterceptor>())
            .ConfigureWarnings(StoreLogLevels.Configure));
        services.AddScoped<KubeAgentsDbContext>(provider => provider.GetRequiredService<PostgresDbContext>());
        services.AddScoped<IStoreMigrator, PostgresMigrator>();
        services.AddSingleton<INotificationClaims, PostgresNotificationClaims>();
        services.AddScoped<IRetentionStore, PostgresRetentionStore>();
        services.Configure<WritePipelineOptions>(options => options.Writers = Writers);
        services.AddHostedService(provider => new PostgresEventListener(
            connectionString,
            provider.GetRequiredService<EventLogSignal>(),
            provider.GetRequiredService<ILogger<PostgresEventListener>>()));
        return services;
    }
}
