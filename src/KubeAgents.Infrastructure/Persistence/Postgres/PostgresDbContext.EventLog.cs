using KubeAgents.Infrastructure.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace KubeAgents.Infrastructure.Persistence.Postgres;

/// <summary>
/// The event log on PostgreSQL (ADR-009): writers put their events into an inbox with their batch,
/// and the event feed numbers committed ones into the log under an advisory lock.
/// </summary>
public sealed partial class PostgresDbContext
{
    /// <summary>The <c>LISTEN/NOTIFY</c> channel that announces committed events to every replica.</summary>
    public const string EventChannel = "kubeagents_events";

    /// <summary>The advisory lock a numberer of the event log holds from numbering events to its commit ("KAEV").</summary>
    internal const long EventLogLockKey = 0x4B414556;

    /// <summary>Where writers put their events, unnumbered (<c>seq</c> in insert order), until a numberer moves them into the log.</summary>
    internal const string EventInboxTable = "event_inbox";

    private const string EventFeedTag = EventFeed.QueryTag;

    /// <summary>The most events one numbering moves; its NOTIFY wakes the feeds to number the rest.</summary>
    internal const int EventsPerNumbering = 10_000;

    internal override async Task AppendEventsAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken)
    {
        using var batch = NewBatch();
        AddEventStatements(batch, events);
        await ExecuteAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The events into the inbox, with the batch, without any lock or NOTIFY: writers never wait for
    /// each other on the log, and PostgreSQL can merge their commits' WAL flushes. (A NOTIFY would undo
    /// that: PostgreSQL serialises the commits of notifying transactions on one lock, held through the
    /// WAL flush.) After the commit the writer wakes this replica's feed, which numbers what has
    /// committed and notifies the other replicas (<see cref="PublishPendingEventsAsync"/>).
    /// </summary>
    private void AddEventStatements(NpgsqlBatch batch, IReadOnlyList<EventRecord> events)
    {
        if (events.Count > 0)
        {
            PostgresRowWriter.AddInboxInsert(batch, Model.FindEntityType(typeof(EventRecord))!, events, EventInboxTable);
        }
    }

    /// <summary>
    /// The numbering's statements, in order: <see cref="KeyedPlansSql"/>, the event lock, the move.
    /// The setting answers no result, the lock one row and the move another.
    /// </summary>
    internal static IEnumerable<NpgsqlBatchCommand> NumberingCommands(IModel model)
    {
        yield return new NpgsqlBatchCommand(KeyedPlansSql);
        yield return new NpgsqlBatchCommand($"-- {EventFeedTag}\nSELECT pg_advisory_xact_lock({EventLogLockKey})");
        yield return PostgresRowWriter.MoveNumbered(model.FindEntityType(typeof(EventRecord))!, EventInboxTable, EventsPerNumbering, EventFeedTag);
    }

    /// <summary>
    /// Moves committed events from the inbox into the log, numbering them after its greatest id in
    /// inbox order, under the event lock held to commit. Only committed rows are visible to the move,
    /// and the next numberer (on any replica) waits for this commit before it reads the greatest id:
    /// ids follow the order in which events became visible, never skip an event that commits later,
    /// and readers that tail <c>id &gt; last</c> see no gap. Runs in the feed, off the request path.
    /// The same statement reads where the log then ends, so the feed needs no query of its own for it.
    /// The inbox holds a few live rows and, until each autovacuum pass, every moved one dead: the move
    /// reads it through its index (<see cref="KeyedPlansSql"/>), whatever its statistics say.
    /// </summary>
    /// <remarks>
    /// Raw Npgsql throughout, transaction included, like the row writer: background bookkeeping that EF
    /// tracks nothing of (and that EF's transaction interceptors, which see the requests' write
    /// transactions, need not see).
    /// </remarks>
    internal override async Task<long?> PublishPendingEventsAsync(CancellationToken cancellationToken)
    {
        await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = (NpgsqlConnection)Database.GetDbConnection();
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var batch = new NpgsqlBatch(connection, transaction);
                foreach (var command in NumberingCommands(Model))
                {
                    batch.BatchCommands.Add(command);
                }

                int moved;
                long newest;
                var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    // Past the lock's row to the move's one: how many it numbered, and the log's greatest id.
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    (moved, newest) = (reader.GetInt32(0), reader.GetInt64(1));
                }

                if (moved > 0)
                {
                    // Every replica's feed reads the newly numbered events.
                    using var notify = new NpgsqlBatch(connection, transaction);
                    notify.BatchCommands.Add(new NpgsqlBatchCommand($"-- {EventFeedTag}\nSELECT pg_notify('{EventChannel}', '')"));
                    await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Only once committed: a numbering rolled back would leave ids below it free to give again.
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return newest;
            }
        }
        finally
        {
            await Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }
}
