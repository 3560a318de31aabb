CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" character varying(150) NOT NULL,
    "ProductVersion" character varying(32) NOT NULL,
    CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY ("MigrationId")
);

CREATE TABLE agents (
    agent_id character varying(100) NOT NULL,
    name character varying(200),
    source character varying(200),
    registered timestamp with time zone NOT NULL,
    last_seen timestamp with time zone NOT NULL,
    latest_status character varying(16),
    latest_status_at timestamp with time zone,
    latest_message text,
    CONSTRAINT "PK_agents" PRIMARY KEY (agent_id),
    CONSTRAINT ck_agents_agent_id_length CHECK (char_length(agent_id) BETWEEN 1 AND 100),
    CONSTRAINT ck_agents_latest_status CHECK (latest_status IN ('running', 'pending', 'success', 'failed'))
);

CREATE TABLE sessions (
    id bigint GENERATED ALWAYS AS IDENTITY,
    agent_id character varying(100) NOT NULL,
    topic character varying(500) NOT NULL,
    created timestamp with time zone NOT NULL,
    last_updated timestamp with time zone NOT NULL,
    ttl_minutes integer NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    expired boolean NOT NULL,
    expired_at timestamp with time zone,
    current_status character varying(16),
    current_status_at timestamp with time zone,
    first_running_at timestamp with time zone,
    CONSTRAINT "PK_sessions" PRIMARY KEY (id),
    CONSTRAINT ck_sessions_current_status CHECK (current_status IN ('running', 'pending', 'success', 'failed')),
    CONSTRAINT ck_sessions_topic_length CHECK (char_length(topic) BETWEEN 1 AND 500),
    CONSTRAINT ck_sessions_ttl_minutes CHECK (ttl_minutes BETWEEN 1 AND 1440),
    CONSTRAINT "FK_sessions_agents_agent_id" FOREIGN KEY (agent_id) REFERENCES agents (agent_id) ON DELETE CASCADE
);

CREATE TABLE status_entries (
    id bigint GENERATED ALWAYS AS IDENTITY,
    session_id bigint NOT NULL,
    agent_id character varying(100) NOT NULL,
    status character varying(16) NOT NULL,
    timestamp timestamp with time zone NOT NULL,
    message character varying(1000),
    content character varying(10000),
    received_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_status_entries" PRIMARY KEY (id),
    CONSTRAINT ck_status_entries_status CHECK (status IN ('running', 'pending', 'success', 'failed')),
    CONSTRAINT "FK_status_entries_agents_agent_id" FOREIGN KEY (agent_id) REFERENCES agents (agent_id) ON DELETE CASCADE,
    CONSTRAINT "FK_status_entries_sessions_session_id" FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
);

CREATE INDEX ix_agents_last_seen ON agents (last_seen DESC);

CREATE INDEX ix_agents_latest_status ON agents (latest_status);

CREATE INDEX ix_sessions_agent_id_last_updated ON sessions (agent_id, last_updated DESC);

CREATE INDEX ix_sessions_expires_at_live ON sessions (expires_at) WHERE NOT expired;

CREATE UNIQUE INDEX ux_sessions_agent_id_topic ON sessions (agent_id, topic);

CREATE INDEX ix_status_entries_agent_timeline ON status_entries (agent_id, timestamp DESC, id DESC);

CREATE INDEX ix_status_entries_session_timeline ON status_entries (session_id, timestamp DESC, id DESC);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261127114144_InitialSchema', '10.0.15');

CREATE TABLE notifications (
    id uuid NOT NULL,
    agent_id text NOT NULL,
    session_topic text NOT NULL,
    status character varying(16) NOT NULL,
    text text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    state character varying(16) NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    last_attempt_at timestamp with time zone,
    last_error character varying(1000),
    delivered_at timestamp with time zone,
    claim_token uuid,
    claimed_until timestamp with time zone,
    CONSTRAINT "PK_notifications" PRIMARY KEY (id),
    CONSTRAINT ck_notifications_attempts CHECK (attempts >= 0),
    CONSTRAINT ck_notifications_state CHECK (state IN ('pending', 'delivered', 'failed'))
);

CREATE INDEX ix_notifications_created_at ON notifications (created_at DESC);

CREATE INDEX ix_notifications_due ON notifications (next_attempt_at) WHERE state = 'pending';

CREATE INDEX ix_notifications_state_created_at ON notifications (state, created_at DESC);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261127120244_NotificationOutbox', '10.0.15');

CREATE SEQUENCE sessions_hilo START WITH 1 INCREMENT BY 50 NO CYCLE;

ALTER TABLE sessions ALTER COLUMN id DROP IDENTITY;

SELECT setval('sessions_hilo', GREATEST((SELECT max(id) FROM sessions), 1));

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261127151940_SessionIdsFromHiLo', '10.0.15');

ALTER TABLE notifications ADD agent_name character varying(200);

ALTER TABLE notifications ADD content character varying(10000);

ALTER TABLE notifications ADD legacy_text text;

ALTER TABLE notifications ADD message character varying(1000);

ALTER TABLE notifications ADD occurred_at timestamp with time zone NOT NULL DEFAULT TIMESTAMPTZ '-infinity';

ALTER TABLE notifications ADD previous_status character varying(16) NOT NULL DEFAULT '';

ALTER TABLE notifications ADD running_since timestamp with time zone NOT NULL DEFAULT TIMESTAMPTZ '-infinity';

UPDATE notifications SET
    legacy_text = text,
    previous_status = 'running',
    running_since = created_at,
    occurred_at = created_at,
    agent_name = (SELECT a.name FROM agents a WHERE a.agent_id = notifications.agent_id);

ALTER TABLE notifications DROP COLUMN text;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261129001433_NotificationFacts', '10.0.15');

CREATE TABLE api_keys (
    id uuid NOT NULL,
    prefix character varying(8) NOT NULL,
    name character varying(100) NOT NULL,
    hash bytea NOT NULL,
    scopes character varying(32) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    last_used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    CONSTRAINT "PK_api_keys" PRIMARY KEY (id),
    CONSTRAINT ck_api_keys_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
    CONSTRAINT ck_api_keys_scopes CHECK (scopes <> '')
);

CREATE UNIQUE INDEX ux_api_keys_prefix ON api_keys (prefix);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261129015639_AddApiKeys', '10.0.15');

CREATE INDEX ix_status_entries_received_at ON status_entries (received_at);

CREATE INDEX ix_sessions_expires_at_expired ON sessions (expires_at) WHERE expired;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261129015729_AddRetentionIndexes', '10.0.15');

CREATE TABLE events (
    id bigint NOT NULL,
    type character varying(32) NOT NULL,
    agent_id character varying(100) NOT NULL,
    agent_name character varying(200),
    session_topic character varying(500),
    status character varying(16),
    timestamp timestamp with time zone,
    message character varying(1000),
    current_status character varying(16),
    ttl_minutes integer,
    occurred_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_events" PRIMARY KEY (id),
    CONSTRAINT ck_events_type CHECK (type IN ('status', 'session_expired', 'agent_registered'))
);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261129015837_AddEventLog', '10.0.15');

CREATE TABLE event_inbox (LIKE events INCLUDING DEFAULTS);
ALTER TABLE event_inbox DROP COLUMN id;
ALTER TABLE event_inbox ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261129034752_EventInbox', '10.0.15');

ALTER TABLE events DROP CONSTRAINT ck_events_type;

ALTER TABLE notifications ADD kind character varying(32) NOT NULL DEFAULT 'session.finished';

ALTER TABLE notifications ADD quiet_since timestamp with time zone;

ALTER TABLE notifications ADD route_id uuid;

CREATE TABLE notification_routes (
    id uuid NOT NULL,
    name character varying(100) NOT NULL,
    channel character varying(32) NOT NULL,
    url character varying(2000) NOT NULL,
    secret character varying(500),
    agent_filter character varying(500),
    topic_filter character varying(500),
    events character varying(64) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT "PK_notification_routes" PRIMARY KEY (id),
    CONSTRAINT ck_notification_routes_events CHECK (events <> ''),
    CONSTRAINT ck_notification_routes_name_length CHECK (char_length(name) BETWEEN 1 AND 100)
);

CREATE INDEX ix_notifications_session ON notifications (agent_id, session_topic);

ALTER TABLE notifications ADD CONSTRAINT ck_notifications_kind CHECK (kind IN ('session.finished', 'session.silent'));

ALTER TABLE events ADD CONSTRAINT ck_events_type CHECK (type IN ('status', 'session_expired', 'agent_registered', 'session_silent'));

CREATE UNIQUE INDEX ux_notification_routes_name ON notification_routes (name);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261203095846_NotificationRoutes', '10.0.15');

ALTER TABLE agents ADD session_count integer NOT NULL DEFAULT 0;

UPDATE agents SET session_count = (SELECT count(*) FROM sessions WHERE sessions.agent_id = agents.agent_id);

CREATE INDEX ix_sessions_agent_id_expires_at_live ON sessions (agent_id, expires_at) WHERE NOT expired;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261203234637_AgentSessionCount', '10.0.15');

ALTER TABLE agents ADD live_session_count integer NOT NULL DEFAULT 0;

UPDATE agents SET live_session_count = (SELECT count(*) FROM sessions WHERE sessions.agent_id = agents.agent_id AND NOT sessions.expired);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261204044854_AgentLiveSessionCount', '10.0.15');

DROP INDEX ix_agents_latest_status;

CREATE INDEX ix_agents_latest_status_last_seen ON agents (latest_status, last_seen DESC, agent_id);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261204051815_AgentStatusListIndex', '10.0.15');

CREATE INDEX ix_status_entries_agent_status_timeline ON status_entries (agent_id, status, timestamp DESC, id DESC);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261204053704_AgentStatusHistoryIndex', '10.0.15');

CREATE TABLE agent_search_keys (
    agent_id character varying(100) NOT NULL,
    id_key text NOT NULL,
    name_key text,
    CONSTRAINT "PK_agent_search_keys" PRIMARY KEY (agent_id),
    CONSTRAINT "FK_agent_search_keys_agents_agent_id" FOREIGN KEY (agent_id) REFERENCES agents (agent_id) ON DELETE CASCADE
);

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

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261204174357_AgentSearchKeys', '10.0.15');

