using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace KubeAgents.Infrastructure.Persistence.Stores;

/// <summary>
/// One transaction per report, holding the agent row and then the session row <c>FOR UPDATE</c>.
/// </summary>
/// <remarks>
/// Order matters. The agent is locked before any session of it is inserted: inserting a session
/// takes a key-share lock on its agent (the foreign key), and two transactions that each inserted a
/// session before locking the agent would deadlock upgrading those locks. A missing row is created
/// with <c>INSERT ... ON CONFLICT DO NOTHING</c>, so concurrent first reports never fail on a unique
/// key; when the rows exist (the usual case) a report costs two locking reads.
/// Reports of one agent first queue in this process (<see cref="KeyedLock"/>), so a waiting report
/// holds no pooled connection: a burst on one agent cannot exhaust the pool. The row locks still
/// serialise replicas.
/// </remarks>
internal sealed class PostgresReportTargets(KubeAgentsDbContext db, KeyedLock agentLocks) : IReportTargets
{
    public async Task<IReportTarget> AcquireAsync(string agentId, string sessionTopic, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hold = await agentLocks.AcquireAsync(agentId, cancellationToken).ConfigureAwait(false);
        IDbContextTransaction transaction;
        try
        {
            transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            hold.Dispose();
            throw;
        }

        try
        {
            var agent = await LockAgentAsync(agentId, cancellationToken).ConfigureAwait(false);
            if (agent is null)
            {
                var created = Agent.Register(agentId, now);
                await db.Database.ExecuteSqlAsync(
                    $"""
                    INSERT INTO agents (agent_id, registered, last_seen)
                    VALUES ({created.AgentId}, {created.Registered}, {created.LastSeen})
                    ON CONFLICT (agent_id) DO NOTHING
                    """,
                    cancellationToken).ConfigureAwait(false);
                agent = await LockAgentAsync(agentId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Agent '{agentId}' vanished after its upsert.");
            }

            var session = await LockSessionAsync(agentId, sessionTopic, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                // Holding the agent lock, no other report can insert this session now.
                session = Session.Open(agentId, sessionTopic, now);
                db.Sessions.Add(session);
            }

            return new Target(db, transaction, hold, agent, session);
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            hold.Dispose();
            throw;
        }
    }

    // FromSql results are not composed (FOR UPDATE must stay the outermost clause).
    private async Task<Agent?> LockAgentAsync(string agentId, CancellationToken cancellationToken) =>
        (await db.Agents
            .FromSql($"SELECT * FROM agents WHERE agent_id = {agentId} FOR UPDATE")
            .ToListAsync(cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    private async Task<Session?> LockSessionAsync(string agentId, string sessionTopic, CancellationToken cancellationToken) =>
        (await db.Sessions
            .FromSql($"SELECT * FROM sessions WHERE agent_id = {agentId} AND topic = {sessionTopic} FOR UPDATE")
            .ToListAsync(cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    private sealed class Target(KubeAgentsDbContext db, IDbContextTransaction transaction, IDisposable hold, Agent agent, Session session) : IReportTarget
    {
        public Agent Agent => agent;

        public Session Session => session;

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            // A failed save rolls the whole transaction back, so the savepoint EF would wrap it in
            // (two more statements per report) protects nothing.
            db.Database.AutoSavepointsEnabled = false;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Rolls back when CommitAsync did not run to the end.
        public async ValueTask DisposeAsync()
        {
            try
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                hold.Dispose();
            }
        }
    }
}
