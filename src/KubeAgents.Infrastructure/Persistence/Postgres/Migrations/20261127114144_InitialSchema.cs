using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Postgres.Migrations
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
                    agent_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    source = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    registered = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    latest_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    latest_status_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    latest_message = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agents", x => x.agent_id);
                    table.CheckConstraint("ck_agents_agent_id_length", "char_length(agent_id) BETWEEN 1 AND 100");
                    table.CheckConstraint("ck_agents_latest_status", "latest_status IN ('running', 'pending', 'success', 'failed')");
                });

            migrationBuilder.CreateTable(
                name: "sessions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    agent_id = table.Column<string>(type: "character varying(100)", nullable: false),
                    topic = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    created = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_updated = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ttl_minutes = table.Column<int>(type: "integer", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expired = table.Column<bool>(type: "boolean", nullable: false),
                    expired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    current_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    current_status_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    first_running_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sessions", x => x.id);
                    table.CheckConstraint("ck_sessions_current_status", "current_status IN ('running', 'pending', 'success', 'failed')");
                    table.CheckConstraint("ck_sessions_topic_length", "char_length(topic) BETWEEN 1 AND 500");
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    session_id = table.Column<long>(type: "bigint", nullable: false),
                    agent_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    message = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    content = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                name: "status_entries");

            migrationBuilder.DropTable(
                name: "sessions");

            migrationBuilder.DropTable(
                name: "agents");
        }
    }
}
