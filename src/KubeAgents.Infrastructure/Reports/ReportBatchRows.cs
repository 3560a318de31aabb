using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Infrastructure.Reports;

/// <summary>
/// The rows a batch of reports created or changed, as the write pipeline applied them: what the store
/// writes, named outright instead of found again by the change tracker.
/// </summary>
/// <remarks>
/// Both stores load their targets untracked and write exactly these: the embedded store through
/// prepared row statements, PostgreSQL as one statement per table and kind.
/// </remarks>
internal sealed class ReportBatchRows
{
    /// <summary>Agents this batch registered.</summary>
    public List<Agent> AddedAgents { get; } = [];

    /// <summary>Stored agents a report of this batch changed, each once.</summary>
    public List<Agent> ChangedAgents { get; } = [];

    /// <summary>Sessions this batch opened.</summary>
    public List<Session> AddedSessions { get; } = [];

    /// <summary>Stored sessions a report of this batch changed, each once.</summary>
    public List<Session> ChangedSessions { get; } = [];

    /// <summary>The history entries this batch appended, in the order the reports were applied.</summary>
    public List<StatusEntry> AddedEntries { get; } = [];
}
