-- The scale benchmark's store (bench/pg-scale.sh), written set-based into a migrated database whose
-- service is stopped: :entries status entries over :sessions sessions over (at most) :agents agents,
-- received evenly over the :days days before now, consistent as the service would have written them.
--
--   psql ... -v entries=10000000 -v sessions=1000000 -v agents=10000 -v days=30 -f bench/pg-scale-load.sql
--
-- The data:
-- - Sessions follow one another in time, each a contiguous run of entries; every 1,000th session
--   (ids 1000, 2000, ...) is long (1,000 entries), the others share the rest evenly (about 9 each at
--   the default sizes). Entry g (0-based, in time order) has id g + 1 and is received (and stamped)
--   at now - :days days + g * (:days days / :entries), so ids increase with arrival.
-- - A session's entries are `running` except its last: `failed` for every 10th session, else
--   `success`. current_status/current_status_at are its last entry's, first_running_at its first
--   running entry's, expires_at last_updated + 30 minutes, and `expired` (with expired_at) is set as
--   the sweeper would have set it by now.
-- - Sessions go to agents agent-0, agent-1, ... unevenly, spread over the whole period
--   (agent = floor(agents * frac(s * golden ratio)^2)): agent-0 has the most sessions (about
--   sessions / sqrt(agents)), the last about half the mean. An agent's registered/last_seen/latest_*
--   come from its first and latest session.
-- - The event log holds `status` events for the newest 10,000 entries (ids 1..), as the feed would
--   have kept them (EVENTS_RETENTION_COUNT); the inbox is empty.
-- - Session ids are 1..:sessions; the hi/lo sequence and the entries' identity continue past them.
--
-- One transaction: whatever stops it leaves the database as it was. Secondary indexes and foreign
-- keys of sessions and status_entries are dropped for the insert and re-created from their own
-- definitions (pg_get_indexdef/pg_get_constraintdef), which re-checks every reference and uniqueness.
\set ON_ERROR_STOP on
\timing on
SET maintenance_work_mem = '512MB';
SET work_mem = '256MB';

BEGIN;

\echo '-- clearing the bench rows written so far (fresh ingestion on the empty store)'
-- agent_search_keys: refilled by the agents' insert trigger (migration AgentSearchKeys).
TRUNCATE agents, agent_search_keys, sessions, status_entries, events, event_inbox, notifications;

CREATE TEMP TABLE clock ON COMMIT DROP AS
SELECT now() - make_interval(days => :days) AS t0, make_interval(days => :days) / :entries AS step;

\echo '-- planning the sessions'
-- One row per session s (0-based): its agent, its entry count n, its first entry's index first_g.
CREATE TEMP TABLE plan ON COMMIT DROP AS
WITH sizes AS (
    SELECT (:sessions / 1000)::bigint AS long_count, 1000::bigint AS long_n
), normal AS (
    SELECT long_count, long_n,
           (:entries - long_count * long_n) / (:sessions - long_count) AS base,
           (:entries - long_count * long_n) % (:sessions - long_count) AS extra
    FROM sizes
), sized AS (
    SELECT s,
           floor(:agents * power(s * 0.6180339887498949 - floor(s * 0.6180339887498949), 2))::int AS agent,
           CASE WHEN s % 1000 = 999 THEN long_n
                -- normal sessions, numbered k = s - s / 1000 among themselves: the first `extra` get one more
                ELSE base + CASE WHEN s - s / 1000 < extra THEN 1 ELSE 0 END END AS n
    FROM normal, generate_series(0::bigint, :sessions - 1) AS s
)
SELECT s, agent, n,
       sum(n) OVER (ORDER BY s ROWS UNBOUNDED PRECEDING) - n AS first_g,
       CASE WHEN s % 10 = 3 THEN 'failed' ELSE 'success' END AS final_status,
       CASE WHEN s % 10 = 3 THEN 'failed: exit code 1' ELSE 'done' END AS final_message
FROM sized
ORDER BY s;
-- Statistics for the planner (without them it expects thousands of clock rows and JIT-compiles).
ANALYZE plan;
ANALYZE clock;

SET bench.entries = :entries;  -- psql does not substitute variables inside the DO block's quotes
DO $$
BEGIN
    IF (SELECT min(n) FROM plan) < 1 OR (SELECT sum(n) FROM plan) <> current_setting('bench.entries')::bigint THEN
        RAISE EXCEPTION 'bad plan: % entries planned, smallest session %', (SELECT sum(n) FROM plan), (SELECT min(n) FROM plan);
    END IF;
END $$;

\echo '-- dropping secondary indexes and foreign keys of sessions and status_entries (re-created below)'
CREATE TEMP TABLE deferred ON COMMIT DROP AS
SELECT format('DROP INDEX %s', i.indexrelid::regclass) AS drop_ddl, pg_get_indexdef(i.indexrelid) AS restore_ddl, 1 AS restore_order
FROM pg_index i
WHERE i.indrelid IN ('sessions'::regclass, 'status_entries'::regclass)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
UNION ALL
SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname),
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)), 2
FROM pg_constraint c
WHERE c.contype = 'f' AND c.conrelid IN ('sessions'::regclass, 'status_entries'::regclass);
SELECT drop_ddl FROM deferred \gexec

\echo '-- agents'
INSERT INTO agents (agent_id, name, source, registered, last_seen, latest_status, latest_status_at, latest_message, session_count)
SELECT 'agent-' || latest.agent, 'Agent ' || latest.agent, (ARRAY['ci', 'ide', 'cli'])[latest.agent % 3 + 1],
       c.t0 + firsts.first_g * c.step,
       c.t0 + (latest.first_g + latest.n - 1) * c.step,
       latest.final_status,
       c.t0 + (latest.first_g + latest.n - 1) * c.step,
       latest.final_message,
       firsts.sessions
FROM (SELECT DISTINCT ON (agent) * FROM plan ORDER BY agent, s DESC) AS latest
JOIN (SELECT agent, min(first_g) AS first_g, count(*) AS sessions FROM plan GROUP BY agent) AS firsts USING (agent)
CROSS JOIN clock c;

\echo '-- sessions'
INSERT INTO sessions (id, agent_id, topic, created, last_updated, ttl_minutes, expires_at, expired, expired_at,
                      current_status, current_status_at, first_running_at)
SELECT p.s + 1, 'agent-' || p.agent, 'task-' || p.s,
       t.created, t.last_updated, 30, t.expires_at, t.expires_at < now(),
       CASE WHEN t.expires_at < now() THEN t.expires_at END,
       p.final_status, t.last_updated,
       CASE WHEN p.n > 1 THEN t.created END
FROM plan p CROSS JOIN clock c
CROSS JOIN LATERAL (SELECT c.t0 + p.first_g * c.step AS created,
                           c.t0 + (p.first_g + p.n - 1) * c.step AS last_updated,
                           c.t0 + (p.first_g + p.n - 1) * c.step + interval '30 minutes' AS expires_at) AS t;

\echo '-- the live sessions (not marked expired) of each agent, as the write pipeline and the sweeper keep them'
UPDATE agents a SET live_session_count = g.live
FROM (SELECT agent_id, count(*) AS live FROM sessions WHERE NOT expired GROUP BY agent_id) AS g
WHERE a.agent_id = g.agent_id;

\echo '-- status entries'
INSERT INTO status_entries (id, session_id, agent_id, status, "timestamp", message, content, received_at)
OVERRIDING SYSTEM VALUE
SELECT p.first_g + j + 1, p.s + 1, 'agent-' || p.agent,
       CASE WHEN j = p.n - 1 THEN p.final_status ELSE 'running' END,
       c.t0 + (p.first_g + j) * c.step,
       CASE WHEN j = p.n - 1 THEN p.final_message ELSE format('step %s of %s', j + 1, p.n) END,
       NULL,
       c.t0 + (p.first_g + j) * c.step
FROM plan p CROSS JOIN clock c CROSS JOIN LATERAL generate_series(0, p.n - 1) AS j;

\echo '-- re-creating the indexes and foreign keys (each foreign key checks every row)'
SELECT restore_ddl FROM deferred ORDER BY restore_order \gexec

\echo '-- the event log: the newest 10,000 entries as status events'
INSERT INTO events (id, type, agent_id, agent_name, session_topic, status, "timestamp", message, current_status, ttl_minutes, occurred_at)
SELECT row_number() OVER (ORDER BY e.id), 'status', e.agent_id, a.name, s.topic, e.status, e."timestamp", e.message,
       e.status, s.ttl_minutes, e.received_at
FROM status_entries e
JOIN sessions s ON s.id = e.session_id
JOIN agents a ON a.agent_id = e.agent_id
WHERE e.id > :entries - 10000;

\echo '-- sequences past the loaded ids'
SELECT setval('sessions_hilo', (SELECT max(id) FROM sessions));
SELECT setval(pg_get_serial_sequence('status_entries', 'id'), (SELECT max(id) FROM status_entries));

\echo '-- checking the invariants (a failed check rolls the load back)'
SET bench.sessions = :sessions;
DO $$
DECLARE
    bad bigint;
BEGIN
    IF (SELECT count(*) FROM sessions) <> current_setting('bench.sessions')::bigint
       OR (SELECT count(*) FROM status_entries) <> current_setting('bench.entries')::bigint THEN
        RAISE EXCEPTION 'row counts differ from the plan';
    END IF;
    -- About 1,000 sessions against their own history, as Session.Record keeps them.
    SELECT count(*) INTO bad
    FROM sessions s
    CROSS JOIN LATERAL (SELECT e.status, e."timestamp" FROM status_entries e WHERE e.session_id = s.id
                        ORDER BY e."timestamp" DESC, e.id DESC LIMIT 1) AS newest
    CROSS JOIN LATERAL (SELECT min(e.received_at) AS first_received, max(e.received_at) AS last_received,
                               min(e."timestamp") FILTER (WHERE e.status = 'running') AS first_running
                        FROM status_entries e WHERE e.session_id = s.id) AS agg
    WHERE s.id % greatest(1, current_setting('bench.sessions')::bigint / 1000) = 0
      AND (s.current_status IS DISTINCT FROM newest.status OR s.current_status_at IS DISTINCT FROM newest."timestamp"
           OR s.created <> agg.first_received OR s.last_updated <> agg.last_received
           OR s.first_running_at IS DISTINCT FROM agg.first_running
           OR s.expires_at <> s.last_updated + make_interval(mins => s.ttl_minutes)
           OR s.expired <> (s.expires_at < now()) OR s.expired_at IS DISTINCT FROM CASE WHEN s.expired THEN s.expires_at END);
    IF bad > 0 THEN
        RAISE EXCEPTION '% sampled sessions disagree with their history', bad;
    END IF;
    -- Every agent against its sessions, as Agent.Record keeps it.
    SELECT count(*) INTO bad
    FROM agents a
    LEFT JOIN (SELECT agent_id, min(created) AS registered, max(last_updated) AS last_seen, count(*) AS sessions,
                      count(*) FILTER (WHERE NOT expired) AS live FROM sessions GROUP BY agent_id) AS g USING (agent_id)
    LEFT JOIN (SELECT DISTINCT ON (agent_id) agent_id, id, current_status, current_status_at FROM sessions
               ORDER BY agent_id, current_status_at DESC, id DESC) AS l USING (agent_id)
    WHERE g.agent_id IS NULL
       OR a.registered <> g.registered OR a.last_seen <> g.last_seen OR a.session_count <> g.sessions OR a.live_session_count <> g.live
       OR a.latest_status IS DISTINCT FROM l.current_status OR a.latest_status_at IS DISTINCT FROM l.current_status_at
       OR a.latest_message IS DISTINCT FROM (SELECT e.message FROM status_entries e WHERE e.session_id = l.id
                                             ORDER BY e."timestamp" DESC, e.id DESC LIMIT 1);
    IF bad > 0 THEN
        RAISE EXCEPTION '% agents disagree with their sessions', bad;
    END IF;
    -- Every agent's search keys, as the triggers write them.
    SELECT count(*) INTO bad
    FROM agents a LEFT JOIN agent_search_keys k USING (agent_id)
    WHERE k.agent_id IS NULL OR k.id_key <> lower(a.agent_id) OR k.name_key IS DISTINCT FROM lower(a.name);
    IF bad > 0 THEN
        RAISE EXCEPTION '% agents have no search keys, or stale ones', bad;
    END IF;
    IF (SELECT last_value FROM sessions_hilo) < (SELECT max(id) FROM sessions)
       OR (SELECT last_value FROM status_entries_id_seq) < (SELECT max(id) FROM status_entries)
       OR (SELECT count(*) FROM events) <> (SELECT coalesce(max(id), 0) FROM events) THEN
        RAISE EXCEPTION 'a sequence is behind the loaded ids, or the event log has a gap';
    END IF;
END $$;

COMMIT;
