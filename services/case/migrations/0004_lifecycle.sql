-- The case lifecycle in the case view, and one procedure that puts a tenant table of this
-- schema behind row-level security (used by this and later migrations instead of a copy of
-- 0002's block per table). Idempotent.

ALTER TABLE cases.case_view
    ADD COLUMN IF NOT EXISTS documents_due date,
    ADD COLUMN IF NOT EXISTS decision_outcome integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS period_first_day date,
    ADD COLUMN IF NOT EXISTS period_last_day date,
    ADD COLUMN IF NOT EXISTS assigned_caseworker text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS team text NOT NULL DEFAULT '';

-- Row-level security for a table with a tenant_id column: the api role sees and writes only
-- the tenant of its transaction (jc.tenant), the worker every tenant; the api role may only
-- read, the worker read and write. ALTER TABLE and CREATE POLICY take an ACCESS EXCLUSIVE lock
-- that would stall running replicas, so each runs only when something is missing.
CREATE OR REPLACE FUNCTION cases.protect_tenant_table(target regclass) RETURNS void
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
REVOKE ALL ON FUNCTION cases.protect_tenant_table(regclass) FROM PUBLIC;
