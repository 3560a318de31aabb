using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Infrastructure.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// <c>LISTEN</c>s on <see cref="PostgresDbContext.EventChannel"/> over a connection of its own and
/// wakes this instance's event feed whenever any replica commits events, so a client of one replica
/// sees another's reports at once. Reconnects after a failure; the feed's poll covers the gap.
/// </summary>
internal sealed partial class PostgresEventListener(
    string connectionString, EventLogSignal signal, IStoreFailureClassifier storeFailures, ILogger<PostgresEventListener> logger) : BackgroundService
{
    /// <summary>Names the listening connection in <c>pg_stat_activity</c>: one per replica, beside the pool.</summary>
    public const string ApplicationName = "kubeagents-events-listener";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Outside the pool: this connection stays open and listening for the process's life.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 30, ApplicationName = ApplicationName };
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                var connection = new NpgsqlConnection(builder.ConnectionString);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, _) => signal.Notify();
                    await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                    var listen = new NpgsqlCommand($"LISTEN {PostgresDbContext.EventChannel}", connection);
                    await using (listen.ConfigureAwait(false))
                    {
                        await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                    }

                    attempt = 0;
                    // Whatever was committed while not listening.
                    signal.Notify();
                    while (true)
                    {
                        await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogListenFailed(storeFailures.Describe(ex));
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(Math.Max(attempt, 1), 5)), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for other replicas' events failed: {Cause}; reconnecting")]
    private partial void LogListenFailed(string cause);
}
