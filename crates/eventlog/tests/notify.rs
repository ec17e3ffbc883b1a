//! The relay is woken after appends commit, by a NOTIFY sent outside the appending transaction.

mod common;

use std::time::Duration;

use common::{command, setup};
use eventlog::ExpectedVersion;
use sqlx::postgres::PgListener;

async fn listener(log: &eventlog::EventLog) -> PgListener {
    let mut listener = PgListener::connect_with(log.pool())
        .await
        .expect("listener");
    listener
        .listen(&log.notify_channel())
        .await
        .expect("listen");
    listener
}

#[tokio::test]
async fn a_committed_append_notifies_the_channel() {
    let (_db, log) = setup().await;
    let mut listener = listener(&log).await;
    log.append(command("n-1", ExpectedVersion::NoStream, 1))
        .await
        .expect("append");
    let note = tokio::time::timeout(Duration::from_secs(5), listener.recv())
        .await
        .expect("a notification within 5 s")
        .expect("notification");
    assert_eq!(note.channel(), log.notify_channel());
}

#[tokio::test]
async fn append_in_notifies_only_when_asked_after_commit() {
    let (_db, log) = setup().await;
    let mut listener = listener(&log).await;
    let mut tx = log.pool().begin().await.expect("begin");
    log.append_in(&mut tx, vec![command("n-2", ExpectedVersion::NoStream, 1)])
        .await
        .expect("append_in");
    tx.commit().await.expect("commit");
    let early = tokio::time::timeout(Duration::from_millis(300), listener.recv()).await;
    assert!(
        early.is_err(),
        "the append function itself must not notify (it would serialise commits)"
    );
    log.notify_appended();
    let note = tokio::time::timeout(Duration::from_secs(5), listener.recv())
        .await
        .expect("a notification within 5 s")
        .expect("notification");
    assert_eq!(note.channel(), log.notify_channel());
}
