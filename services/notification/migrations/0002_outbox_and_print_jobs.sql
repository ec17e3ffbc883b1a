-- The outbox and the print queue: part of the WRITE side, not read models. Idempotent: run at
-- every start by the owner role under the schema's install lock (src/migrations.rs); the
-- helper notification.protect_tenant_table comes from 0001.

-- One row per (message, channel) to deliver by push, e-mail or post, written in the
-- transaction that appends the message's MessageComposed (the mailbox delivery is that event
-- itself: no row). The outbox worker leases due rows (FOR UPDATE SKIP LOCKED, leased_until),
-- sends, and records the outcome as an event on the message's stream in the transaction that
-- updates the row (docs/notification/service.md, "Exactly once, retries, dead letters").
CREATE TABLE IF NOT EXISTS notification.outbox (
    -- domain::ids::outbox_id(message_id, channel).
    id               uuid        PRIMARY KEY,
    tenant_id        text        NOT NULL,
    message_id       uuid        NOT NULL,
    channel          text        NOT NULL CHECK (channel IN ('push', 'email', 'post')),
    state            text        NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'delivered', 'dead')),
    -- Attempts made so far.
    attempts         integer     NOT NULL DEFAULT 0,
    -- When the next attempt is due.
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- A worker holds the row until then; after it, another worker may take it over.
    leased_until     timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, message_id, channel)
);
-- The worker's question: what is due by now?
CREATE INDEX IF NOT EXISTS outbox_due
    ON notification.outbox (next_attempt_at)
    WHERE state = 'pending';

-- Letters for the postal print service: the rendered PDF (address in the envelope window),
-- queued by the outbox worker's post delivery; ConfirmPrinted marks a job printed in the
-- transaction that appends LetterPrinted to the message's stream.
CREATE TABLE IF NOT EXISTS notification.print_jobs (
    id          uuid        PRIMARY KEY,
    tenant_id   text        NOT NULL,
    message_id  uuid        NOT NULL UNIQUE,
    pdf         bytea       NOT NULL,
    pages       integer     NOT NULL CHECK (pages > 0),
    queued_at   timestamptz NOT NULL DEFAULT now(),
    printed_at  timestamptz,
    -- The print service's subject that confirmed it.
    printed_by  text
);
-- The print service's question: what waits, oldest first?
CREATE INDEX IF NOT EXISTS print_jobs_waiting
    ON notification.print_jobs (tenant_id, queued_at, id)
    WHERE printed_at IS NULL;

SELECT notification.protect_tenant_table('notification.outbox');
SELECT notification.protect_tenant_table('notification.print_jobs');
