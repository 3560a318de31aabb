using KubeAgents.Application.Reports;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Persistence;

namespace KubeAgents.Infrastructure.Reports;

/// <summary>The agents and sessions of one batch, tracked; a missing one is created on first use.</summary>
internal sealed class BatchTargets(KubeAgentsDbContext db, Dictionary<string, Agent> agents, Dictionary<(string, string), Session> sessions)
{
    /// <summary>Two queries whatever the batch: the agents, held (<see cref="KubeAgentsDbContext.LockAgentsAsync"/>), and their sessions (<see cref="KubeAgentsDbContext.LoadSessionsAsync"/>).</summary>
    public static async Task<BatchTargets> LoadAsync(KubeAgentsDbContext db, IEnumerable<IncomingReport> reports)
    {
        var list = reports.ToList();
        var agentIds = list.Select(r => r.AgentId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var keys = list.Select(r => (r.AgentId, r.SessionTopic)).Distinct().ToList();
        var agents = (await db.LockAgentsAsync(agentIds, CancellationToken.None).ConfigureAwait(false))
            .ToDictionary(a => a.AgentId, StringComparer.Ordinal);
        var sessions = (await db.LoadSessionsAsync(keys, CancellationToken.None).ConfigureAwait(false))
            .ToDictionary(s => (s.AgentId, s.Topic));
        return new BatchTargets(db, agents, sessions);
    }

    /// <returns>The report's agent and session; <c>Registered</c> when this report registered the agent.</returns>
    public (Agent Agent, Session Session, bool Registered) For(IncomingReport report)
    {
        var registered = false;
        if (!agents.TryGetValue(report.AgentId, out var agent))
        {
            agent = Agent.Register(report.AgentId, report.ReceivedAt);
            db.Agents.Add(agent);
            agents.Add(agent.AgentId, agent);
            registered = true;
        }

        if (!sessions.TryGetValue((report.AgentId, report.SessionTopic), out var session))
        {
            session = agent.OpenSession(report.SessionTopic, report.ReceivedAt);
            db.Sessions.Add(session);
            sessions.Add((session.AgentId, session.Topic), session);
        }

        return (agent, session, registered);
    }
}
