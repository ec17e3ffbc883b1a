-- The event log of one service, in the schema `{schema}` (replaced before execution).
-- Idempotent: run at every start. The caller holds an advisory lock so that concurrent installs
-- of the same schema do not race on the catalog.

CREATE SCHEMA IF NOT EXISTS {schema};

-- One row per event. The stream head (last version and hash) is the last row of the stream by
-- primary key; the unique event_id is the idempotency record.
--
-- tx_id orders the log for readers (see read_all): it is the appending transaction's id, raised
-- where needed to the tx_id of the stream's previous event, so that per stream the order
-- (tx_id, global_position) equals version order even when a transaction got its id before it
-- waited for the stream's lock. It is never below the writer's own transaction id, so readers
-- below the transaction horizon never see a gap.
CREATE TABLE IF NOT EXISTS {schema}.events (
    global_position bigint GENERATED ALWAYS AS IDENTITY,
    tx_id           xid8        NOT NULL DEFAULT pg_current_xact_id(),
    event_id        uuid        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    version         integer     NOT NULL CHECK (version > 0),
    tenant_id       text        NOT NULL,
    event_type      text        NOT NULL,
    schema_version  integer     NOT NULL,
    payload         bytea       NOT NULL,
    metadata        bytea       NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    prev_hash       bytea       NOT NULL,
    hash            bytea       NOT NULL,
    PRIMARY KEY (stream_id, version)
);

CREATE INDEX IF NOT EXISTS events_tx_position ON {schema}.events (tx_id, global_position);

-- One tenant's slice of the log in commit order (read_tenant_in: the case feed for partner
-- systems). Without it a tenant's reader would walk every other tenant's events.
CREATE INDEX IF NOT EXISTS events_tenant_tx_position
    ON {schema}.events (tenant_id, tx_id, global_position);

-- The log is append-only: UPDATE, DELETE and TRUNCATE are refused.
CREATE OR REPLACE FUNCTION {schema}.events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log %.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON {schema}.events
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.events_refuse_change();
