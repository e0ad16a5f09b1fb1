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

-- One finding event from a sender whose certificate names peer; st is
-- the line as vigil-collect read it (id, hostname, machine_id, rule,
-- severity, fingerprint, asset_key, event, event_name, time,
-- attributes).  Returns 'stored', 'duplicate' (this line was stored
-- before) or 'untrusted' (kept in events only).
CREATE OR REPLACE FUNCTION vigil.ingest(p_peer text, st jsonb, p_line text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	mid text := st->>'machine_id';
	host text := st->>'hostname';
	t timestamptz := CASE WHEN coalesce((st->>'time')::bigint, 0) > 0
			 THEN to_timestamp((st->>'time')::bigint) ELSE now() END;
	status text := st->>'event';
	known text;
	ok boolean;
	n int;
BEGIN
	-- the host a line names must be its sender: the certificate's
	-- name or that name's first label; a machine-id stays with the
	-- certificate that sent it first
	ok := host = p_peer OR host = split_part(p_peer, '.', 1);
	IF ok THEN
		INSERT INTO vigil.hosts AS h VALUES (mid, p_peer, host, t, t)
		ON CONFLICT (machine_id) DO NOTHING;
		SELECT h.peer INTO known FROM vigil.hosts h
		WHERE h.machine_id = mid;
		ok := known = p_peer;
	END IF;
	INSERT INTO vigil.events (time, machine_id, id, event, peer,
				  hostname, trusted, line, line_sha)
	VALUES (t, mid, st->>'id', st->>'event_name', p_peer, host, ok,
		p_line, sha256(convert_to(p_line, 'UTF8')))
	ON CONFLICT DO NOTHING;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n = 0 THEN
		RETURN 'duplicate';
	END IF;
	IF NOT ok THEN
		RETURN 'untrusted';
	END IF;
	UPDATE vigil.hosts SET last_seen = greatest(last_seen, t),
			       hostname = host
	WHERE machine_id = mid;
	INSERT INTO vigil.findings AS f VALUES (
		mid, st->>'id', p_peer, host, st->>'rule', st->>'severity',
		st->>'fingerprint', st->>'asset_key', status,
		st->>'event_name', t, t,
		CASE WHEN status = 'resolved' THEN t END,
		status = 'accepted', st->'attributes')
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
		attributes = coalesce(EXCLUDED.attributes, f.attributes);
	RETURN 'stored';
END $$;
