using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Postgres.Migrations
{
    /// <summary>
    /// PostgreSQL only, and outside the EF model (writers insert into it set-based, the event feed moves
    /// it into <c>events</c>): writers put their events here unnumbered, so no writer holds a lock
    /// through its commit; the feed numbers committed rows in <c>seq</c> order under the event lock.
    /// Events still numbered by the previous scheme stay in <c>events</c> as they are.
    /// </summary>
    public partial class EventInbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE event_inbox (LIKE events INCLUDING DEFAULTS);
                ALTER TABLE event_inbox DROP COLUMN id;
                ALTER TABLE event_inbox ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE event_inbox;");
        }
    }
}
