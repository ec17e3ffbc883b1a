//! Reading the whole log in commit order while writers hold transactions open.

mod common;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use common::{command, setup};
use eventlog::{ExpectedVersion, LogPosition, RecordedEvent};
use uuid::Uuid;

const WRITERS: usize = 12;
const ROUNDS: usize = 15;
const STREAMS: usize = 5;

/// Checks events as the reader gets them: each exactly once, per stream versions 1, 2, 3, ...
#[derive(Default)]
struct Seen {
    ids: HashSet<Uuid>,
    versions: HashMap<String, i32>,
    last: Option<LogPosition>,
}

impl Seen {
    fn take(&mut self, events: &[RecordedEvent]) {
        for event in events {
            assert!(
                self.ids.insert(event.event_id),
                "event {} seen twice",
                event.event_id
            );
            let version = self.versions.entry(event.stream_id.clone()).or_insert(0);
            assert_eq!(
                event.version,
                *version + 1,
                "stream {} out of order",
                event.stream_id
            );
            *version = event.version;
            if let Some(last) = self.last {
                assert!(event.position > last, "positions not increasing");
            }
            self.last = Some(event.position);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reader_sees_every_committed_event_once_in_order() {
    let (db, log) = setup().await;
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let log = log.clone();
            let pool = db.pool().clone();
            tokio::spawn(async move {
                let mut committed = Vec::new();
                let mut rolled_back = Vec::new();
                for round in 0..ROUNDS {
                    let k = w * 31 + round * 7;
                    let stream = format!("stream-{}", k % STREAMS);
                    if k % 5 == 4 {
                        // Through group commit, no explicit transaction.
                        let outcome = log
                            .append(command(&stream, ExpectedVersion::Any, 1 + k % 2))
                            .await
                            .expect("group-committed append");
                        committed.extend(outcome.event_ids);
                        continue;
                    }
                    let mut tx = pool.begin().await.expect("begin");
                    if k % 3 == 0 {
                        // Get a transaction id before waiting for the stream's lock.
                        sqlx::query("SELECT pg_current_xact_id()")
                            .execute(&mut *tx)
                            .await
                            .expect("xid");
                        tokio::time::sleep(Duration::from_millis((k % 7) as u64)).await;
                    }
                    let mut outcomes = log
                        .append_in(
                            &mut tx,
                            vec![command(&stream, ExpectedVersion::Any, 1 + k % 3)],
                        )
                        .await
                        .expect("append_in");
                    let outcome = outcomes.pop().expect("outcome").expect("appended");
                    tokio::time::sleep(Duration::from_millis((k % 4 * 5) as u64)).await;
                    if k % 4 == 1 {
                        tx.rollback().await.expect("rollback");
                        rolled_back.extend(outcome.event_ids);
                    } else {
                        tx.commit().await.expect("commit");
                        committed.extend(outcome.event_ids);
                    }
                }
                (committed, rolled_back)
            })
        })
        .collect();

    let mut seen = Seen::default();
    let mut at = LogPosition::START;
    let mut writers_left = writers;
    let mut committed = HashSet::new();
    let mut rolled_back = HashSet::new();
    loop {
        let events = log.read_all(at, 7).await.expect("read_all");
        seen.take(&events);
        if let Some(last) = events.last() {
            at = last.position;
        }
        if !writers_left.is_empty() && writers_left.iter().all(|w| w.is_finished()) {
            for writer in writers_left.drain(..) {
                let (c, r) = writer.await.expect("writer");
                committed.extend(c);
                rolled_back.extend(r);
            }
        }
        if writers_left.is_empty() {
            break;
        }
        if events.is_empty() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    // Writers are done: read to the end (the horizon may still lag behind other databases' work).
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen.ids.len() < committed.len() && Instant::now() < deadline {
        let events = log.read_all(at, 100).await.expect("read_all");
        seen.take(&events);
        match events.last() {
            Some(last) => at = last.position,
            None => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
    assert!(log.read_all(at, 100).await.expect("read_all").is_empty());
    assert!(!rolled_back.is_empty() && committed.len() > 100);
    assert_eq!(
        seen.ids, committed,
        "the reader saw exactly the committed events"
    );
    assert!(seen.ids.is_disjoint(&rolled_back));

    // A fresh reader in one go sees the same, in the same order.
    let mut again = Seen::default();
    again.take(
        &log.read_all(LogPosition::START, 100_000)
            .await
            .expect("read_all"),
    );
    assert_eq!(again.ids, committed);
    assert!(log.verify().await.expect("verify").is_clean());
}
