using System.Text.Json;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace KubeAgents.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The embedded store: SQLite in this process, on a temporary file or on <c>DB_FILE</c>. Instants are
/// stored as UTC ticks (SQLite cannot order or compare <see cref="DateTimeOffset"/>), so ordering,
/// keyset cursors and expiry run in SQL. Its migrations are in <c>Persistence/Sqlite/Migrations</c>.
/// </summary>
public sealed class SqliteDbContext : KubeAgentsDbContext
{
    public SqliteDbContext(DbContextOptions<SqliteDbContext> options)
        : base(options)
    {
        // A single-statement save would otherwise run without a transaction, its write lock taken by
        // the statement itself, outside the write gate (SqliteWriteGating). Set here, it is part of
        // the configuration a pooled context is reset to.
        Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
    }

    internal override string LengthFunction => "length";

    /// <summary>
    /// SQLite has one writer at a time: the write transaction (<c>BEGIN IMMEDIATE</c>) already holds
    /// the whole database, so the agents are simply read. Untracked, as the sessions: the batch
    /// writes the rows it names (<see cref="SqliteBatchWriter"/>). The ids go as one JSON array, as the
    /// sessions' pairs do: one SQL text and one parameter whatever the batch, where <c>Contains</c> made
    /// a parameter per id and a statement per padded count of ids. <c>IN</c>, not a join: an id given
    /// twice still reads its agent once.
    /// </summary>
    internal override Task<List<Agent>> LockAgentsAsync(string[] sortedAgentIds, CancellationToken cancellationToken) =>
        Agents
            .FromSql($"""
                SELECT a.* FROM agents AS a
                WHERE a.agent_id IN (SELECT value FROM json_each({JsonSerializer.Serialize(sortedAgentIds)}))
                """)
            .AsNoTracking()
            .ToListAsync(cancellationToken);

    /// <summary>
    /// The batch's exact (agent, topic) pairs, passed as one JSON array and joined to the unique
    /// (agent, topic) index: one index probe per pair. The former <c>agent_id IN (...) AND topic IN
    /// (...)</c> probed every combination of the batch's agents and topics, the square of the batch
    /// (1,024 probes for 32 fresh reports), for a result of at most one row per pair.
    /// </summary>
    internal override Task<List<Session>> LoadSessionsAsync(IReadOnlyList<(string AgentId, string Topic)> keys, CancellationToken cancellationToken) =>
        Sessions
            .FromSql($"""
                SELECT s.* FROM json_each({JsonSerializer.Serialize(keys.Select(k => new[] { k.AgentId, k.Topic }))}) AS pair
                JOIN sessions AS s ON s.agent_id = pair.value ->> 0 AND s.topic = pair.value ->> 1
                """)
            .AsNoTracking()
            .TagWith(ReportWritePipeline.SessionsQueryTag)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Read, then marked by id, and the agents' <c>live_session_count</c> counted again: exact, because
    /// the transaction (<c>BEGIN IMMEDIATE</c>) holds the database meanwhile.
    /// </summary>
    internal override async Task<List<ExpiredSession>> MarkExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = await Sessions
            .Where(s => !s.Expired)
            .Where(Session.ExpiredAsOf(now))
            .OrderBy(s => s.ExpiresAt).ThenBy(s => s.Id)
            .Select(s => new { s.Id, s.AgentId, s.Topic, s.ExpiresAt, s.CurrentStatus, s.CurrentStatusAt, s.LastUpdated })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (due.Count == 0)
        {
            return [];
        }

        var ids = due.Select(s => s.Id).ToArray();
        await Sessions
            .Where(s => ids.Contains(s.Id))
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Expired, true).SetProperty(s => s.ExpiredAt, s => s.ExpiresAt), cancellationToken)
            .ConfigureAwait(false);
        var agentIds = due.Select(s => s.AgentId).Distinct(StringComparer.Ordinal).ToArray();
        await Agents
            .Where(a => agentIds.Contains(a.AgentId))
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.LiveSessionCount, a => a.Sessions.Count(s => !s.Expired)), cancellationToken)
            .ConfigureAwait(false);
        return [.. due.Select(s => new ExpiredSession(s.AgentId, s.Topic, s.ExpiresAt, s.Id, s.CurrentStatus, s.CurrentStatusAt, s.LastUpdated))];
    }

    internal override async Task SaveReportBatchAsync(ReportBatchRows rows, IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        await AppendEventsAsync(events, cancellationToken).ConfigureAwait(false);
        await SqliteBatchWriter.WriteAsync(this, rows, cancellationToken).ConfigureAwait(false);
        // What else the unit of work tracks: a due notification (the outbox).
        if (ChangeTracker.HasChanges())
        {
            await SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Events numbered and written set-based (<see cref="SqliteEventInsert"/>), not one tracked row and
    /// statement per event, under the write lock of the batch or the sweep that appends them.
    /// </summary>
    internal override async Task AppendEventsAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        NumberEvents(await LastEventIdAsync(events, cancellationToken).ConfigureAwait(false), events);
        await SqliteEventInsert.InsertAsync(this, events, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Events are numbered as they are written: none wait.</summary>
    internal override Task<long?> PublishPendingEventsAsync(CancellationToken cancellationToken) => Task.FromResult<long?>(null);

    /// <summary>One writer at a time: no other transaction touches the same rows meanwhile.</summary>
    internal override bool IsWriteConflict(Exception exception) => false;

    /// <summary>
    /// The log's greatest id, read inside the write transaction. Numbering after it is exact here
    /// because SQLite serialises write transactions (<c>BEGIN IMMEDIATE</c>, and one writer loop):
    /// nothing can commit a number between this read and this transaction's commit.
    /// </summary>
    private async Task<long> LastEventIdAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken) =>
        events.Count == 0 ? 0 : await Events.MaxAsync(e => (long?)e.Id, cancellationToken).ConfigureAwait(false) ?? 0;

    private static void NumberEvents(long last, IReadOnlyList<EventRecord> events)
    {
        foreach (var record in events)
        {
            record.Id = ++last;
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }

    /// <summary>
    /// An instant as its UTC ticks: sortable, comparable, exact to 100 ns; read back in UTC. Internal,
    /// not private: the compiled model (<c>CompiledModel</c>) names it.
    /// </summary>
    internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks,
        ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
}
