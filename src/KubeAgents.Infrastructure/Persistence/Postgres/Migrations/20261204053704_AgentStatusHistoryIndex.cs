using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    /// <summary>
    /// GET /api/agents/{id}/history?status= reads one range of the agent's entries in that status,
    /// newest first, instead of fetching the agent's whole timeline to filter it. Built in the
    /// migration's transaction, so writes to status_entries wait while it builds (on a large history,
    /// seconds per million entries: docs/benchmarks.md).
    /// </summary>
    public partial class AgentStatusHistoryIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_status_entries_agent_status_timeline",
                table: "status_entries",
                columns: new[] { "agent_id", "status", "timestamp", "id" },
                descending: new[] { false, false, true, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_status_entries_agent_status_timeline",
                table: "status_entries");
        }
    }
}
