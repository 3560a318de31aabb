using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace KubeAgents.Infrastructure.Persistence.Stores;

/// <summary>
/// One transaction per report, holding the agent row <c>FOR UPDATE</c>; one statement reads the
/// locked agent together with the report's session.
/// </summary>
/// <remarks>
/// Order matters. The agent is locked before any session of it is inserted: inserting a session
/// takes a key-share lock on its agent (the foreign key), and two transactions that each inserted a
/// session before locking the agent would deadlock upgrading those locks. A missing agent is created
/// with <c>INSERT ... ON CONFLICT DO NOTHING</c>, so concurrent first reports never fail on a unique
/// key. When the agent exists (the usual case) a report costs three round trips: the locking read,
/// the saved changes in one batch (a new session's id comes from a hi/lo block, so its first entry
/// needs no RETURNING id first), the commit.
/// <see cref="QueuedReportTargets"/> queues one agent's reports in this process before this opens a
/// transaction; the row lock still serialises replicas.
/// </remarks>
internal sealed class PostgresReportTargets(KubeAgentsDbContext db) : IReportTargets
{
    public async Task<IReportTarget> AcquireAsync(string agentId, string sessionTopic, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var agent = await LockAgentWithSessionAsync(agentId, sessionTopic, cancellationToken).ConfigureAwait(false);
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
                agent = await LockAgentWithSessionAsync(agentId, sessionTopic, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Agent '{agentId}' vanished after its upsert.");
            }

            var session = agent.Sessions.SingleOrDefault();
            if (session is null)
            {
                // Holding the agent lock, no other report can insert this session now.
                session = Session.Open(agentId, sessionTopic, now);
                db.Sessions.Add(session);
            }

            return new Target(db, transaction, agent, session);
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// One statement: the agent, locked <c>FOR UPDATE</c>, with the report's session (if any) in
    /// <see cref="Agent.Sessions"/>. The session row is not locked: every writer of a session but
    /// the expiry sweeper holds its agent's lock, and <see cref="Target.CommitAsync"/> writes the
    /// expiry columns so that the sweeper's mark cannot survive a report that revived the session.
    /// </summary>
    private async Task<Agent?> LockAgentWithSessionAsync(string agentId, string sessionTopic, CancellationToken cancellationToken) =>
        (await db.Agents
            .FromSql($"SELECT * FROM agents WHERE agent_id = {agentId} FOR UPDATE")
            .Include(a => a.Sessions.Where(s => s.Topic == sessionTopic))
            .ToListAsync(cancellationToken).ConfigureAwait(false)).SingleOrDefault();

    private sealed class Target(KubeAgentsDbContext db, IDbContextTransaction transaction, Agent agent, Session session) : IReportTarget
    {
        public Agent Agent => agent;

        public Session Session => session;

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            // A failed save rolls the whole transaction back, so the savepoint EF would wrap it in
            // (two more statements per report) protects nothing.
            db.Database.AutoSavepointsEnabled = false;

            // The session was read without a row lock. Had the sweeper marked it expired meanwhile,
            // writing only the columns this report changed would leave that mark on a live session.
            var session = db.Entry(Session);
            if (session.State == EntityState.Modified)
            {
                session.Property(s => s.Expired).IsModified = true;
                session.Property(s => s.ExpiredAt).IsModified = true;
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Rolls back when CommitAsync did not run to the end.
        public ValueTask DisposeAsync() => transaction.DisposeAsync();
    }
}
