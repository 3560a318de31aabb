using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Notifications;
using KubeAgents.Infrastructure.Configuration;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Persistence.Stores;
using KubeAgents.Infrastructure.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KubeAgents.Infrastructure;

public static class DependencyInjection
{
    /// <summary>
    /// The store (PostgreSQL when configured, else in-memory), its provider-specific write paths,
    /// schema set-up at start-up and the session sweeper. Invalid settings throw
    /// <see cref="InvalidConfigurationException"/> here, before anything starts. Interceptors
    /// registered as <see cref="IInterceptor"/> services (diagnostics, tests) join every DbContext.
    /// </summary>
    public static IServiceCollection AddInfrastructureServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        var connectionString = DatabaseSettings.GetPostgresConnectionString(configuration);
        // Pooled: a context per request is otherwise rebuilt from scratch on the ingestion hot path.
        services.AddDbContextPool<KubeAgentsDbContext>((provider, options) =>
        {
            if (connectionString is null)
            {
                options.UseInMemoryDatabase("kubeagents", provider.GetRequiredService<InMemoryDatabaseRoot>());
            }
            else
            {
                options.UseNpgsql(connectionString);
            }

            options.AddInterceptors(provider.GetServices<IInterceptor>());
            options.ConfigureWarnings(StoreLogLevels.Configure);
        });
        services.AddScoped<IApplicationDbContext>(provider => provider.GetRequiredService<KubeAgentsDbContext>());
        // One agent's reports queue on it in this process (both stores); the in-memory sweeper too.
        services.AddSingleton<KeyedLock>();

        if (connectionString is null)
        {
            // One store per host: two hosts in one process (tests) never share data.
            services.AddSingleton<InMemoryDatabaseRoot>();
            services.AddReportTargets<InMemoryReportTargets>();
            services.AddScoped<ISessionExpiryStore, InMemorySessionExpiryStore>();
            services.AddSingleton<INotificationClaims, InMemoryNotificationClaims>();
        }
        else
        {
            services.AddReportTargets<PostgresReportTargets>();
            services.AddScoped<ISessionExpiryStore, PostgresSessionExpiryStore>();
            services.AddSingleton<INotificationClaims, PostgresNotificationClaims>();
        }

        services.AddSingleton(new DatabaseStartupOptions(
            configuration.GetDurationSetting(DatabaseSettings.StartupTimeoutKey, TimeSpan.FromSeconds(60))));
        services.AddHostedService<DatabaseInitializer>();

        var sweepSeconds = configuration.GetInt32Setting(SessionSweepOptions.IntervalKey, 60, 1, 86_400);
        services.Configure<SessionSweepOptions>(o => o.Interval = TimeSpan.FromSeconds(sweepSeconds));
        services.AddSingleton<SessionSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<SessionSweeper>());

        AddNotifications(services, NotificationSettings.Read(configuration));
        return services;
    }

    private static void AddNotifications(IServiceCollection services, NotificationSettings settings)
    {
        services.AddSingleton(settings);
        services.Configure<NotificationOutboxOptions>(o => o.Enabled = settings.Enabled);
        services.AddSingleton<NotificationSignal>();
        services.AddSingleton<INotificationSignal>(provider => provider.GetRequiredService<NotificationSignal>());
        if (!settings.Enabled)
        {
            return;
        }

        // Timeouts are per attempt, in the sender.
        services.AddHttpClient(NotificationSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<NotificationSender>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<NotificationDispatcher>());
    }

    /// <summary>The store's report unit of work, behind the per-agent queue that both stores share.</summary>
    private static void AddReportTargets<TStore>(this IServiceCollection services)
        where TStore : class, IReportTargets
    {
        services.AddScoped<TStore>();
        services.AddScoped<IReportTargets>(provider =>
            new QueuedReportTargets(provider.GetRequiredService<TStore>(), provider.GetRequiredService<KeyedLock>()));
    }
}
