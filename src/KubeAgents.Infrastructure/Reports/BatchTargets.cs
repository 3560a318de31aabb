using KubeAgents.Application.Reports;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Reports;

/// <summary>The agents and sessions of one batch, tracked; a missing one is created on first use.</summary>
internal sealed class BatchTargets(KubeAgentsDbContext db, Dictionary<string, Agent> agents, Dictionary<(string, string), Session> sessions)
{
    /// <summary>Two queries whatever the batch: the agents, held (<see cref="KubeAgentsDbContext.LockAgentsAsync"/>), and their sessions.</summary>
    public static async Task<BatchTargets> LoadAsync(KubeAgentsDbContext db, IEnumerable<IncomingReport> reports)
    {
        var list = reports.ToList();
        var agentIds = list.Select(r => r.AgentId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var topics = list.Select(r => r.SessionTopic).Distinct(StringComparer.Ordinal).ToArray();
        var agents = (await db.LockAgentsAsync(agentIds, CancellationToken.None).ConfigureAwait(false))
            .ToDictionary(a => a.AgentId, StringComparer.Ordinal);
        // A superset (every pair of the batch's agents and topics) in one indexed query.
        var sessions = (await db.Sessions
                .TagWith(ReportWritePipeline.SessionsQueryTag)
                .Where(s => agentIds.Contains(s.AgentId) && topics.Contains(s.Topic))
                .ToListAsync(CancellationToken.None).ConfigureAwait(false))
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
            session = Session.Open(report.AgentId, report.SessionTopic, report.ReceivedAt);
            db.Sessions.Add(session);
            sessions.Add((session.AgentId, session.Topic), session);
        }

        return (agent, session, registered);
    }
}
