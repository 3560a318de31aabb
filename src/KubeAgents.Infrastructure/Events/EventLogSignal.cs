namespace KubeAgents.Infrastructure.Events;

/// <summary>
/// Wakes this instance's <see cref="EventFeed"/>: raised after a local commit that wrote events, and
/// on PostgreSQL when another replica's commit is announced. Signals before it looks collapse into one.
/// </summary>
internal sealed class EventLogSignal : WakeSignal;
