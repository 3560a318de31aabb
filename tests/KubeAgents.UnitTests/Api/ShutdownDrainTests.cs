using KubeAgents.Api.Configuration;
using Microsoft.Extensions.Options;

namespace KubeAgents.UnitTests.Api;

/// <summary>
/// The shutdown drain holds a host that served traffic in its stopping phase; a start that failed
/// part-way (stopped by HostRun before it is disposed) exits without waiting.
/// </summary>
public class ShutdownDrainTests
{
    private static ShutdownDrain Drain() =>
        new(Options.Create(new ShutdownOptions { Drain = TimeSpan.FromHours(1) }), TimeProvider.System);

    [Fact]
    public void A_host_that_never_finished_starting_stops_without_draining()
    {
        var drain = Drain();

        drain.StoppingAsync(CancellationToken.None).IsCompleted.Should().BeTrue();
    }

    [Fact]
    public async Task A_started_host_drains_until_the_drain_ends_or_the_stop_is_cut_short()
    {
        var drain = Drain();
        await drain.StartedAsync(CancellationToken.None);
        using var cut = new CancellationTokenSource();

        var stopping = drain.StoppingAsync(cut.Token);

        stopping.IsCompleted.Should().BeFalse("the drain lasts SHUTDOWN_DRAIN_SECONDS");
        drain.StoppingAsync(CancellationToken.None).Should().BeSameAs(stopping, "a second stop joins the one drain");
        await cut.CancelAsync();
        await FluentActions.Awaiting(() => stopping).Should().ThrowAsync<OperationCanceledException>();
    }
}
