using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>The service as a process: start-up refuses bad settings by name, and SIGTERM ends it promptly.</summary>
public class ProcessTests
{
    /// <summary>
    /// How long a process may take to start or to refuse to: about 2 s on a quiet 2-core machine, far
    /// more beside other builds. A wait, not a performance bound: only a failing test waits it out.
    /// </summary>
    private static readonly TimeSpan StartUp = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("PORT", "abc")]
    [InlineData("PORT", "70000")]
    [InlineData("CORS_ALLOWED_ORIGINS", "not an origin")]
    [InlineData("SESSION_SWEEP_INTERVAL_SECONDS", "0")]
    [InlineData("DB_STARTUP_TIMEOUT", "5")]
    [InlineData("DB_PORT", "five")]
    [InlineData("DB_CONN_MAX_LIFETIME", "5 minutes")]
    [InlineData("DB_SSLMODE", "maybe")]
    [InlineData("NOTIFICATION_FORMAT", "xml")]
    [InlineData("SHUTDOWN_DRAIN_SECONDS", "61")]
    [InlineData("LOG_FORMAT", "xml")]
    [InlineData("HISTORY_RETENTION_DAYS", "0")]
    [InlineData("HISTORY_RETENTION_DAYS", "7d")]
    public async Task Invalid_setting_stops_start_up_naming_it(string key, string value)
    {
        var environment = new Dictionary<string, string?> { [key] = value };
        if (key.StartsWith("DB_", StringComparison.Ordinal))
        {
            environment["DB_NAME"] = "kubeagents";
        }

        // The test's PORT, when given, replaces the free port Start() picks.
        await using var service = ServiceProcess.Start(environment);

        (await service.WaitForExitAsync(StartUp)).Should().BeTrue(service.Output);

        service.ExitCode.Should().Be(2);
        // One line, no stack trace: the line is all an operator needs.
        service.Output.Trim().Split('\n').Should().ContainSingle(service.Output)
            .Which.Should().StartWith($"Invalid configuration: {key}");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_usage_and_exits_without_starting_the_server(string flag)
    {
        var result = await ServiceProcess.RunCommandAsync(new Dictionary<string, string?>(), flag);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("usage").And.Contain("keys <command>").And.Contain("PORT=").And.Contain("docs/configuration.md");
        (result.Output + result.Errors).Should().NotContain("Now listening").And.NotContain("Store:");
    }

    [Fact]
    public async Task Port_in_use_stops_start_up_in_one_line_naming_PORT()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.IPv6Any, 0);
        taken.Server.DualMode = true;
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        await using var service = ServiceProcess.Start(new Dictionary<string, string?>(), port);

        (await service.WaitForExitAsync(StartUp)).Should().BeTrue(service.Output);
        service.ExitCode.Should().Be(1);
        service.Output.Should().Contain($"KubeAgents stopped: port {port} is already in use by another process; set PORT to a free port")
            .And.NotContain("   at ", "no stack trace")
            .And.NotContain("Exception");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_names_the_store_and_access_mode_first_then_the_urls(bool onFile)
    {
        var file = Path.Combine(Path.GetTempPath(), $"kubeagents-banner-{Guid.NewGuid():N}.db");
        var environment = onFile
            ? new Dictionary<string, string?> { ["DB_FILE"] = file, ["AUTH_MODE"] = "keys" }
            : new Dictionary<string, string?>();
        try
        {
            await using var service = ServiceProcess.Start(environment);
            await service.WaitUntilHealthyAsync(StartUp);
            await Eventually.TrueAsync(() => service.Output.Contains("Dashboard:", StringComparison.Ordinal), "the line with the URLs");

            var messages = service.Output.Split('\n').Where(l => !l.StartsWith("info:", StringComparison.Ordinal) && !l.StartsWith("warn:", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
            messages[0].Should().Be(onFile
                ? $"Store: embedded SQLite file {file} (DB_FILE)"
                : "Store: embedded SQLite in memory (data lives and dies with the process; DB_FILE or DB_NAME keeps it)", service.Output);
            messages[1].Should().StartWith(onFile ? "Access: keys" : "Access: open", service.Output);
            var root = $"http://localhost:{service.Port}";
            service.Output.Should().Contain($"Dashboard: {root}/  API: {root}/api/agents  Docs: {root}/swagger");
        }
        finally
        {
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public async Task Sqlite_file_and_postgres_together_stop_start_up_naming_both()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["DB_FILE"] = Path.Combine(Path.GetTempPath(), $"kubeagents-{Guid.NewGuid():N}.db"),
            ["DB_NAME"] = "kubeagents",
        });

        (await service.WaitForExitAsync(StartUp)).Should().BeTrue(service.Output);

        service.ExitCode.Should().Be(2);
        service.Output.Should().Contain("Invalid configuration: DB_FILE and DB_NAME");
    }

    [Fact]
    public async Task Shipped_settings_apply_whatever_the_working_directory()
    {
        // Started from elsewhere, a content root at the working directory would miss appsettings.json
        // and log every request and SQL command at Information, which costs ingestion dearly.
        var elsewhere = Directory.CreateTempSubdirectory("kubeagents-cwd-");
        try
        {
            await using var service = ServiceProcess.Start(new Dictionary<string, string?>(), workingDirectory: elsewhere.FullName);
            await service.WaitUntilHealthyAsync(StartUp);
            using var client = service.CreateClient();

            using var response = await client.PostAsJsonAsync("/webhook/status", new
            {
                agent_id = "cwd-agent",
                session_topic = "t",
                status = "running",
                timestamp = "2026-11-27T10:00:00Z",
            });

            response.StatusCode.Should().Be(HttpStatusCode.OK);
            service.Output.Should().Contain($"Content root path: {Path.GetDirectoryName(typeof(Program).Assembly.Location)}");
            service.Output.Should().NotContain("Request starting").And.NotContain("Executed DbCommand");
        }
        finally
        {
            elsewhere.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Json_log_format_writes_one_json_object_per_line_with_trace_ids()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["LOG_FORMAT"] = "json",
            // Request lines carry the request's scope, trace id included.
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
        await service.WaitUntilHealthyAsync(StartUp);
        using var client = service.CreateClient();
        using (var response = await client.PostAsJsonAsync("/webhook/status", new { agent_id = "json-logs", session_topic = "t", status = "running", timestamp = "2026-11-27T10:00:00Z" }))
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        service.Terminate();
        (await service.WaitForExitAsync(TimeSpan.FromSeconds(15))).Should().BeTrue(service.Output);

        var lines = service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().Contain(l => l.Contains("Request starting", StringComparison.Ordinal), service.Output);
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        entries.Should().AllSatisfy(e =>
        {
            e.GetProperty("Timestamp").GetString().Should().EndWith("Z");
            e.GetProperty("LogLevel").GetString().Should().NotBeNullOrEmpty();
        });
        var traceIds = entries.Where(e => e.TryGetProperty("Scopes", out _))
            .SelectMany(e => e.GetProperty("Scopes").EnumerateArray())
            .Where(scope => scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("TraceId", out _))
            .Select(scope => scope.GetProperty("TraceId").GetString());
        traceIds.Should().Contain(id => !string.IsNullOrEmpty(id), service.Output);
    }

    [Fact]
    public async Task Default_log_format_stays_human_readable()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>());
        await service.WaitUntilHealthyAsync(StartUp);

        service.Output.Should().Contain("info: Microsoft.Hosting.Lifetime").And.NotContain("\"LogLevel\"");
    }

    [Fact]
    public async Task Nothing_is_written_to_the_home_directory()
    {
        // ASP.NET Core's Data Protection would load, and on a first start create, a key ring under
        // $HOME/.aspnet: a write outside the data the service owns, refused on a read-only root. Nothing
        // here encrypts with it (keys are hashed; the dashboard's cookie carries the key itself).
        var home = Directory.CreateTempSubdirectory("kubeagents-home-");
        try
        {
            await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["HOME"] = home.FullName });
            await service.WaitUntilHealthyAsync(StartUp);
            using var client = service.CreateClient();

            // An MVC action (TempData, through the views) and the dashboard's login page, both answered.
            using var agents = await client.GetAsync("/api/agents");
            using var browser = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{service.Port}") };
            using var dashboard = await browser.GetAsync("/");

            agents.StatusCode.Should().Be(HttpStatusCode.OK);
            dashboard.StatusCode.Should().Be(HttpStatusCode.OK);
            home.EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Select(entry => entry.FullName)
                .Should().BeEmpty(service.Output);
            service.Output.Should().NotContain("DataProtection");
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
