using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// The PostgreSQL store: instants are <c>timestamptz</c>, session ids come from a hi/lo sequence,
/// entry ids from an identity column. Its migrations are in <c>Persistence/Postgres/Migrations</c>.
/// </summary>
public sealed class PostgresDbContext(DbContextOptions<PostgresDbContext> options) : KubeAgentsDbContext(options)
{
    public const string HiLoSequence = "sessions_hilo";

    /// <summary>Ids one process reserves per sequence call (a restart leaves at most this many unused).</summary>
    public const int HiLoBlockSize = 50;

    internal override string LengthFunction => "char_length";

    /// <summary>
    /// The batch's agents, locked <c>FOR UPDATE</c> in id order: every writer of an agent's sessions
    /// holds it, and two replicas locking overlapping batches in one order cannot deadlock.
    /// </summary>
    internal override Task<List<Agent>> LockAgentsAsync(string[] sortedAgentIds, CancellationToken cancellationToken) =>
        Agents.FromSql($"SELECT * FROM agents WHERE agent_id = ANY({sortedAgentIds}) ORDER BY agent_id FOR UPDATE")
            .ToListAsync(cancellationToken);

    /// <summary>Two replicas inserted the same new agent or session, or deadlocked: the batch is retried.</summary>
    internal override bool IsWriteConflict(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure })
            {
                return true;
            }
        }

        return false;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.HasSequence<long>(HiLoSequence).IncrementsBy(HiLoBlockSize);
        // A new session's id is known before it is inserted, so its first status entry goes in the
        // same batch instead of waiting for RETURNING id.
        modelBuilder.Entity<Session>().Property(s => s.Id).UseHiLo(HiLoSequence);
        modelBuilder.Entity<StatusEntry>().Property(e => e.Id).UseIdentityAlwaysColumn();
    }
}
