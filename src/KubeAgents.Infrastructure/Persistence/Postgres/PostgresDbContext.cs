using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage;
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

    /// <summary>In foreign-key order: agents before their sessions, sessions before their entries.</summary>
    private static readonly Type[] RowTypes = [typeof(Agent), typeof(Session), typeof(StatusEntry)];

    internal override string LengthFunction => "char_length";

    /// <summary>
    /// The batch's agents, locked <c>FOR UPDATE</c> in id order: every writer of an agent's sessions
    /// holds it, and two replicas locking overlapping batches in one order cannot deadlock.
    /// </summary>
    internal override Task<List<Agent>> LockAgentsAsync(string[] sortedAgentIds, CancellationToken cancellationToken) =>
        Agents.FromSql($"SELECT * FROM agents WHERE agent_id = ANY({sortedAgentIds}) ORDER BY agent_id FOR UPDATE")
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Agents, sessions and status entries as one INSERT/UPDATE per table (<see cref="PostgresRowWriter"/>),
    /// sent in one round trip; anything else tracked (a due notification) through <c>SaveChanges</c>.
    /// </summary>
    internal override async Task SaveReportBatchAsync(CancellationToken cancellationToken)
    {
        ChangeTracker.DetectChanges();
        using var batch = new NpgsqlBatch((NpgsqlConnection)Database.GetDbConnection(), (NpgsqlTransaction?)Database.CurrentTransaction?.GetDbTransaction());
        var written = new List<EntityEntry>();
        foreach (var type in RowTypes)
        {
            var entries = ChangeTracker.Entries().Where(e => e.Metadata.ClrType == type && e.State is EntityState.Added or EntityState.Modified).ToList();
            PostgresRowWriter.AddStatements(batch, Model.FindEntityType(type)!, entries);
            written.AddRange(entries);
        }

        if (batch.BatchCommands.Count > 0)
        {
            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex)
            {
                // As SaveChanges reports a refused row, whatever wrote it.
                throw new DbUpdateException($"The store refused the batch's rows: {ex.MessageText}", ex);
            }
        }

        // Written: the rest of the unit of work must not write them again.
        written.ForEach(entry => entry.State = EntityState.Detached);
        await SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

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
