-- Read models of the case service, in schema "cases". Idempotent: run at every start.

CREATE SCHEMA IF NOT EXISTS cases;

-- One row per case, fed by the case_view projection from the case log.
CREATE TABLE IF NOT EXISTS cases.case_view (
    tenant_id              text        NOT NULL,
    case_id                uuid        NOT NULL,
    status                 text        NOT NULL,
    applicant_family_name  text        NOT NULL,
    applicant_given_name   text        NOT NULL,
    household_size         integer     NOT NULL,
    postal_code            text        NOT NULL,
    opened_at              timestamptz NOT NULL,
    application_ids        uuid[]      NOT NULL,
    version                integer     NOT NULL,
    PRIMARY KEY (tenant_id, case_id)
);

-- ListCases: newest first per tenant, keyset paging on (opened_at, case_id).
CREATE INDEX IF NOT EXISTS case_view_listing
    ON cases.case_view (tenant_id, opened_at DESC, case_id DESC);
CREATE INDEX IF NOT EXISTS case_view_status_listing
    ON cases.case_view (tenant_id, status, opened_at DESC, case_id DESC);
-- FindCaseByApplication.
CREATE INDEX IF NOT EXISTS case_view_applications
    ON cases.case_view USING gin (application_ids);

-- The last case-log position each reactor appended at, written in the reactor's transaction,
-- so a query holding an intake token can follow the chain to the case log.
CREATE TABLE IF NOT EXISTS cases.reactor_emitted (
    reactor   text   PRIMARY KEY,
    tx_id     bigint NOT NULL,
    position  bigint NOT NULL
);
