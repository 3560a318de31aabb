using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence.Stores;

/// <summary>
/// The in-memory store has no transactions and enforces no unique index, so reports of one agent
/// take that agent's in-process lock; one <c>SaveChanges</c> then applies the whole report at once.
/// </summary>
internal sealed class InMemoryReportTargets(KubeAgentsDbContext db, KeyedLock agentLocks) : IReportTargets
{
    public async Task<IReportTarget> AcquireAsync(string agentId, string sessionTopic, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hold = await agentLocks.AcquireAsync(agentId, cancellationToken).ConfigureAwait(false);
        try
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

            return new Target(db, hold, agent, session);
        }
        catch
        {
            hold.Dispose();
            throw;
        }
    }

    private sealed class Target(KubeAgentsDbContext db, IDisposable hold, Agent agent, Session session) : IReportTarget
    {
        public Agent Agent => agent;

        public Session Session => session;

        public async Task CommitAsync(CancellationToken cancellationToken) =>
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        public ValueTask DisposeAsync()
        {
            hold.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
