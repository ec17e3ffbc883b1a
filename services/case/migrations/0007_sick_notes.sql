-- Sick notes on the case (docs/casework/sick-notes.md): the recorded incapacity periods, and
-- the period a sick-note form kept unfiled states, so that filing it by hand records it.
-- Idempotent.

-- Each IncapacityRecorded of a case (projection `incapacities`), read by ListIncapacities. A
-- record id (the form's application or the scanned document) is recorded once per case.
CREATE TABLE IF NOT EXISTS cases.incapacities (
    tenant_id         text        NOT NULL,
    case_id           uuid        NOT NULL,
    record_id         text        NOT NULL,
    source            integer     NOT NULL,
    incapacity_from   date        NOT NULL,
    incapacity_until  date        NOT NULL,
    issued_on         date,
    certificate       integer     NOT NULL,
    received_at       timestamptz,
    automatic         boolean     NOT NULL,
    version           integer     NOT NULL,
    PRIMARY KEY (tenant_id, case_id, record_id)
);
-- ListIncapacities: a case's periods, newest first.
CREATE INDEX IF NOT EXISTS incapacities_by_case
    ON cases.incapacities (tenant_id, case_id, incapacity_from DESC, version DESC);
SELECT cases.protect_tenant_table('cases.incapacities');

ALTER TABLE cases.unfiled_submissions
    ADD COLUMN IF NOT EXISTS incapacity_from date,
    ADD COLUMN IF NOT EXISTS incapacity_until date,
    ADD COLUMN IF NOT EXISTS issued_on date,
    ADD COLUMN IF NOT EXISTS certificate integer NOT NULL DEFAULT 0;
