using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace KubeAgents.Infrastructure.Persistence.Stores;

/// <summary>
/// One transaction per report. The agent and session rows are created with
/// <c>INSERT ... ON CONFLICT DO NOTHING</c> (so concurrent first reports never fail on the unique
/// keys) and then locked <c>FOR UPDATE</c>, agent first, then session, the same order everywhere so
/// two reports cannot deadlock. Reports of other agents are not held up.
/// </summary>
internal sealed class PostgresReportTargets(KubeAgentsDbContext db) : IReportTargets
{
    public async Task<IReportTarget> AcquireAsync(string agentId, string sessionTopic, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var newAgent = Agent.Register(agentId, now);
            var newSession = Session.Open(agentId, sessionTopic, now);
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO agents (agent_id, registered, last_seen)
                VALUES ({newAgent.AgentId}, {newAgent.Registered}, {newAgent.LastSeen})
                ON CONFLICT (agent_id) DO NOTHING;
                INSERT INTO sessions (agent_id, topic, created, last_updated, ttl_minutes, expires_at, expired)
                VALUES ({newSession.AgentId}, {newSession.Topic}, {newSession.Created}, {newSession.LastUpdated},
                        {newSession.TtlMinutes}, {newSession.ExpiresAt}, {newSession.Expired})
                ON CONFLICT (agent_id, topic) DO NOTHING;
                """,
                cancellationToken).ConfigureAwait(false);

            // FromSql results must not be composed (FOR UPDATE, and a plain list keeps EF from wrapping it).
            var agent = (await db.Agents
                .FromSql($"SELECT * FROM agents WHERE agent_id = {agentId} FOR UPDATE")
                .ToListAsync(cancellationToken).ConfigureAwait(false)).Single();
            var session = (await db.Sessions
                .FromSql($"SELECT * FROM sessions WHERE agent_id = {agentId} AND topic = {sessionTopic} FOR UPDATE")
                .ToListAsync(cancellationToken).ConfigureAwait(false)).Single();

            return new Target(db, transaction, agent, session);
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class Target(KubeAgentsDbContext db, IDbContextTransaction transaction, Agent agent, Session session) : IReportTarget
    {
        public Agent Agent => agent;

        public Session Session => session;

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Rolls back when CommitAsync did not run to the end.
        public ValueTask DisposeAsync() => transaction.DisposeAsync();
    }
}
