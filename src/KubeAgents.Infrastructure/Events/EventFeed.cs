using System.Runtime.CompilerServices;
using System.Threading.Channels;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Events;
using KubeAgents.Infrastructure.Diagnostics;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Events;

/// <summary>
/// Tails the event log and fans it out: one reader per instance follows the table by id (woken by
/// <see cref="EventLogSignal"/>, with a slow poll as fallback) and offers each new event to every
/// matching subscriber's bounded channel. Writers never wait for it, and it never waits for a
/// subscriber: one whose channel is full is cut off and resumes from the table.
/// </summary>
/// <remarks>
/// No gap, no duplicate: ids are allocated in commit order (see the stores' event writers), so
/// reading <c>id &gt; position</c> misses nothing. A subscriber registers under the same lock that
/// publishes, learning the position up to which events were published before it; it replays
/// <c>(after, position]</c> from the table, then takes the live events above the last id it yielded.
/// </remarks>
internal sealed partial class EventFeed(
    IServiceScopeFactory scopes,
    EventLogSignal signal,
    TimeProvider time,
    IOptions<EventStreamOptions> options,
    KubeAgentsMetrics metrics,
    IStoreFailureClassifier storeFailures,
    ILogger<EventFeed> logger) : BackgroundService, IEventStream
{
    /// <summary>Marks the feed's own statements in the SQL (logs, pg_stat_statements, tests that count a request's statements).</summary>
    public const string QueryTag = "background: event feed";

    private const int PageSize = 1000;

    private readonly EventStreamOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly List<Subscriber> _subscribers = [];

    // Subscribers of one agent, by agent id: an event is offered only to those of its agent (and to the
    // unfiltered ones), so idle filtered clients cost nothing per event.
    private readonly Dictionary<string, List<Subscriber>> _byAgent = new(StringComparer.Ordinal);
    private readonly List<Subscriber> _anyAgent = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _position;
    private bool _stopped;

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public async Task<IEventSubscription> SubscribeAsync(EventFilter filter, long? afterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await _ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        // "From now" means after everything committed now, which this feed may not have read yet.
        afterId ??= await QueryAsync(db => db.Events.TagWith(QueryTag).MaxAsync(e => (long?)e.Id, cancellationToken)).ConfigureAwait(false) ?? 0;
        var subscriber = new Subscriber(filter, Channel.CreateBounded<StreamEvent>(new BoundedChannelOptions(_options.ClientBuffer)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        }));
        long position;
        lock (_gate)
        {
            position = _position;
            if (_stopped)
            {
                subscriber.Channel.Writer.TryComplete();
            }
            else
            {
                Add(subscriber);
            }
        }

        metrics.EventClientConnected();
        return new Subscription(this, subscriber, afterId, position);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
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
                        await PruneAsync(stoppingToken).ConfigureAwait(false);
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
            CloseAll();
        }
    }

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var last = await QueryAsync(db => db.Events.TagWith(QueryTag).MaxAsync(e => (long?)e.Id, cancellationToken)).ConfigureAwait(false);
                lock (_gate)
                {
                    _position = last ?? 0;
                }

                _ready.TrySetResult();
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
        await QueryAsync(db => db.PublishPendingEventsAsync(cancellationToken)).ConfigureAwait(false);
        while (true)
        {
            long from;
            lock (_gate)
            {
                from = _position;
            }

            var page = await ReadAsync(null, from, long.MaxValue, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return;
            }

            Publish(page);
            if (page.Count < PageSize)
            {
                return;
            }
        }
    }

    private void Publish(List<StreamEvent> page)
    {
        HashSet<Subscriber>? cut = null;
        lock (_gate)
        {
            foreach (var e in page)
            {
                Offer(e, _anyAgent, ref cut);
                if (_byAgent.TryGetValue(e.Data.AgentId, out var ofAgent))
                {
                    Offer(e, ofAgent, ref cut);
                }
            }

            _position = page[^1].Id;
            if (cut is not null)
            {
                foreach (var subscriber in cut)
                {
                    RemoveLocked(subscriber);
                    subscriber.Channel.Writer.TryComplete();
                }
            }
        }

        if (cut is not null)
        {
            metrics.EventClientsCut(cut.Count);
            LogCut(cut.Count, _options.ClientBuffer);
        }
    }

    /// <summary>Events with <paramref name="afterId"/> &lt; id ≤ <paramref name="upToId"/> matching the filter (all when null), a page at a time.</summary>
    private Task<List<StreamEvent>> ReadAsync(EventFilter? filter, long afterId, long upToId, CancellationToken cancellationToken) =>
        QueryAsync(async db =>
        {
            var query = db.Events.TagWith(QueryTag).AsNoTracking().Where(e => e.Id > afterId && e.Id <= upToId);
            if (filter?.AgentId is { } agentId)
            {
                query = query.Where(e => e.AgentId == agentId);
            }

            if (filter?.SessionTopic is { } topic)
            {
                query = query.Where(e => e.SessionTopic == topic);
            }

            var rows = await query.OrderBy(e => e.Id).Take(PageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
            return rows.ConvertAll(r => r.ToStreamEvent());
        });

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        long keepFrom;
        lock (_gate)
        {
            keepFrom = _position - _options.RetentionCount;
        }

        if (keepFrom <= 0)
        {
            return;
        }

        var cutoff = time.GetUtcNow() - _options.RetentionAge;
        var removed = await QueryAsync(db => db.Events.TagWith(QueryTag).Where(e => e.Id <= keepFrom && e.OccurredAt < cutoff).ExecuteDeleteAsync(cancellationToken)).ConfigureAwait(false);
        if (removed > 0)
        {
            LogPruned(removed);
        }
    }

    private async Task<T> QueryAsync<T>(Func<KubeAgentsDbContext, Task<T>> query)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            return await query(scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>()).ConfigureAwait(false);
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            RemoveLocked(subscriber);
        }

        subscriber.Channel.Writer.TryComplete();
        metrics.EventClientDisconnected();
    }

    /// <summary>Offers one event to each matching subscriber of <paramref name="subscribers"/>; a full one joins <paramref name="cut"/> and gets nothing more.</summary>
    private static void Offer(StreamEvent e, List<Subscriber> subscribers, ref HashSet<Subscriber>? cut)
    {
        foreach (var subscriber in subscribers)
        {
            if (subscriber.Filter.Matches(e) && !(cut?.Contains(subscriber) ?? false) && !subscriber.Channel.Writer.TryWrite(e))
            {
                (cut ??= []).Add(subscriber);
            }
        }
    }

    private void Add(Subscriber subscriber)
    {
        _subscribers.Add(subscriber);
        if (subscriber.Filter.AgentId is { } agentId)
        {
            if (!_byAgent.TryGetValue(agentId, out var ofAgent))
            {
                _byAgent[agentId] = ofAgent = [];
            }

            ofAgent.Add(subscriber);
        }
        else
        {
            _anyAgent.Add(subscriber);
        }
    }

    private void RemoveLocked(Subscriber subscriber)
    {
        if (!_subscribers.Remove(subscriber))
        {
            return;
        }

        if (subscriber.Filter.AgentId is { } agentId && _byAgent.TryGetValue(agentId, out var ofAgent))
        {
            ofAgent.Remove(subscriber);
            if (ofAgent.Count == 0)
            {
                _byAgent.Remove(agentId);
            }
        }
        else
        {
            _anyAgent.Remove(subscriber);
        }
    }

    private void CloseAll()
    {
        lock (_gate)
        {
            _stopped = true;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Channel.Writer.TryComplete();
            }

            _subscribers.Clear();
            _anyAgent.Clear();
            _byAgent.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the event log failed: {Cause}; retrying")]
    private partial void LogTailFailed(string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cut off {Count} event-stream clients that fell {Buffer} events behind; they resume with Last-Event-ID")]
    private partial void LogCut(int count, int buffer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pruned {Count} events from the event log")]
    private partial void LogPruned(int count);

    /// <summary>One client's filter and buffer; compared by reference.</summary>
    private sealed class Subscriber(EventFilter filter, Channel<StreamEvent> channel)
    {
        public EventFilter Filter => filter;

        public Channel<StreamEvent> Channel => channel;
    }

    private sealed class Subscription(EventFeed feed, Subscriber subscriber, long? afterId, long position) : IEventSubscription
    {
        private int _disposed;

        public async IAsyncEnumerable<StreamEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var sent = afterId ?? position;
            // Replays only what was published before this subscription; later events arrive live.
            // The past, from the table: what was published before this subscription existed.
            while (sent < position)
            {
                var page = await feed.ReadAsync(subscriber.Filter, sent, position, cancellationToken).ConfigureAwait(false);
                foreach (var e in page)
                {
                    yield return e;
                }

                sent = page.Count < PageSize ? position : page[^1].Id;
            }

            // Then live: everything published since, skipping what the replay already gave.
            await foreach (var e in subscriber.Channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (e.Id > sent)
                {
                    sent = e.Id;
                    yield return e;
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                feed.Remove(subscriber);
            }

            return ValueTask.CompletedTask;
        }
    }
}
