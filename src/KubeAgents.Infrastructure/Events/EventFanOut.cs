using System.Threading.Channels;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Events;
using KubeAgents.Infrastructure.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Events;

/// <summary>
/// Fan-out and replay: offers each event the <see cref="EventFeed"/> read to every matching
/// subscriber's bounded channel, and opens subscriptions that replay the log from a client's
/// <c>Last-Event-ID</c> before following live. It never waits for a subscriber: one whose channel is
/// full is cut off and resumes from the table.
/// </summary>
/// <remarks>
/// A subscriber registers under the same lock that publishes, learning the position up to which
/// events were published before it; it replays <c>(after, position]</c> from the table, then takes
/// the live events above the last id it yielded: no gap, no duplicate. A <c>Last-Event-ID</c> the log
/// cannot have issued (<see cref="EventLog.CanResumeAfter"/>) resumes from the newest event instead,
/// after a <c>reset</c> message carrying that event's id.
/// </remarks>
internal sealed partial class EventFanOut(
    EventLog log,
    IOptions<EventStreamOptions> options,
    KubeAgentsMetrics metrics,
    ILogger<EventFanOut> logger) : IEventStream
{
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

    /// <summary>The id of the last event published to subscribers.</summary>
    public long Position
    {
        get
        {
            lock (_gate)
            {
                return _position;
            }
        }
    }

    public async Task<IEventSubscription> SubscribeAsync(EventFilter filter, long? afterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await _ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        StreamEvent? reset = null;
        if (afterId is not { } after)
        {
            // "From now" means after everything committed now, which the feed may not have read yet, nor
            // (PostgreSQL's inbox) numbered yet: number it first, or it would arrive as new.
            afterId = await log.NumberPendingAsync(cancellationToken).ConfigureAwait(false)
                ?? await log.NewestAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (!log.CanResumeAfter(after, Position))
        {
            // Not yet published here is not "never issued": another replica may have numbered it already.
            var newest = await log.NewestAsync(cancellationToken).ConfigureAwait(false);
            if (!log.CanResumeAfter(after, newest))
            {
                reset = new StreamEvent(newest, StreamEvent.Reset, new ResetEventData(after > newest
                    ? "Last-Event-ID is ahead of this event log: the service's store was replaced, or restarted without keeping its events. Reload what you show; the events that follow are new."
                    : "Last-Event-ID is from before the service restarted, and its temporary store kept no events. Reload what you show; the events that follow are new."));
                afterId = newest;
                LogReset(after, newest);
            }
        }

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
        return new EventSubscription(log, subscriber.Filter, subscriber.Channel.Reader, afterId.Value, position, reset, () => Remove(subscriber));
    }

    /// <summary>Called once the feed knows where the log ends: subscriptions may open from here on.</summary>
    public void Start(long position)
    {
        lock (_gate)
        {
            _position = position;
        }

        _ready.TrySetResult();
    }

    /// <summary>
    /// With nobody subscribed, moves <see cref="Position"/> to <paramref name="newest"/> (the log's
    /// newest committed id) without the events being read: there is no one to offer them to. A
    /// subscriber that comes later learns the new position under the same lock and replays up to it
    /// from the table. False when someone is subscribed: the feed reads and publishes as usual.
    /// </summary>
    public bool TrySkipTo(long newest)
    {
        lock (_gate)
        {
            if (_subscribers.Count > 0)
            {
                return false;
            }

            _position = Math.Max(_position, newest);
            return true;
        }
    }

    /// <summary>Whether anyone is subscribed now (a hint: <see cref="TrySkipTo"/> decides under the lock).</summary>
    public bool HasSubscribers
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count > 0;
            }
        }
    }

    /// <summary>Offers a page of new events (in id order, after <see cref="Position"/>) to their subscribers.</summary>
    public void Publish(List<StreamEvent> page)
    {
        HashSet<Subscriber>? cut = null;
        lock (_gate)
        {
            foreach (var e in page)
            {
                Offer(e, _anyAgent, ref cut);
                if (e.Data is IAgentEventData data && _byAgent.TryGetValue(data.AgentId, out var ofAgent))
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

    /// <summary>Ends every subscription (the service is stopping); later ones end at once.</summary>
    public void CloseAll()
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

        // A subscriber still waiting for the feed's start (it waits for the service's start to end)
        // gets a stream that ends at once, rather than hanging until the server aborts its request.
        _ready.TrySetResult();
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

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            RemoveLocked(subscriber);
        }

        subscriber.Channel.Writer.TryComplete();
        metrics.EventClientDisconnected();
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Cut off {Count} event-stream clients that fell {Buffer} events behind; they resume with Last-Event-ID")]
    private partial void LogCut(int count, int buffer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Last-Event-ID {LastEventId} was never issued by this event log (newest {Newest}): the client gets a reset")]
    private partial void LogReset(long lastEventId, long newest);

    /// <summary>One client's filter and buffer; compared by reference.</summary>
    private sealed class Subscriber(EventFilter filter, Channel<StreamEvent> channel)
    {
        public EventFilter Filter => filter;

        public Channel<StreamEvent> Channel => channel;
    }
}
