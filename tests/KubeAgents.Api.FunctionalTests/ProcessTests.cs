using System.Diagnostics;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>The service as a process: start-up refuses bad settings by name, and SIGTERM ends it promptly.</summary>
public class ProcessTests
{
    [Theory]
    [InlineData("PORT", "abc")]
    [InlineData("PORT", "70000")]
    [InlineData("CORS_ALLOWED_ORIGINS", "not an origin")]
    [InlineData("SESSION_SWEEP_INTERVAL_SECONDS", "0")]
    [InlineData("DB_PORT", "five")]
    [InlineData("DB_CONN_MAX_LIFETIME", "5 minutes")]
    [InlineData("DB_SSLMODE", "maybe")]
    public async Task Invalid_setting_stops_start_up_naming_it(string key, string value)
    {
        var environment = new Dictionary<string, string?> { [key] = value };
        if (key.StartsWith("DB_", StringComparison.Ordinal))
        {
            environment["DB_NAME"] = "kubeagents";
        }

        // The test's PORT, when given, replaces the free port Start() picks.
        await using var service = ServiceProcess.Start(environment);

        (await service.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue(service.Output);

        service.ExitCode.Should().NotBe(0);
        service.Output.Should().Contain($"Invalid configuration: {key}");
    }

    [Fact]
    public async Task Sigterm_shuts_down_within_a_few_seconds()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>());
        await service.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));

        var stopwatch = Stopwatch.StartNew();
        service.Terminate();
        var exited = await service.WaitForExitAsync(TimeSpan.FromSeconds(10));

        exited.Should().BeTrue(service.Output);
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(6));
        service.ExitCode.Should().Be(0);
        service.Output.Should().Contain("Application is shutting down");
    }
}
