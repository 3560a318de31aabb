using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    /// <summary>
    /// Each agent's session count on its row, counted once here for the sessions already stored, and
    /// an index of the live sessions by agent: GET /api/agents no longer counts every session of each
    /// listed agent (216 ms p50 at 10 million entries, docs/benchmarks.md).
    /// </summary>
    public partial class AgentSessionCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "session_count",
                table: "agents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.Sql("UPDATE agents SET session_count = (SELECT count(*) FROM sessions WHERE sessions.agent_id = agents.agent_id);");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_agent_id_expires_at_live",
                table: "sessions",
                columns: new[] { "agent_id", "expires_at" },
                filter: "NOT expired");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sessions_agent_id_expires_at_live",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "session_count",
                table: "agents");
        }
    }
}
