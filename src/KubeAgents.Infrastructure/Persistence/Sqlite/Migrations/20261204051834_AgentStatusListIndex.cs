using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    /// <summary>
    /// GET /api/agents?status= reads one range of the agents in that status, in list order (newest
    /// first, ties by id), instead of walking every agent newest first and filtering. The new index
    /// replaces the one on the status alone, so a report writes no more index entries than before.
    /// </summary>
    public partial class AgentStatusListIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_agents_latest_status",
                table: "agents");

            migrationBuilder.CreateIndex(
                name: "ix_agents_latest_status_last_seen",
                table: "agents",
                columns: new[] { "latest_status", "last_seen", "agent_id" },
                descending: new[] { false, true, false });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_agents_latest_status_last_seen",
                table: "agents");

            migrationBuilder.CreateIndex(
                name: "ix_agents_latest_status",
                table: "agents",
                column: "latest_status");
        }
    }
}
