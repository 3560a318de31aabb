using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Persistence.Configurations;
using KubeAgents.Infrastructure.Reports;
using Microsoft.EntityFrameworkCore;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// The one model both stores share: tables, keys, unique indexes, check rules. Each store derives its
/// own context (<c>Persistence/Postgres</c>, <c>Persistence/Sqlite</c>) for what only it has — the SQL
/// spelling of a check, how ids and instants are stored — and owns its own migrations.
/// </summary>
public abstract class KubeAgentsDbContext(DbContextOptions options) : DbContext(options), IApplicationDbContext
{
    public DbSet<Agent> Agents => Set<Agent>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<StatusEntry> StatusEntries => Set<StatusEntry>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<NotificationRoute> NotificationRoutes => Set<NotificationRoute>();
    /// <summary>The event log behind <c>/api/events</c>.</summary>
    internal DbSet<EventRecord> Events => Set<EventRecord>();

    /// <summary>The store's SQL function for a string's length in characters, used by check constraints.</summary>
    internal abstract string LengthFunction { get; }

    /// <summary>
    /// Loads the existing agents among <paramref name="sortedAgentIds"/> and holds them for this
    /// transaction, so no other writer changes them or their sessions until it ends. Untracked: the
    /// pipeline names what it creates and changes (<see cref="SaveReportBatchAsync"/> writes exactly
    /// that), and tracking the targets cost about a tenth of the service's CPU per report on each
    /// store (docs/benchmarks.md).
    /// </summary>
    internal abstract Task<List<Agent>> LockAgentsAsync(string[] sortedAgentIds, CancellationToken cancellationToken);

    /// <summary>
    /// Loads the existing sessions among <paramref name="keys"/>, (agent id, topic) pairs, untracked as the agents,
    /// for the write pipeline: one indexed query whatever the batch, whose cost must not grow with the
    /// sessions already stored. Its SQL carries <c>ReportWritePipeline.SessionsQueryTag</c>.
    /// </summary>
    internal abstract Task<List<Session>> LoadSessionsAsync(IReadOnlyList<(string AgentId, string Topic)> keys, CancellationToken cancellationToken);

    /// <summary>
    /// Saves what a batch of reports created and changed (<paramref name="rows"/>), and anything else
    /// the unit of work tracks (a due notification), and appends its <paramref name="events"/> to the
    /// log, inside the writer's transaction. How events get their
    /// numbers is the store's to decide: the numbering must stay gap-free and in commit order under as
    /// many concurrent writers as the store runs (<c>WritePipelineOptions.Writers</c>).
    /// </summary>
    internal abstract Task SaveReportBatchAsync(ReportBatchRows rows, IReadOnlyList<EventRecord> events, CancellationToken cancellationToken);

    /// <summary>Appends <paramref name="events"/> to the log inside the current transaction (the sweeper's), numbered as <see cref="SaveReportBatchAsync"/> numbers them.</summary>
    internal abstract Task AppendEventsAsync(IReadOnlyList<EventRecord> events, CancellationToken cancellationToken);

    /// <summary>
    /// Gives committed events their place in the log, for a store that writes them unnumbered first,
    /// and returns the log's greatest stored id as that numbering left it, once committed. The event
    /// feed calls it before each read of the log. A store that numbers events as it writes them has
    /// nothing to do and returns null (the feed learns where the log ends from the commit's signal).
    /// </summary>
    internal abstract Task<long?> PublishPendingEventsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Marks expired every live session whose TTL has passed at <paramref name="now"/>, inside the
    /// current transaction, and returns exactly the sessions this call changed, oldest expiry first.
    /// </summary>
    internal abstract Task<List<ExpiredSession>> MarkExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// True when the failure came from another transaction of the same rows (a replica, another
    /// writer): the write pipeline retries the batch. A store whose writers never meet says false.
    /// </summary>
    internal abstract bool IsWriteConflict(Exception exception);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new AgentConfiguration(LengthFunction));
        modelBuilder.ApplyConfiguration(new SessionConfiguration(LengthFunction));
        modelBuilder.ApplyConfiguration(new StatusEntryConfiguration());
        modelBuilder.ApplyConfiguration(new NotificationConfiguration());
        modelBuilder.ApplyConfiguration(new NotificationRouteConfiguration(LengthFunction));
        modelBuilder.ApplyConfiguration(new ApiKeyConfiguration(LengthFunction));
        modelBuilder.ApplyConfiguration(new EventRecordConfiguration());
    }
}

/// <summary>A session the sweeper just marked expired, with what a silent alert needs: its status when it went quiet and its last report.</summary>
internal sealed record ExpiredSession(
    string AgentId, string Topic, DateTimeOffset ExpiredAt, long SessionId, SessionStatus? CurrentStatus, DateTimeOffset? CurrentStatusAt, DateTimeOffset LastUpdated);
