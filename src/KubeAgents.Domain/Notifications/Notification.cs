using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Domain.Notifications;

/// <summary>
/// A due "session finished" message, stored with the report that finished the session (an outbox)
/// and delivered later, with retries, by whichever service instance claims it.
/// </summary>
public sealed class Notification
{
    public const int MaxErrorLength = 1000;

    // For EF Core.
    private Notification()
    {
        AgentId = null!;
        SessionTopic = null!;
        Text = null!;
    }

    private Notification(Guid id, string agentId, string sessionTopic, SessionStatus status, string text, DateTimeOffset now)
    {
        Id = id;
        AgentId = agentId;
        SessionTopic = sessionTopic;
        Status = status;
        Text = text;
        CreatedAt = now;
        NextAttemptAt = now;
        State = NotificationState.Pending;
    }

    /// <summary>Also the delivery id receivers use to drop duplicates: the same on every attempt.</summary>
    public Guid Id { get; private set; }

    public string AgentId { get; private set; }

    public string SessionTopic { get; private set; }

    /// <summary>The status the session finished with.</summary>
    public SessionStatus Status { get; private set; }

    /// <summary>The message text, rendered when the session finished.</summary>
    public string Text { get; private set; }

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
    public static Notification SessionFinished(Agent agent, Session session, RecordOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.Finished)
        {
            throw new ArgumentException("Only a report that finished its session is notified.", nameof(outcome));
        }

        var entry = outcome.Entry;
        var started = session.FirstRunningAt ?? entry.Timestamp;
        var text = new StringBuilder()
            .Append("🔔 Session Status Change\n\n")
            .Append("Agent ID: ").Append(agent.AgentId).Append('\n')
            .Append("Agent Name: ").Append(agent.Name ?? agent.AgentId).Append('\n')
            .Append("Session: ").Append(session.Topic).Append('\n')
            .Append("Status: ").Append(outcome.PreviousStatus!.Value.ToWireName()).Append(" → ").Append(entry.Status.ToWireName()).Append('\n')
            .Append("Timestamp: ").Append(entry.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture)).Append('\n')
            .Append("Duration: ").Append(FormatDuration(entry.Timestamp - started));
        if (entry.Message is { Length: > 0 } message)
        {
            text.Append("\nMessage: ").Append(message);
        }

        if (entry.Content is { Length: > 0 } content)
        {
            text.Append("\nContent: ").Append(content);
        }

        return new Notification(Guid.CreateVersion7(now), agent.AgentId, session.Topic, entry.Status, text.ToString(), now);
    }

    /// <summary><c>1h 2m 3s</c>, <c>4m 5s</c>, <c>6s</c>; hours keep counting past a day.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        var hours = (long)duration.TotalHours;
        return hours > 0 ? $"{hours}h {duration.Minutes}m {duration.Seconds}s"
            : duration.Minutes > 0 ? $"{duration.Minutes}m {duration.Seconds}s"
            : $"{duration.Seconds}s";
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
