using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence.Stores;

/// <summary>
/// The in-memory store has no transactions and enforces no unique index: it relies on
/// <see cref="QueuedReportTargets"/>, which holds the agent's in-process lock around this unit of
/// work; one <c>SaveChanges</c> then applies the whole report at once.
/// </summary>
internal sealed class InMemoryReportTargets(KubeAgentsDbContext db) : IReportTargets
{
    public async Task<IReportTarget> AcquireAsync(string agentId, string sessionTopic, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var agent = await db.Agents.SingleOrDefaultAsync(a => a.AgentId == agentId, cancellationToken).ConfigureAwait(false);
        if (agent is null)
        {
            agent = Agent.Register(agentId, now);
            db.Agents.Add(agent);
        }

        var session = await db.Sessions
            .SingleOrDefaultAsync(s => s.AgentId == agentId && s.Topic == sessionTopic, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            session = Session.Open(agentId, sessionTopic, now);
            db.Sessions.Add(session);
        }

        return new Target(db, agent, session);
    }

    private sealed class Target(KubeAgentsDbContext db, Agent agent, Session session) : IReportTarget
    {
        public Agent Agent => agent;

        public Session Session => session;

        public async Task CommitAsync(CancellationToken cancellationToken) =>
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
