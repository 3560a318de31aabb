using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddRetentionIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_status_entries_received_at",
                table: "status_entries",
                column: "received_at");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_expires_at_expired",
                table: "sessions",
                column: "expires_at",
                filter: "expired");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_status_entries_received_at",
                table: "status_entries");

            migrationBuilder.DropIndex(
                name: "ix_sessions_expires_at_expired",
                table: "sessions");
        }
    }
}
