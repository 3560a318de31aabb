using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Persistence.Postgres;
using KubeAgents.Infrastructure.Persistence.Sqlite;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace KubeAgents.Infrastructure.IntegrationTests;

public class MigrationTests
{
    [SkippableFact]
    public async Task Start_up_migrates_an_empty_database_and_is_a_no_op_on_an_up_to_date_one()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var connectionString = await server.CreateDatabaseAsync("migrate");
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:KubeAgents"] = connectionString };

        await using (var first = await KubeAgentsApi.StartAsync(StoreKind.Postgres, settings))
        {
            var (applied, pending) = await first.InDatabaseAsync(async db =>
                ((await db.Database.GetAppliedMigrationsAsync()).ToList(), (await db.Database.GetPendingMigrationsAsync()).ToList()));
            applied.Should().Equal(first.InDatabase(db => db.Database.GetMigrations().ToList()));
            pending.Should().BeEmpty();
            await first.CreateWireClient().ReportAsync("agent", "t", "running", KubeAgentsApi.Epoch);
        }

        await using var second = await KubeAgentsApi.StartAsync(StoreKind.Postgres, settings);
        (await HistoryRowsAsync(connectionString)).Should().Be(second.InDatabase(db => db.Database.GetMigrations().Count()));
        (await second.CreateWireClient().GetAsync("/api/agents/agent")).Str("agent_id").Should().Be("agent", "data survives a restart");
    }

    [SkippableFact]
    public async Task Instances_starting_together_on_a_missing_database_create_it_and_leave_one_schema()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        // A name nobody created: the instances create the database, then migrate it, all at once.
        var missing = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("race"));
        missing.Database += "_new";
        var connectionString = missing.ConnectionString;
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__KubeAgents"] = connectionString };

        var services = Enumerable.Range(0, 3).Select(_ => ServiceProcess.Start(environment)).ToArray();
        try
        {
            await Task.WhenAll(services.Select(s => s.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90))));
            foreach (var service in services)
            {
                using var http = service.CreateClient();
                await new WireClient(http).ReportAsync($"agent-{service.Port}", "t", "running", KubeAgentsApi.Epoch);
            }

            await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres, new Dictionary<string, string?> { ["ConnectionStrings:KubeAgents"] = connectionString });
            (await HistoryRowsAsync(connectionString)).Should().Be(api.InDatabase(db => db.Database.GetMigrations().Count()));
            (await api.InDatabaseAsync(db => db.Agents.CountAsync())).Should().Be(3);
        }
        finally
        {
            foreach (var service in services)
            {
                await service.DisposeAsync();
            }
        }
    }

    [SkippableFact]
    public async Task Every_instant_is_timestamptz_and_keeps_its_instant()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);
        var client = api.CreateWireClient();
        var (status, _) = await client.ReportRawAsync(new
        {
            agent_id = "tz",
            session_topic = "t",
            status = "running",
            timestamp = "2026-11-27T18:00:00.123456+08:00",
        });
        status.Should().Be(System.Net.HttpStatusCode.OK);

        var columns = await api.InDatabaseAsync(db => db.Database.SqlQuery<ColumnType>($"""
            SELECT table_name AS "Table", column_name AS "Column", data_type AS "Type"
            FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name NOT IN ('__EFMigrationsHistory', 'event_inbox') AND data_type LIKE 'timestamp%'
            """).ToListAsync());
        var instants = api.InDatabase(db => db.Model.GetEntityTypes().SelectMany(e => e.GetProperties())
            .Count(p => p.ClrType == typeof(DateTimeOffset) || p.ClrType == typeof(DateTimeOffset?)));
        columns.Should().HaveCount(instants);
        columns.Should().OnlyContain(c => c.Type == "timestamp with time zone");
        var inbox = await api.InDatabaseAsync(db => db.Database.SqlQuery<string>($"""
            SELECT data_type AS "Value" FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = 'event_inbox' AND data_type LIKE 'timestamp%'
            """).ToListAsync());
        inbox.Should().NotBeEmpty().And.OnlyContain(t => t == "timestamp with time zone", "the event inbox (outside the model) copies the event log's columns");

        var stored = await api.InDatabaseAsync(db => db.Database.SqlQuery<string>($"""
            SELECT to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "Value" FROM status_entries WHERE agent_id = 'tz'
            """).SingleAsync());
        stored.Should().Be("2026-11-27T10:00:00.123456");
    }

    [SkippableFact]
    public async Task Check_constraints_mirror_the_validation_rules()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);
        await api.CreateWireClient().ReportAsync("ck", "t", "running", KubeAgentsApi.Epoch);

        var statements = new[]
        {
            "UPDATE sessions SET ttl_minutes = 0 WHERE agent_id = 'ck'",
            "UPDATE sessions SET ttl_minutes = 1441 WHERE agent_id = 'ck'",
            "UPDATE sessions SET current_status = 'done' WHERE agent_id = 'ck'",
            "UPDATE status_entries SET status = 'RUNNING' WHERE agent_id = 'ck'",
            "UPDATE agents SET latest_status = 'x' WHERE agent_id = 'ck'",
            "INSERT INTO agents (agent_id, registered, last_seen) VALUES ('', now(), now())",
        };
        foreach (var sql in statements)
        {
            var act = () => api.InDatabaseAsync(db => db.Database.ExecuteSqlRawAsync(sql));
            (await act.Should().ThrowAsync<PostgresException>(sql)).Which.SqlState.Should().Be(PostgresErrorCodes.CheckViolation, sql);
        }
    }

    [SkippableFact]
    public async Task Deleting_an_agent_cascades_to_its_sessions_and_history()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);
        await api.CreateWireClient().ReportAsync("gone", "t", "running", KubeAgentsApi.Epoch);

        await api.InDatabaseAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM agents WHERE agent_id = 'gone'"));

        (await api.InDatabaseAsync(db => db.Sessions.CountAsync(s => s.AgentId == "gone"))).Should().Be(0);
        (await api.InDatabaseAsync(db => db.StatusEntries.CountAsync(e => e.AgentId == "gone"))).Should().Be(0);
    }

    [SkippableFact]
    public async Task Sessions_stored_before_hilo_ids_keep_theirs_and_new_sessions_never_collide()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var connectionString = await server.CreateDatabaseAsync("hilo");
        var options = new DbContextOptionsBuilder<PostgresDbContext>().UseNpgsql(connectionString).Options;
        await using (var old = new PostgresDbContext(options))
        {
            // The schema as the previous release left it, with sessions numbered by the identity column.
            await old.GetService<IMigrator>().MigrateAsync("20261127120244_NotificationOutbox");
            await old.Database.ExecuteSqlRawAsync("""
                INSERT INTO agents (agent_id, registered, last_seen) VALUES ('old', now(), now());
                INSERT INTO sessions (agent_id, topic, created, last_updated, ttl_minutes, expires_at, expired)
                SELECT 'old', 'before-' || n, now(), now(), 30, now() + interval '30 minutes', false FROM generate_series(1, 120) AS n;
                """);
        }

        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres, new Dictionary<string, string?> { ["ConnectionStrings:KubeAgents"] = connectionString });
        var client = api.CreateWireClient();
        for (var i = 0; i < 60; i++)
        {
            await client.ReportAsync("old", $"after-{i}", "running", KubeAgentsApi.Epoch);
        }

        var ids = await api.InDatabaseAsync(db => db.Sessions.Select(s => new { s.Topic, s.Id }).ToListAsync());
        ids.Should().HaveCount(180);
        ids.Select(s => s.Id).Should().OnlyHaveUniqueItems();
        ids.Where(s => s.Topic.StartsWith("after-", StringComparison.Ordinal)).Should().OnlyContain(s => s.Id > 120);
    }

    [SkippableFact]
    public async Task Notification_queued_as_text_before_facts_is_delivered_with_that_text()
    {
        var server = await PostgresServer.GetOrSkipAsync();
        var connectionString = await server.CreateDatabaseAsync("legacy_outbox");
        var options = new DbContextOptionsBuilder<PostgresDbContext>().UseNpgsql(connectionString).Options;
        await using (var old = new PostgresDbContext(options))
        {
            // The outbox as the previous release left it: the rendered text only.
            await old.GetService<IMigrator>().MigrateAsync("20261127151940_SessionIdsFromHiLo");
            await old.Database.ExecuteSqlAsync($"""
                INSERT INTO agents (agent_id, name, registered, last_seen) VALUES ('old', 'Old Bot', now(), now());
                INSERT INTO notifications (id, agent_id, session_topic, status, text, created_at, state, attempts, next_attempt_at)
                VALUES ({LegacyId}, 'old', 't', 'success', 'rendered by the old release', '2026-11-27T09:00:00Z', 'pending', 0, '2026-11-27T09:00:00Z');
                """);
        }

        await AssertLegacyNotificationDeliveredAsync(new Dictionary<string, string?> { ["ConnectionStrings:KubeAgents"] = connectionString }, StoreKind.Postgres);
    }

    [Fact]
    public async Task Sqlite_notification_queued_as_text_before_facts_is_delivered_with_that_text()
    {
        var file = Path.Combine(Path.GetTempPath(), $"kubeagents-legacy-{Guid.NewGuid():N}.db");
        try
        {
            var options = new DbContextOptionsBuilder<SqliteDbContext>().UseSqlite($"Data Source={file};Pooling=False").Options;
            await using (var old = new SqliteDbContext(options))
            {
                await old.GetService<IMigrator>().MigrateAsync("20261128233409_InitialSchema");
                var queued = KubeAgentsApi.Epoch.AddHours(-1).UtcTicks;
                var id = LegacyId.ToString().ToUpperInvariant();
                await old.Database.ExecuteSqlAsync($"""
                    INSERT INTO agents (agent_id, name, registered, last_seen) VALUES ('old', 'Old Bot', {queued}, {queued});
                    INSERT INTO notifications (id, agent_id, session_topic, status, text, created_at, state, attempts, next_attempt_at)
                    VALUES ({id}, 'old', 't', 'success', 'rendered by the old release', {queued}, 'pending', 0, {queued});
                    """);
            }

            await AssertLegacyNotificationDeliveredAsync(new Dictionary<string, string?> { ["DB_FILE"] = file }, StoreKind.Sqlite);
        }
        finally
        {
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }
    }

    private static readonly Guid LegacyId = Guid.Parse("0193c0de-0000-7000-8000-000000000001");

    /// <summary>Starts the service on a store holding one notification queued as text by the previous release: it is delivered as that text, and its facts are filled.</summary>
    private static async Task AssertLegacyNotificationDeliveredAsync(Dictionary<string, string?> settings, StoreKind store)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        settings["NOTIFICATION_WEBHOOK_URL"] = receiver.Url;
        await using var api = await KubeAgentsApi.StartAsync(store, settings);

        var request = (await receiver.WaitForAsync(1)).Single();
        request.Body.Should().Be("""{"msg_type":"text","content":{"text":"rendered by the old release"}}""");
        request.Headers["X-KubeAgents-Delivery"].Should().Be(LegacyId.ToString());
        var migrated = await api.InDatabaseAsync(db => db.Notifications.SingleAsync());
        migrated.AgentName.Should().Be("Old Bot");
        migrated.PreviousStatus.Should().Be(Domain.Sessions.SessionStatus.Running);
        migrated.OccurredAt.Should().Be(migrated.CreatedAt);
    }

    private static async Task<long> HistoryRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed record ColumnType(string Table, string Column, string Type);
}
