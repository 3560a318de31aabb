using KubeAgents.Application.Common.Interfaces;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;

namespace KubeAgents.Infrastructure.Persistence.Stores;

/// <summary>
/// Reports of one agent queue in this process (<see cref="KeyedLock"/>) before the store's own unit
/// of work opens, whatever the store. A waiting report holds no pooled connection, so a burst on one
/// agent cannot exhaust the pool; for the in-memory store the queue is the whole serialisation.
/// </summary>
internal sealed class QueuedReportTargets(IReportTargets store, KeyedLock agentLocks) : IReportTargets
{
    public async Task<IReportTarget> AcquireAsync(string agentId, string sessionTopic, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hold = await agentLocks.AcquireAsync(agentId, cancellationToken).ConfigureAwait(false);
        try
        {
            return new Target(await store.AcquireAsync(agentId, sessionTopic, now, cancellationToken).ConfigureAwait(false), hold);
        }
        catch
        {
            hold.Dispose();
            throw;
        }
    }

    private sealed class Target(IReportTarget inner, IDisposable hold) : IReportTarget
    {
        public Agent Agent => inner.Agent;

        public Session Session => inner.Session;

        public Task CommitAsync(CancellationToken cancellationToken) => inner.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                hold.Dispose();
            }
        }
    }
}
