using KubeAgents.Application.Common.Interfaces;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// Brings the schema up to date before the server starts listening (hosted services start before
/// Kestrel), with the store's own EF migrations (<see cref="IStoreMigrator"/>); waits, up to
/// <c>DB_STARTUP_TIMEOUT</c>, for a store that is not reachable yet.
/// </summary>
/// <remarks>
/// The service begins the work as soon as its container is built (<see cref="Begin"/>), so the schema
/// is brought up to date on a second thread while the HTTP pipeline is built (two cores overlap them);
/// the hosted service's start then waits for that same work. A failure surfaces there, where it always did.
/// </remarks>
internal sealed partial class DatabaseInitializer(
    IServiceScopeFactory scopeFactory,
    IOptions<DatabaseStartupOptions> startupOptions,
    IStoreFailureClassifier storeFailures,
    ILogger<DatabaseInitializer> logger) : IHostedService, IDisposable
{
    /// <summary>How long an abandoned migration is given to roll back and release the store's migration lock.</summary>
    private static readonly TimeSpan AbandonWait = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _abandon = new();
    private readonly Lock _gate = new();
    private Task? _migration;
    private Task? _warmUp;
    private readonly TaskCompletionSource _warmedUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    /// <summary>
    /// Completes once EF's first use is made, or will not be: it failed, it was cancelled, the schema
    /// never came up, or this initializer was disposed. Never faults; pending until <see cref="Begin"/>'s
    /// work ends (or the dispose), so a host that never begins it never completes it. Background work
    /// that can wait waits for it (<see cref="AfterStart"/>), so that its first query neither competes
    /// with the start nor builds EF's services a second time.
    /// </summary>
    public Task WarmedUp => _warmedUp.Task;

    /// <summary>
    /// Starts bringing the schema up to date, unless already started, and returns at once. Until it ends,
    /// a SIGTERM (which, before the host starts, no host lifetime handles) abandons it through
    /// <see cref="AppDomain.ProcessExit"/> rather than cutting it off while it holds EF's migration lock.
    /// </summary>
    public Task Begin()
    {
        lock (_gate)
        {
            return _migration ??= Task.Run(MigrateUntilExitAsync);
        }
    }

    /// <summary>Waits for the work <see cref="Begin"/> started, beginning it if nothing did; a cancelled start abandons it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var abandon = cancellationToken.Register(static state => ((DatabaseInitializer)state!).Cancel(), this);
        await Begin().ConfigureAwait(false);
    }

    /// <summary>
    /// The host stops (normally, or after a start that failed part-way): a warm-up still running is
    /// cancelled and waited for, so it is done before the container disposes the context pool and the
    /// store it opens.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (CancelWarmUp() is { } warmUp)
        {
            await warmUp.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Nothing will wait for the migration any more: the container is disposed (the host's start failed
    /// before it waited) or the process is ending (start-up failed before the host ran, or a SIGTERM).
    /// Cancels it and waits, a few seconds at most, for it to roll back and release the migration lock.
    /// Its own failure, if any, is observed here; the one that stopped start-up is reported where it was.
    /// </summary>
    public void Abandon()
    {
        AbandonMigration();
        // Disposed without a stop (the host's start never got this far): the pool, made by the
        // warm-up itself, may already be gone; the warm-up notices, logs at Debug, and ends.
        CancelWarmUp()?.Wait(AbandonWait);
    }

    private void AbandonMigration()
    {
        Task? migration;
        lock (_gate)
        {
            migration = _migration;
        }

        if (migration is null || migration.IsCompleted)
        {
            _ = migration?.Exception;
            return;
        }

        Cancel();
        try
        {
            migration.Wait(AbandonWait);
        }
        catch (AggregateException)
        {
            // Cancelled, or failed on its own: either way it no longer holds the store.
        }
    }

    /// <summary>Cancels the warm-up if it is still running, and returns it to be waited for; null when there is none.</summary>
    private Task? CancelWarmUp()
    {
        Task? warmUp;
        lock (_gate)
        {
            warmUp = _warmUp;
        }

        if (warmUp is not { IsCompleted: false })
        {
            return null;
        }

        Cancel();
        return warmUp;
    }

    /// <summary>
    /// Abandons a migration still running (see <see cref="Abandon"/>). Called twice when the container
    /// disposes both registrations of the one instance (the service and the hosted service).
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Abandon();
            _abandon.Dispose();
            _warmedUp.TrySetResult();
        }
    }

    private async Task MigrateUntilExitAsync()
    {
        try
        {
            AppDomain.CurrentDomain.ProcessExit += AbandonOnExit;
            try
            {
                await MigrateAsync(_abandon.Token).ConfigureAwait(false);
            }
            finally
            {
                AppDomain.CurrentDomain.ProcessExit -= AbandonOnExit;
            }

            // The host may start listening now; EF's first use goes on beside it.
            lock (_gate)
            {
                if (_disposed == 0)
                {
                    var token = _abandon.Token;
                    _warmUp = Task.Run(() => WarmUpAsync(token), CancellationToken.None);
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                if (_warmUp is null)
                {
                    // No warm-up will come: nothing waits for one.
                    _warmedUp.TrySetResult();
                }
            }
        }
    }

    /// <summary>
    /// EF's first use in the process (the context pool, the context's options, EF's internal services:
    /// about 200 ms of CPU on a cold start, docs/benchmarks.md "Start-up, round 7"), made once the schema
    /// is ready, while the host starts listening, rather than by the first request that needs the store.
    /// Best effort: what fails here (the store went away) is the first request's to report, as it would be.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            var scope = scopeFactory.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                if (scope.ServiceProvider.GetService<KubeAgentsDbContext>() is { } db)
                {
                    await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    await db.Database.CloseConnectionAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogWarmUpFailed(ex.GetType().Name, ex.Message);
        }
        finally
        {
            _warmedUp.TrySetResult();
        }
    }

    private void AbandonOnExit(object? sender, EventArgs e) => Abandon();

    private void Cancel()
    {
        try
        {
            _abandon.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed: nothing is migrating any more.
        }
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var options = startupOptions.Value;
        // Real elapsed time, not the injected TimeProvider: this waits for a real server over real
        // sockets (Npgsql's timeouts are real time too), and a test's fake clock, which moves only
        // when the test moves it, would never end the wait.
        var started = Stopwatch.GetTimestamp();
        // Every attempt, and the pause between two, ends at the deadline: one connect to a server that
        // accepts and never answers would otherwise wait Npgsql's own 15 s past it.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.StartupTimeout);
        Exception? lastFailure = null;
        for (var attempt = 1; ; attempt++)
        {
            var scope = scopeFactory.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var migrator = scope.ServiceProvider.GetRequiredService<IStoreMigrator>();
                try
                {
                    await migrator.MigrateAsync(options.StartupTimeout - Stopwatch.GetElapsedTime(started), deadline.Token).ConfigureAwait(false);
                    return;
                }
                catch (Exception ex) when (storeFailures.IsUnavailable(ex) || IsDeadline(ex))
                {
                    lastFailure = IsDeadline(ex) ? lastFailure ?? ex : ex;
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    if (deadline.IsCancellationRequested || elapsed >= options.StartupTimeout)
                    {
                        throw new StoreUnavailableException(
                            $"{migrator.StoreName} was not reachable within {options.StartupTimeout.TotalSeconds:0}s ({DatabaseStartupOptions.StartupTimeoutKey}); giving up: {storeFailures.Describe(lastFailure)}", lastFailure);
                    }

                    LogWaiting(migrator.StoreName, attempt, storeFailures.Describe(ex), elapsed.TotalSeconds, options.StartupTimeout.TotalSeconds);
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), deadline.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // The deadline passed during the pause: the next turn of the loop gives up.
                    }
                }
            }
        }

        bool IsDeadline(Exception ex) => deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested &&
            (ex is OperationCanceledException || ex.InnerException is OperationCanceledException || ex is TimeoutException);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The store's warm-up after the migration failed ({Type}: {Reason}); the first request opens it")]
    private partial void LogWarmUpFailed(string type, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Waiting for {Store} (attempt {Attempt}: {Reason}); {Elapsed:0}s of {Timeout:0}s elapsed")]
    private partial void LogWaiting(string store, int attempt, string reason, double elapsed, double timeout);
}
