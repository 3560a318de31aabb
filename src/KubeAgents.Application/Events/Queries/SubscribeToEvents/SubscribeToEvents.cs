using System.Globalization;
using KubeAgents.Application.Common.Interfaces;
using Mediator;

namespace KubeAgents.Application.Events.Queries.SubscribeToEvents;

/// <summary>Opens a subscription to the event stream, resuming after <paramref name="LastEventId"/> when given.</summary>
/// <param name="LastEventId">The <c>Last-Event-ID</c> header as sent: a non-negative integer.</param>
public sealed record SubscribeToEventsQuery(string? AgentId, string? SessionTopic, string? LastEventId) : IQuery<IEventSubscription>
{
    /// <summary>The parsed resume position (the validator has checked it).</summary>
    public long? AfterId => string.IsNullOrEmpty(LastEventId) ? null : long.Parse(LastEventId, NumberStyles.None, CultureInfo.InvariantCulture);
}

public sealed class SubscribeToEventsHandler(IEventStream events) : IQueryHandler<SubscribeToEventsQuery, IEventSubscription>
{
    public async ValueTask<IEventSubscription> Handle(SubscribeToEventsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await events.SubscribeAsync(
            new EventFilter(string.IsNullOrEmpty(query.AgentId) ? null : query.AgentId, string.IsNullOrEmpty(query.SessionTopic) ? null : query.SessionTopic),
            query.AfterId,
            cancellationToken).ConfigureAwait(false);
    }
}
