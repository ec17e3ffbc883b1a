-- Row-level security and privileges of the event log in the schema `{schema}`: the database's
-- own wall between tenants, behind the services' checks (docs/security/row-level-security.md).
-- Idempotent: run at every install, by the owner role, under the install's advisory lock.
--
-- The roles are cluster-wide and fixed by name; they must exist before the first install:
--   jobcenter_api      reads the rows of the tenant set for its transaction, and nothing else
--   jobcenter_worker   appends (the group-committed writer) and reads every tenant (the relay)
--   jobcenter_auditor  reads every tenant's events, to verify the hash chains
-- The owner has no policy: with FORCE it sees no rows either, it only installs.
--
-- ALTER TABLE and CREATE POLICY take an ACCESS EXCLUSIVE lock on the table, which would stall
-- the running replicas' appends and reads at every start: they run only when something is
-- missing. GRANT and REVOKE take no such lock and simply run.

DO $$
DECLARE
    log_table regclass := '{schema}.events'::regclass;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_class
                    WHERE oid = log_table AND relrowsecurity AND relforcerowsecurity) THEN
        ALTER TABLE {schema}.events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
    END IF;
    -- An empty jc.tenant (what SET LOCAL leaves behind once its transaction ended) is no tenant.
    IF NOT EXISTS (SELECT 1 FROM pg_policy
                    WHERE polrelid = log_table AND polname = 'events_api_one_tenant') THEN
        CREATE POLICY events_api_one_tenant ON {schema}.events TO jobcenter_api
            USING (tenant_id = NULLIF(current_setting('jc.tenant', true), ''))
            WITH CHECK (tenant_id = NULLIF(current_setting('jc.tenant', true), ''));
    END IF;
    -- The writer gathers many tenants' commands into one call, the relay publishes every
    -- tenant's events: both by design, said here explicitly.
    IF NOT EXISTS (SELECT 1 FROM pg_policy
                    WHERE polrelid = log_table AND polname = 'events_worker_all_tenants') THEN
        CREATE POLICY events_worker_all_tenants ON {schema}.events TO jobcenter_worker
            USING (true) WITH CHECK (true);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_policy
                    WHERE polrelid = log_table AND polname = 'events_auditor_read_all') THEN
        CREATE POLICY events_auditor_read_all ON {schema}.events FOR SELECT TO jobcenter_auditor
            USING (true);
    END IF;
END
$$;

GRANT USAGE ON SCHEMA {schema} TO jobcenter_api, jobcenter_worker, jobcenter_auditor;

-- Append-only for everyone: UPDATE, DELETE and TRUNCATE are granted to no role (and refused by
-- the trigger even for the owner).
REVOKE ALL ON {schema}.events FROM PUBLIC;
GRANT SELECT ON {schema}.events TO jobcenter_api, jobcenter_auditor;
GRANT SELECT, INSERT ON {schema}.events TO jobcenter_worker;

REVOKE ALL ON FUNCTION {schema}.append(text[], integer[], integer[], uuid[], text[], text[],
                                       integer[], bytea[], bytea[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {schema}.append(text[], integer[], integer[], uuid[], text[], text[],
                                          integer[], bytea[], bytea[]) TO jobcenter_worker;
REVOKE ALL ON FUNCTION {schema}.events_refuse_change() FROM PUBLIC;
