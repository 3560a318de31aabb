using System.Net;
using System.Net.Http.Json;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>Outages and crashes, each on a PostgreSQL cluster of its own that the test stops and starts.</summary>
public class ResilienceTests
{
    [SkippableFact]
    public async Task Database_outage_answers_503_keeps_health_up_and_recovers_by_itself()
    {
        using var server = await PostgresServer.StartDedicatedOrSkipAsync();
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres, new Dictionary<string, string?>
        {
            ["ConnectionStrings:KubeAgents"] = await server.CreateDatabaseAsync("outage") + ";Timeout=3",
        });
        var client = api.CreateWireClient();
        await client.ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);

        server.Stop();

        var (reportStatus, reportBody) = await client.ReportRawAsync(new { agent_id = "agent", session_topic = "t", status = "success", timestamp = "2026-11-27T10:01:00Z" });
        reportStatus.Should().Be(HttpStatusCode.ServiceUnavailable);
        reportBody.ToString().Should().Be("""{"error":"unavailable","message":"the database is unavailable; retry later"}""");
        (await client.GetRawAsync("/api/agents")).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await client.GetRawAsync("/api/agents/agent/sessions/t")).Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await client.GetAsync("/health")).Str("status").Should().Be("ok");

        server.Start();

        // Pooled connections broken by the restart are discarded on first use; the service needs no restart.
        HttpStatusCode status = default;
        for (var attempt = 0; attempt < 5 && status != HttpStatusCode.OK; attempt++)
        {
            (status, _) = await client.ReportRawAsync(new { agent_id = "agent", session_topic = "t", status = "success", timestamp = "2026-11-27T10:01:00Z" });
        }

        status.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/api/agents/agent/sessions/t")).GetProperty("session").Str("current_status").Should().Be("success");
    }

    [SkippableFact]
    public async Task Readiness_fails_during_an_outage_and_recovers_with_the_database()
    {
        using var server = await PostgresServer.StartDedicatedOrSkipAsync();
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres, new Dictionary<string, string?>
        {
            ["ConnectionStrings:KubeAgents"] = await server.CreateDatabaseAsync("ready") + ";Timeout=2",
        });
        var client = api.CreateWireClient();
        (await client.GetRawAsync("/health/ready")).Status.Should().Be(HttpStatusCode.OK);

        server.Stop();

        var (status, body) = await client.GetRawAsync("/health/ready");
        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.ToString().Should().Be("""{"error":"unavailable","message":"the database is unavailable"}""");
        (await client.GetAsync("/health")).Str("status").Should().Be("ok");

        server.Start();

        // A pooled connection broken by the restart may fail once; readiness comes back by itself.
        for (var attempt = 0; attempt < 5 && status != HttpStatusCode.OK; attempt++)
        {
            (status, body) = await client.GetRawAsync("/health/ready");
        }

        status.Should().Be(HttpStatusCode.OK, body.ToString());
        body.Str("status").Should().Be("ready");
    }

    [SkippableFact]
    public async Task Start_up_waits_for_the_database_then_gives_up_with_a_clear_message()
    {
        await PostgresServer.GetOrSkipAsync();
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["DB_HOST"] = "127.0.0.1",
            ["DB_PORT"] = ServiceProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DB_NAME"] = "nowhere",
            ["DB_USER"] = "postgres",
            // Long enough for the first attempt to fail by itself on a loaded machine, not be cut by the deadline
            // (8 s was not, at load average 30 on 2 cores: the process reached its first attempt after the deadline).
            ["DB_STARTUP_TIMEOUT"] = "20s",
        });

        (await service.WaitForExitAsync(ServiceProcess.MinimumStartUpWait)).Should().BeTrue(service.Output);

        service.ExitCode.Should().NotBe(0);
        service.Output.Should().Contain("Waiting for PostgreSQL (attempt 1");
        service.Output.Should().Contain("PostgreSQL was not reachable within 20s (DB_STARTUP_TIMEOUT)");
    }

    [Fact]
    public async Task Start_up_against_an_unreachable_database_says_so_once_per_attempt_and_ends_in_one_line()
    {
        var port = ServiceProcess.FreePort();
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["DB_HOST"] = "127.0.0.1",
            ["DB_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DB_NAME"] = "nowhere",
            // Long enough for a first attempt on a loaded machine (the process's own start, EF's model) to fail by itself.
            ["DB_STARTUP_TIMEOUT"] = "20s",
        });

        var stopped = await StoppedLineAsync(service, "an unreachable server is given up at the deadline");
        var lines = service.Output.Split('\n');
        lines.Should().Contain(l => l.Trim() == $"Store: PostgreSQL 127.0.0.1:{port}/nowhere", service.Output);
        var waiting = lines.Where(l => l.Contains("Waiting for PostgreSQL", StringComparison.Ordinal)).ToList();
        waiting.Should().NotBeEmpty(service.Output);
        waiting.Should().AllSatisfy(line => line.Should().Contain("Connection refused").And.NotContain("likely due to a transient failure"));
        waiting.Select(l => l[(l.IndexOf("(attempt ", StringComparison.Ordinal) + 9)..].Split(':')[0]).Should().OnlyHaveUniqueItems("one line per attempt");
        stopped.Should().Contain("PostgreSQL was not reachable within 20s (DB_STARTUP_TIMEOUT); giving up: Failed to connect to 127.0.0.1");
        service.Output.Should().NotContain("   at ", "no stack trace").And.NotContain("Exception").And.NotContain("Listening for other replicas");
    }

    [SkippableFact]
    public async Task First_start_creates_the_database_before_the_event_listener_connects()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var connection = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = $"fresh_{Guid.NewGuid():N}" };
        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["ConnectionStrings__KubeAgents"] = connection.ConnectionString });

        await service.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));

        // The LISTEN connection starts after the migrations: it never finds the database missing (3D000).
        service.Output.Should().NotContain("3D000").And.NotContain("Listening for other replicas' events failed");
    }

    [Fact]
    public async Task Start_up_timeout_is_honoured_against_a_server_that_never_answers()
    {
        // Accepts connections and never says a word: one connect attempt would wait Npgsql's 15 s.
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<System.Net.Sockets.TcpClient>();
        using var stop = new CancellationTokenSource();
        var acceptLoop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                accepted.Add(await silent.AcceptTcpClientAsync(stop.Token));
            }
        });
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        // Npgsql's own connect timeout is set far beyond the bound below: only DB_STARTUP_TIMEOUT can end the wait in time.
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__KubeAgents"] = $"Host=127.0.0.1;Port={((IPEndPoint)silent.LocalEndpoint).Port};Database=silent;Timeout=300",
            ["DB_STARTUP_TIMEOUT"] = "5s",
        });

        var exited = await service.WaitForExitAsync(ServiceProcess.MinimumStartUpWait);
        stopwatch.Stop();
        await stop.CancelAsync();
        await acceptLoop.ContinueWith(_ => { }, TaskScheduler.Default);
        accepted.ForEach(c => c.Dispose());

        exited.Should().BeTrue(service.Output);
        service.ExitCode.Should().NotBe(0);
        service.Output.Should().Contain("PostgreSQL was not reachable within 5s (DB_STARTUP_TIMEOUT)");
        // Quiet: 5 s, plus the process's start (about 1.5 s). The bound is 3x that, and still far below
        // the 300 s one connect attempt would wait if the deadline did not cut it.
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), service.Output);
    }

    [SkippableFact]
    public async Task First_start_creates_the_database_for_a_role_that_must_give_its_password()
    {
        using var server = await PostgresServer.StartDedicatedOrSkipAsync();
        var database = $"fresh_{Guid.NewGuid():N}";
        var connectionString = await server.CreatePasswordRoleAsync("kubeagents_app", "app-secret", database);
        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["ConnectionStrings__KubeAgents"] = connectionString });

        await service.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));

        using var client = service.CreateClient();
        var report = new { agent_id = "agent", session_topic = "t", status = "running", timestamp = "2026-11-27T10:00:00Z" };
        (await client.PostAsJsonAsync("/webhook/status", report)).StatusCode.Should().Be(HttpStatusCode.OK, service.Output);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var owner = new NpgsqlCommand("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()", connection);
        (await owner.ExecuteScalarAsync()).Should().Be("kubeagents_app", "the service created the database with the role's own password");
    }

    [SkippableFact]
    public async Task A_refused_login_stops_start_up_at_once_in_one_line()
    {
        using var server = await PostgresServer.StartDedicatedOrSkipAsync();
        var connection = new NpgsqlConnectionStringBuilder(await server.CreatePasswordRoleAsync("kubeagents_app", "app-secret", "kubeagents"))
        {
            Password = "not-the-password",
        };
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__KubeAgents"] = connection.ConnectionString,
            ["DB_STARTUP_TIMEOUT"] = "5m",
        });

        (await StoppedLineAsync(service, "a wrong password is not waited out")).Should().Be("KubeAgents stopped: PostgreSQL refused the login (28P01: password authentication failed for user \"kubeagents_app\"); "
                + "check DB_USER and DB_PASSWORD, or the user and password in ConnectionStrings__KubeAgents");
        service.Output.Should().NotContain("Waiting for PostgreSQL").And.NotContain("   at ", "no stack trace").And.NotContain("not-the-password");
    }

    [SkippableFact]
    public async Task A_refused_login_fails_the_keys_and_routes_commands_at_once_in_one_line()
    {
        using var server = await PostgresServer.StartDedicatedOrSkipAsync();
        var connection = new NpgsqlConnectionStringBuilder(await server.CreatePasswordRoleAsync("kubeagents_cli", "cli-secret", "kubeagents"))
        {
            Password = "not-the-password",
        };
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__KubeAgents"] = connection.ConnectionString,
            ["DB_STARTUP_TIMEOUT"] = "5m",
        };

        foreach (var verb in new[] { "keys", "routes" })
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var listed = await ServiceProcess.RunCommandAsync(environment, verb, "list");
            stopwatch.Stop();

            // Quiet: a process's start, about 1.5 s. Waiting the refusal out would take DB_STARTUP_TIMEOUT's 5 minutes.
            stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), $"a wrong password is not waited out: {listed}");
            listed.ExitCode.Should().Be(1, $"the store refused, the command's settings are not wrong: {listed}");
            listed.Output.Should().BeEmpty();
            listed.Errors.Should().Be($"{verb} list failed: PostgreSQL refused the login (28P01: password authentication failed for user \"kubeagents_cli\"); "
                + "check DB_USER and DB_PASSWORD, or the user and password in ConnectionStrings__KubeAgents\n", "one line, no stack trace, no password");
        }
    }

    [SkippableFact]
    public async Task A_missing_database_the_user_may_not_create_stops_start_up_in_one_line()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var role = $"nocreatedb_{Guid.NewGuid():N}"[..24];
        var database = $"missing_{Guid.NewGuid():N}";
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__KubeAgents"] = await server.CreateRoleAsync(role, "role-secret", database, mayCreateDatabases: false),
            ["DB_STARTUP_TIMEOUT"] = "5m",
        });

        (await StoppedLineAsync(service, "a missing permission is not waited out")).Should().Be($"KubeAgents stopped: PostgreSQL has no database \"{database}\" and user \"{role}\" may not create it "
                + "(42501: permission denied to create database); create the database, grant the user CREATEDB, or set DB_NAME to an existing one");
        service.Output.Should().NotContain("   at ", "no stack trace");
    }

    [SkippableFact]
    public async Task A_server_restart_during_a_migration_is_waited_out_and_the_migration_completes()
    {
        using var server = await PostgresServer.StartDedicatedOrSkipAsync();
        var connectionString = await server.CreateDatabaseAsync("restart_migrating");
        // The release before this one: the last migration is pending, and it alters agents.
        await PostgresContexts.MigrateAllButTheLastAsync(connectionString);

        // A transaction holding agents keeps the migration waiting, its connection and the migration lock held.
        var blocker = new NpgsqlConnection(connectionString);
        await blocker.OpenAsync();
        await using (var lockAgents = new NpgsqlCommand("BEGIN; LOCK TABLE agents IN ROW EXCLUSIVE MODE;", blocker))
        {
            await lockAgents.ExecuteNonQueryAsync();
        }

        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__KubeAgents"] = connectionString,
            ["DB_STARTUP_TIMEOUT"] = "90s",
        });
        await Eventually.TrueAsync(
            async () => service.HasExited || await CountAsync(connectionString, """
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event <> 'advisory'
                """) > 0,
            "the migration to wait for the agents table");
        service.HasExited.Should().BeFalse(service.Output);

        // The server restarts under the migration (fast shutdown: every session is ended).
        server.Stop();
        try
        {
            await blocker.DisposeAsync();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.AdminShutdown)
        {
            // Its rollback meets the end of its session: the lock went with it, as intended.
        }

        server.Start();

        await service.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
        service.Output.Should().Contain("Waiting for PostgreSQL", "the broken migration is retried as an outage")
            .And.NotContain("Connection is not open");
        await using var check = PostgresContexts.Open(connectionString);
        (await check.Database.GetPendingMigrationsAsync()).Should().BeEmpty(service.Output);
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The service gave up on its own, exit 1, with one <c>KubeAgents stopped:</c> line (the tests then
    /// say what it holds); a second such line would mean two failures were reported.
    /// </summary>
    private static async Task<string> StoppedLineAsync(ServiceProcess service, string because)
    {
        (await service.WaitForExitAsync(ServiceProcess.MinimumStartUpWait)).Should().BeTrue($"{because}: {service.Output}");
        service.ExitCode.Should().Be(1, service.Output);
        return service.Output.Split('\n').Where(l => l.StartsWith("KubeAgents stopped:", StringComparison.Ordinal)).Should().ContainSingle(service.Output).Which;
    }

    [SkippableFact]
    public async Task Start_up_waits_for_a_database_that_comes_up_late()
    {
        using var server = await PostgresServer.StartDedicatedOrSkipAsync();
        var connection = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("late"));
        server.Stop();
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__KubeAgents"] = connection.ConnectionString,
            ["DB_STARTUP_TIMEOUT"] = "60s",
        });
        await Eventually.TrueAsync(
            () => service.Output.Contains("Waiting for PostgreSQL", StringComparison.Ordinal) || service.HasExited, "the service to wait for PostgreSQL");

        service.Output.Should().Contain("Waiting for PostgreSQL");
        server.Start();

        await service.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
    }

    [SkippableTheory]
    [InlineData("postgres")]
    [InlineData("sqlite-file")]
    public async Task Every_acknowledged_report_survives_a_kill_9(string store)
    {
        // Its own directory, removed at the end: a killed process cannot remove its database files.
        using var directory = new TemporaryDirectory("kubeagents-crash-");
        var sqliteFile = Path.Combine(directory.Path, "crash.db");
        var environment = store == "postgres"
            ? new Dictionary<string, string?> { ["ConnectionStrings__KubeAgents"] = await (await PostgresServer.GetOrSkipAsync()).CreateDatabaseAsync("crash") }
            : new Dictionary<string, string?> { ["DB_FILE"] = sqliteFile };
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        var sent = 0;
        await using (var service = ServiceProcess.Start(environment))
        {
            await service.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
            using var http = service.CreateClient();
            var client = new WireClient(http);
            using var burst = new CancellationTokenSource();

            // 16 reporters in a loop; the process is killed while they are running.
            var reporters = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !burst.IsCancellationRequested; i++)
                {
                    var id = $"w{worker}-r{i}";
                    Interlocked.Increment(ref sent);
                    try
                    {
                        var (status, _) = await client.ReportRawAsync(new { agent_id = $"agent-{worker % 4}", session_topic = $"s{worker}", status = "running", timestamp = "2026-11-27T10:00:00Z", message = id });
                        if (status == HttpStatusCode.OK)
                        {
                            acknowledged.Add(id);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // The service is gone.
                    }
                }
            })).ToArray();

            while (acknowledged.Count < 300)
            {
                await Task.Delay(10);
            }

            service.KillHard();
            await service.WaitForExitAsync(TimeSpan.FromSeconds(10));
            await burst.CancelAsync();
            await Task.WhenAll(reporters);
        }

        // The restarted service reopens the store (and its migrations find nothing to do).
        await using var restarted = ServiceProcess.Start(environment);
        await restarted.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        await using var connection = store == "postgres"
            ? (System.Data.Common.DbConnection)new NpgsqlConnection(environment["ConnectionStrings__KubeAgents"])
            // Not pooled: nothing holds the file once the test is done and its directory is removed.
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={sqliteFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT message FROM status_entries";
        var stored = new HashSet<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }

        acknowledged.Should().HaveCountGreaterThanOrEqualTo(300);
        stored.Should().Contain(acknowledged, "a 200 means the report is committed");
        stored.Count.Should().BeLessThanOrEqualTo(sent);
    }

    [SkippableFact]
    public async Task Sigterm_closes_every_database_connection()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var connectionString = await server.CreateDatabaseAsync("sigterm");
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__KubeAgents"] = connectionString,
            ["DB_MAX_IDLE_CONNS"] = "3",
        });
        await service.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        using (var http = service.CreateClient())
        {
            await new WireClient(http).ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        }

        (await ConnectionsAsync(server, database)).Should().BeGreaterThan(0);

        service.Terminate();
        (await service.WaitForExitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue(service.Output);
        service.ExitCode.Should().Be(0);
        (await ConnectionsAsync(server, database)).Should().Be(0);
    }

    private static async Task<long> ConnectionsAsync(PostgresServer server, string database)
    {
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @db", connection);
        command.Parameters.AddWithValue("db", database);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
