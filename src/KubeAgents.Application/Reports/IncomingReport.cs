using KubeAgents.Domain.Agents;
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
    /// work; the outcome says whether it finished the session (notifications due, in the same unit of work).
    /// </summary>
    public RecordOutcome ApplyTo(Agent agent, Session session)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(session);
        var outcome = session.Record(Report, ReceivedAt);
        agent.Record(AgentName, AgentSource, Report, ReceivedAt);
        if (outcome.Revived)
        {
            agent.SessionRevived();
        }

        return outcome;
    }
}
