using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Sqlite.Migrations
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
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "session.finished");

            migrationBuilder.AddColumn<long>(
                name: "quiet_since",
                table: "notifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "route_id",
                table: "notifications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "notification_routes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    secret = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    agent_filter = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    topic_filter = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    events = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_routes", x => x.id);
                    table.CheckConstraint("ck_notification_routes_events", "events <> ''");
                    table.CheckConstraint("ck_notification_routes_name_length", "length(name) BETWEEN 1 AND 100");
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
