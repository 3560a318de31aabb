using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// The PostgreSQL store: instants are <c>timestamptz</c>, session ids come from a hi/lo sequence,
/// entry ids from an identity column. Its migrations are in <c>Persistence/Postgres/Migrations</c>.
/// </summary>
public sealed partial class PostgresDbContext(DbContextOptions<PostgresDbContext> options) : KubeAgentsDbContext(options)
{
    public const string HiLoSequence = "sessions_hilo";

    /// <summary>Ids one process reserves per sequence call (a restart leaves at most this many unused).</summary>
    public const int HiLoBlockSize = 50;

    /// <summary>Which agents this context holds, and in which transaction: every writer of a session must hold its agent.</summary>
    private readonly SessionWriterLock _sessionWriters = new();

    internal override string LengthFunction => "char_length";

    /// <summary>Refuses a session written without its agent held (<see cref="SessionWriterLock"/>), whatever saves it.</summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        _sessionWriters.EnsureHeld(Database.CurrentTransaction, ChangeTracker.Entries<Session>());
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <inheritdoc cref="SaveChanges(bool)"/>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        _sessionWriters.EnsureHeld(Database.CurrentTransaction, ChangeTracker.Entries<Session>());
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Set first in the transactions that read and write rows by key, a batch's write, the event
    /// feed's numbering and the sweep (<see cref="DueAgentsSql"/>): their statements are planned with
    /// index paths only. They are prepared, and the generic plan PostgreSQL caches while a table is
    /// young (empty, or never analyzed) is a seq scan, kept until autovacuum's first pass a minute or
    /// more later. Meanwhile the agents and the event
    /// inbox fill with dead rows (every batch updates its agents, every event passes through the inbox),
    /// so those scans grow with every report: before this, the move out of the inbox took 8–10 ms and
    /// the agents' lock and update 1.2–1.3 ms each, against well under 1 ms once analyzed, most of both
    /// cores' time (docs/benchmarks.md, round 13). <c>LOCAL</c>: it ends with the transaction, though a
    /// plan made under it stays with its prepared statement. The one read there that is not by key, a
    /// finished session's read of every notification route, reads the same few rows through their key's
    /// index (and so does the sweeper's, which runs the same statement).
    /// </summary>
    internal const string KeyedPlansSql = "SET LOCAL enable_seqscan = off";

    /// <summary>The agents <c>{0}</c> (an array), locked in the index's order; <see cref="KeyedPlansSql"/> first.</summary>
    internal const string LockAgentsSql = KeyedPlansSql + ";\nSELECT * FROM agents WHERE agent_id = ANY({0}) ORDER BY agent_id FOR UPDATE";

    /// <summary>
    /// The batch's agents, locked <c>FOR UPDATE</c> in id order: every writer of an agent's sessions
    /// holds it, and two replicas locking overlapping batches in one order cannot deadlock. The first
    /// statement of the batch's transaction, so it also sets <see cref="KeyedPlansSql"/> for the rest.
    /// </summary>
    internal override async Task<List<Agent>> LockAgentsAsync(string[] sortedAgentIds, CancellationToken cancellationToken)
    {
        // Outside a transaction FOR UPDATE holds nothing past its own statement, nor SET LOCAL anything.
        var transaction = Database.CurrentTransaction
            ?? throw new InvalidOperationException("LockAgentsAsync holds its agents until the transaction ends: begin one first.");

        // One parameter, the array (not its elements as parameters).
        var agents = await Agents.FromSqlRaw(LockAgentsSql, new object[] { sortedAgentIds })
            .AsNoTracking()
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        _sessionWriters.Held(transaction, sortedAgentIds);
        return agents;
    }

    /// <summary>The sessions of the pairs <c>{0}</c> (agent ids) and <c>{1}</c> (topics), arrays of one length.</summary>
    internal const string SessionsByPairsSql =
        "SELECT s.* FROM unnest({0}, {1}) AS k(agent_id, topic) " +
        "CROSS JOIN LATERAL (SELECT * FROM sessions AS x WHERE x.agent_id = k.agent_id AND x.topic = k.topic LIMIT 1) AS s";

    /// <summary>
    /// The exact pairs, each probing the unique (agent, topic) index once: a cost that does not grow
    /// with the sessions stored. Not <c>agent_id = ANY(...) AND topic = ANY(...)</c> (every session of
    /// the batch's agents), and not a plain join to <c>unnest</c> either: the statement is prepared,
    /// and the generic plan PostgreSQL caches while the table is still small is a hash join over a
    /// seq scan of every session, kept until autovacuum's first pass a minute or more later. The
    /// lateral subquery with <c>LIMIT 1</c> (the pair is unique) cannot be flattened into a join, so
    /// every plan is a nested loop of index probes (docs/benchmarks.md, "stale generic plans").
    /// </summary>
    internal override Task<List<Session>> LoadSessionsAsync(IReadOnlyList<(string AgentId, string Topic)> keys, CancellationToken cancellationToken)
    {
        var agentIds = keys.Select(k => k.AgentId).ToArray();
        var topics = keys.Select(k => k.Topic).ToArray();
        return Sessions
            .FromSqlRaw(SessionsByPairsSql, agentIds, topics)
            .AsNoTracking()
            .TagWith(ReportWritePipeline.SessionsQueryTag)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Agents, sessions and status entries as one INSERT/UPDATE per table (<see cref="PostgresRowWriter"/>),
    /// sent in one round trip with the batch's events; anything else tracked (a due notification)
    /// through <c>SaveChanges</c>. The rows are the ones the batch names, loaded untracked, as on the
    /// embedded store: adding them to EF's tracker (graph attach, snapshots, change detection) for
    /// their hi/lo ids cost about a tenth of the service's CPU under fresh ingestion (docs/benchmarks.md).
    /// </summary>
    internal override async Task SaveReportBatchAsync(ReportBatchRows rows, IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        await NumberAsync(rows, cancellationToken).ConfigureAwait(false);
        _sessionWriters.EnsureHeld(Database.CurrentTransaction, rows.ChangedSessions);
        using var batch = NewBatch();
        // In foreign-key order: agents before their sessions, sessions before their entries.
        PostgresRowWriter.AddStatements(batch, Model.FindEntityType(typeof(Agent))!, rows.AddedAgents, rows.ChangedAgents);
        PostgresRowWriter.AddStatements(batch, Model.FindEntityType(typeof(Session))!, rows.AddedSessions, rows.ChangedSessions);
        PostgresRowWriter.AddStatements(batch, Model.FindEntityType(typeof(StatusEntry))!, rows.AddedEntries, []);
        AddEventStatements(batch, events);
        await ExecuteAsync(batch, cancellationToken).ConfigureAwait(false);
        if (ChangeTracker.HasChanges())
        {
            await SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Gives each new session its id from this process's hi/lo blocks (<see cref="SessionIdBlocks"/>),
    /// and each new entry its session's id. Entry ids are the identity column's, filled by the insert.
    /// </summary>
    private async Task NumberAsync(ReportBatchRows rows, CancellationToken cancellationToken)
    {
        var ids = await this.GetService<SessionIdBlocks>().TakeAsync(rows.AddedSessions.Count, NextHiLoBlockAsync, cancellationToken).ConfigureAwait(false);
        BatchRowIds.Assign(Model, rows, ids);
    }

    /// <summary>The hi/lo sequence's next value: the first id of a new block. Through EF, as EF's own hi/lo generator reads it.</summary>
    private Task<long> NextHiLoBlockAsync(CancellationToken cancellationToken) =>
        Database.SqlQueryRaw<long>(NextHiLoBlockSql).SingleAsync(cancellationToken);

    private const string NextHiLoBlockSql = "SELECT nextval('\"" + HiLoSequence + "\"') AS \"Value\"";

    /// <summary>
    /// The agents with sessions due at <c>{0}</c>: a range of the live sessions' index by expiry, under
    /// <see cref="KeyedPlansSql"/> (the sweep transaction's first statement). One statement that also
    /// locked them (agents <c>IN</c> this) was planned, on tables not yet analyzed, as a walk over every
    /// agent, and under ingestion the agents hold more dead rows than live ones until autovacuum's
    /// first pass: 38 ms once a minute at 225,000 sessions (docs/benchmarks.md, round 14).
    /// </summary>
    internal const string DueAgentsSql = KeyedPlansSql + ";\nSELECT DISTINCT agent_id AS \"Value\" FROM sessions WHERE NOT expired AND expires_at < {0}";

    /// <summary>
    /// The agents of the due sessions (<see cref="DueAgentsSql"/>) are locked first, by the lock every
    /// report batch takes (<see cref="LockAgentsAsync"/>): no batch writes their sessions or live counts
    /// meanwhile, and the two never deadlock. Then one statement marks the due sessions of those
    /// agents and lowers each agent's <c>live_session_count</c> by the sessions it marked. PostgreSQL
    /// re-checks the condition on each row as it is when updated, so a session revived before the lock
    /// is neither marked nor returned, and with several replicas each row is returned by exactly one sweeper.
    /// </summary>
    internal override async Task<List<ExpiredSession>> MarkExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var utcNow = now.ToUniversalTime();
        var agents = await Database.SqlQueryRaw<string>(DueAgentsSql, utcNow).ToArrayAsync(cancellationToken).ConfigureAwait(false);
        if (agents.Length == 0)
        {
            return [];
        }

        Array.Sort(agents, StringComparer.Ordinal);
        await LockAgentsAsync(agents, cancellationToken).ConfigureAwait(false);

        await using var command = Database.GetDbConnection().CreateCommand();
        command.Transaction = Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = """
            WITH marked AS (
                UPDATE sessions SET expired = TRUE, expired_at = expires_at
                WHERE NOT expired AND expires_at < @now AND agent_id = ANY (@agents)
                RETURNING agent_id, topic, expires_at, id, current_status, current_status_at, last_updated),
            counted AS (
                UPDATE agents SET live_session_count = agents.live_session_count - m.n
                FROM (SELECT agent_id, count(*)::int AS n FROM marked GROUP BY agent_id) m
                WHERE agents.agent_id = m.agent_id)
            SELECT * FROM marked
            """;
        command.Parameters.Add(new NpgsqlParameter("now", utcNow));
        command.Parameters.Add(new NpgsqlParameter("agents", agents));
        var expired = new List<ExpiredSession>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            expired.Add(new ExpiredSession(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetInt64(3),
                !reader.IsDBNull(4) && SessionStatusExtensions.TryParseWireName(reader.GetString(4), out var status) ? status : null,
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return [.. expired.OrderBy(e => e.ExpiredAt).ThenBy(e => e.AgentId, StringComparer.Ordinal).ThenBy(e => e.Topic, StringComparer.Ordinal)];
    }

    private NpgsqlBatch NewBatch() =>
        new((NpgsqlConnection)Database.GetDbConnection(), (NpgsqlTransaction?)Database.CurrentTransaction?.GetDbTransaction());

    private static async Task ExecuteAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        if (batch.BatchCommands.Count == 0)
        {
            return;
        }

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
        // An agent's history with ?status=: one range, not the agent's whole timeline fetched and filtered
        // (7-10 ms p50 at 10 million entries when 1% match). Here only: SQLite's ingestion pays for every index.
        modelBuilder.Entity<StatusEntry>().HasIndex(e => new { e.AgentId, e.Status, e.Timestamp, e.Id })
            .IsDescending(false, false, true, true).HasDatabaseName("ix_status_entries_agent_status_timeline");
        modelBuilder.ApplyConfiguration(new AgentSearchKeyConfiguration());
    }
}
