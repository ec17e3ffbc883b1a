-- Read models of the E-Akte, in schema "efile", behind row-level security. Idempotent: run at
-- every start by the owner role, under the schema's install lock (src/migrations.rs).
--
-- The roles are cluster-wide with fixed names, created before the first start:
-- jobcenter_api (the request path) and jobcenter_worker (projections, the deletion run, the
-- sweep) — docs/security/row-level-security.md.

CREATE SCHEMA IF NOT EXISTS efile;

-- One row per document, fed by the `documents` projection from the E-Akte's log.
CREATE TABLE IF NOT EXISTS efile.documents (
    tenant_id    text        NOT NULL,
    document_id  uuid        NOT NULL,
    case_id      uuid        NOT NULL,
    -- Stored names (domain::types): sick_note, ..., portal, ...
    type         text        NOT NULL,
    tags         text[]      NOT NULL,
    channel      text        NOT NULL,
    received_at  timestamptz NOT NULL,
    -- The legal day of receipt (Europe/Berlin): periods and retention count in these days.
    received_on  date        NOT NULL,
    filed_at     timestamptz NOT NULL,
    legal_hold   boolean     NOT NULL DEFAULT false,
    deleted      boolean     NOT NULL DEFAULT false,
    -- The stream version of the last event applied.
    version      integer     NOT NULL,
    PRIMARY KEY (tenant_id, document_id)
);

-- ListDocuments: newest receipt first per tenant, keyset paging on (received_at, document_id).
CREATE INDEX IF NOT EXISTS documents_listing
    ON efile.documents (tenant_id, received_at DESC, document_id DESC);
-- GetCaseFile and ListDocuments by case.
CREATE INDEX IF NOT EXISTS documents_case
    ON efile.documents (tenant_id, case_id, received_at, document_id);
-- ListDocuments by tag.
CREATE INDEX IF NOT EXISTS documents_tags ON efile.documents USING gin (tags);

-- Every version of every document.
CREATE TABLE IF NOT EXISTS efile.document_versions (
    tenant_id    text        NOT NULL,
    document_id  uuid        NOT NULL,
    number       integer     NOT NULL,
    sha256       text        NOT NULL,
    size         bigint      NOT NULL,
    media_type   text        NOT NULL,
    file_name    text        NOT NULL,
    added_at     timestamptz NOT NULL,
    reason       text        NOT NULL,
    PRIMARY KEY (tenant_id, document_id, number)
);

-- Identical content on a case; whether a blob is still referenced (deletion run, sweep).
CREATE INDEX IF NOT EXISTS document_versions_content
    ON efile.document_versions (tenant_id, sha256);

-- The cases the E-Akte knows, fed by the `case_directory` projection from the CASE log: a
-- document is only filed onto a known case of the caller's tenant, an applicant only onto
-- their own, and retention counting from closing needs the closing day.
CREATE TABLE IF NOT EXISTS efile.case_directory (
    tenant_id          text    NOT NULL,
    case_id            uuid    NOT NULL,
    -- The applicant's account subject (pseudonymous), or empty.
    applicant_account  text    NOT NULL,
    closed_on          date,
    -- The case stream's version of the last event applied.
    version            integer NOT NULL,
    PRIMARY KEY (tenant_id, case_id)
);

CREATE INDEX IF NOT EXISTS case_directory_applicant_account
    ON efile.case_directory (tenant_id, applicant_account)
    WHERE applicant_account <> '';

-- Row-level security for a table with a tenant_id column: the api role sees only the tenant
-- of its transaction (jc.tenant) and only reads, the worker reads and writes every tenant.
-- ALTER TABLE and CREATE POLICY take an ACCESS EXCLUSIVE lock that would stall running
-- replicas, so each runs only when something is missing (the case service's pattern).
CREATE OR REPLACE FUNCTION efile.protect_tenant_table(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    name text := (SELECT relname FROM pg_class WHERE oid = target);
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_class
                    WHERE oid = target AND relrowsecurity AND relforcerowsecurity) THEN
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY',
                       target);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_policy
                    WHERE polrelid = target AND polname = name || '_api_one_tenant') THEN
        EXECUTE format(
            'CREATE POLICY %I ON %s TO jobcenter_api '
            'USING (tenant_id = NULLIF(current_setting(''jc.tenant'', true), '''')) '
            'WITH CHECK (tenant_id = NULLIF(current_setting(''jc.tenant'', true), ''''))',
            name || '_api_one_tenant', target);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_policy
                    WHERE polrelid = target AND polname = name || '_worker_all_tenants') THEN
        EXECUTE format(
            'CREATE POLICY %I ON %s TO jobcenter_worker USING (true) WITH CHECK (true)',
            name || '_worker_all_tenants', target);
    END IF;
    EXECUTE format('GRANT SELECT ON %s TO jobcenter_api', target);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO jobcenter_worker', target);
END
$$;
REVOKE ALL ON FUNCTION efile.protect_tenant_table(regclass) FROM PUBLIC;

GRANT USAGE ON SCHEMA efile TO jobcenter_api, jobcenter_worker;
SELECT efile.protect_tenant_table('efile.documents');
SELECT efile.protect_tenant_table('efile.document_versions');
SELECT efile.protect_tenant_table('efile.case_directory');
