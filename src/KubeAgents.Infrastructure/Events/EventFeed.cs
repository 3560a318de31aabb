using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Events;

/// <summary>
/// Tailing and numbering: one reader per instance follows the event log by id (woken by
/// <see cref="EventLogSignal"/>, with a slow poll as fallback), first letting the store number what it
/// left unnumbered (PostgreSQL's inbox), and hands each page of new events to <see cref="EventFanOut"/>.
/// It also prunes the log. Writers never wait for it.
/// </summary>
/// <remarks>
/// No gap, no duplicate: ids are given in the order events become visible (ADR-009: SQLite's single
/// writer numbers its own; PostgreSQL's inbox is numbered under a lock held until commit), so reading
/// <c>id &gt; position</c> misses nothing.
/// </remarks>
internal sealed partial class EventFeed(
    EventLog log,
    EventFanOut fanOut,
    EventLogSignal signal,
    TimeProvider time,
    IOptions<EventStreamOptions> options,
    IStoreFailureClassifier storeFailures,
    AfterStart afterStart,
    ILogger<EventFeed> logger) : BackgroundService
{
    /// <summary>Marks the feed's own statements in the SQL (logs, pg_stat_statements, tests that count a request's statements).</summary>
    public const string QueryTag = "background: event feed";

    private readonly EventStreamOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The first read waits for the start to end (see AfterStart). Subscribers wait for the feed;
            // events committed meanwhile are in the log, and they replay from there.
            await afterStart.WaitAsync(stoppingToken).ConfigureAwait(false);
            await InitialiseAsync(stoppingToken).ConfigureAwait(false);
            var nextPrune = time.GetUtcNow() + _options.PruneInterval;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await CatchUpAsync(stoppingToken).ConfigureAwait(false);
                    if (time.GetUtcNow() >= nextPrune)
                    {
                        nextPrune = time.GetUtcNow() + _options.PruneInterval;
                        var removed = await log.PruneAsync(fanOut.Position, stoppingToken).ConfigureAwait(false);
                        if (removed > 0)
                        {
                            LogPruned(removed);
                        }
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store is down, or a read failed: subscribers wait; the next wake-up retries.
                    LogTailFailed(storeFailures.Describe(ex));
                }

                await signal.WaitAsync(_options.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            fanOut.CloseAll();
        }
    }

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                fanOut.Start(await log.NewestAsync(cancellationToken).ConfigureAwait(false));
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTailFailed(storeFailures.Describe(ex));
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        // Committed events a store left unnumbered (PostgreSQL's inbox) take their place in the log first.
        var logEnd = await log.NumberPendingAsync(cancellationToken).ConfigureAwait(false);
        // Nobody listening: move to where the log ends instead of reading every page to offer it to no
        // one (that read was 4.6% of the service's CPU under fresh ingestion, docs/benchmarks.md). Where
        // it ends is known without a query of its own when this process numbered the newest events as
        // it wrote them (SQLite: the commit's signal) or the numbering just read it (PostgreSQL); an id
        // older than the true end only makes a later subscriber's first read longer.
        if (!fanOut.HasSubscribers)
        {
            var numbered = signal.TakeNumbered();
            var newest = logEnd ?? (numbered > 0 ? log.IdBase + numbered : await log.NewestAsync(cancellationToken).ConfigureAwait(false));
            if (fanOut.TrySkipTo(newest))
            {
                return;
            }
        }

        while (true)
        {
            var page = await log.ReadAsync(null, fanOut.Position, long.MaxValue, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return;
            }

            fanOut.Publish(page);
            if (page.Count < EventLog.PageSize)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the event log failed: {Cause}; retrying")]
    private partial void LogTailFailed(string cause);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pruned {Count} events from the event log")]
    private partial void LogPruned(int count);
}
