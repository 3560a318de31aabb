using KubeAgents.Domain.Sessions;
using KubeAgents.Infrastructure.Events;
using KubeAgents.Infrastructure.Persistence;
using KubeAgents.Infrastructure.Persistence.Postgres;
using KubeAgents.TestSupport;
using Microsoft.EntityFrameworkCore;
using Npgsql;

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
}
