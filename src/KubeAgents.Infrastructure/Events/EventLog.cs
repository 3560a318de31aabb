using System.Security.Cryptography;
using KubeAgents.Application.Events;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Events;

/// <summary>
/// The <c>events</c> table as the feed and its subscribers read it, in the ids clients see: the stored
/// id plus <see cref="IdBase"/>. Every statement carries <see cref="EventFeed.QueryTag"/>.
/// </summary>
/// <remarks>
/// On a durable store (PostgreSQL, <c>DB_FILE</c>) the base is 0: ids are the stored ones, as before,
/// and continue across restarts. The temporary store's table starts empty at every start, so its ids
/// would start again at 1 and a client's id from before the restart would name an unrelated event;
/// there the base is drawn at random per process (a multiple of 2^22 below 2^52, so ids stay exact
/// in JavaScript), which puts every id of an earlier process outside this log (ADR-009).
/// </remarks>
internal sealed class EventLog(IServiceScopeFactory scopes, TimeProvider time, IOptions<EventStreamOptions> options)
{
    public const int PageSize = 1000;

    private readonly EventStreamOptions _options = options.Value;

    /// <summary>Added to every stored id; 0 on a durable store.</summary>
    public long IdBase { get; } = options.Value.TemporaryLog ? (long)RandomNumberGenerator.GetInt32(1 << 20, 1 << 30) << 22 : 0;

    /// <summary>
    /// Whether resuming after <paramref name="id"/> is valid in this log, whose newest event is
    /// <paramref name="newest"/>: 0 (the log's start), or an id this log may have issued.
    /// </summary>
    public bool CanResumeAfter(long id, long newest) => id == 0 || (id >= IdBase && id <= newest);

    /// <summary>The newest event's id; <see cref="IdBase"/> when the log is empty.</summary>
    public Task<long> NewestAsync(CancellationToken cancellationToken) =>
        QueryAsync(async db => IdBase + (await db.Events.TagWith(EventFeed.QueryTag).MaxAsync(e => (long?)e.Id, cancellationToken).ConfigureAwait(false) ?? 0));

    /// <summary>
    /// Gives committed events a store left unnumbered (PostgreSQL's inbox) their place in the log, and
    /// returns the newest event's id as that left it; null where the store numbers as it writes (SQLite).
    /// </summary>
    public async Task<long?> NumberPendingAsync(CancellationToken cancellationToken) =>
        await QueryAsync(db => db.PublishPendingEventsAsync(cancellationToken)).ConfigureAwait(false) is { } stored ? IdBase + stored : null;

    /// <summary>Events with <paramref name="afterId"/> &lt; id ≤ <paramref name="upToId"/> matching the filter (all when null), a page at a time.</summary>
    public Task<List<StreamEvent>> ReadAsync(EventFilter? filter, long afterId, long upToId, CancellationToken cancellationToken) =>
        QueryAsync(async db =>
        {
            var (after, upTo) = (afterId - IdBase, upToId - IdBase);
            var query = db.Events.TagWith(EventFeed.QueryTag).AsNoTracking().Where(e => e.Id > after && e.Id <= upTo);
            if (filter?.AgentId is { } agentId)
            {
                query = query.Where(e => e.AgentId == agentId);
            }

            if (filter?.SessionTopic is { } topic)
            {
                query = query.Where(e => e.SessionTopic == topic);
            }

            var rows = await query.OrderBy(e => e.Id).Take(PageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
            return rows.ConvertAll(r => r.ToStreamEvent(IdBase));
        });

    /// <summary>
    /// Lets go of the log's oldest events, given the newest event published: those older than the
    /// retention age and beyond the retained count, up to the first event either rule keeps.
    /// </summary>
    /// <remarks>
    /// A prefix, found by key: the log's first event and the first one retention keeps are read in id
    /// order from the log's start, and what lies between them is deleted as one range of the key. A
    /// pass reads about as many events as it deletes. A single <c>DELETE … WHERE id &lt;= … AND
    /// occurred_at &lt; …</c> read every retained event to find none old enough: under fresh ingestion
    /// on PostgreSQL, 97 ms of a core once a minute at 226,000 events, and at a steady rate the whole
    /// retention window, 10 minutes of reports (docs/benchmarks.md, round 14). The range has both
    /// bounds because PostgreSQL estimates one bound alone, on a table not yet analyzed, at a third of
    /// it, and would scan it. An event stamped older than one before it (batches commit a few
    /// milliseconds out of their clocks' order) goes in a later pass, once that one ages: a client
    /// resuming from any retained id still replays an unbroken run. An event stamped ahead of this
    /// clock (another replica's clock ahead, or this one stepped back) keeps nothing behind it, or
    /// the log would grow past the retained count for as long as the clocks disagree.
    /// </remarks>
    /// <returns>How many events this call deleted.</returns>
    public async Task<int> PruneAsync(long newest, CancellationToken cancellationToken)
    {
        var keepFrom = newest - IdBase - _options.RetentionCount;
        if (keepFrom <= 0)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var cutoff = now - _options.RetentionAge;
        return await QueryAsync(async db =>
        {
            var span = await db.Events.TagWith(EventFeed.QueryTag)
                .OrderBy(e => e.Id)
                .Select(e => new
                {
                    First = e.Id,
                    Kept = db.Events
                        .Where(k => k.Id <= keepFrom && k.OccurredAt >= cutoff && k.OccurredAt <= now)
                        .OrderBy(k => k.Id).Select(k => (long?)k.Id).FirstOrDefault(),
                })
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            var end = span?.Kept ?? keepFrom + 1;
            return span is null || end <= span.First
                ? 0
                : await db.Events.TagWith(EventFeed.QueryTag).Where(e => e.Id >= span.First && e.Id < end).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task<T> QueryAsync<T>(Func<KubeAgentsDbContext, Task<T>> query)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            return await query(scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>()).ConfigureAwait(false);
        }
    }
}
