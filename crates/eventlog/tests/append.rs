//! Appending: expected versions, idempotent retries, group commit.

mod common;

use std::collections::HashSet;

use common::{command, setup};
use eventlog::{AppendError, ExpectedVersion, LogPosition, event_id};

#[tokio::test]
async fn appends_and_reads_a_stream() {
    let (_db, log) = setup().await;
    let first = log
        .append(command("s-1", ExpectedVersion::NoStream, 2))
        .await
        .expect("first");
    assert_eq!(
        (first.first_version, first.last_version, first.duplicate),
        (1, 2, false)
    );
    assert!(first.position > LogPosition::START);
    let second = log
        .append(command("s-1", ExpectedVersion::Exact(2), 1))
        .await
        .expect("second");
    assert_eq!((second.first_version, second.last_version), (3, 3));
    assert!(second.position > first.position);
    let any = log
        .append(command("s-1", ExpectedVersion::Any, 1))
        .await
        .expect("any");
    assert_eq!(any.first_version, 4);

    let events = log.read_stream("s-1", 0, 100).await.expect("read");
    assert_eq!(
        events.iter().map(|e| e.version).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    assert_eq!(events[0].event_id, first.event_ids[0]);
    assert_eq!(events[1].prev_hash, events[0].hash);
    assert_eq!(events[0].prev_hash, vec![0u8; 32]);
    assert_eq!(events[1].position, first.position);
    assert_eq!(events[0].metadata.actor.as_deref(), Some("tester"));
    let tail = log.read_stream("s-1", 2, 1).await.expect("read tail");
    assert_eq!(tail.iter().map(|e| e.version).collect::<Vec<_>>(), vec![3]);
}

#[tokio::test]
async fn expected_version_is_checked() {
    let (_db, log) = setup().await;
    let err = log
        .append(command("s-1", ExpectedVersion::Exact(1), 1))
        .await
        .expect_err("no stream yet");
    assert!(
        matches!(
            err,
            AppendError::Conflict {
                actual: 0,
                expected: ExpectedVersion::Exact(1),
                ..
            }
        ),
        "{err:?}"
    );
    log.append(command("s-1", ExpectedVersion::NoStream, 1))
        .await
        .expect("create");
    let err = log
        .append(command("s-1", ExpectedVersion::NoStream, 1))
        .await
        .expect_err("exists");
    assert!(
        matches!(err, AppendError::Conflict { actual: 1, .. }),
        "{err:?}"
    );
    let err = log
        .append(command("s-1", ExpectedVersion::Exact(-5), 1))
        .await
        .expect_err("negative");
    assert!(err.is_conflict());
    assert_eq!(log.read_stream("s-1", 0, 10).await.expect("read").len(), 1);
}

#[tokio::test]
async fn concurrent_appends_to_one_stream_have_one_winner_per_version() {
    let (_db, log) = setup().await;
    log.append(command("hot", ExpectedVersion::NoStream, 1))
        .await
        .expect("create");
    for version in 1..=5 {
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let log = log.clone();
                tokio::spawn(async move {
                    log.append(command("hot", ExpectedVersion::Exact(version), 1))
                        .await
                })
            })
            .collect();
        let mut wins = 0;
        let mut conflicts = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(outcome) => {
                    assert_eq!(outcome.first_version, version + 1);
                    wins += 1;
                }
                Err(AppendError::Conflict { actual, .. }) => {
                    assert_eq!(actual, version + 1);
                    conflicts += 1;
                }
                Err(other) => panic!("unexpected error: {other:?}"),
            }
        }
        assert_eq!((wins, conflicts), (1, 15), "version {version}");
    }
    // The same through append_many: every call carries its own connection and transaction.
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let log = log.clone();
            tokio::spawn(async move {
                log.append_many(vec![command("hot", ExpectedVersion::Exact(6), 1)])
                    .await
            })
        })
        .collect();
    let mut wins = 0;
    for task in tasks {
        let mut outcomes = task.await.expect("task").expect("call");
        match outcomes.pop().expect("one outcome") {
            Ok(_) => wins += 1,
            Err(err) => assert!(err.is_conflict(), "{err:?}"),
        }
    }
    assert_eq!(wins, 1);
    let versions: Vec<i32> = log
        .read_stream("hot", 0, 100)
        .await
        .expect("read")
        .iter()
        .map(|e| e.version)
        .collect();
    assert_eq!(versions, (1..=7).collect::<Vec<_>>());
    assert!(log.verify().await.expect("verify").is_clean());
}

#[tokio::test]
async fn a_retried_command_appends_nothing_and_returns_the_first_result() {
    let (_db, log) = setup().await;
    log.append(command("s-1", ExpectedVersion::NoStream, 1))
        .await
        .expect("create");
    let cmd = command("s-1", ExpectedVersion::Exact(1), 3);
    let first = log.append(cmd.clone()).await.expect("first");
    assert!(!first.duplicate);
    assert_eq!(
        first.event_ids,
        (0..3)
            .map(|i| event_id(cmd.command_id, i))
            .collect::<Vec<_>>()
    );
    // Other appends in between do not change the earlier result.
    log.append(command("s-1", ExpectedVersion::Any, 2))
        .await
        .expect("between");

    // Retried with the now stale expected version: still the first result, not a conflict.
    let again = log.append(cmd.clone()).await.expect("retry");
    assert!(again.duplicate);
    assert_eq!(
        (
            again.first_version,
            again.last_version,
            again.position,
            &again.event_ids
        ),
        (
            first.first_version,
            first.last_version,
            first.position,
            &first.event_ids
        )
    );
    let many = log
        .append_many(vec![cmd.clone(), cmd.clone()])
        .await
        .expect("many");
    for outcome in many {
        let outcome = outcome.expect("duplicate outcome");
        assert!(outcome.duplicate);
        assert_eq!(outcome.position, first.position);
    }
    assert_eq!(
        log.read_stream("s-1", 0, 100).await.expect("read").len(),
        1 + 3 + 2
    );

    // The same command twice in one call: the second is the duplicate of the first.
    let fresh = command("s-2", ExpectedVersion::NoStream, 1);
    let outcomes = log
        .append_many(vec![fresh.clone(), fresh])
        .await
        .expect("many");
    let a = outcomes[0].as_ref().expect("first");
    let b = outcomes[1].as_ref().expect("second");
    assert!(!a.duplicate && b.duplicate);
    assert_eq!(a.position, b.position);
}

#[tokio::test]
async fn group_commit_appends_many_streams_and_isolates_conflicts() {
    let (_db, log) = setup().await;
    let tasks: Vec<_> = (0..400)
        .map(|i| {
            let log = log.clone();
            tokio::spawn(async move {
                log.append(command(
                    &format!("s-{i}"),
                    ExpectedVersion::NoStream,
                    1 + i % 3,
                ))
                .await
            })
        })
        .collect();
    let mut positions = HashSet::new();
    for task in tasks {
        let outcome = task.await.expect("task").expect("append");
        assert_eq!(outcome.first_version, 1);
        assert!(positions.insert(outcome.position));
    }

    // One call with a conflicting command in the middle: the others are appended.
    let outcomes = log
        .append_many(vec![
            command("s-1", ExpectedVersion::Exact(2), 1),
            command("s-2", ExpectedVersion::Exact(99), 1),
            command("s-3", ExpectedVersion::Any, 2),
            command("new", ExpectedVersion::NoStream, 1),
        ])
        .await
        .expect("call");
    assert_eq!(outcomes[0].as_ref().expect("s-1").first_version, 3);
    match &outcomes[1] {
        Err(AppendError::Conflict {
            stream_id,
            expected,
            actual,
        }) => {
            assert_eq!(
                (stream_id.as_str(), *expected, *actual),
                ("s-2", ExpectedVersion::Exact(99), 3)
            );
        }
        other => panic!("expected a conflict: {other:?}"),
    }
    assert_eq!(outcomes[2].as_ref().expect("s-3").first_version, 2);
    assert_eq!(outcomes[3].as_ref().expect("new").first_version, 1);

    // Concurrent group-committed appends where some conflict: only those fail.
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let log = log.clone();
            let expected = if i % 10 == 0 {
                ExpectedVersion::Exact(1000)
            } else {
                ExpectedVersion::Any
            };
            tokio::spawn(async move {
                (
                    i,
                    log.append(command(&format!("s-{}", i % 50), expected, 1))
                        .await,
                )
            })
        })
        .collect();
    for task in tasks {
        let (i, result) = task.await.expect("task");
        assert_eq!(result.is_err(), i % 10 == 0, "command {i}: {result:?}");
        if let Err(err) = result {
            assert!(err.is_conflict());
        }
    }
    assert!(log.verify().await.expect("verify").is_clean());
}

#[tokio::test]
async fn append_in_commits_with_the_callers_transaction() {
    let (db, log) = setup().await;
    let mut tx = db.pool().begin().await.expect("begin");
    let outcomes = log
        .append_in(&mut tx, vec![command("s-1", ExpectedVersion::NoStream, 2)])
        .await
        .expect("append");
    assert!(outcomes[0].is_ok());
    tx.rollback().await.expect("rollback");
    assert!(
        log.read_stream("s-1", 0, 10)
            .await
            .expect("read")
            .is_empty()
    );

    let mut tx = db.pool().begin().await.expect("begin");
    log.append_in(&mut tx, vec![command("s-1", ExpectedVersion::NoStream, 2)])
        .await
        .expect("append")[0]
        .as_ref()
        .expect("appended");
    tx.commit().await.expect("commit");
    assert_eq!(log.read_stream("s-1", 0, 10).await.expect("read").len(), 2);
}

#[tokio::test]
async fn a_failing_command_does_not_fail_its_group() {
    let (_db, log) = setup().await;
    // PostgreSQL refuses a NUL byte in text: that command's statement fails; the group commit
    // retries the others one by one.
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let log = log.clone();
            let stream = if i == 7 {
                "bad\0stream".to_owned()
            } else {
                format!("s-{i}")
            };
            tokio::spawn(async move {
                (
                    i,
                    log.append(command(&stream, ExpectedVersion::NoStream, 1))
                        .await,
                )
            })
        })
        .collect();
    for task in tasks {
        let (i, result) = task.await.expect("task");
        match result {
            Ok(outcome) => assert_ne!(i, 7, "{outcome:?}"),
            Err(err) => {
                assert_eq!(i, 7, "{err:?}");
                assert!(matches!(err, AppendError::Database(_)));
            }
        }
    }
}

/// A command id is one command: used again on another stream, or by another tenant, it gets
/// neither the first command's result nor an append, and the other commands of the same call
/// are not affected.
#[tokio::test]
async fn a_command_id_used_on_another_stream_or_by_another_tenant_is_refused() {
    let (_db, log) = setup().await;
    let first = command("s-1", ExpectedVersion::NoStream, 1);
    log.append(first.clone()).await.expect("first");

    let mut elsewhere = command("s-2", ExpectedVersion::NoStream, 1);
    elsewhere.command_id = first.command_id;
    let mut other_tenant = first.clone();
    other_tenant.tenant_id = "jc-someone-else".into();
    let innocent = command("s-3", ExpectedVersion::NoStream, 1);
    let outcomes = log
        .append_many(vec![elsewhere, other_tenant, innocent])
        .await
        .expect("call");
    let [elsewhere, other_tenant, innocent] = outcomes.as_slice() else {
        panic!("three outcomes")
    };
    for refused in [elsewhere, other_tenant] {
        assert!(
            matches!(
                refused,
                Err(AppendError::CommandIdTaken { command_id, .. }) if *command_id == first.command_id
            ),
            "{refused:?}"
        );
    }
    assert!(innocent.as_ref().is_ok_and(|o| !o.duplicate));
    assert!(
        log.read_stream("s-2", 0, 10)
            .await
            .expect("read")
            .is_empty()
    );
    assert_eq!(log.read_stream("s-1", 0, 10).await.expect("read").len(), 1);
    // The true retry is still answered with the first result.
    assert!(log.append(first).await.expect("retry").duplicate);
}
