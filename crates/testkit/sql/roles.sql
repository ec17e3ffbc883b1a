-- The platform's database roles, created if missing and corrected if their attributes drifted.
--
-- Roles are cluster-wide. Every test database and the local demo use these four; production DBAs
-- create them themselves, with passwords (docs/security/row-level-security.md):
--   jobcenter_owner    owns every schema, table and function; runs installs and migrations
--   jobcenter_api      the request path: SELECT only, and row-level security shows it the rows of
--                      the tenant set for the transaction (jc.tenant) and nothing without one
--   jobcenter_worker   log writer, relay, projections, reactors: all tenants, by explicit policy
--   jobcenter_auditor  read-only, every tenant's events: integrity verification
-- None is a superuser or may bypass row-level security; none is a member of another, so the
-- policies and grants of one never reach another.
--
-- Idempotent and safe to run concurrently: an advisory lock serialises runs (advisory locks are
-- per database: run it in the maintenance database `postgres`), and a CREATE ROLE racing a
-- session that does not take the lock is tolerated. Needs a superuser (or CREATEROLE).
DO $$
DECLARE
    role_name text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('jobcenter.roles', 0));
    FOREACH role_name IN ARRAY
        ARRAY['jobcenter_owner', 'jobcenter_api', 'jobcenter_worker', 'jobcenter_auditor']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB '
                               'NOCREATEROLE NOREPLICATION', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL; -- created meanwhile by a session that did not take the lock
            END;
        ELSIF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name
                        AND (rolsuper OR rolbypassrls OR NOT rolcanlogin OR rolcreatedb
                             OR rolcreaterole OR rolreplication)) THEN
            EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB '
                           'NOCREATEROLE NOREPLICATION', role_name);
        END IF;
    END LOOP;
END
$$;
