using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Notifications;

/// <summary>
/// Writes due notifications into the outbox, one row per route that wants the event, inside the
/// caller's transaction (a report batch, the sweeper's expiry), and wakes the dispatcher after commit.
/// </summary>
internal sealed class NotificationOutbox(IOptions<NotificationOptions> options, NotificationSignal signal)
{
    /// <summary>A unit of work's outbox: routes are read once, and only when something is due.</summary>
    public OutboxBatch Begin(KubeAgentsDbContext db) => new(db, options.Value);

    /// <summary>After a commit that queued anything: this instance's dispatcher looks at once.</summary>
    public void Wake() => signal.Notify();
}

internal sealed class OutboxBatch(KubeAgentsDbContext db, NotificationOptions settings)
{
    private List<NotificationRoute>? _routes;

    /// <summary>Rows added so far.</summary>
    public int Queued { get; private set; }

    /// <summary>Queues the report's notifications when it finished its session.</summary>
    public async Task QueueFinishedAsync(Agent agent, Session session, RecordOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.Finished)
        {
            return;
        }

        var status = outcome.Entry.Status;
        if (settings.Enabled && settings.Events.Wants(NotificationKind.Finished, status))
        {
            Add(Notification.SessionFinished(agent, session, outcome, now));
        }

        foreach (var route in await RoutesAsync().ConfigureAwait(false))
        {
            if (route.Accepts(NotificationKind.Finished, agent.AgentId, session.Topic, status))
            {
                Add(Notification.SessionFinished(agent, session, outcome, now, route.Id));
            }
        }
    }

    /// <summary>Queues one silent alert per session and subscribed route.</summary>
    public async Task QueueSilentAsync(IReadOnlyList<SilentSession> sessions, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (sessions.Count == 0)
        {
            return;
        }

        var routes = await RoutesAsync().ConfigureAwait(false);
        foreach (var silent in sessions)
        {
            if (settings.Enabled && settings.Events.Wants(NotificationKind.Silent, silent.LastStatus))
            {
                Add(Notification.SessionSilent(silent, now, null));
            }

            foreach (var route in routes.Where(r => r.Accepts(NotificationKind.Silent, silent.AgentId, silent.Topic, silent.LastStatus)))
            {
                Add(Notification.SessionSilent(silent, now, route.Id));
            }
        }
    }

    private void Add(Notification notification)
    {
        db.Notifications.Add(notification);
        Queued++;
    }

    // Read in the caller's transaction: a route created before the report committed applies to it.
    private async Task<List<NotificationRoute>> RoutesAsync() =>
        _routes ??= await db.NotificationRoutes.AsNoTracking().ToListAsync().ConfigureAwait(false);
}
