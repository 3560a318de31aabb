using System.Net;
using KubeAgents.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>/health/ready: take traffic only with a reachable, migrated store, and stop taking it when shutting down.</summary>
public class ReadinessTests
{
    [SkippableTheory]
    [BothStores]
    public async Task Ready_when_the_store_is_up_and_migrated(StoreKind store)
    {
        await using var api = await KubeAgentsApi.StartAsync(store);
        var client = api.CreateWireClient();

        var (status, body) = await client.GetRawAsync("/health/ready");

        status.Should().Be(HttpStatusCode.OK, body.ToString());
        body.Str("status").Should().Be("ready");
        body.Time("timestamp").Should().Be(KubeAgentsApi.Epoch);
    }

    [SkippableTheory]
    [BothStores]
    public async Task Stopping_service_answers_503_on_readiness_while_it_drains(StoreKind store)
    {
        // The drain runs on the service's clock: it lasts until the test moves the fake clock on.
        await using var api = await KubeAgentsApi.StartAsync(store, new Dictionary<string, string?> { ["SHUTDOWN_DRAIN_SECONDS"] = "30" });
        var client = api.CreateWireClient();

        api.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        var (status, body) = await client.GetRawAsync("/health/ready");
        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.ToString().Should().Be("""{"error":"unavailable","message":"the service is shutting down"}""");
        (await client.GetAsync("/health")).Str("status").Should().Be("ok");
        await client.ReportAsync("draining", "t", "running", KubeAgentsApi.Epoch);

        api.Clock.Advance(TimeSpan.FromSeconds(30));
    }
}
