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
    /// Interceptors registered as <see cref="IInterceptor"/> services (diagnostics, tests) join every DbContext.
    /// The store (PostgreSQL when configured, else in-memory), its provider-specific write paths,
    /// schema set-up at start-up and the session sweeper. Invalid settings throw
    /// <see cref="InvalidConfigurationException"/> here, before anything starts.
    /// </summary>
    public static IServiceCollection AddInfrastructureServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        var connectionString = DatabaseSettings.GetPostgresConnectionString(configuration);
        if (connectionString is null)
        {
            // One store per host: two hosts in one process (tests) never share data.
            services.AddSingleton<InMemoryDatabaseRoot>();
            services.AddDbContextPool<KubeAgentsDbContext>((provider, options) => options
                .UseInMemoryDatabase("kubeagents", provider.GetRequiredService<InMemoryDatabaseRoot>())
                .AddInterceptors(provider.GetServices<IInterceptor>()));
            services.AddScoped<IReportTargets, InMemoryReportTargets>();
            services.AddScoped<ISessionExpiryStore, InMemorySessionExpiryStore>();
            services.AddSingleton<INotificationClaims, InMemoryNotificationClaims>();
        }
        else
        {
            // Pooled: a context per request is otherwise rebuilt from scratch on the ingestion hot path.
            services.AddDbContextPool<KubeAgentsDbContext>((provider, options) => options
                .UseNpgsql(connectionString)
                .AddInterceptors(provider.GetServices<IInterceptor>()));
            services.AddScoped<IReportTargets, PostgresReportTargets>();
            services.AddScoped<ISessionExpiryStore, PostgresSessionExpiryStore>();
            services.AddSingleton<INotificationClaims, PostgresNotificationClaims>();
        }

        services.AddScoped<IApplicationDbContext>(provider => provider.GetRequiredService<KubeAgentsDbContext>());
        // Per-agent queue of reports in this process (both stores).
        services.AddSingleton<KeyedLock>();

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
}
