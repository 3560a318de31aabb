using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class NotificationFacts : Migration
    {
        // SQLite drops a plain column in place (3.35+); EF's DropColumn would rebuild the table, which
        // needs foreign keys off outside the migration's transaction.
        private static void DropColumn(MigrationBuilder migrationBuilder, string column) =>
            migrationBuilder.Sql($"ALTER TABLE \"notifications\" DROP COLUMN \"{column}\";");

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "agent_name",
                table: "notifications",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "content",
                table: "notifications",
                type: "TEXT",
                maxLength: 10000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "legacy_text",
                table: "notifications",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "message",
                table: "notifications",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "occurred_at",
                table: "notifications",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "previous_status",
                table: "notifications",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "running_since",
                table: "notifications",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

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
                    agent_name = (SELECT a.name FROM agents a WHERE a.agent_id = notifications.agent_id)
                """);

            DropColumn(migrationBuilder, "text");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "text",
                table: "notifications",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // A row queued since has no text: a one-line summary stands in for the old rendering.
            migrationBuilder.Sql("""
                UPDATE notifications
                SET text = COALESCE(legacy_text, 'Session ' || session_topic || ': ' || previous_status || ' → ' || status)
                """);

            DropColumn(migrationBuilder, "agent_name");

            DropColumn(migrationBuilder, "content");

            DropColumn(migrationBuilder, "legacy_text");

            DropColumn(migrationBuilder, "message");

            DropColumn(migrationBuilder, "occurred_at");

            DropColumn(migrationBuilder, "previous_status");

            DropColumn(migrationBuilder, "running_since");
        }
    }
}
