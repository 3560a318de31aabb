using System.Diagnostics;
using KubeAgents.Application.Reports;

namespace KubeAgents.Infrastructure.Reports;

/// <summary>A queued report and the request waiting for its batch to commit.</summary>
internal sealed class PendingReport(IncomingReport report, long acceptedAt, ActivityContext requestContext)
{
    // Continuations run where the report is settled: Settle hands each batch's waiters to a few
    // thread-pool work items, not one work item per report (RunContinuationsAsynchronously would).
    private readonly TaskCompletionSource _committed = new(TaskCreationOptions.None);

    public IncomingReport Report => report;

    /// <summary>When it was queued, as a <see cref="TimeProvider.GetTimestamp"/>.</summary>
    public long AcceptedAt => acceptedAt;

    public Task Committed => _committed.Task;

    /// <summary>The span of the request that queued it (none when tracing is off).</summary>
    public ActivityContext RequestContext => requestContext;

    /// <summary>
    /// Completes (or fails, with <paramref name="failure"/>) every report of <paramref name="reports"/>
    /// off the caller's thread, in one work item per processor: each waiter's continuation (the rest of
    /// its request) then runs inline in its chunk, so a batch costs a few thread-pool hops, not one per
    /// report, and the writer goes back to its queue at once.
    /// </summary>
    public static void Settle(IReadOnlyList<PendingReport> reports, Exception? failure = null)
    {
        var all = reports.ToArray();
        var chunks = Math.Min(all.Length, Environment.ProcessorCount);
        for (var c = 0; c < chunks; c++)
        {
            var (start, end) = (all.Length * c / chunks, all.Length * (c + 1) / chunks);
            ThreadPool.UnsafeQueueUserWorkItem(new Chunk(all, start, end, failure), preferLocal: false);
        }
    }

    private sealed class Chunk(PendingReport[] reports, int start, int end, Exception? failure) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            for (var i = start; i < end; i++)
            {
                if (failure is null)
                {
                    reports[i]._committed.TrySetResult();
                }
                else
                {
                    reports[i]._committed.TrySetException(failure);
                }
            }
        }
    }
}
