//! Row-level security, the second wall between tenants, proven from the catalogue and by
//! behaviour against a real PostgreSQL (docs/security/row-level-security.md).
//!
//! The catalogue test installs every schema of the platform through the owner role, as the
//! services do, and then inspects every table of every non-system schema: a new table with a
//! `tenant_id` column and no policies, or a new table without one that nobody thought about,
//! fails it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use case::projections::case_view;
use platform::TenantId;
use sqlx::PgPool;
use testkit::TestDatabase;
use testkit::roles::{API, AUDITOR, OWNER, WORKER};
use uuid::Uuid;

/// Tables without a `tenant_id` column, and why they need no row-level security. A table is
/// named `schema.table`, or `*.table` for one the platform installs in several schemas.
const WITHOUT_TENANT: &[(&str, &str)] = &[
    (
        "*.projection_checkpoints",
        "positions in a log per projection; no tenant's data",
    ),
    (
        "cases.reactor_emitted",
        "the case-log position each reactor appended at; no tenant's data",
    ),
];

/// Functions the api role may execute (it only reads tables; none so far).
const API_EXECUTES: &[&str] = &[];

/// Installs every schema of the platform through the owner role, as the services do at start.
/// A new service or schema (e.g. a read-access log) is added here.
async fn install_every_schema(owner: &PgPool) {
    intake::install(owner).await.expect("intake schema");
    case::install(owner).await.expect("case schemas");
    efile::install(owner).await.expect("E-Akte schemas");
}

/// Schemas that belong to PostgreSQL, not to the platform.
const SYSTEM_SCHEMAS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

#[derive(Debug, sqlx::FromRow)]
struct Table {
    name: String,
    owner: String,
    kind: String,
    rls: bool,
    forced: bool,
    has_tenant: bool,
}

#[derive(Debug, sqlx::FromRow)]
struct Policy {
    table: String,
    name: String,
    roles: Vec<String>,
    permissive: bool,
    command: String,
    using: Option<String>,
    check: Option<String>,
}

async fn tables(pool: &PgPool) -> Vec<Table> {
    sqlx::query_as(&format!(
        "SELECT n.nspname || '.' || c.relname AS name, o.rolname::text AS owner, \
                c.relkind::text AS kind, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced, \
                EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid \
                          AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS has_tenant \
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
           JOIN pg_roles o ON o.oid = c.relowner \
          WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {SYSTEM_SCHEMAS} ORDER BY 1"
    ))
    .fetch_all(pool)
    .await
    .expect("tables")
}

async fn policies(pool: &PgPool) -> Vec<Policy> {
    sqlx::query_as(&format!(
        "SELECT n.nspname || '.' || c.relname AS table, p.polname::text AS name, \
                ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END \
                        FROM unnest(p.polroles) AS r ORDER BY 1) AS roles, \
                p.polpermissive AS permissive, p.polcmd::text AS command, \
                pg_get_expr(p.polqual, p.polrelid) AS using, \
                pg_get_expr(p.polwithcheck, p.polrelid) AS check \
           FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid \
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {SYSTEM_SCHEMAS} ORDER BY 1, 2"
    ))
    .fetch_all(pool)
    .await
    .expect("policies")
}

fn allowed_without_tenant(table: &str) -> bool {
    let (_, name) = table.split_once('.').expect("schema-qualified");
    WITHOUT_TENANT
        .iter()
        .any(|(pattern, _)| *pattern == table || *pattern == format!("*.{name}"))
}

/// An api policy must bind every row to the transaction's tenant, for reading and writing.
fn binds_to_the_tenant(expression: Option<&str>) -> bool {
    expression.is_some_and(|e| {
        e.contains("tenant_id") && e.contains("current_setting('jc.tenant'::text, true)")
    })
}

/// What the catalogue says is wrong with row-level security, table by table.
async fn row_level_security_problems(admin: &PgPool) -> Vec<String> {
    let tables = tables(admin).await;
    let policies = policies(admin).await;
    let mut problems = Vec::new();

    for table in &tables {
        if table.owner != OWNER {
            problems.push(format!(
                "{} is owned by {}, not {OWNER}",
                table.name, table.owner
            ));
        }
        if table.kind != "r" && table.kind != "p" {
            // A view runs with its owner's rights and would bypass the tables' policies.
            problems.push(format!(
                "{} is a relation of kind {}",
                table.name, table.kind
            ));
            continue;
        }
        let mine: Vec<&Policy> = policies.iter().filter(|p| p.table == table.name).collect();
        if !table.has_tenant {
            if !allowed_without_tenant(&table.name) {
                problems.push(format!(
                    "{} has no tenant_id and is not on the allow-list",
                    table.name
                ));
            }
            continue;
        }
        if !(table.rls && table.forced) {
            problems.push(format!(
                "{}: row-level security enabled {} forced {}",
                table.name, table.rls, table.forced
            ));
        }
        let for_role = |role: &str| -> Vec<&Policy> {
            mine.iter()
                .copied()
                .filter(|p| p.roles.iter().any(|r| r == role))
                .collect()
        };
        if for_role(API).is_empty() {
            problems.push(format!("{} has no policy for {API}", table.name));
        }
        if for_role(WORKER).is_empty() {
            problems.push(format!("{} has no policy for {WORKER}", table.name));
        }
        for policy in for_role(API) {
            let bound = binds_to_the_tenant(policy.using.as_deref())
                && (policy.command == "r" || binds_to_the_tenant(policy.check.as_deref()));
            if !bound || !policy.permissive {
                problems.push(format!(
                    "{}: api policy {} is not bound to the tenant: {policy:?}",
                    table.name, policy.name
                ));
            }
        }
    }
    // Policies for anyone else (PUBLIC, the owner) would open the wall to them.
    for policy in &policies {
        for role in &policy.roles {
            if ![API, WORKER, AUDITOR].contains(&role.as_str()) {
                problems.push(format!(
                    "{}: policy {} names {role}",
                    policy.table, policy.name
                ));
            }
        }
    }
    problems
}

#[tokio::test]
async fn every_tenant_table_is_behind_row_level_security_for_both_roles() {
    let db = TestDatabase::create_with_pool_size(2)
        .await
        .expect("database");
    install_every_schema(db.owner_pool()).await;
    let names: BTreeSet<String> = tables(db.pool())
        .await
        .into_iter()
        .map(|t| t.name)
        .collect();
    for expected in [
        "intake.events",
        "cases.events",
        "cases.case_view",
        "efile.events",
        "efile.documents",
        "efile.document_versions",
        "efile.case_directory",
    ] {
        assert!(
            names.contains(expected),
            "{expected} not installed: {names:?}"
        );
    }
    let problems = row_level_security_problems(db.pool()).await;
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn the_catalogue_check_finds_an_unguarded_table() {
    let db = TestDatabase::create_with_pool_size(2)
        .await
        .expect("database");
    install_every_schema(db.owner_pool()).await;
    sqlx::raw_sql(
        "CREATE TABLE cases.forgotten (tenant_id text, note text); \
         CREATE TABLE cases.unlisted (note text); \
         CREATE TABLE cases.half (tenant_id text); \
         ALTER TABLE cases.half ENABLE ROW LEVEL SECURITY; \
         CREATE POLICY open ON cases.half TO jobcenter_api USING (true);",
    )
    .execute(db.owner_pool())
    .await
    .expect("tables");
    let problems = row_level_security_problems(db.pool()).await;
    let expected = [
        "cases.forgotten: row-level security enabled false forced false",
        "cases.forgotten has no policy for jobcenter_api",
        "cases.forgotten has no policy for jobcenter_worker",
        "cases.unlisted has no tenant_id and is not on the allow-list",
        "cases.half: row-level security enabled true forced false",
        "cases.half has no policy for jobcenter_worker",
    ];
    for problem in expected {
        assert!(
            problems.iter().any(|p| p == problem),
            "{problem} in {problems:#?}"
        );
    }
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("cases.half: api policy open is not bound")),
        "{problems:#?}"
    );
}

/// What the catalogue says is wrong with the roles and their privileges.
async fn privilege_problems(admin: &PgPool) -> Vec<String> {
    let mut problems = Vec::new();

    for role in [OWNER, API, WORKER, AUDITOR] {
        let (superuser, bypass): (bool, bool) =
            sqlx::query_as("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1")
                .bind(role)
                .fetch_one(admin)
                .await
                .expect("role");
        if superuser || bypass {
            problems.push(format!("{role}: superuser {superuser}, bypassrls {bypass}"));
        }
        for other in [OWNER, API, WORKER, AUDITOR]
            .into_iter()
            .filter(|o| *o != role)
        {
            let member: bool = sqlx::query_scalar("SELECT pg_has_role($1, $2, 'MEMBER')")
                .bind(role)
                .bind(other)
                .fetch_one(admin)
                .await
                .expect("membership");
            if member {
                problems.push(format!("{role} is a member of {other}"));
            }
        }
    }

    let writable = |role: &'static str, privileges: &'static str| {
        let sql = format!(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {SYSTEM_SCHEMAS} \
                AND has_table_privilege($1, c.oid, $2) ORDER BY 1"
        );
        async move {
            sqlx::query_scalar::<_, String>(&sql)
                .bind(role)
                .bind(privileges)
                .fetch_all(admin)
                .await
                .expect("privileges")
        }
    };
    for table in writable(API, "INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER").await {
        problems.push(format!("{API} may write {table}"));
    }
    for table in writable(
        AUDITOR,
        "INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER",
    )
    .await
    {
        problems.push(format!("{AUDITOR} may write {table}"));
    }
    for table in writable(WORKER, "TRUNCATE, REFERENCES, TRIGGER").await {
        problems.push(format!("{WORKER} may truncate or alter {table}"));
    }
    for table in writable(WORKER, "UPDATE, DELETE").await {
        if table.ends_with(".events") {
            problems.push(format!("{WORKER} may change the log {table}"));
        }
    }

    let sequences: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT n.nspname || '.' || c.relname FROM pg_class c \
           JOIN pg_namespace n ON n.oid = c.relnamespace \
          WHERE c.relkind = 'S' AND {SYSTEM_SCHEMAS} \
            AND CASE WHEN c.relkind = 'S' \
                     THEN has_sequence_privilege($1, c.oid, 'USAGE, UPDATE') END ORDER BY 1"
    ))
    .bind(API)
    .fetch_all(admin)
    .await
    .expect("sequences");
    for sequence in sequences {
        problems.push(format!("{API} may advance {sequence}"));
    }

    let functions: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT p.oid::regprocedure::text FROM pg_proc p \
           JOIN pg_namespace n ON n.oid = p.pronamespace \
          WHERE {SYSTEM_SCHEMAS} AND has_function_privilege($1, p.oid, 'EXECUTE') ORDER BY 1"
    ))
    .bind(API)
    .fetch_all(admin)
    .await
    .expect("functions");
    for function in functions {
        if !API_EXECUTES.contains(&function.as_str()) {
            problems.push(format!("{API} may execute {function}"));
        }
    }

    for role in [API, WORKER, AUDITOR] {
        let schemas: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT n.nspname::text FROM pg_namespace n \
              WHERE {SYSTEM_SCHEMAS} AND has_schema_privilege($1, n.oid, 'CREATE') ORDER BY 1"
        ))
        .bind(role)
        .fetch_all(admin)
        .await
        .expect("schemas");
        for schema in schemas {
            problems.push(format!("{role} may create objects in schema {schema}"));
        }
        let create: bool =
            sqlx::query_scalar("SELECT has_database_privilege($1, current_database(), 'CREATE')")
                .bind(role)
                .fetch_one(admin)
                .await
                .expect("database privilege");
        if create {
            problems.push(format!("{role} may create schemas"));
        }
    }
    problems
}

#[tokio::test]
async fn the_roles_are_unprivileged_and_the_api_role_only_reads() {
    let db = TestDatabase::create_with_pool_size(2)
        .await
        .expect("database");
    install_every_schema(db.owner_pool()).await;
    let problems = privilege_problems(db.pool()).await;
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn the_privilege_check_finds_a_write_grant_to_the_api_role() {
    let db = TestDatabase::create_with_pool_size(2)
        .await
        .expect("database");
    install_every_schema(db.owner_pool()).await;
    sqlx::raw_sql(
        "GRANT UPDATE ON cases.case_view TO jobcenter_api; \
         GRANT DELETE ON intake.events TO jobcenter_worker; \
         GRANT CREATE ON SCHEMA cases TO jobcenter_worker;",
    )
    .execute(db.owner_pool())
    .await
    .expect("grants");
    let problems = privilege_problems(db.pool()).await;
    for problem in [
        "jobcenter_api may write cases.case_view",
        "jobcenter_worker may change the log intake.events",
        "jobcenter_worker may create objects in schema cases",
    ] {
        assert!(
            problems.iter().any(|p| p == problem),
            "{problem} in {problems:#?}"
        );
    }
}

/// Every schema installed, and three cases in `case_view`: two of `jc-a`, one of `jc-b`.
async fn with_cases() -> (TestDatabase, [Uuid; 3]) {
    let db = TestDatabase::create_with_pool_size(4)
        .await
        .expect("database");
    install_every_schema(db.owner_pool()).await;
    let ids = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
    for (tenant, id) in [("jc-a", ids[0]), ("jc-a", ids[1]), ("jc-b", ids[2])] {
        insert_case(db.worker_pool(), tenant, id)
            .await
            .expect("the worker writes every tenant's cases");
    }
    (db, ids)
}

async fn insert_case<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    tenant: &str,
    id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO cases.case_view (tenant_id, case_id, status, applicant_family_name, \
         applicant_given_name, household_size, postal_code, opened_at, application_ids, version) \
         VALUES ($1, $2, 'open', 'Muster', 'Erika', 1, '45127', now(), ARRAY[$2]::uuid[], 1)",
    )
    .bind(tenant)
    .bind(id)
    .execute(executor)
    .await
    .map(|_| ())
}

fn tenant(id: &str) -> TenantId {
    TenantId::parse(id).expect("tenant")
}

fn sqlstate(error: &sqlx::Error) -> Option<String> {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned())
}

#[tokio::test]
async fn without_a_tenant_the_api_role_reads_no_row() {
    let (db, _ids) = with_cases().await;
    for table in ["cases.case_view", "cases.events", "intake.events"] {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(db.api_pool())
            .await
            .expect("count");
        assert_eq!(rows, 0, "{table}");
    }
}

#[tokio::test]
async fn with_a_wrong_tenant_the_api_role_reads_no_row_of_another() {
    let (db, ids) = with_cases().await;
    let mut tx = platform::db::begin_for_tenant(db.api_pool(), &tenant("jc-c"))
        .await
        .expect("begin");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM cases.case_view")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(rows, 0);
    drop(tx);
    // Even a query that names jc-a's case and tenant finds nothing in jc-b's transaction: the
    // database does not rely on the handler's own condition.
    let mut tx = platform::db::begin_for_tenant(db.api_pool(), &tenant("jc-b"))
        .await
        .expect("begin");
    let found = case_view::get(&mut tx, "jc-a", ids[0]).await.expect("get");
    assert_eq!(found, None);
    let listed = case_view::list(&mut tx, "jc-a", None, None, None, 10)
        .await
        .expect("list");
    assert!(listed.is_empty());
}

#[tokio::test]
async fn with_its_tenant_the_api_role_reads_its_rows() {
    let (db, ids) = with_cases().await;
    let mut tx = platform::db::begin_for_tenant(db.api_pool(), &tenant("jc-a"))
        .await
        .expect("begin");
    let listed = case_view::list(&mut tx, "jc-a", None, None, None, 10)
        .await
        .expect("list");
    let listed: BTreeSet<Uuid> = listed.into_iter().map(|row| row.case_id).collect();
    assert_eq!(listed, BTreeSet::from([ids[0], ids[1]]));
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM cases.case_view")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(all, 2, "no jc-b row, whatever the query asks");
}

#[tokio::test]
async fn the_api_role_may_not_insert_a_row_at_all() {
    let (db, _ids) = with_cases().await;
    let mut tx = db.api_pool().begin().await.expect("begin");
    sqlx::query("SELECT set_config('jc.tenant', 'jc-a', true)")
        .execute(&mut *tx)
        .await
        .expect("tenant");
    let error = insert_case(&mut *tx, "jc-a", Uuid::new_v4())
        .await
        .expect_err("no INSERT privilege");
    assert_eq!(sqlstate(&error).as_deref(), Some("42501"), "{error}");
    assert!(error.to_string().contains("permission denied"), "{error}");
}

#[tokio::test]
async fn even_with_a_grant_the_policy_refuses_another_tenants_row() {
    let (db, _ids) = with_cases().await;
    // Test-only grants, in this test's own database: the WITH CHECK policy is the last wall.
    sqlx::raw_sql(
        "GRANT INSERT ON cases.case_view TO jobcenter_api; \
         GRANT INSERT ON intake.events TO jobcenter_api;",
    )
    .execute(db.pool())
    .await
    .expect("grant");
    let insert_event = |tenant: &'static str| {
        sqlx::query(
            "INSERT INTO intake.events (event_id, stream_id, version, tenant_id, event_type, \
             schema_version, payload, metadata, prev_hash, hash) \
             VALUES (gen_random_uuid(), 'application-x', 1, $1, 'intake.Tested', 1, \
                     '', '', '', '')",
        )
        .bind(tenant)
    };

    let mut tx = db.api_pool().begin().await.expect("begin");
    sqlx::query("SELECT set_config('jc.tenant', 'jc-a', true)")
        .execute(&mut *tx)
        .await
        .expect("tenant");
    insert_case(&mut *tx, "jc-a", Uuid::new_v4())
        .await
        .expect("its own tenant's row passes the policy (the grant works)");
    let error = insert_case(&mut *tx, "jc-b", Uuid::new_v4())
        .await
        .expect_err("another tenant's row");
    assert_eq!(sqlstate(&error).as_deref(), Some("42501"), "{error}");
    assert!(error.to_string().contains("row-level security"), "{error}");
    drop(tx);

    let mut tx = db.api_pool().begin().await.expect("begin");
    sqlx::query("SELECT set_config('jc.tenant', 'jc-a', true)")
        .execute(&mut *tx)
        .await
        .expect("tenant");
    let error = insert_event("jc-b")
        .execute(&mut *tx)
        .await
        .expect_err("another tenant's event");
    assert!(error.to_string().contains("row-level security"), "{error}");
    drop(tx);

    // And without a tenant, no row at all.
    let error = insert_case(db.api_pool(), "jc-a", Uuid::new_v4())
        .await
        .expect_err("no tenant");
    assert!(error.to_string().contains("row-level security"), "{error}");
    let error = insert_event("jc-a")
        .execute(db.api_pool())
        .await
        .expect_err("no tenant");
    assert!(error.to_string().contains("row-level security"), "{error}");
}

#[tokio::test]
async fn replicas_installing_at_once_all_succeed() {
    let db = TestDatabase::create_with_pool_size(2)
        .await
        .expect("database");
    // Several replicas of both services starting together: every install (and its grants on a
    // shared schema) waits for the others instead of failing on a concurrently updated catalog row.
    let owner = db.owner_pool().clone();
    let mut starts = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let owner = owner.clone();
        starts.spawn(async move {
            for _ in 0..3 {
                intake::install(&owner).await.map_err(|e| e.to_string())?;
                case::install(&owner).await.map_err(|e| e.to_string())?;
            }
            Ok::<(), String>(())
        });
    }
    while let Some(started) = starts.join_next().await {
        started.expect("task").expect("install");
    }
    assert!(row_level_security_problems(db.pool()).await.is_empty());
}
