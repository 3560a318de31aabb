using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Settings;
using KubeAgents.Application.Notifications;
using KubeAgents.Infrastructure.Diagnostics;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Health;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Reports;
using KubeAgents.Infrastructure.Retention;
using KubeAgents.Infrastructure.Sessions;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KubeAgents.Infrastructure;

public static class DependencyInjection
{
    /// <summary>
    /// The store (<see cref="Stores.Select"/>: PostgreSQL when configured, else SQLite: in memory, or
    /// <c>DB_FILE</c>), the write pipeline, schema set-up at start-up, the session sweeper and the
    /// notification dispatcher. Settings are typed options (<see cref="SettingsRegistration.AddSettings{T}"/>),
    /// each read once, here, when registered; the chosen store is registered as <see cref="StoreDefinition"/>.
    /// An invalid value throws <see cref="InvalidConfigurationException"/> naming it, before anything listens. Interceptors registered as <see cref="IInterceptor"/> services
    /// (diagnostics, tests) join every DbContext.
    /// </summary>
    /// <param name="stores">The stores to choose from; <see cref="Stores.All"/> when null.</param>
    public static IServiceCollection AddInfrastructureServices(
        this IServiceCollection services, IConfiguration configuration, IReadOnlyList<StoreDefinition>? stores = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<KubeAgentsMetrics>();

        // First of the hosted services (they start one after the other): nothing that talks to the store,
        // such as PostgreSQL's LISTEN connection, starts before the schema (and the database) exist.
        services.AddSettings<DatabaseStartupOptions>(configuration);
        services.AddSingleton<DatabaseInitializer>();
        services.AddHostedService(provider => provider.GetRequiredService<DatabaseInitializer>());
        services.AddSingleton<AfterStart>();

        var store = Stores.Select(configuration, stores);
        services.AddSingleton(store);
        store.AddServices(services, configuration);
        StoreSeams.Verify(store, services);

        services.AddScoped<IApplicationDbContext>(provider => provider.GetRequiredService<KubeAgentsDbContext>());
        // Readiness (/health/ready): a probe waits a few seconds at most, whatever the connection timeout.
        services.AddHealthChecks().AddCheck<StoreReadinessCheck>(StoreReadinessCheck.Name, timeout: TimeSpan.FromSeconds(3));

        services.AddSingleton<EventLogSignal>();
        AddWritePipeline(services, configuration);

        services.AddSettings<SessionSweepOptions>(configuration);
        services.AddScoped<SessionExpiryStore>();
        services.AddSingleton<SessionSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<SessionSweeper>());

        AddNotifications(services, configuration);
        AddRetention(services, configuration);

        // After the schema is in place (DatabaseInitializer starts first).
        services.AddSettings<EventStreamOptions>(configuration);
        services.AddSingleton<EventLog>();
        services.AddSingleton<EventFanOut>();
        services.AddSingleton<IEventStream>(provider => provider.GetRequiredService<EventFanOut>());
        services.AddHostedService<EventFeed>();
        return services;
    }

    /// <summary>
    /// Brings the store's schema up to date now, as start-up does (waiting up to <c>DB_STARTUP_TIMEOUT</c>),
    /// for work done without starting the host: the service's <c>keys</c> command.
    /// </summary>
    public static async Task MigrateStoreAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        using var initializer = ActivatorUtilities.CreateInstance<DatabaseInitializer>(services);
        await initializer.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts bringing the store's schema up to date in the background, right after the container is
    /// built: the host builds its pipeline meanwhile, and its first hosted service waits for the result.
    /// </summary>
    public static void BeginStoreMigration(this IServiceProvider services) =>
        services.GetRequiredService<DatabaseInitializer>().Begin();

    private static void AddWritePipeline(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<WritePipelineOptions>(configuration);
        // Registered after the store's hosted services (schema first) and stopped before them:
        // queued reports commit while the store is still there.
        services.AddSingleton<ReportWritePipeline>();
        services.AddSingleton<IReportWriter>(provider => provider.GetRequiredService<ReportWritePipeline>());
        services.AddHostedService(provider => provider.GetRequiredService<ReportWritePipeline>());
    }

    /// <summary>Unset <c>HISTORY_RETENTION_DAYS</c> keeps everything: no retention service at all.</summary>
    private static void AddRetention(IServiceCollection services, IConfiguration configuration)
    {
        if (!services.AddSettings<RetentionOptions>(configuration).Enabled)
        {
            return;
        }

        services.AddSingleton<HistoryRetention>();
        services.AddHostedService<HistoryRetentionSchedule>();
    }

    /// <summary>
    /// The outbox, the channels and the dispatcher are always there: routes live in the database and
    /// may be added at any time. <c>NOTIFICATION_WEBHOOK_URL</c> adds the implicit route.
    /// </summary>
    private static void AddNotifications(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<NotificationOptions>(configuration);
        services.AddSingleton<NotificationSignal>();
        services.AddSingleton<NotificationOutbox>();
        services.AddScoped<SilentAlerts>();
        NotificationChannels.AddBuiltInChannels(services);

        // Timeouts are per attempt, in the sender. No request logging: a route's URL is its credential.
        services.AddHttpClient(NotificationSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        services.AddSingleton<NotificationSender>();
        services.AddSingleton<NotificationDelivery>();
        services.AddSingleton<INotificationRouteTester>(provider => provider.GetRequiredService<NotificationDelivery>());
        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<NotificationDispatcher>());
    }
}
