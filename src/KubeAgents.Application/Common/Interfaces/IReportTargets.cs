using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Application.Common.Interfaces;

/// <summary>
/// Opens the unit of work in which one report is applied. The agent and session exist (created if
/// this is their first report) and are held exclusively until the target is disposed, so concurrent
/// reports for one agent queue instead of losing updates; reports for other agents go on in parallel.
/// </summary>
/// <remarks>
/// PostgreSQL: a transaction with <c>INSERT ... ON CONFLICT DO NOTHING</c> and row locks.
/// In-memory store: a per-agent in-process lock, the store being in this process only.
/// </remarks>
public interface IReportTargets
{
    Task<IReportTarget> AcquireAsync(string agentId, string sessionTopic, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The tracked agent and session of one report, held until disposed.</summary>
public interface IReportTarget : IAsyncDisposable
{
    Agent Agent { get; }

    Session Session { get; }

    /// <summary>Saves every change tracked in this unit of work atomically. Without it, nothing is saved.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}
