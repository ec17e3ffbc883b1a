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
