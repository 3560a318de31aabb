using System.Diagnostics;
using System.Threading.Channels;
using KubeAgents.Application.Common.Exceptions;
using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Application.Reports;
using KubeAgents.Infrastructure.Diagnostics;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KubeAgents.Infrastructure.Reports;

/// <summary>
/// Group commit, the queues: reports queue on a bounded channel per writer; each writer loop takes
/// whatever has queued (up to <see cref="WritePipelineOptions.MaxBatch"/>) and hands it to
/// <see cref="ReportBatchApplier"/>, which applies it in one transaction. A report's task completes
/// only after its batch committed, so a 200 still means durable; fewer, larger transactions are what
/// make ingestion fast.
/// </summary>
/// <remarks>
/// <para>Order: an agent always hashes to the same writer, whose queue is FIFO, so one agent's reports
/// are applied in arrival order, and no two writers of this process ever hold the same agent.</para>
/// <para>Shutdown: the queues close, and what is queued is still committed, within the host's shutdown timeout.</para>
/// </remarks>
internal sealed partial class ReportWritePipeline : BackgroundService, IReportWriter
{
    /// <summary>Marks the batch's session read in the SQL (logs, pg_stat_statements, tests).</summary>
    internal const string SessionsQueryTag = "write pipeline: the batch's sessions";

    private readonly WritePipelineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ReportWritePipeline> _logger;
    private readonly ReportBatchApplier _batches;
    private readonly Channel<PendingReport>[] _queues;

    public ReportWritePipeline(
        IServiceScopeFactory scopes,
        IOptions<WritePipelineOptions> options,
        NotificationOutbox outbox,
        EventLogSignal eventSignal,
        TimeProvider time,
        KubeAgentsMetrics metrics,
        IStoreFailureClassifier storeFailures,
        ILogger<ReportWritePipeline> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _batches = new ReportBatchApplier(
            scopes, _options, outbox, eventSignal, time, metrics, storeFailures, logger);
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
                await _batches.ApplyAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The loop must outlive any failure: a dead writer would leave its queue waiting for ever.
                LogWriterFault(ex);
                PendingReport.Settle(batch, ex);
            }

            batch.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report queue full for {Seconds:0}s; answering 503")]
    private partial void LogQueueFull(double seconds);


    [LoggerMessage(Level = LogLevel.Error, Message = "A report writer failed outside any batch step; its batch failed and the writer goes on")]
    private partial void LogWriterFault(Exception exception);
}
