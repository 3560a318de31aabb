using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// The rule the sweeper's race rests on, enforced: on PostgreSQL a stored session is updated (through
/// the row writer or <c>SaveChanges</c>) only by a transaction that holds its agent
/// (<see cref="PostgresDbContext.LockAgentsAsync"/>). The row writer then writes every column of the
/// session, so a report that read a session before the sweeper marked it expired overwrites the mark
/// (a revival), and the sweeper's conditional update, which re-checks its condition on a row a
/// report holds, never undoes a report. A writer that skipped the lock could lose that race silently;
/// here it fails at once, naming the rule. The sweeper (one conditional <c>UPDATE</c>) and retention
/// (deletes under the same lock) write raw SQL and are not tracked.
/// </summary>
internal sealed class SessionWriterLock
{
    private readonly HashSet<string> _agents = new(StringComparer.Ordinal);
    private IDbContextTransaction? _transaction;

    /// <summary>Records that <paramref name="transaction"/> holds <paramref name="agentIds"/> (those not yet stored are inserted by it).</summary>
    public void Held(IDbContextTransaction transaction, IEnumerable<string> agentIds)
    {
        if (!ReferenceEquals(transaction, _transaction))
        {
            _transaction = transaction;
            _agents.Clear();
        }

        _agents.UnionWith(agentIds);
    }

    /// <summary>Throws if a stored session about to be updated through the tracker belongs to an agent the current transaction does not hold.</summary>
    public void EnsureHeld(IDbContextTransaction? transaction, IEnumerable<EntityEntry<Session>> entries) =>
        // A new session has no row the sweeper could mark (two inserts of one meet on the unique key).
        EnsureHeld(transaction, entries.Where(e => e.State == EntityState.Modified).Select(e => e.Entity));

    /// <summary>Throws if one of <paramref name="storedSessions"/>, about to be updated, belongs to an agent the current transaction does not hold.</summary>
    public void EnsureHeld(IDbContextTransaction? transaction, IEnumerable<Session> storedSessions)
    {
        foreach (var session in storedSessions)
        {
            if (transaction is null || !ReferenceEquals(transaction, _transaction) || !_agents.Contains(session.AgentId))
            {
                throw new InvalidOperationException(
                    $"A stored session of agent '{session.AgentId}' was about to be updated without holding its agent: every writer of a " +
                    "session holds it for its whole transaction (LockAgentsAsync), or a report could lose its race with the sweeper. See docs/architecture-stores.md.");
            }
        }
    }
}
