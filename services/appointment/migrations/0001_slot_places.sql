-- The appointment service's tables besides its event log, in schema "appointment", behind
-- row-level security. Idempotent: run at every start by the owner role, under the schema's
-- install lock (src/migrations.rs).
--
-- The roles are cluster-wide with fixed names, created before the first start: jobcenter_api
-- (the request path: reads, one tenant per transaction) and jobcenter_worker (the command path
-- and the relay) — docs/security/row-level-security.md.

CREATE SCHEMA IF NOT EXISTS appointment;

-- Places taken per slot: part of the WRITE model. Every command that takes or releases a place
-- changes its row in the same transaction that appends its event (src/slot_places.rs), and the
-- CHECK is what makes "never more than the capacity" hold under any concurrency: taking a place
-- is one INSERT .. ON CONFLICT DO UPDATE .. WHERE taken < capacity, which serialises on the
-- row. The counts can be recomputed from the log alone (AppointmentBooked/Invited +1,
-- AppointmentCancelled -1, AppointmentRescheduled -1/+1), docs/appointment/service.md.
CREATE TABLE IF NOT EXISTS appointment.slot_places (
    tenant_id            text        NOT NULL,
    office_id            uuid        NOT NULL,
    appointment_type_id  uuid        NOT NULL,
    -- The slot's start (UTC instant).
    start                timestamptz NOT NULL,
    -- The type's capacity when a place was last taken.
    capacity             integer     NOT NULL,
    taken                integer     NOT NULL,
    CHECK (taken >= 0 AND taken <= capacity),
    PRIMARY KEY (tenant_id, office_id, appointment_type_id, start)
);

-- Row-level security for a table with a tenant_id column: the api role sees only the tenant
-- of its transaction (jc.tenant) and only reads, the worker reads and writes every tenant.
-- ALTER TABLE and CREATE POLICY take an ACCESS EXCLUSIVE lock that would stall running
-- replicas, so each runs only when something is missing (the case service's pattern).
CREATE OR REPLACE FUNCTION appointment.protect_tenant_table(target regclass) RETURNS void
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
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %s TO jobcenter_worker', target);
END
$$;
REVOKE ALL ON FUNCTION appointment.protect_tenant_table(regclass) FROM PUBLIC;

GRANT USAGE ON SCHEMA appointment TO jobcenter_api, jobcenter_worker;
SELECT appointment.protect_tenant_table('appointment.slot_places');
