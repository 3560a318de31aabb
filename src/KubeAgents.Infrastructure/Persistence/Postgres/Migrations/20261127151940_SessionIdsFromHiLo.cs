using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Postgres.Migrations
{
    /// <summary>
    /// Session ids from a hi/lo sequence instead of an identity column, so a new session and its first
    /// entry are inserted in one batch. The sequence starts past every id the identity handed out.
    /// </summary>
    public partial class SessionIdsFromHiLo : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "sessions_hilo",
                incrementBy: 50);

            migrationBuilder.AlterColumn<long>(
                name: "id",
                table: "sessions",
                type: "bigint",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "bigint")
                .OldAnnotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn);

            migrationBuilder.Sql("SELECT setval('sessions_hilo', GREATEST((SELECT max(id) FROM sessions), 1));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropSequence(
                name: "sessions_hilo");

            migrationBuilder.AlterColumn<long>(
                name: "id",
                table: "sessions",
                type: "bigint",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "bigint")
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn);

            migrationBuilder.Sql("SELECT setval(pg_get_serial_sequence('sessions', 'id'), GREATEST((SELECT max(id) FROM sessions), 1));");
        }
    }
}
