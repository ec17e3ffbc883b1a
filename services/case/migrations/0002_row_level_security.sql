-- Row-level security and grants of the case service's read models in schema "cases": the
-- database's own wall between tenants, behind the service's checks
-- (docs/security/row-level-security.md). Idempotent: run at every start by the owner role,
-- under the migrations' advisory lock. ALTER TABLE and CREATE POLICY take an ACCESS EXCLUSIVE
-- lock that would stall the running replicas, so they run only when something is missing.
--
-- The roles are cluster-wide with fixed names, created before the first start:
-- jobcenter_api (the request path) and jobcenter_worker (projections and reactors).

-- case_view holds the tenants' social data. The api role sees the rows of the tenant set for its
-- transaction (jc.tenant) and none without one; the worker (the case_view projection and its
-- rebuild) applies every tenant's events, by this explicit policy. The owner has no policy: with
-- FORCE it sees no rows either.
DO $$
DECLARE
    view_table regclass := 'cases.case_view'::regclass;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_class
                    WHERE oid = view_table AND relrowsecurity AND relforcerowsecurity) THEN
        ALTER TABLE cases.case_view ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
    END IF;
    -- An empty jc.tenant (what SET LOCAL leaves behind once its transaction ended) is no tenant.
    IF NOT EXISTS (SELECT 1 FROM pg_policy
                    WHERE polrelid = view_table AND polname = 'case_view_api_one_tenant') THEN
        CREATE POLICY case_view_api_one_tenant ON cases.case_view TO jobcenter_api
            USING (tenant_id = NULLIF(current_setting('jc.tenant', true), ''))
            WITH CHECK (tenant_id = NULLIF(current_setting('jc.tenant', true), ''));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_policy
                    WHERE polrelid = view_table AND polname = 'case_view_worker_all_tenants') THEN
        CREATE POLICY case_view_worker_all_tenants ON cases.case_view TO jobcenter_worker
            USING (true) WITH CHECK (true);
    END IF;
END
$$;

GRANT USAGE ON SCHEMA cases TO jobcenter_api, jobcenter_worker;
GRANT SELECT ON cases.case_view TO jobcenter_api;
GRANT SELECT, INSERT, UPDATE, DELETE ON cases.case_view TO jobcenter_worker;

-- reactor_emitted holds case-log positions per reactor: no tenant's data, no tenant_id, so no
-- row-level security (it is on the catalogue test's allow-list). The reactor writes it (and its
-- rebuild deletes its row); queries that follow an intake token read it.
GRANT SELECT ON cases.reactor_emitted TO jobcenter_api;
GRANT SELECT, INSERT, UPDATE, DELETE ON cases.reactor_emitted TO jobcenter_worker;
