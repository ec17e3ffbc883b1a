//! The harness gives each test its own database and its own NATS, and cleans both up.

use testkit::{TestDatabase, TestNats};

#[tokio::test]
async fn each_test_database_is_fresh_and_dropped_afterwards()
-> Result<(), Box<dyn std::error::Error>> {
    let first = TestDatabase::create().await?;
    let second = TestDatabase::create().await?;
    assert_ne!(first.name(), second.name());
    sqlx::query("CREATE TABLE only_here (x int)")
        .execute(first.pool())
        .await?;
    let in_second: Option<String> = sqlx::query_scalar("SELECT to_regclass('only_here')::text")
        .fetch_one(second.pool())
        .await?;
    assert_eq!(in_second, None, "databases must not share tables");

    let name = first.name().to_owned();
    drop(first);
    let admin = sqlx::PgPool::connect(&testkit::admin_url()).await?;
    let still_there: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&admin)
            .await?;
    assert!(!still_there, "a dropped TestDatabase removes its database");
    Ok(())
}

#[tokio::test]
async fn private_nats_has_jetstream_on_its_own_port() -> Result<(), Box<dyn std::error::Error>> {
    let nats = TestNats::start().await?;
    assert!(!nats.url().ends_with(":4222"), "never the shared server");
    let client = async_nats::connect(nats.url()).await?;
    let js = async_nats::jetstream::new(client);
    let account = js.query_account().await?;
    assert_eq!(account.streams, 0);
    Ok(())
}

#[tokio::test]
async fn each_test_database_belongs_to_the_owner_and_has_a_pool_per_role()
-> Result<(), Box<dyn std::error::Error>> {
    let db = TestDatabase::create_with_pool_size(2).await?;
    let owner: String = sqlx::query_scalar(
        "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = current_database()",
    )
    .fetch_one(db.pool())
    .await?;
    assert_eq!(owner, testkit::roles::OWNER);
    for (pool, role) in [
        (db.owner_pool(), testkit::roles::OWNER),
        (db.api_pool(), testkit::roles::API),
        (db.worker_pool(), testkit::roles::WORKER),
        (db.auditor_pool(), testkit::roles::AUDITOR),
    ] {
        let (user, database, superuser, bypass): (String, String, bool, bool) = sqlx::query_as(
            "SELECT current_user::text, current_database()::text, rolsuper, rolbypassrls \
             FROM pg_roles WHERE rolname = current_user",
        )
        .fetch_one(pool)
        .await?;
        assert_eq!((user.as_str(), database.as_str()), (role, db.name()));
        assert!(
            !superuser && !bypass,
            "{role} must be held by row-level security"
        );
    }
    for url in [
        db.owner_url(),
        db.api_url(),
        db.worker_url(),
        db.auditor_url(),
    ] {
        assert!(url.contains(db.name()), "{url}");
    }
    Ok(())
}
