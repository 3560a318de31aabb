using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Reports;

/// <summary>A validated report on its way to the store, and what applying it means.</summary>
/// <param name="ReceivedAt">The server's clock when the report was accepted: the agent's <c>last_seen</c>, the session's <c>last_updated</c>.</param>
public sealed record IncomingReport(
    string AgentId,
    string SessionTopic,
    string? AgentName,
    string? AgentSource,
    StatusReport Report,
    DateTimeOffset ReceivedAt)
{
    /// <summary>
    /// Applies the report to its agent and session (the domain's rules) inside the writer's unit of
    /// work; returns the notification that became due, which must commit with it (the outbox).
    /// </summary>
    public Notification? ApplyTo(Agent agent, Session session, bool notificationsEnabled)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(session);
        var outcome = session.Record(Report, ReceivedAt);
        agent.Record(AgentName, AgentSource, Report, ReceivedAt);
        return outcome.Finished && notificationsEnabled
            ? Notification.SessionFinished(agent, session, outcome, ReceivedAt)
            : null;
    }
}
