using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KubeAgents.Infrastructure.Persistence.Postgres.Migrations
{
    /// <inheritdoc />
    /// <summary>
    /// <c>search=</c> reads <c>agent_search_keys</c> (<see cref="PostgresAgentSearch"/>): each agent's
    /// lowered id and name, written by two triggers on <c>agents</c>, one when an agent is inserted and
    /// one when its name changes, so no report writes it. Trigram indexes on the two keys serve
    /// <c>LIKE '%text%'</c>. <c>pg_trgm</c> ships with PostgreSQL's contrib and is a trusted extension
    /// (whoever may create objects in the database may install it); where it is missing or may not be
    /// installed, the migration raises a notice and goes on, and search reads the (small) keys table.
    /// </summary>
    public partial class AgentSearchKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "agent_search_keys",
                columns: table => new
                {
                    agent_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    id_key = table.Column<string>(type: "text", nullable: false),
                    name_key = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agent_search_keys", x => x.agent_id);
                    table.ForeignKey(
                        name: "FK_agent_search_keys_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "agent_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.Sql(
                """
                CREATE FUNCTION agent_search_keys_write() RETURNS trigger LANGUAGE plpgsql
                    SET search_path FROM CURRENT AS $$
                BEGIN
                    INSERT INTO agent_search_keys (agent_id, id_key, name_key)
                    VALUES (NEW.agent_id, lower(NEW.agent_id), lower(NEW.name))
                    ON CONFLICT (agent_id) DO UPDATE SET name_key = EXCLUDED.name_key;
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER agents_search_keys_insert AFTER INSERT ON agents
                    FOR EACH ROW EXECUTE FUNCTION agent_search_keys_write();
                CREATE TRIGGER agents_search_keys_rename AFTER UPDATE OF name ON agents
                    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION agent_search_keys_write();
                INSERT INTO agent_search_keys (agent_id, id_key, name_key)
                SELECT agent_id, lower(agent_id), lower(name) FROM agents;
                DO $$
                DECLARE
                    trgm name;
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
                        RAISE NOTICE 'pg_trgm is not available: search= reads the whole agent_search_keys table';
                        RETURN;
                    END IF;
                    CREATE EXTENSION IF NOT EXISTS pg_trgm;
                    -- Where it is installed, which need not be on this role's search_path.
                    SELECT n.nspname INTO trgm FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
                    EXECUTE format('CREATE INDEX ix_agent_search_keys_id_key ON agent_search_keys USING gin (id_key %I.gin_trgm_ops)', trgm);
                    EXECUTE format('CREATE INDEX ix_agent_search_keys_name_key ON agent_search_keys USING gin (name_key %I.gin_trgm_ops)', trgm);
                EXCEPTION WHEN insufficient_privilege OR undefined_object OR undefined_file THEN
                    RAISE NOTICE 'pg_trgm could not be used (%): search= reads the whole agent_search_keys table', SQLERRM;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The extension stays: other objects in the database may use it. The indexes go with the table.
            migrationBuilder.Sql(
                """
                DROP TRIGGER agents_search_keys_rename ON agents;
                DROP TRIGGER agents_search_keys_insert ON agents;
                DROP FUNCTION agent_search_keys_write();
                """);
            migrationBuilder.DropTable(
                name: "agent_search_keys");
        }
    }
}
