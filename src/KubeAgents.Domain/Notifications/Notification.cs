using System.Linq.Expressions;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Domain.Notifications;

/// <summary>
/// A due message for one route — a session finished, or went silent — stored in the transaction
/// that caused it (an outbox) and delivered later, with retries, by whichever service instance claims
/// it. It keeps the facts, not a rendering: the route's channel writes them in its format when it sends.
/// </summary>
public sealed class Notification
{
    public const int MaxErrorLength = 1000;

    // For EF Core.
    private Notification()
    {
        AgentId = null!;
        SessionTopic = null!;
    }

    private Notification(Guid id, Agent agent, Session session, SessionStatus previousStatus, StatusEntry entry, DateTimeOffset now, Guid? routeId)
    {
        Id = id;
        RouteId = routeId;
        AgentId = agent.AgentId;
        AgentName = agent.Name;
        SessionTopic = session.Topic;
        PreviousStatus = previousStatus;
        Status = entry.Status;
        RunningSince = session.FirstRunningAt ?? entry.Timestamp;
        OccurredAt = entry.Timestamp;
        Message = entry.Message;
        Content = entry.Content;
        CreatedAt = now;
        NextAttemptAt = now;
        State = NotificationState.Pending;
    }

    /// <summary>Also the delivery id receivers use to drop duplicates: the same on every attempt.</summary>
    public Guid Id { get; private set; }

    /// <summary>The route it goes to; null for the implicit route of <c>NOTIFICATION_WEBHOOK_URL</c>.</summary>
    public Guid? RouteId { get; private set; }

    public NotificationKind Kind { get; private set; }

    public string AgentId { get; private set; }

    /// <summary>The agent's name when the session finished; null when it had none.</summary>
    public string? AgentName { get; private set; }

    public string SessionTopic { get; private set; }

    /// <summary>The status the session moved from (running); for a silent session, its last status.</summary>
    public SessionStatus PreviousStatus { get; private set; }

    /// <summary>The status the session finished with; for a silent session, its last status (running or pending).</summary>
    public SessionStatus Status { get; private set; }

    /// <summary>The timestamp of the session's first running report: where its duration starts.</summary>
    public DateTimeOffset RunningSince { get; private set; }

    /// <summary>The timestamp of the report that finished the session, or of a silent session's last status (the client's clock).</summary>
    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>A silent session's last report (server clock); null for a finished one.</summary>
    public DateTimeOffset? QuietSince { get; private set; }

    /// <summary>How long a silent session had not reported when it was found expired.</summary>
    public TimeSpan QuietFor => QuietSince is { } since && CreatedAt > since ? CreatedAt - since : TimeSpan.Zero;

    public string? Message { get; private set; }

    public string? Content { get; private set; }

    /// <summary>From the first running report to the finishing one; never negative.</summary>
    public TimeSpan Duration => OccurredAt > RunningSince ? OccurredAt - RunningSince : TimeSpan.Zero;

    /// <summary>
    /// The text an older version rendered when it queued the notification, before facts were stored;
    /// null for every notification queued since. The Lark channel sends it unchanged.
    /// </summary>
    public string? LegacyText { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public NotificationState State { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset NextAttemptAt { get; private set; }

    public DateTimeOffset? LastAttemptAt { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset? DeliveredAt { get; private set; }

    /// <summary>Who holds the notification for an attempt; changes on every claim.</summary>
    public Guid? ClaimToken { get; private set; }

    /// <summary>The claim's lease: after it, a crashed claimer's notification may be claimed again.</summary>
    public DateTimeOffset? ClaimedUntil { get; private set; }

    /// <summary>
    /// The rule for what a dispatcher may claim at <paramref name="now"/>: pending, its next attempt
    /// due, and no live claim. An expression, so every store evaluates it in its own query.
    /// </summary>
    public static Expression<Func<Notification, bool>> DueAt(DateTimeOffset now) =>
        n => n.State == NotificationState.Pending && n.NextAttemptAt <= now && (n.ClaimedUntil == null || n.ClaimedUntil < now);

    /// <summary>The notification for a report that finished its session (<see cref="RecordOutcome.Finished"/>).</summary>
    /// <param name="routeId">The route; null for the implicit route.</param>
    public static Notification SessionFinished(Agent agent, Session session, RecordOutcome outcome, DateTimeOffset now, Guid? routeId = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.Finished)
        {
            throw new ArgumentException("Only a report that finished its session is notified.", nameof(outcome));
        }

        return new Notification(Guid.CreateVersion7(now), agent, session, outcome.PreviousStatus!.Value, outcome.Entry, now, routeId);
    }

    /// <summary>The notification that a live session expired: its agent stopped reporting mid-task.</summary>
    public static Notification SessionSilent(SilentSession silent, DateTimeOffset now, Guid? routeId)
    {
        ArgumentNullException.ThrowIfNull(silent);
        return new Notification
        {
            Id = Guid.CreateVersion7(now),
            RouteId = routeId,
            Kind = NotificationKind.Silent,
            AgentId = silent.AgentId,
            AgentName = silent.AgentName,
            SessionTopic = silent.Topic,
            PreviousStatus = silent.LastStatus,
            Status = silent.LastStatus,
            RunningSince = silent.LastStatusAt,
            OccurredAt = silent.LastStatusAt,
            QuietSince = silent.LastReportAt,
            Message = silent.LastMessage,
            CreatedAt = now,
            NextAttemptAt = now,
            State = NotificationState.Pending,
        };
    }

    /// <summary>What a route's test sends: a finished session of agent <c>kubeagents</c>, never stored.</summary>
    public static Notification Sample(string routeName, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        AgentId = "kubeagents",
        AgentName = "KubeAgents",
        SessionTopic = "test notification",
        PreviousStatus = SessionStatus.Running,
        Status = SessionStatus.Success,
        RunningSince = now.AddMinutes(-1),
        OccurredAt = now,
        Message = $"A test of the route '{routeName}': it works.",
        CreatedAt = now,
        NextAttemptAt = now,
        State = NotificationState.Pending,
    };

    /// <summary>Gives up at once: nothing can deliver it (its route was deleted).</summary>
    public void Abandon(string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reason);
        LastAttemptAt = now;
        LastError = reason;
        ClaimedUntil = null;
        State = NotificationState.Failed;
    }

    /// <summary>Takes the notification for one attempt until <paramref name="until"/>.</summary>
    public void Claim(Guid token, DateTimeOffset until)
    {
        if (State != NotificationState.Pending)
        {
            throw new InvalidOperationException($"A {State} notification cannot be claimed.");
        }

        ClaimToken = token;
        ClaimedUntil = until;
    }

    public void MarkDelivered(DateTimeOffset now)
    {
        Attempts++;
        LastAttemptAt = now;
        DeliveredAt = now;
        LastError = null;
        State = NotificationState.Delivered;
        ClaimedUntil = null;
    }

    /// <summary>Records a failed attempt: another one after <paramref name="retryDelay"/>, or none once <paramref name="maxAttempts"/> is reached.</summary>
    public void MarkAttemptFailed(string error, DateTimeOffset now, TimeSpan retryDelay, int maxAttempts)
    {
        ArgumentNullException.ThrowIfNull(error);
        Attempts++;
        LastAttemptAt = now;
        LastError = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
        ClaimedUntil = null;
        if (Attempts >= maxAttempts)
        {
            State = NotificationState.Failed;
        }
        else
        {
            NextAttemptAt = now + retryDelay;
        }
    }

    /// <summary>Gives the notification back unsent (shutting down), due at once for whoever claims next.</summary>
    public void Release()
    {
        ClaimedUntil = null;
    }
}
