using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Common.Settings;
using KubeAgents.Infrastructure.Configuration;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Persistence.Postgres.CompiledModel;
using KubeAgents.Infrastructure.Reports;
using KubeAgents.Infrastructure.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>PostgreSQL, selected by <c>DB_NAME</c> or <c>ConnectionStrings:KubeAgents</c>: production, several replicas on one database.</summary>
internal sealed class PostgresStore : StoreDefinition
{
    /// <summary>
    /// Writers per process unless <c>WRITE_WRITERS</c> sets another count: one batch's round trips
    /// overlap the other's; agents are locked in id order, so they never deadlock. Two, not four: on
    /// 2 cores shared with PostgreSQL, two writers made larger batches, with less PostgreSQL CPU per
    /// report in 3 of 3 alternating rounds and a rate a fifth higher in 2 of them (level in the
    /// third); eight cost a third of the rate (docs/benchmarks.md, "Ingestion, round 9"). Measured
    /// with the server on the same host only: for a distant server, more writers overlap more round
    /// trips. Batches grow with the load (up to <see cref="WritePipelineOptions.MaxBatch"/>).
    /// </summary>
    public const int Writers = 2;

    public override string Name => "PostgreSQL";

    public override string SelectedBy => $"{DatabaseSettings.NameKey} or ConnectionStrings:{DatabaseSettings.ConnectionStringName}";

    public override bool IsSelected(IConfiguration configuration) => DatabaseSettings.GetPostgresConnectionString(configuration) is not null;

    public override bool IsDurable(IConfiguration configuration) => true;

    /// <summary>Host, port and database; never the password.</summary>
    public override string Describe(IConfiguration configuration)
    {
        var postgres = new NpgsqlConnectionStringBuilder(DatabaseSettings.GetPostgresConnectionString(configuration));
        return $"PostgreSQL {postgres.Host}:{postgres.Port}/{postgres.Database}";
    }

    /// <summary>Npgsql's spans (one per command) and its metrics (pool, commands), both named "Npgsql" (Npgsql.OpenTelemetry's AddNpgsql and AddNpgsqlInstrumentation add just these).</summary>
    public override StoreTelemetry Telemetry { get; } = new(["Npgsql"], ["Npgsql"]);

    /// <summary>Everything the PostgreSQL store brings, registered once.</summary>
    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = DatabaseSettings.GetPostgresConnectionString(configuration)
            ?? throw new InvalidOperationException("PostgreSQL was registered without being selected.");
        // Pooled: a context per request is otherwise rebuilt from scratch on every read.
        services.AddDbContextPool<PostgresDbContext>((provider, options) => options
            .UseNpgsql(connectionString)
            .UseModel(PostgresDbContextModel.Instance)
            .AddInterceptors(provider.GetServices<IInterceptor>())
            .ConfigureWarnings(StoreLogLevels.Configure));
        services.AddScoped<KubeAgentsDbContext>(provider => provider.GetRequiredService<PostgresDbContext>());
        // The contexts reach it through EF's application service provider (GetService).
        services.AddSingleton(_ => new SessionIdBlocks(PostgresDbContext.HiLoBlockSize));
        services.AddScoped<IStoreMigrator>(provider => new PostgresMigrator(provider, connectionString));
        services.AddSingleton<IStoreFailureClassifier, PostgresFailures>();
        services.AddSingleton<INotificationClaims, PostgresNotificationClaims>();
        services.AddScoped<IRetentionStore, PostgresRetentionStore>();
        services.AddScoped<IAgentSearch, PostgresAgentSearch>();
        var writers = configuration.GetInt32Setting(WritePipelineOptions.WritersKey, Writers, 1, 64);
        services.Configure<WritePipelineOptions>(options => options.Writers = writers);
        services.AddHostedService(provider => new PostgresEventListener(
            connectionString,
            provider.GetRequiredService<EventLogSignal>(),
            provider.GetRequiredService<IStoreFailureClassifier>(),
            provider.GetRequiredService<ILogger<PostgresEventListener>>()));
    }
}
