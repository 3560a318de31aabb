using KubeAgents.Application.Events;

namespace KubeAgents.Application.Common.Interfaces;

/// <summary>The committed events, in commit order, live and from a past position (<c>Last-Event-ID</c>).</summary>
public interface IEventStream
{
    /// <summary>
    /// A subscription that first replays the retained events after <paramref name="afterId"/> (none when
    /// null: live from now; all retained when 0), then follows new ones. An id the log cannot have
    /// issued (ahead of it, or from before a restart of a temporary store) starts instead with a
    /// <see cref="StreamEvent.Reset"/> message whose id is the newest event's, then follows new ones.
    /// It never slows writers: a subscriber that falls too far behind is cut off (its enumeration ends)
    /// and resumes by subscribing again from its last id.
    /// </summary>
    Task<IEventSubscription> SubscribeAsync(EventFilter filter, long? afterId, CancellationToken cancellationToken);
}

/// <summary>One subscriber's events; disposing it unsubscribes.</summary>
public interface IEventSubscription : IAsyncDisposable
{
    /// <summary>The events in id order, with no gap and no duplicate; ends when the subscriber is cut off or the service stops.</summary>
    IAsyncEnumerable<StreamEvent> ReadAllAsync(CancellationToken cancellationToken);
}
