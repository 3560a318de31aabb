using KubeAgents.Application.Reports;

namespace KubeAgents.Application.Common.Interfaces;

/// <summary>
/// The write path of reports (group commit): a report is queued with others and applied in one
/// transaction per batch. One agent's reports are applied in the order they were written.
/// </summary>
public interface IReportWriter
{
    /// <summary>Completes once the report is committed; fails alone if the report could not be applied.</summary>
    /// <exception cref="Exceptions.ServiceUnavailableException">The queue stayed full; nothing was written.</exception>
    Task WriteAsync(IncomingReport report, CancellationToken cancellationToken);
}
