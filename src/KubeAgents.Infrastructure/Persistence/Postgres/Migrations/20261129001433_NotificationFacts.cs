using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class NotificationFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "agent_name",
                table: "notifications",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "content",
                table: "notifications",
                type: "character varying(10000)",
                maxLength: 10000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "legacy_text",
                table: "notifications",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "message",
                table: "notifications",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "occurred_at",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<string>(
                name: "previous_status",
                table: "notifications",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "running_since",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            // Rows queued before this version hold only their rendered text. It is kept as legacy_text
            // and the Lark channel sends it unchanged, so a pending notification is delivered as it
            // would have been. The facts a row never stored are filled as well as the row allows (for a
            // json channel): the move is always running -> status, both times become the moment it was
            // queued (a duration of 0), the agent's name is its current one; message and content stay empty.
            migrationBuilder.Sql("""
                UPDATE notifications SET
                    legacy_text = text,
                    previous_status = 'running',
                    running_since = created_at,
                    occurred_at = created_at,
                    agent_name = (SELECT a.name FROM agents a WHERE a.agent_id = notifications.agent_id);
                """);

            migrationBuilder.DropColumn(
                name: "text",
                table: "notifications");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "text",
                table: "notifications",
                type: "text",
                nullable: false,
                defaultValue: "");

            // A row queued since has no text: a one-line summary stands in for the old rendering.
            migrationBuilder.Sql("""
                UPDATE notifications
                SET text = COALESCE(legacy_text, 'Session ' || session_topic || ': ' || previous_status || ' → ' || status)
                """);

            migrationBuilder.DropColumn(
                name: "agent_name",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "content",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "legacy_text",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "message",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "occurred_at",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "previous_status",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "running_since",
                table: "notifications");
        }
    }
}
