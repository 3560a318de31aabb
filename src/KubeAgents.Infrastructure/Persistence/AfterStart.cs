using Microsoft.Extensions.Hosting;

namespace KubeAgents.Infrastructure.Persistence;

/// <summary>
/// Where a background loop whose first query can wait waits for the start to end: until the service
/// listens (the host's <see cref="IHostApplicationLifetime.ApplicationStarted"/>) and EF's first use is
/// made (<see cref="DatabaseInitializer.WarmedUp"/>).
/// </summary>
/// <remarks>
/// On two cores, a query made during the start takes CPU from it, and one made beside EF's first use
/// builds EF's internal services a second time (EF's cache lets both builds run and keeps one). The
/// notification dispatcher's first look at the outbox and the event feed's first read did both
/// (docs/benchmarks.md, "Start-up, round 11"). A store that hangs after its migration holds them up
/// to its connection timeout, as it holds up the first request.
/// </remarks>
internal sealed class AfterStart(IHostApplicationLifetime lifetime, DatabaseInitializer initializer)
{
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), started))
        {
            await started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await initializer.WarmedUp.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
