using System.Diagnostics;
using KubeAgents.Application.Common.Diagnostics;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Infrastructure.Diagnostics;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeAgents.Infrastructure.Reports;

/// <summary>
/// Applies one batch of queued reports in one transaction and settles every report's wait: committed,
/// or failed with its own error. <see cref="ReportWritePipeline"/> owns the queues that feed it.
/// </summary>
/// <remarks>
/// <para>Isolation: a batch that fails for a reason other than an unavailable store (a row the store
/// refuses) is rolled back and its reports applied one by one, so the bad one fails alone with its
/// own error. A batch that met another replica's transaction (a unique key both inserted, a
/// deadlock) is retried whole.</para>
/// <para>In doubt: a commit that throws may have committed. Such a batch is never retried, split or
/// re-applied here; its reports fail with 503 (docs/decisions/ADR-005-group-commit.md).</para>
/// </remarks>
internal sealed partial class ReportBatchApplier(
    IServiceScopeFactory scopes,
    WritePipelineOptions options,
    NotificationOutbox outbox,
    EventLogSignal eventSignal,
    TimeProvider time,
    KubeAgentsMetrics metrics,
    IStoreFailureClassifier storeFailures,
    ILogger logger)
{
    /// <summary>Applies a batch; every report's task ends completed or failed, never left waiting.</summary>
    public async Task ApplyAsync(List<PendingReport> batch)
    {
        // A root span of its own (a batch serves many requests), linked to each report's request span.
        using var activity = KubeAgentsActivitySource.Instance.HasListeners()
            ? KubeAgentsActivitySource.Instance.StartActivity(
                "write batch",
                ActivityKind.Internal,
                parentContext: default,
                tags: [new("kubeagents.batch.size", batch.Count)],
                links: [.. batch.Where(p => p.RequestContext != default).Select(p => new ActivityLink(p.RequestContext))])
            : null;
        bool notified;
        try
        {
            notified = await ApplyWithRetriesAsync(batch).ConfigureAwait(false);
        }
        catch (Exception ex) when (batch.Count > 1 && !storeFailures.IsUnavailable(ex) && ex is not CommitInDoubtException)
        {
            LogBatchSplit(batch.Count, ex.GetType().Name);
            await ApplyOneByOneAsync(batch).ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            PendingReport.Settle(batch, ex is CommitInDoubtException doubt ? doubt.ToUnavailable() : ex);
            return;
        }

        AfterCommit(batch, notified);
    }

    /// <summary>
    /// What follows a commit, for a batch or a single report: nothing here may fail (or re-apply) the
    /// reports, which are committed.
    /// </summary>
    private void AfterCommit(IReadOnlyList<PendingReport> committed, bool notified)
    {
        metrics.BatchCommitted(committed.Count);
        foreach (var pending in committed)
        {
            metrics.ReportCommitted(pending.Report.Report.Status, time.GetElapsedTime(pending.AcceptedAt));
        }

        eventSignal.Notify();
        PendingReport.Settle(committed);
        if (notified)
        {
            outbox.Wake();
        }
    }

    /// <summary>
    /// A refused batch, report by report, so only the bad one fails. Should the store become
    /// unavailable meanwhile, the reports not yet tried fail at once rather than each waiting out a timeout.
    /// </summary>
    private async Task ApplyOneByOneAsync(List<PendingReport> batch)
    {
        Exception? unavailable = null;
        foreach (var pending in batch)
        {
            if (unavailable is not null)
            {
                PendingReport.Settle([pending], unavailable);
                continue;
            }

            bool notified;
            try
            {
                notified = await ApplyWithRetriesAsync([pending]).ConfigureAwait(false);
            }
            catch (CommitInDoubtException ex)
            {
                PendingReport.Settle([pending], ex.ToUnavailable());
                continue;
            }
            catch (Exception ex)
            {
                unavailable = storeFailures.IsUnavailable(ex) ? ex : null;
                PendingReport.Settle([pending], ex);
                continue;
            }

            AfterCommit([pending], notified);
        }
    }

    /// <returns>Whether a notification became due.</returns>
    private async Task<bool> ApplyWithRetriesAsync(List<PendingReport> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            var scope = scopes.CreateAsyncScope();
            var committed = false;
            try
            {
                var db = scope.ServiceProvider.GetRequiredService<KubeAgentsDbContext>();
                try
                {
                    var notified = await ApplyOnceAsync(db, batch).ConfigureAwait(false);
                    committed = true;
                    return notified;
                }
                catch (Exception ex) when (attempt < options.ConflictRetries && db.IsWriteConflict(ex))
                {
                    LogConflictRetry(batch.Count, attempt + 1);
                }
            }
            finally
            {
                await DisposeAfterAsync(scope, committed).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A failure to clean up after the commit must not turn committed reports into failures (and a re-apply).</summary>
    private async Task DisposeAfterAsync(IAsyncDisposable resource, bool committed)
    {
        try
        {
            await resource.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (committed)
        {
            LogAfterCommit(ex);
        }
    }

    /// <returns>Whether a notification became due; the batch is committed when this returns.</returns>
    private async Task<bool> ApplyOnceAsync(KubeAgentsDbContext db, List<PendingReport> batch)
    {
        var transaction = await db.Database.BeginTransactionAsync().ConfigureAwait(false);
        var committed = false;
        try
        {
            // A failed save rolls the whole transaction back: a savepoint around it protects nothing.
            db.Database.AutoSavepointsEnabled = false;
            // The rows to write are named (BatchTargets.Rows) and loaded untracked; what the tracker holds
            // (a due notification) needs no detection either.
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var targets = await BatchTargets.LoadAsync(db, batch.Select(p => p.Report)).ConfigureAwait(false);
            var queued = outbox.Begin(db);
            // The events commit with the rows they describe, in the order the reports were applied.
            var events = new List<EventRecord>(batch.Count + 1);
            foreach (var pending in batch)
            {
                var report = pending.Report;
                var (agent, session, registered, outcome) = targets.Apply(report);
                await queued.QueueFinishedAsync(agent, session, outcome, report.ReceivedAt).ConfigureAwait(false);

                if (registered)
                {
                    events.Add(EventRecord.AgentRegistered(agent));
                }

                events.Add(EventRecord.ReportApplied(agent, session, report.Report, report.ReceivedAt));
            }

            await db.SaveReportBatchAsync(targets.Rows, events, CancellationToken.None).ConfigureAwait(false);
            try
            {
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (!storeFailures.IsRefusedCommit(ex))
            {
                // The store may have committed (an answer lost on the way back): never apply these again.
                throw new CommitInDoubtException(ex);
            }

            committed = true;
            eventSignal.Numbered(events[^1].Id);
            return queued.Queued > 0;
        }
        finally
        {
            // Rolls back when the commit was not reached.
            await DisposeAfterAsync(transaction, committed).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} reports failed ({Error}); applying them one by one")]
    private partial void LogBatchSplit(int count, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleaning up after a committed batch failed; the batch stays committed")]
    private partial void LogAfterCommit(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "A batch of {Count} reports met another writer; retry {Attempt}")]
    private partial void LogConflictRetry(int count, int attempt);
}
