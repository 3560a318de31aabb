using System.Diagnostics;
using System.Threading.Channels;
using KubeAgents.Application.Common.Diagnostics;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Reports;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Diagnostics;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Notifications;
using KubeAgents.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Reports;

/// <summary>
/// Group commit: reports queue on a bounded channel per writer; each writer loop takes whatever has
/// queued (up to <see cref="WritePipelineOptions.MaxBatch"/>) and applies it in one transaction with
/// one <c>SaveChanges</c>. A report's task completes only after its batch committed, so a 200 still
/// means durable; fewer, larger transactions are what make ingestion fast.
/// </summary>
/// <remarks>
/// <para>Order: an agent always hashes to the same writer, whose queue is FIFO, so one agent's reports
/// are applied in arrival order, and no two writers of this process ever hold the same agent.</para>
/// <para>Isolation: a batch that fails for a reason other than an unavailable store (a row the store
/// refuses) is rolled back and its reports applied one by one, so the bad one fails alone with its
/// own error. A batch that met another replica's transaction (a unique key both inserted, a
/// deadlock) is retried whole.</para>
/// <para>Shutdown: the queues close, and what is queued is still committed, within the host's shutdown timeout.</para>
/// </remarks>
internal sealed partial class ReportWritePipeline : BackgroundService, IReportWriter
{
    /// <summary>Marks the batch's session read in the SQL (logs, pg_stat_statements, tests).</summary>
    internal const string SessionsQueryTag = "write pipeline: the batch's sessions";

    private readonly IServiceScopeFactory _scopes;
    private readonly WritePipelineOptions _options;
    private readonly NotificationOutbox _outbox;
    private readonly EventLogSignal _eventSignal;
    private readonly TimeProvider _time;
    private readonly ILogger<ReportWritePipeline> _logger;
    private readonly KubeAgentsMetrics _metrics;
    private readonly Channel<PendingReport>[] _queues;

    public ReportWritePipeline(
        IServiceScopeFactory scopes,
        IOptions<WritePipelineOptions> options,
        NotificationOutbox outbox,
        EventLogSignal eventSignal,
        TimeProvider time,
        KubeAgentsMetrics metrics,
        ILogger<ReportWritePipeline> logger)
    {
        _scopes = scopes;
        _options = options.Value;
        _outbox = outbox;
        _eventSignal = eventSignal;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        var capacity = Math.Max(1, _options.QueueCapacity / _options.Writers);
        _queues = [.. Enumerable.Range(0, _options.Writers).Select(_ => Channel.CreateBounded<PendingReport>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }))];
        metrics.ObserveWriteQueue(() => QueueDepth);
    }

    /// <summary>Reports queued and not yet taken by a writer.</summary>
    public int QueueDepth => _queues.Sum(q => q.Reader.Count);

    public async Task WriteAsync(IncomingReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var pending = new PendingReport(report, _time.GetTimestamp(), Activity.Current?.Context ?? default);
        var queue = _queues[WriterOf(report.AgentId)].Writer;
        if (!queue.TryWrite(pending))
        {
            await WaitForRoomAsync(queue, pending, cancellationToken).ConfigureAwait(false);
        }

        // Not cancellable: once queued, the report is applied whether or not the client still waits.
        await pending.Committed.ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs until the queues are closed and drained (<see cref="StopAsync"/>), not until the stopping token.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_queues.Select(queue => Task.Run(() => RunWriterAsync(queue.Reader), CancellationToken.None)));

    private async Task WaitForRoomAsync(ChannelWriter<PendingReport> queue, PendingReport pending, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.QueueWait, _time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await queue.WriteAsync(pending, waiting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogQueueFull(_options.QueueWait.TotalSeconds);
            throw new ServiceUnavailableException("too many reports are waiting to be written; retry later");
        }
        catch (ChannelClosedException)
        {
            throw new ServiceUnavailableException("the service is shutting down; retry later");
        }
    }

    private int WriterOf(string agentId) =>
        _queues.Length == 1 ? 0 : (int)((uint)StringComparer.Ordinal.GetHashCode(agentId) % (uint)_queues.Length);

    private async Task RunWriterAsync(ChannelReader<PendingReport> queue)
    {
        var batch = new List<PendingReport>(_options.MaxBatch);
        while (await queue.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _options.MaxBatch && queue.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                await ApplyAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The loop must outlive any failure: a dead writer would leave its queue waiting for ever.
                LogWriterFault(ex);
                batch.ForEach(p => p.Fail(ex));
            }

            batch.Clear();
        }
    }

    /// <summary>Applies a batch; every report's task ends completed or failed, never left waiting.</summary>
    private async Task ApplyAsync(List<PendingReport> batch)
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
        catch (Exception ex) when (batch.Count > 1 && !DatabaseFailures.IsUnavailable(ex))
        {
            LogBatchSplit(batch.Count, ex.GetType().Name);
            await ApplyOneByOneAsync(batch).ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            batch.ForEach(p => p.Fail(ex));
            return;
        }

        // Committed: nothing after this point may fail (or re-apply) the batch.
        _metrics.BatchCommitted(batch.Count);
        _eventSignal.Notify();
        batch.ForEach(Complete);
        if (notified)
        {
            _outbox.Wake();
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
                pending.Fail(unavailable);
                continue;
            }

            try
            {
                var notified = await ApplyWithRetriesAsync([pending]).ConfigureAwait(false);
                _metrics.BatchCommitted(1);
                _eventSignal.Notify();
                Complete(pending);
                if (notified)
                {
                    _outbox.Wake();
                }
            }
            catch (Exception ex)
            {
                unavailable = DatabaseFailures.IsUnavailable(ex) ? ex : null;
                pending.Fail(ex);
            }
        }
    }

    private void Complete(PendingReport pending)
    {
        _metrics.ReportCommitted(pending.Report.Report.Status, _time.GetElapsedTime(pending.AcceptedAt));
        pending.Complete();
    }

    /// <returns>Whether a notification became due.</returns>
    private async Task<bool> ApplyWithRetriesAsync(List<PendingReport> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            var scope = _scopes.CreateAsyncScope();
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
                catch (Exception ex) when (attempt < _options.ConflictRetries && db.IsWriteConflict(ex))
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
            var targets = await BatchTargets.LoadAsync(db, batch.Select(p => p.Report)).ConfigureAwait(false);
            var outbox = _outbox.Begin(db);
            // The events commit with the rows they describe, in the order the reports were applied.
            var events = new List<EventRecord>(batch.Count + 1);
            foreach (var pending in batch)
            {
                var report = pending.Report;
                var (agent, session, registered) = targets.For(report);
                await outbox.QueueFinishedAsync(agent, session, report.ApplyTo(agent, session), report.ReceivedAt).ConfigureAwait(false);

                if (registered)
                {
                    events.Add(EventRecord.AgentRegistered(agent));
                }

                events.Add(EventRecord.ReportApplied(agent, session, report.Report, report.ReceivedAt));
            }

            await db.SaveReportBatchAsync(events, CancellationToken.None).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            committed = true;
            return outbox.Queued > 0;
        }
        finally
        {
            // Rolls back when the commit was not reached.
            await DisposeAfterAsync(transaction, committed).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report queue full for {Seconds:0}s; answering 503")]
    private partial void LogQueueFull(double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} reports failed ({Error}); applying them one by one")]
    private partial void LogBatchSplit(int count, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "A report writer failed outside any batch step; its batch failed and the writer goes on")]
    private partial void LogWriterFault(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleaning up after a committed batch failed; the batch stays committed")]
    private partial void LogAfterCommit(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "A batch of {Count} reports met another writer; retry {Attempt}")]
    private partial void LogConflictRetry(int count, int attempt);

    /// <summary>The agents and sessions of one batch, tracked; a missing one is created on first use.</summary>
    private sealed class BatchTargets(KubeAgentsDbContext db, Dictionary<string, Agent> agents, Dictionary<(string, string), Session> sessions)
    {
        /// <summary>Two queries whatever the batch: the agents, held (<see cref="KubeAgentsDbContext.LockAgentsAsync"/>), and their sessions.</summary>
        public static async Task<BatchTargets> LoadAsync(KubeAgentsDbContext db, IEnumerable<IncomingReport> reports)
        {
            var list = reports.ToList();
            var agentIds = list.Select(r => r.AgentId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            var topics = list.Select(r => r.SessionTopic).Distinct(StringComparer.Ordinal).ToArray();
            var agents = (await db.LockAgentsAsync(agentIds, CancellationToken.None).ConfigureAwait(false))
                .ToDictionary(a => a.AgentId, StringComparer.Ordinal);
            // A superset (every pair of the batch's agents and topics) in one indexed query.
            var sessions = (await db.Sessions
                    .TagWith(SessionsQueryTag)
                    .Where(s => agentIds.Contains(s.AgentId) && topics.Contains(s.Topic))
                    .ToListAsync(CancellationToken.None).ConfigureAwait(false))
                .ToDictionary(s => (s.AgentId, s.Topic));
            return new BatchTargets(db, agents, sessions);
        }

        /// <returns>The report's agent and session; <c>Registered</c> when this report registered the agent.</returns>
        public (Agent Agent, Session Session, bool Registered) For(IncomingReport report)
        {
            var registered = false;
            if (!agents.TryGetValue(report.AgentId, out var agent))
            {
                agent = Agent.Register(report.AgentId, report.ReceivedAt);
                db.Agents.Add(agent);
                agents.Add(agent.AgentId, agent);
                registered = true;
            }

            if (!sessions.TryGetValue((report.AgentId, report.SessionTopic), out var session))
            {
                session = Session.Open(report.AgentId, report.SessionTopic, report.ReceivedAt);
                db.Sessions.Add(session);
                sessions.Add((session.AgentId, session.Topic), session);
            }

            return (agent, session, registered);
        }
    }

    private sealed class PendingReport(IncomingReport report, long acceptedAt, ActivityContext requestContext)
    {
        private readonly TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IncomingReport Report => report;

        /// <summary>When it was queued, as a <see cref="TimeProvider.GetTimestamp"/>.</summary>
        public long AcceptedAt => acceptedAt;

        public Task Committed => _committed.Task;

        /// <summary>The span of the request that queued it (none when tracing is off).</summary>
        public ActivityContext RequestContext => requestContext;

        public void Complete() => _committed.TrySetResult();

        public void Fail(Exception exception) => _committed.TrySetException(exception);
    }
}
