using System.Globalization;
using KubeAgents.Domain.Agents;
using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Persistence.Postgres;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static KubeAgents.TestSupport.WireClient;

namespace KubeAgents.Infrastructure.IntegrationTests;

/// <summary>
/// Rules of the PostgreSQL store that no compiler checks, checked on a migrated database: the event
/// inbox has the columns of the event log (it is created outside the EF model), and no stored session
/// is updated without its agent held (the sweeper's race rests on it).
/// </summary>
public class PostgresStoreRuleTests
{
    [SkippableFact]
    public async Task Event_inbox_has_every_column_of_the_events_table_and_of_the_model_beside_its_own_sequence()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);
        var connectionString = api.InDatabase(db => db.Database.GetConnectionString())!;

        var events = await ColumnsAsync(connectionString, "events");
        var inbox = await ColumnsAsync(connectionString, PostgresDbContext.EventInboxTable);
        var model = api.InDatabase(db => db.Model.FindEntityType(typeof(EventRecord))!.GetProperties().Select(p => p.GetColumnName()).ToList());

        events.Should().ContainKey("id");
        inbox.Should().ContainKey("seq");
        inbox.Where(c => c.Key != "seq").Should().BeEquivalentTo(events.Where(c => c.Key != "id"),
            "writers insert the model's event columns into the inbox and the feed moves them into the log column for column");
        model.Where(c => c != "id").Should().BeEquivalentTo(inbox.Keys.Where(c => c != "seq"), "the inbox insert takes its columns from the model");
    }

    [SkippableFact]
    public async Task A_stored_session_updated_without_holding_its_agent_is_refused()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);
        await api.CreateWireClient().ReportAsync("unheld", "t", "running", KubeAgentsApi.Epoch);

        var refused = () => api.InDatabaseAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var session = await db.Sessions.SingleAsync(s => s.AgentId == "unheld");
            db.Entry(session).Property(s => s.TtlMinutes).CurrentValue = 99;
            return await db.SaveChangesAsync();
        });

        (await refused.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*agent 'unheld'*updated without holding its agent*LockAgentsAsync*");
        (await api.InDatabaseAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.AgentId == "unheld"))).TtlMinutes.Should().Be(Session.DefaultTtlMinutes);
    }

    [SkippableFact]
    public async Task A_stored_session_updated_while_its_agent_is_held_is_saved()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);
        await api.CreateWireClient().ReportAsync("held", "t", "running", KubeAgentsApi.Epoch);

        await api.InDatabaseAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.LockAgentsAsync(["held"], CancellationToken.None);
            var session = await db.Sessions.SingleAsync(s => s.AgentId == "held");
            db.Entry(session).Property(s => s.TtlMinutes).CurrentValue = 99;
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return 0;
        });

        (await api.InDatabaseAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.AgentId == "held"))).TtlMinutes.Should().Be(99);
    }

    [SkippableFact]
    public async Task The_batch_sessions_query_probes_the_unique_index_even_in_a_generic_plan_cached_while_the_table_was_empty()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);
        var connectionString = api.InDatabase(db => db.Database.GetConnectionString())!;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var statement = string.Format(CultureInfo.InvariantCulture, PostgresDbContext.SessionsByPairsSql, "$1", "$2");
        await ExecuteAsync(connection, $"SET plan_cache_mode = force_generic_plan; PREPARE pairs(text[], text[]) AS {statement}");

        var onEmptyTable = await PlanAsync(connection);
        await ExecuteAsync(connection, """
            INSERT INTO agents (agent_id, name, source, registered, last_seen, latest_status, latest_status_at, latest_message)
            SELECT 'scale-' || a, 'scale', 'test', now(), now(), 'running', now(), '' FROM generate_series(1, 20) a;
            INSERT INTO sessions (id, agent_id, topic, created, current_status, current_status_at, expired, expires_at, first_running_at, last_updated, ttl_minutes)
            SELECT -n, 'scale-' || (1 + n % 20), 'topic-' || n, now(), 'running', now(), false, now() + interval '1 hour', now(), now(), 60
            FROM generate_series(1, 20000) n;
            """);
        var cachedOnceTheTableHolds20000 = await PlanAsync(connection);

        foreach (var plan in new[] { onEmptyTable, cachedOnceTheTableHolds20000 })
        {
            plan.Should().Contain("Index Scan using ux_sessions_agent_id_topic on sessions", "each pair is one probe of the unique index").And.NotContain("Seq Scan on sessions");
        }
    }

    [SkippableFact]
    public async Task The_agents_lock_and_update_and_the_inbox_move_read_by_index_even_in_generic_plans_cached_while_the_tables_were_empty()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);
        var connectionString = api.InDatabase(db => db.Database.GetConnectionString())!;
        var statements = PostgresDbContext.LockAgentsSql.Split(";\n");
        statements[0].Should().Be(PostgresDbContext.KeyedPlansSql, "the lock is the batch transaction's first statement and sets the planner for the rest");
        var lockAgents = string.Format(CultureInfo.InvariantCulture, statements[1], "$1");
        var update = api.InDatabase(db =>
        {
            using var batch = new NpgsqlBatch();
            PostgresRowWriter.AddStatements(batch, db.Model.FindEntityType(typeof(Agent))!, Array.Empty<Agent>(), [Agent.Register("a", KubeAgentsApi.Epoch)]);
            return (Sql: batch.BatchCommands[0].CommandText, Parameters: batch.BatchCommands[0].Parameters.Count);
        });
        var numbering = api.InDatabase(db => PostgresDbContext.NumberingCommands(db.Model).Select(c => c.CommandText).ToList());
        numbering[0].Should().Be(PostgresDbContext.KeyedPlansSql, "the feed's numbering sets the planner before its move");
        var move = numbering[^1];
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Every column travels as text[] and is cast in the statement.
        var updateTypes = string.Join(", ", Enumerable.Repeat("text[]", update.Parameters));

        async Task<string[]> GenericPlansAsync(bool keyed)
        {
            await ExecuteAsync(connection, "BEGIN; SET LOCAL plan_cache_mode = force_generic_plan; DEALLOCATE ALL");
            if (keyed)
            {
                await ExecuteAsync(connection, PostgresDbContext.KeyedPlansSql);
            }

            await ExecuteAsync(connection, $"PREPARE lock_agents(text[]) AS {lockAgents}; PREPARE update_agents({updateTypes}) AS {update.Sql}; PREPARE move AS {move}");
            var updateValues = string.Join(", ", Enumerable.Repeat("'{}'", update.Parameters));
            var plans = new[]
            {
                await ExplainAsync(connection, "EXECUTE lock_agents('{a,b}')"),
                await ExplainAsync(connection, $"EXECUTE update_agents({updateValues})"),
                await ExplainAsync(connection, "EXECUTE move"),
            };
            await ExecuteAsync(connection, "ROLLBACK");
            return plans;
        }

        var asPlannedBefore = await GenericPlansAsync(keyed: false);
        var keyedPlans = await GenericPlansAsync(keyed: true);

        asPlannedBefore.Should().Contain(p => p.Contains("Seq Scan", StringComparison.Ordinal),
            "on a young table PostgreSQL's generic plans scan it whole, and the agents and the inbox grow dead rows with every batch until autovacuum's first pass");
        keyedPlans[0].Should().Contain("Index Scan", "the lock reads its agents by key (a bitmap of them or in key order)").And.Contain("\"PK_agents\"");
        keyedPlans[1].Should().Contain("Index Scan using \"PK_agents\" on agents");
        keyedPlans[2].Should().Contain("using event_inbox_pkey on event_inbox");
        keyedPlans.Should().AllSatisfy(p => p.Should().NotContain("Seq Scan"));
    }

    [SkippableFact]
    public async Task The_sweeps_read_of_due_agents_ranges_over_the_live_sessions_index_on_a_table_never_analyzed()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);
        await using var connection = new NpgsqlConnection(api.InDatabase(db => db.Database.GetConnectionString())!);
        await connection.OpenAsync();
        var statements = PostgresDbContext.DueAgentsSql.Split(";\n");
        statements[0].Should().Be(PostgresDbContext.KeyedPlansSql, "the read is the sweep transaction's first statement and sets the planner for the rest of it");
        var dueAgents = string.Format(CultureInfo.InvariantCulture, statements[1], "'2026-12-05T00:00:00Z'::timestamptz");

        async Task<string> DueAgentsPlanAsync(bool keyed)
        {
            // 50,000 live sessions of 1,000 agents, written and never analyzed, as in a new database's first minutes.
            await ExecuteAsync(connection, """
                BEGIN;
                INSERT INTO agents (agent_id, registered, last_seen) SELECT 'a' || i, now(), now() FROM generate_series(1, 1000) AS i;
                INSERT INTO sessions (id, agent_id, topic, created, last_updated, ttl_minutes, expires_at, expired)
                SELECT i, 'a' || (i % 1000 + 1), 't' || i, now(), now(), 60, now() + interval '1 hour', FALSE FROM generate_series(1, 50000) AS i
                """);
            if (keyed)
            {
                await ExecuteAsync(connection, PostgresDbContext.KeyedPlansSql);
            }

            var plan = await ExplainAsync(connection, dueAgents);
            await ExecuteAsync(connection, "ROLLBACK");
            return plan;
        }

        (await DueAgentsPlanAsync(keyed: false)).Should().Contain("Seq Scan on sessions", "without statistics PostgreSQL takes a third of the sessions to be due, and reads them all");
        (await DueAgentsPlanAsync(keyed: true)).Should().MatchRegex("(Index (Only )?Scan using|Bitmap Index Scan on) ix_sessions_expires_at_live", "the due sessions are a range of the index by expiry").And.NotContain("Seq Scan");
    }

    [SkippableFact]
    public async Task The_agents_lock_sets_the_planner_for_the_rest_of_its_transaction_and_refuses_to_run_outside_one()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);

        var (inside, after) = await api.InDatabaseAsync(async db =>
        {
            string inside;
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                await db.LockAgentsAsync(["a"], CancellationToken.None);
                inside = await db.Database.SqlQueryRaw<string>("SELECT current_setting('enable_seqscan') AS \"Value\"").SingleAsync();
                await transaction.CommitAsync();
            }

            return (inside, await db.Database.SqlQueryRaw<string>("SELECT current_setting('enable_seqscan') AS \"Value\"").SingleAsync());
        });
        var outside = () => api.InDatabaseAsync(db => db.LockAgentsAsync(["a"], CancellationToken.None));

        inside.Should().Be("off");
        after.Should().Be("on", "the setting is LOCAL to the batch's transaction");
        (await outside.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*begin one first*");
    }

    [SkippableFact]
    public async Task Agent_search_reads_the_trigram_indexes_of_the_search_keys()
    {
        var commands = new SqlCommandLog();
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres, configureServices: s => s.AddSingleton<IInterceptor>(commands));
        var client = api.CreateWireClient();
        await client.ReportAsync("Build-Bot-12", "t", "running", KubeAgentsApi.Epoch);
        await client.ReportAsync("other", "t", "running", KubeAgentsApi.Epoch, agentName: "Bot-1 by name");
        await client.ReportAsync("third", "t", "running", KubeAgentsApi.Epoch);
        commands.Clear();

        var found = (await client.GetAsync("/api/agents?search=bot-1")).Items("agents").Select(a => a.Str("agent_id"));

        found.Should().BeEquivalentTo("Build-Bot-12", "other");
        var search = commands.Entries.Single(c => c.Text.Contains("agent_search_keys", StringComparison.Ordinal));
        await using var connection = new NpgsqlConnection(api.InDatabase(db => db.Database.GetConnectionString()));
        await connection.OpenAsync();
        // A table of three rows is read whole whatever its indexes; without that choice, the plan shows
        // which indexes the statement EF sends can use.
        await ExecuteAsync(connection, "SET enable_seqscan = off");
        await using var explain = new NpgsqlCommand("EXPLAIN " + search.Text, connection);
        foreach (var parameter in search.Parameters)
        {
            explain.Parameters.AddWithValue(parameter.Name, parameter.Value ?? DBNull.Value);
        }

        var plan = await ReadPlanAsync(explain);
        plan.Should().Contain("Bitmap Index Scan on ix_agent_search_keys_id_key", "the key's substring match, as EF writes it, is what the trigram index serves")
            .And.Contain("Bitmap Index Scan on ix_agent_search_keys_name_key");
    }

    [SkippableFact]
    public async Task Search_keys_follow_registration_and_rename_and_go_with_their_agent()
    {
        await using var api = await KubeAgentsApi.StartAsync(StoreKind.Postgres);
        var client = api.CreateWireClient();
        await client.ReportAsync("Keyed", "t", "running", KubeAgentsApi.Epoch, agentName: "First Name");
        var keys = () => api.InDatabaseAsync(db => db.Set<AgentSearchKey>().AsNoTracking()
            .Where(k => k.AgentId == "Keyed").Select(k => new { k.IdKey, k.NameKey }).ToListAsync());

        (await keys()).Should().BeEquivalentTo([new { IdKey = "keyed", NameKey = (string?)"first name" }]);

        await client.ReportAsync("Keyed", "t", "running", KubeAgentsApi.Epoch.AddSeconds(1), agentName: "Second");
        (await keys()).Should().BeEquivalentTo([new { IdKey = "keyed", NameKey = (string?)"second" }]);

        await api.InDatabaseAsync(db => db.Agents.Where(a => a.AgentId == "Keyed").ExecuteDeleteAsync());
        (await keys()).Should().BeEmpty("the keys go with their agent (a foreign key, ON DELETE CASCADE)");
    }

    private static async Task<Dictionary<string, string>> ColumnsAsync(string connectionString, string table)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table", connection);
        command.Parameters.AddWithValue("table", table);
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns[reader.GetString(0)] = $"{reader.GetString(1)} null={reader.GetString(2)}";
        }

        return columns;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static Task<string> PlanAsync(NpgsqlConnection connection) => ExplainAsync(connection, "EXECUTE pairs('{a,b,c}', '{x,y,z}')");

    private static async Task<string> ExplainAsync(NpgsqlConnection connection, string statement)
    {
        await using var command = new NpgsqlCommand($"EXPLAIN {statement}", connection);
        return await ReadPlanAsync(command);
    }

    private static async Task<string> ReadPlanAsync(NpgsqlCommand command)
    {
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }
}
