using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    /// <summary>Notification routes, and per notification its route, its kind (rows queued before this are finished sessions) and a silent session's quiet start.</summary>
    public partial class NotificationRoutes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_events_type",
                table: "events");

            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "notifications",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "session.finished");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "quiet_since",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "route_id",
                table: "notifications",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "notification_routes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    secret = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    agent_filter = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    topic_filter = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    events = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_routes", x => x.id);
                    table.CheckConstraint("ck_notification_routes_events", "events <> ''");
                    table.CheckConstraint("ck_notification_routes_name_length", "char_length(name) BETWEEN 1 AND 100");
                });

            migrationBuilder.CreateIndex(
                name: "ix_notifications_session",
                table: "notifications",
                columns: new[] { "agent_id", "session_topic" });

            migrationBuilder.AddCheckConstraint(
                name: "ck_notifications_kind",
                table: "notifications",
                sql: "kind IN ('session.finished', 'session.silent')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_events_type",
                table: "events",
                sql: "type IN ('status', 'session_expired', 'agent_registered', 'session_silent')");

            migrationBuilder.CreateIndex(
                name: "ux_notification_routes_name",
                table: "notification_routes",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notification_routes");

            migrationBuilder.DropIndex(
                name: "ix_notifications_session",
                table: "notifications");

            migrationBuilder.DropCheckConstraint(
                name: "ck_notifications_kind",
                table: "notifications");

            migrationBuilder.DropCheckConstraint(
                name: "ck_events_type",
                table: "events");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "quiet_since",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "route_id",
                table: "notifications");

            migrationBuilder.AddCheckConstraint(
                name: "ck_events_type",
                table: "events",
                sql: "type IN ('status', 'session_expired', 'agent_registered')");
        }
    }
}
