using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Infrastructure.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Sessions;

/// <summary>
/// Persists session expiry every <see cref="SessionSweepOptions.Interval"/>. Reads do not depend on
/// it (they compare <c>expires_at</c> with the clock); it keeps the stored flag true for operators
/// and SQL consumers. After each sweep it counts the active sessions for the
/// <c>kubeagents.sessions.active</c> gauge, so a scrape costs no query.
/// </summary>
public sealed partial class SessionSweeper : BackgroundService
{
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly TimeProvider _time;
    private readonly IOptions<SessionSweepOptions> _options;
    private readonly ILogger<SessionSweeper> _logger;
    private readonly IStoreFailureClassifier _storeFailures;
    private long _activeSessions = -1;

    public SessionSweeper(
        IServiceScopeFactory scopeFactory,
        TimeProvider time,
        IOptions<SessionSweepOptions> options,
        KubeAgentsMetrics metrics,
        IStoreFailureClassifier storeFailures,
        ILogger<SessionSweeper> logger)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _scopeFactory = scopeFactory;
        _time = time;
        _options = options;
        _logger = logger;
        _storeFailures = storeFailures;
        metrics.ObserveActiveSessions(() => Interlocked.Read(ref _activeSessions) is var count and >= 0 ? count : null);
    }

    /// <summary>One sweep at the current time, then the count of active sessions for the gauge.</summary>
    /// <returns>The number of sessions marked expired.</returns>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var store = scope.ServiceProvider.GetRequiredService<SessionExpiryStore>();
            var now = _time.GetUtcNow();
            var marked = await store.ExpireDueSessionsAsync(now, cancellationToken).ConfigureAwait(false);
            if (marked > 0)
            {
                LogSwept(marked);
            }

            Interlocked.Exchange(ref _activeSessions, await store.CountActiveAsync(cancellationToken).ConfigureAwait(false));

            return marked;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && _storeFailures.IsUnavailable(ex))
                {
                    // The database is down: retried at the next tick; reads stay exact meanwhile. No stack trace for an outage.
                    LogSweepDeferred(_storeFailures.Describe(ex));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Marked {Count} sessions expired")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session sweep failed; retrying at the next interval")]
    private partial void LogSweepFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session sweep deferred, the database is unavailable: {Cause}; retrying at the next interval")]
    private partial void LogSweepDeferred(string cause);
}
