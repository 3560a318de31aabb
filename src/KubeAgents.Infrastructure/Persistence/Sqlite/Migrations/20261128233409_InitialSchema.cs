using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "agents",
                columns: table => new
                {
                    agent_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    source = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    registered = table.Column<long>(type: "INTEGER", nullable: false),
                    last_seen = table.Column<long>(type: "INTEGER", nullable: false),
                    latest_status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    latest_status_at = table.Column<long>(type: "INTEGER", nullable: true),
                    latest_message = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agents", x => x.agent_id);
                    table.CheckConstraint("ck_agents_agent_id_length", "length(agent_id) BETWEEN 1 AND 100");
                    table.CheckConstraint("ck_agents_latest_status", "latest_status IN ('running', 'pending', 'success', 'failed')");
                });

            migrationBuilder.CreateTable(
                name: "notifications",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    agent_id = table.Column<string>(type: "TEXT", nullable: false),
                    session_topic = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    text = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_attempt_at = table.Column<long>(type: "INTEGER", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    delivered_at = table.Column<long>(type: "INTEGER", nullable: true),
                    claim_token = table.Column<Guid>(type: "TEXT", nullable: true),
                    claimed_until = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notifications", x => x.id);
                    table.CheckConstraint("ck_notifications_attempts", "attempts >= 0");
                    table.CheckConstraint("ck_notifications_state", "state IN ('pending', 'delivered', 'failed')");
                });

            migrationBuilder.CreateTable(
                name: "sessions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    agent_id = table.Column<string>(type: "TEXT", nullable: false),
                    topic = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    created = table.Column<long>(type: "INTEGER", nullable: false),
                    last_updated = table.Column<long>(type: "INTEGER", nullable: false),
                    ttl_minutes = table.Column<int>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expired = table.Column<bool>(type: "INTEGER", nullable: false),
                    expired_at = table.Column<long>(type: "INTEGER", nullable: true),
                    current_status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    current_status_at = table.Column<long>(type: "INTEGER", nullable: true),
                    first_running_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sessions", x => x.id);
                    table.CheckConstraint("ck_sessions_current_status", "current_status IN ('running', 'pending', 'success', 'failed')");
                    table.CheckConstraint("ck_sessions_topic_length", "length(topic) BETWEEN 1 AND 500");
                    table.CheckConstraint("ck_sessions_ttl_minutes", "ttl_minutes BETWEEN 1 AND 1440");
                    table.ForeignKey(
                        name: "FK_sessions_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "agent_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "status_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    session_id = table.Column<long>(type: "INTEGER", nullable: false),
                    agent_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    message = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    content = table.Column<string>(type: "TEXT", maxLength: 10000, nullable: true),
                    received_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_status_entries", x => x.id);
                    table.CheckConstraint("ck_status_entries_status", "status IN ('running', 'pending', 'success', 'failed')");
                    table.ForeignKey(
                        name: "FK_status_entries_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "agent_id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_status_entries_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_agents_last_seen",
                table: "agents",
                column: "last_seen",
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_agents_latest_status",
                table: "agents",
                column: "latest_status");

            migrationBuilder.CreateIndex(
                name: "ix_notifications_created_at",
                table: "notifications",
                column: "created_at",
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_notifications_due",
                table: "notifications",
                column: "next_attempt_at",
                filter: "state = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_notifications_state_created_at",
                table: "notifications",
                columns: new[] { "state", "created_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_agent_id_last_updated",
                table: "sessions",
                columns: new[] { "agent_id", "last_updated" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_expires_at_live",
                table: "sessions",
                column: "expires_at",
                filter: "NOT expired");

            migrationBuilder.CreateIndex(
                name: "ux_sessions_agent_id_topic",
                table: "sessions",
                columns: new[] { "agent_id", "topic" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_status_entries_agent_timeline",
                table: "status_entries",
                columns: new[] { "agent_id", "timestamp", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_status_entries_session_timeline",
                table: "status_entries",
                columns: new[] { "session_id", "timestamp", "id" },
                descending: new[] { false, true, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notifications");

            migrationBuilder.DropTable(
                name: "status_entries");

            migrationBuilder.DropTable(
                name: "sessions");

            migrationBuilder.DropTable(
                name: "agents");
        }
    }
}
