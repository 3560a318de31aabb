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
            // EF's script for this migration without its PRAGMA foreign_keys lines: no table references
            // events or notifications, so their rebuilds (new check constraints) run inside the migration's
            // transaction, and start-up logs no warning about a step outside it.
            migrationBuilder.Sql("""
                ALTER TABLE "notifications" ADD "kind" TEXT NOT NULL DEFAULT 'session.finished'
                """);
            migrationBuilder.Sql("""
                ALTER TABLE "notifications" ADD "quiet_since" INTEGER NULL
                """);
            migrationBuilder.Sql("""
                ALTER TABLE "notifications" ADD "route_id" TEXT NULL
                """);
            migrationBuilder.Sql("""
                CREATE TABLE "notification_routes" (
                    "id" TEXT NOT NULL CONSTRAINT "PK_notification_routes" PRIMARY KEY,
                    "name" TEXT NOT NULL,
                    "channel" TEXT NOT NULL,
                    "url" TEXT NOT NULL,
                    "secret" TEXT NULL,
                    "agent_filter" TEXT NULL,
                    "topic_filter" TEXT NULL,
                    "events" TEXT NOT NULL,
                    "created_at" INTEGER NOT NULL,
                    "updated_at" INTEGER NOT NULL,
                    CONSTRAINT "ck_notification_routes_events" CHECK (events <> ''),
                    CONSTRAINT "ck_notification_routes_name_length" CHECK (length(name) BETWEEN 1 AND 100)
                )
                """);
            migrationBuilder.Sql("""
                CREATE INDEX "ix_notifications_session" ON "notifications" ("agent_id", "session_topic")
                """);
            migrationBuilder.Sql("""
                CREATE UNIQUE INDEX "ux_notification_routes_name" ON "notification_routes" ("name")
                """);
            migrationBuilder.Sql("""
                CREATE TABLE "ef_temp_events" (
                    "id" INTEGER NOT NULL CONSTRAINT "PK_events" PRIMARY KEY,
                    "agent_id" TEXT NOT NULL,
                    "agent_name" TEXT NULL,
                    "current_status" TEXT NULL,
                    "message" TEXT NULL,
                    "occurred_at" INTEGER NOT NULL,
                    "session_topic" TEXT NULL,
                    "status" TEXT NULL,
                    "timestamp" INTEGER NULL,
                    "ttl_minutes" INTEGER NULL,
                    "type" TEXT NOT NULL,
                    CONSTRAINT "ck_events_type" CHECK (type IN ('status', 'session_expired', 'agent_registered', 'session_silent'))
                )
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ef_temp_events" ("id", "agent_id", "agent_name", "current_status", "message", "occurred_at", "session_topic", "status", "timestamp", "ttl_minutes", "type")
                SELECT "id", "agent_id", "agent_name", "current_status", "message", "occurred_at", "session_topic", "status", "timestamp", "ttl_minutes", "type"
                FROM "events"
                """);
            migrationBuilder.Sql("""
                CREATE TABLE "ef_temp_notifications" (
                    "id" TEXT NOT NULL CONSTRAINT "PK_notifications" PRIMARY KEY,
                    "agent_id" TEXT NOT NULL,
                    "agent_name" TEXT NULL,
                    "attempts" INTEGER NOT NULL,
                    "claim_token" TEXT NULL,
                    "claimed_until" INTEGER NULL,
                    "content" TEXT NULL,
                    "created_at" INTEGER NOT NULL,
                    "delivered_at" INTEGER NULL,
                    "kind" TEXT NOT NULL,
                    "last_attempt_at" INTEGER NULL,
                    "last_error" TEXT NULL,
                    "legacy_text" TEXT NULL,
                    "message" TEXT NULL,
                    "next_attempt_at" INTEGER NOT NULL,
                    "occurred_at" INTEGER NOT NULL,
                    "previous_status" TEXT NOT NULL,
                    "quiet_since" INTEGER NULL,
                    "route_id" TEXT NULL,
                    "running_since" INTEGER NOT NULL,
                    "session_topic" TEXT NOT NULL,
                    "state" TEXT NOT NULL,
                    "status" TEXT NOT NULL,
                    CONSTRAINT "ck_notifications_attempts" CHECK (attempts >= 0),
                    CONSTRAINT "ck_notifications_kind" CHECK (kind IN ('session.finished', 'session.silent')),
                    CONSTRAINT "ck_notifications_state" CHECK (state IN ('pending', 'delivered', 'failed'))
                )
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ef_temp_notifications" ("id", "agent_id", "agent_name", "attempts", "claim_token", "claimed_until", "content", "created_at", "delivered_at", "kind", "last_attempt_at", "last_error", "legacy_text", "message", "next_attempt_at", "occurred_at", "previous_status", "quiet_since", "route_id", "running_since", "session_topic", "state", "status")
                SELECT "id", "agent_id", "agent_name", "attempts", "claim_token", "claimed_until", "content", "created_at", "delivered_at", "kind", "last_attempt_at", "last_error", "legacy_text", "message", "next_attempt_at", "occurred_at", "previous_status", "quiet_since", "route_id", "running_since", "session_topic", "state", "status"
                FROM "notifications"
                """);
            migrationBuilder.Sql("""
                DROP TABLE "events"
                """);
            migrationBuilder.Sql("""
                ALTER TABLE "ef_temp_events" RENAME TO "events"
                """);
            migrationBuilder.Sql("""
                DROP TABLE "notifications"
                """);
            migrationBuilder.Sql("""
                ALTER TABLE "ef_temp_notifications" RENAME TO "notifications"
                """);
            migrationBuilder.Sql("""
                CREATE INDEX "ix_notifications_created_at" ON "notifications" ("created_at" DESC)
                """);
            migrationBuilder.Sql("""
                CREATE INDEX "ix_notifications_due" ON "notifications" ("next_attempt_at") WHERE state = 'pending'
                """);
            migrationBuilder.Sql("""
                CREATE INDEX "ix_notifications_session" ON "notifications" ("agent_id", "session_topic")
                """);
            migrationBuilder.Sql("""
                CREATE INDEX "ix_notifications_state_created_at" ON "notifications" ("state", "created_at" DESC)
                """);
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
