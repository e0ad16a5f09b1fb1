-- vigil-fleet.sql - the fleet store: what vigil-collect writes and
-- "vigilctl report --from postgresql://..." reads.  PostgreSQL 11 or
-- later.  Apply once, as the database's owner:
--     psql -v ON_ERROR_STOP=1 -d vigil -f vigil-fleet.sql
-- Running it again replaces the functions and keeps the data.
--
-- hosts     one row per machine-id: the certificate name (peer) that
--           first sent it, and when it was last heard of.
-- findings  the current state of each finding, keyed by the host's
--           machine-id and the finding's id, updated in place: first and
--           last seen, status (open, accepted, resolved), resolved_at.
-- events    every finding event as received, append-only, partitioned
--           by month; a replay of the same line is stored once.  A line
--           whose host= is not its sender's certificate name, or whose
--           machine-id another certificate sent first, is kept here with
--           trusted = false and never reaches findings.

CREATE SCHEMA IF NOT EXISTS vigil;

CREATE TABLE IF NOT EXISTS vigil.hosts (
	machine_id	text PRIMARY KEY,
	peer		text NOT NULL,
	hostname	text NOT NULL,
	first_seen	timestamptz NOT NULL,
	last_seen	timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS vigil.findings (
	machine_id	text NOT NULL,
	id		text NOT NULL,
	peer		text NOT NULL,
	hostname	text NOT NULL,
	rule		text NOT NULL,
	severity	text NOT NULL,
	fingerprint	text,
	asset_key	text NOT NULL,
	status		text NOT NULL
			CHECK (status IN ('open', 'accepted', 'resolved')),
	event		text NOT NULL,
	first_seen	timestamptz NOT NULL,
	last_seen	timestamptz NOT NULL,
	resolved_at	timestamptz,
	accepted	boolean NOT NULL DEFAULT false,
	attributes	jsonb,
	PRIMARY KEY (machine_id, id)
);
CREATE INDEX IF NOT EXISTS findings_rule ON vigil.findings (rule, status);

CREATE TABLE IF NOT EXISTS vigil.events (
	time		timestamptz NOT NULL,
	received	timestamptz NOT NULL DEFAULT now(),
	machine_id	text NOT NULL,
	id		text NOT NULL,
	event		text NOT NULL,
	peer		text NOT NULL,
	hostname	text NOT NULL,
	trusted		boolean NOT NULL,
	line		text NOT NULL,
	line_sha	bytea NOT NULL,
	UNIQUE (time, machine_id, line_sha)
) PARTITION BY RANGE (time);
-- events outside the months made below (a host's clock far off)
CREATE TABLE IF NOT EXISTS vigil.events_other PARTITION OF vigil.events
	DEFAULT;
CREATE INDEX IF NOT EXISTS events_finding ON vigil.events (machine_id, id);

-- The month of t and the next, made when missing (vigil-collect calls
-- it at start and every hour).
CREATE OR REPLACE FUNCTION vigil.partitions(t timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	m timestamptz;
	i int;
BEGIN
	FOR i IN 0..1 LOOP
		m := date_trunc('month', t AT TIME ZONE 'UTC')
		     AT TIME ZONE 'UTC' + make_interval(months => i);
		EXECUTE format('CREATE TABLE IF NOT EXISTS vigil.%I '
			       'PARTITION OF vigil.events '
			       'FOR VALUES FROM (%L) TO (%L)',
			       'events_' || to_char(m AT TIME ZONE 'UTC',
						    'YYYY_MM'),
			       m, m + interval '1 month');
	END LOOP;
END $$;

-- A batch of finding events, as vigil-collect sends it: a JSON array of
-- {"peer": the sender's certificate name, "line": the line as sent,
-- "state": what vigil-collect read of it (id, hostname, machine_id,
-- rule, severity, fingerprint, asset_key, event, event_name, time,
-- attributes)}.  One statement, set by set (an event at a time cost
-- PostgreSQL four times the CPU).  Returns how many were 'stored',
-- 'duplicate' (this line was stored before: a sender sent it again)
-- and 'untrusted' (kept in events only).
--
-- The host a line names must be its sender: the certificate's name or
-- that name's first label; and a machine-id stays with the certificate
-- that sent it first.
CREATE OR REPLACE FUNCTION vigil.ingest_batch(batch jsonb)
RETURNS TABLE (result text, n bigint) LANGUAGE sql AS $$
WITH b AS (
	SELECT e.ord, e.v->>'peer' AS peer, e.v->>'line' AS line,
	       e.v->'state' AS st, e.v->'state'->>'machine_id' AS mid,
	       e.v->'state'->>'id' AS fid,
	       e.v->'state'->>'hostname' AS host,
	       sha256(convert_to(e.v->>'line', 'UTF8')) AS sha,
	       CASE WHEN coalesce((e.v->'state'->>'time')::bigint, 0) > 0
	       THEN to_timestamp((e.v->'state'->>'time')::bigint)
	       ELSE now() END AS t
	FROM jsonb_array_elements(batch) WITH ORDINALITY AS e(v, ord)
), named AS (
	SELECT b.*, (host = peer OR host = split_part(peer, '.', 1)) AS name_ok
	FROM b
), new_hosts AS (
	-- a machine-id first heard of: its first sender's, by name
	INSERT INTO vigil.hosts AS h
	SELECT DISTINCT ON (mid) mid, peer, host, t, t
	FROM named WHERE name_ok ORDER BY mid, ord
	ON CONFLICT (machine_id) DO NOTHING
	RETURNING h.machine_id, h.peer
), judged AS (
	SELECT n.*, n.name_ok AND n.peer = coalesce(
		(SELECT h.peer FROM vigil.hosts h WHERE h.machine_id = n.mid),
		(SELECT nh.peer FROM new_hosts nh WHERE nh.machine_id = n.mid))
		AS ok
	FROM named n
), ev AS (
	INSERT INTO vigil.events (time, machine_id, id, event, peer,
				  hostname, trusted, line, line_sha)
	SELECT t, mid, fid, st->>'event_name', peer, host, coalesce(ok, false),
	       line, sha
	FROM judged
	ON CONFLICT DO NOTHING
	RETURNING machine_id, line_sha, trusted
), fresh AS (
	-- the events stored now, trusted: each finding's newest of them
	SELECT DISTINCT ON (j.mid, j.fid) j.*,
	       min(j.t) OVER (PARTITION BY j.mid, j.fid) AS first_t,
	       max(j.t) OVER (PARTITION BY j.mid, j.fid) AS last_t
	FROM judged j
	JOIN ev ON ev.machine_id = j.mid AND ev.trusted AND ev.line_sha = j.sha
	ORDER BY j.mid, j.fid, j.t DESC, j.ord DESC
), seen AS (
	UPDATE vigil.hosts h SET last_seen = greatest(h.last_seen, u.t),
				 hostname = u.host
	FROM (SELECT DISTINCT ON (mid) mid, host, max(last_t)
	      OVER (PARTITION BY mid) AS t FROM fresh
	      ORDER BY mid, last_t DESC) u
	WHERE h.machine_id = u.mid
	RETURNING 1
), up AS (
	INSERT INTO vigil.findings AS f
	SELECT mid, fid, peer, host, st->>'rule', st->>'severity',
	       st->>'fingerprint', st->>'asset_key', st->>'event',
	       st->>'event_name', first_t, last_t,
	       CASE WHEN st->>'event' = 'resolved' THEN t END,
	       st->>'event' = 'accepted', st->'attributes'
	FROM fresh
	ON CONFLICT (machine_id, id) DO UPDATE SET
		first_seen = least(f.first_seen, EXCLUDED.first_seen),
		last_seen = greatest(f.last_seen, EXCLUDED.last_seen),
		hostname = EXCLUDED.hostname,
		status = CASE WHEN EXCLUDED.last_seen >= f.last_seen
			 THEN EXCLUDED.status ELSE f.status END,
		event = CASE WHEN EXCLUDED.last_seen >= f.last_seen
			THEN EXCLUDED.event ELSE f.event END,
		resolved_at = CASE WHEN EXCLUDED.last_seen >= f.last_seen
			      THEN EXCLUDED.resolved_at ELSE f.resolved_at END,
		accepted = CASE WHEN EXCLUDED.last_seen >= f.last_seen
			   THEN EXCLUDED.accepted ELSE f.accepted END,
		attributes = coalesce(EXCLUDED.attributes, f.attributes)
	RETURNING 1
)
-- (up and seen run whether read or not, as every data-modifying WITH)
SELECT 'stored', count(*) FROM ev WHERE trusted
UNION ALL
SELECT 'untrusted', count(*) FROM ev WHERE NOT trusted
UNION ALL
SELECT 'duplicate', (SELECT count(*) FROM b) - (SELECT count(*) FROM ev)
$$;
