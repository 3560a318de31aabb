using KubeAgents.Application.Common.Exceptions;

namespace KubeAgents.Infrastructure.Reports;

/// <summary>
/// The commit of a batch threw: the store may or may not have committed it. The batch is neither
/// retried nor split (either could apply a committed report twice); its reports answer 503.
/// </summary>
internal sealed class CommitInDoubtException(Exception innerException)
    : Exception("the store did not confirm the commit of a batch of reports", innerException)
{
    /// <summary>What the waiting requests get: 503, "may be stored".</summary>
    public ServiceUnavailableException ToUnavailable() =>
        new("the store did not confirm the write; the report may be stored: check before retrying", this);
}
