using KubeAgents.Infrastructure.Diagnostics;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Retention;

/// <summary>What one retention run deleted.</summary>
public sealed record RetentionResult(int StatusEntries, int Sessions, int Agents, int Notifications)
{
    public int Total => StatusEntries + Sessions + Agents + Notifications;
}

/// <summary>
/// Deletes history older than <c>HISTORY_RETENTION_DAYS</c> every hour (<see cref="RetentionOptions.Interval"/>):
/// old status entries except each session's current one, then sessions expired for longer than that
/// (by then each has only its current entry left), then agents with no session left and not seen for
/// that long, and finished notifications. Every statement deletes at most <see cref="BatchSize"/> rows
/// and commits on its own, so the write pipeline never waits long behind it; several replicas may run
/// it at once (PostgreSQL: rows another replica or a writer holds are skipped, and taken next time).
/// <see cref="HistoryRetentionSchedule"/> runs it.
/// </summary>
public sealed partial class HistoryRetention(
    IServiceScopeFactory scopeFactory,
    TimeProvider time,
    IOptions<RetentionOptions> options,
    KubeAgentsMetrics metrics,
    ILogger<HistoryRetention> logger)
{
    /// <summary>Most rows one statement deletes.</summary>
    public const int BatchSize = 1000;

    /// <summary>One run at the current time, every step until nothing old is left.</summary>
    public async Task<RetentionResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Period;
        var scope = scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var store = scope.ServiceProvider.GetRequiredService<IRetentionStore>();
            // In this order: a session's own entries go first, so deleting it cascades to one row at most.
            var entries = await RepeatAsync("status_entries", EntriesInOnePass(store), cutoff, BatchSize, cancellationToken).ConfigureAwait(false);
            // Half as many sessions: each takes its remaining entry with it (a cascade of the same statement).
            var sessions = await RepeatAsync("sessions", store.DeleteSessionsAsync, cutoff, BatchSize / 2, cancellationToken).ConfigureAwait(false);
            var agents = await RepeatAsync("agents", store.DeleteAgentsAsync, cutoff, BatchSize, cancellationToken).ConfigureAwait(false);
            var notifications = await RepeatAsync("notifications", store.DeleteFinishedNotificationsAsync, cutoff, BatchSize, cancellationToken).ConfigureAwait(false);
            var result = new RetentionResult(entries, sessions, agents, notifications);
            LogRun(options.Value.Days ?? 0, cutoff, entries, sessions, agents, notifications);
            return result;
        }
    }

    /// <summary>The status-entry step of one run: the oldest entries first, each batch from where the one before ended.</summary>
    private static Func<DateTimeOffset, int, CancellationToken, Task<int>> EntriesInOnePass(IRetentionStore store)
    {
        var from = DateTimeOffset.MinValue;
        return async (cutoff, limit, cancellationToken) =>
        {
            var batch = await store.DeleteStatusEntriesAsync(cutoff, from, limit, cancellationToken).ConfigureAwait(false);
            from = batch.Through ?? from;
            return batch.Deleted;
        };
    }

    private async Task<int> RepeatAsync(
        string table,
        Func<DateTimeOffset, int, CancellationToken, Task<int>> step,
        DateTimeOffset cutoff,
        int limit,
        CancellationToken cancellationToken)
    {
        var total = 0;
        int deleted;
        do
        {
            deleted = await step(cutoff, limit, cancellationToken).ConfigureAwait(false);
            total += deleted;
            metrics.RowsDeleted(table, deleted);
        }
        while (deleted == limit);

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Retention ({Days} days, before {Cutoff:O}) deleted {StatusEntries} status entries, {Sessions} sessions, {Agents} agents, {Notifications} notifications")]
    private partial void LogRun(int days, DateTimeOffset cutoff, int statusEntries, int sessions, int agents, int notifications);
}
