using System.Net;
using KubeAgents.Domain.ApiKeys;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests.ApiKeys;

/// <summary>The auth settings as an operator meets them: start-up refusals and the open-mode warning.</summary>
public class AuthSettingsProcessTests
{
    [Theory]
    [InlineData("AUTH_MODE", "closed")]
    [InlineData("RATE_LIMIT_PER_MINUTE", "-1")]
    [InlineData("METRICS_PUBLIC", "maybe")]
    [InlineData("API_KEY_CACHE_SECONDS", "301")]
    public async Task An_invalid_value_stops_start_up_naming_the_setting(string key, string value)
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { [key] = value });

        (await service.WaitForExitAsync(ServiceProcess.MinimumStartUpWait)).Should().BeTrue(service.Output);
        service.ExitCode.Should().Be(2, service.Output);
        service.Output.Should().Contain($"Invalid configuration: {key}");
    }

    [Fact]
    public async Task A_malformed_bootstrap_key_stops_start_up_without_repeating_it()
    {
        const string Secret = "hunter2-not-a-kubeagents-key";
        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["BOOTSTRAP_ADMIN_KEY"] = Secret });

        (await service.WaitForExitAsync(ServiceProcess.MinimumStartUpWait)).Should().BeTrue(service.Output);
        service.ExitCode.Should().Be(2, service.Output);
        service.Output.Should().Contain("Invalid configuration: BOOTSTRAP_ADMIN_KEY").And.NotContain(Secret);
    }

    [Fact]
    public async Task Open_mode_beyond_loopback_warns_naming_the_setting_and_keys_mode_does_not()
    {
        await using var open = ServiceProcess.Start(new Dictionary<string, string?>());
        await open.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));
        await using var keys = ServiceProcess.Start(new Dictionary<string, string?> { ["AUTH_MODE"] = "keys", ["BOOTSTRAP_ADMIN_KEY"] = ApiKeySecret.Generate() });
        await keys.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));
        using var http = keys.CreateClient();

        await Eventually.TrueAsync(() => open.Output.Contains("AUTH_MODE=open", StringComparison.Ordinal), "the warning is logged");
        keys.Output.Should().NotContain("AUTH_MODE=open");
        (await http.GetAsync("/api/agents")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
