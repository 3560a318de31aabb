using System.Diagnostics;
using System.Net;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// SIGTERM ends the service promptly: wall-clock bounds (3x their quiet times), so this class runs
/// alone, in the <see cref="TimingCollection"/>, once the classes that run in parallel are done.
/// </summary>
[Collection(TimingCollection.Name)]
public class ShutdownTests
{
    /// <summary>How long a process may take to start: a wait, not a performance bound (see <see cref="ServiceProcess.MinimumStartUpWait"/>).</summary>
    private static readonly TimeSpan StartUp = ServiceProcess.MinimumStartUpWait;

    [Fact]
    public async Task Sigterm_shuts_down_within_a_few_seconds()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>());
        await service.WaitUntilHealthyAsync(StartUp);

        var stopwatch = Stopwatch.StartNew();
        service.Terminate();
        var exited = await service.WaitForExitAsync(TimeSpan.FromSeconds(10));

        exited.Should().BeTrue(service.Output);
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(6));
        service.ExitCode.Should().Be(0);
        service.Output.Should().Contain("Application is shutting down");
    }

    [Fact]
    public async Task Sigterm_fails_readiness_while_still_serving_then_exits_after_the_drain()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["SHUTDOWN_DRAIN_SECONDS"] = "2" });
        await service.WaitUntilHealthyAsync(StartUp);
        using var client = service.CreateClient();
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);

        var stopwatch = Stopwatch.StartNew();
        service.Terminate();

        // Within the drain the service still answers: liveness ok, readiness 503 so the balancer moves on.
        HttpStatusCode ready = HttpStatusCode.OK;
        while (ready == HttpStatusCode.OK && stopwatch.Elapsed < TimeSpan.FromSeconds(2))
        {
            using var response = await client.GetAsync("/health/ready");
            ready = response.StatusCode;
        }

        ready.Should().Be(HttpStatusCode.ServiceUnavailable, service.Output);
        (await client.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await service.WaitForExitAsync(TimeSpan.FromSeconds(15))).Should().BeTrue(service.Output);
        stopwatch.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(2)).And.BeLessThan(TimeSpan.FromSeconds(8));
        service.ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task Sigterm_ends_open_event_streams_after_the_retry_hint_and_exits_within_the_timeout()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["SHUTDOWN_DRAIN_SECONDS"] = "1" });
        await service.WaitUntilHealthyAsync(StartUp);
        using var http = service.CreateClient();
        http.Timeout = Timeout.InfiniteTimeSpan;
        await using var stream = await EventStreamClient.ConnectAsync(http);
        using (var reporter = service.CreateClient())
        {
            await new WireClient(reporter).ReportAsync("rolling", "deploy", "running", DateTimeOffset.UtcNow);
        }

        (await stream.TakeAsync(2)).Select(e => e.Event).Should().Equal("agent_registered", "status");
        stream.Retry.Should().BeGreaterThan(0, "the client learned when to reconnect (to another replica) before the stream ends");

        var stopwatch = Stopwatch.StartNew();
        service.Terminate();

        (await Task.WhenAny(stream.Completion, Task.Delay(TimeSpan.FromSeconds(10)))).Should().Be(stream.Completion, "SIGTERM ends open streams: " + service.Output);
        (await service.WaitForExitAsync(TimeSpan.FromSeconds(15))).Should().BeTrue(service.Output);
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(8), "the drain (1 s) and the shutdown timeout (5 s) bound it, open streams or not");
        service.ExitCode.Should().Be(0);
    }
}
