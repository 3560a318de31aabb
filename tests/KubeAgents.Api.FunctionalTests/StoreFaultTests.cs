using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using KubeAgents.TestSupport;

namespace KubeAgents.Api.FunctionalTests;

/// <summary>
/// Faults of the embedded store's file are outages or settings to fix, never crashes: a disk that
/// fills up while the service runs answers 503 <c>unavailable</c> and loses nothing acknowledged; a
/// <c>DB_FILE</c> that cannot be used stops start-up, and the <c>keys</c> command, with one line. On a
/// real tmpfs (mounted here, as root) and real files.
/// </summary>
public class StoreFaultTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_full_disk_answers_503_with_retry_after_logs_a_line_an_interval_and_loses_nothing_acknowledged()
    {
        using var disk = TmpfsMount.Create(kilobytes: 4096);
        var environment = new Dictionary<string, string?> { ["DB_FILE"] = Path.Combine(disk.Path, "kubeagents.db") };
        var acknowledged = new List<string>();
        await using (var service = ServiceProcess.Start(environment))
        {
            await service.WaitUntilHealthyAsync(StartTimeout);
            using var client = service.CreateClient();
            for (var i = 0; i < 5; i++)
            {
                acknowledged.Add(await ReportAsync(client, $"before-{i}", HttpStatusCode.OK));
            }

            disk.Fill();
            var outage = Stopwatch.StartNew();
            for (var i = 0; i < 40; i++)
            {
                using var response = await PostAsync(client, $"refused-{i}");
                response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, service.Output);
                response.Headers.RetryAfter.Should().NotBeNull();
                (await response.Content.ReadFromJsonAsync<ErrorBody>())!.Error.Should().Be("unavailable");
            }

            var lines = service.Output.Split('\n').Count(l => l.Contains("answered 503", StringComparison.Ordinal));
            lines.Should().BeInRange(1, 2 + (int)(outage.Elapsed / TimeSpan.FromSeconds(5)), "an outage is one line an interval, not a line a request: " + service.Output);
            service.Output.Should().Contain("disk is full").And.NotContain("fail:").And.NotContain("   at ", "an outage is not a bug: no stack trace");

            disk.Free();
            acknowledged.Add(await ReportAsync(client, "after", HttpStatusCode.OK));
            service.Terminate();
            (await service.WaitForExitAsync(TimeSpan.FromSeconds(15))).Should().BeTrue(service.Output);
            service.ExitCode.Should().Be(0, service.Output);
        }

        await using var restarted = ServiceProcess.Start(environment);
        await restarted.WaitUntilHealthyAsync(StartTimeout);
        using var reader = restarted.CreateClient();
        var agents = await new WireClient(reader).GetAsync("/api/agents");
        agents.Items("agents").Select(a => a.Str("agent_id")).Should().BeEquivalentTo(acknowledged, "every 200 was committed, every 503 changed nothing");
    }

    public static TheoryData<string> UnusableFiles => ["a directory", "random bytes", "a read-only file system", "a full file system"];

    [Theory]
    [MemberData(nameof(UnusableFiles))]
    public async Task An_unusable_db_file_stops_start_up_and_the_keys_command_with_one_line_naming_it(string kind)
    {
        using var place = UnusablePlace.Create(kind);
        var environment = new Dictionary<string, string?> { ["DB_FILE"] = place.File };

        await using var service = ServiceProcess.Start(environment);
        (await service.WaitForExitAsync(StartTimeout)).Should().BeTrue(service.Output);
        service.ExitCode.Should().Be(2, service.Output);
        OneLine(service.Output).Should().StartWith($"Invalid configuration: DB_FILE ({place.File}) cannot be used: ");

        var listed = await ServiceProcess.RunCommandAsync(environment, "keys", "list");
        listed.ExitCode.Should().Be(2, listed.ToString());
        listed.Output.Should().BeEmpty();
        OneLine(listed.Errors).Should().StartWith($"Invalid configuration: DB_FILE ({place.File}) cannot be used: ");
    }

    [Fact]
    public async Task The_keys_command_with_an_unreachable_database_exits_1_with_one_line()
    {
        var environment = new Dictionary<string, string?>
        {
            ["DB_NAME"] = "kubeagents",
            ["DB_HOST"] = "127.0.0.1",
            ["DB_PORT"] = ServiceProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DB_STARTUP_TIMEOUT"] = "2s",
        };

        var listed = await ServiceProcess.RunCommandAsync(environment, "keys", "list");

        listed.ExitCode.Should().Be(1, listed.ToString());
        listed.Output.Should().BeEmpty();
        OneLine(listed.Errors).Should().StartWith("keys list failed: PostgreSQL was not reachable within 2s (DB_STARTUP_TIMEOUT)");
    }

    private static string OneLine(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().ContainSingle("a fault is one line, no stack trace: " + output);
        return lines[0];
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string agentId) =>
        client.PostAsJsonAsync("/webhook/status", new { agent_id = agentId, session_topic = "t", status = "running", timestamp = "2026-11-27T10:00:00Z" });

    private static async Task<string> ReportAsync(HttpClient client, string agentId, HttpStatusCode expected)
    {
        using var response = await PostAsync(client, agentId);
        response.StatusCode.Should().Be(expected, await response.Content.ReadAsStringAsync());
        return agentId;
    }

    private sealed record ErrorBody(string Error, string Message);

    /// <summary>A <c>DB_FILE</c> path the store cannot use, and what to clean up after.</summary>
    private sealed class UnusablePlace : IDisposable
    {
        private readonly TmpfsMount? _mount;
        private readonly DirectoryInfo? _directory;

        private UnusablePlace(string file, TmpfsMount? mount, DirectoryInfo? directory)
        {
            File = file;
            _mount = mount;
            _directory = directory;
        }

        public string File { get; }

        public static UnusablePlace Create(string kind)
        {
            switch (kind)
            {
                case "a directory":
                    var directory = Directory.CreateTempSubdirectory("kubeagents-dbfile-");
                    return new UnusablePlace(directory.FullName, null, directory);
                case "random bytes":
                    var folder = Directory.CreateTempSubdirectory("kubeagents-dbfile-");
                    var file = Path.Combine(folder.FullName, "kubeagents.db");
                    System.IO.File.WriteAllBytes(file, System.Security.Cryptography.RandomNumberGenerator.GetBytes(64 * 1024));
                    return new UnusablePlace(file, null, folder);
                case "a read-only file system":
                    var readOnly = TmpfsMount.Create(kilobytes: 1024, readOnly: true);
                    return new UnusablePlace(Path.Combine(readOnly.Path, "kubeagents.db"), readOnly, null);
                default:
                    var full = TmpfsMount.Create(kilobytes: 256);
                    full.Fill();
                    return new UnusablePlace(Path.Combine(full.Path, "kubeagents.db"), full, null);
            }
        }

        public void Dispose()
        {
            _mount?.Dispose();
            _directory?.Delete(recursive: true);
        }
    }
}
