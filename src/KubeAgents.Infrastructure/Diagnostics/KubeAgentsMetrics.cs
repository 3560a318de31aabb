using System.Diagnostics.Metrics;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Infrastructure.Diagnostics;

/// <summary>
/// The service's own instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> (created by
/// the host's <see cref="IMeterFactory"/>, so it lives and dies with the container). Names follow the
/// OpenTelemetry semantic conventions; the Prometheus exporter turns dots into underscores and adds
/// unit and <c>_total</c> suffixes (<c>kubeagents_reports_accepted_total</c>).
/// </summary>
public sealed class KubeAgentsMetrics
{
    public const string MeterName = "KubeAgents";

    /// <summary>The outcomes of <see cref="NotificationAttempt"/>.</summary>
    public static class Outcome
    {
        public const string Delivered = "delivered";

        /// <summary>Failed; retried later unless it was the last attempt.</summary>
        public const string Failed = "failed";

        /// <summary>Cut short by shutdown; released unsent, to be sent again.</summary>
        public const string Interrupted = "interrupted";
    }

    private readonly Meter _meter;
    private readonly Counter<long> _reportsAccepted;
    private readonly Histogram<double> _reportDuration;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _deliveryAttempts;
    private readonly Counter<long> _retentionDeleted;
    private readonly UpDownCounter<long> _eventClients;
    private readonly Counter<long> _eventClientsCut;

    public KubeAgentsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _reportsAccepted = _meter.CreateCounter<long>(
            "kubeagents.reports.accepted", "{report}", "Reports committed to the store, by reported status.");
        _reportDuration = _meter.CreateHistogram<double>(
            "kubeagents.report.duration", "s", "Time from a report's acceptance (queued for the writer) to its commit.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _batchSize = _meter.CreateHistogram<int>(
            "kubeagents.write.batch.size", "{report}", "Reports committed per write-pipeline transaction.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
        _deliveryAttempts = _meter.CreateCounter<long>(
            "kubeagents.notifications.delivery.attempts", "{attempt}", "Notification delivery attempts, by outcome.");
        _retentionDeleted = _meter.CreateCounter<long>(
            "kubeagents.retention.deleted", "{row}", "Rows deleted by history retention, by table.");
        _eventClients = _meter.CreateUpDownCounter<long>(
            "kubeagents.events.clients", "{client}", "Clients connected to the event stream (/api/events and the dashboard).");
        _eventClientsCut = _meter.CreateCounter<long>(
            "kubeagents.events.clients.cut", "{client}", "Event-stream clients cut off because they fell a whole buffer behind.");
    }

    /// <summary>Publishes the write queue's depth, read at each collection.</summary>
    public void ObserveWriteQueue(Func<int> depth) =>
        _meter.CreateObservableGauge(
            "kubeagents.write.queue.depth", depth, "{report}", "Reports queued and not yet taken by a writer.");

    public void ReportCommitted(SessionStatus status, TimeSpan sinceAccepted)
    {
        _reportsAccepted.Add(1, new KeyValuePair<string, object?>("status", status.ToWireName()));
        _reportDuration.Record(sinceAccepted.TotalSeconds);
    }

    public void BatchCommitted(int size) => _batchSize.Record(size);

    /// <summary>Publishes the number of active sessions, as last counted (the sweeper counts them after each sweep).</summary>
    public void ObserveActiveSessions(Func<long?> count) =>
        _meter.CreateObservableGauge(
            "kubeagents.sessions.active",
            () => count() is { } value ? [new Measurement<long>(value)] : Array.Empty<Measurement<long>>(),
            "{session}",
            "Sessions whose TTL has not passed, in the whole store, as of the last sweep.");

    public void RowsDeleted(string table, int count) =>
        _retentionDeleted.Add(count, new KeyValuePair<string, object?>("table", table));

    public void EventClientConnected() => _eventClients.Add(1);

    public void EventClientDisconnected() => _eventClients.Add(-1);

    public void EventClientsCut(int count) => _eventClientsCut.Add(count);

    public void NotificationAttempt(string outcome) =>
        _deliveryAttempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
