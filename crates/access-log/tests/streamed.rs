//! A streamed read records each part it delivers, timed when the part goes out, and a part whose
//! record cannot be written is refused.

mod common;

use std::time::Duration;

use access_log::{AccessLog, ObjectRef, Outcome, Page, Purpose, ReadContext};
use common::{SCHEMA, SERVICE, around_now, caseworker, pool_as, setup, tenant};
use uuid::Uuid;

const SUBSCRIBE: &str = "/jobcenter.case.v1.CaseFeedService/Subscribe";

#[tokio::test]
async fn each_part_is_recorded_with_its_objects_at_the_time_it_is_delivered() {
    let (_db, log) = setup().await;
    let context = ReadContext::new(caseworker("jc-a", "partner-1"), SUBSCRIBE)
        .with_purpose(Some(Purpose::parse("case_sync").expect("purpose")));
    let (first, second) = (Uuid::new_v4(), Uuid::new_v4());
    tokio::time::sleep(Duration::from_millis(20)).await;
    log.record_part(
        &context,
        vec![ObjectRef::case(first), ObjectRef::case(second)],
    )
    .await
    .expect("first part");
    log.record_part(&context, vec![ObjectRef::case(second)])
        .await
        .expect("second part");

    let (from, to) = around_now();
    let page = log
        .list(Some(&tenant("jc-a")), from, to, Page::first(10))
        .await
        .expect("list");
    let records: Vec<_> = page.records.iter().map(|r| &r.record).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[0].objects,
        vec![ObjectRef::case(first), ObjectRef::case(second)]
    );
    assert_eq!(records[1].objects, vec![ObjectRef::case(second)]);
    for record in &records {
        assert_eq!(record.rpc, SUBSCRIBE);
        assert_eq!(record.outcome, Outcome::Granted);
        assert_eq!(record.subject.as_deref(), Some("partner-1"));
        assert_eq!(
            record.purpose.as_ref().map(Purpose::as_str),
            Some("case_sync")
        );
        // Timed at delivery, not at the start of the call the context describes.
        assert!(record.at > context.record(Vec::new(), Outcome::Granted).at);
    }
    assert!(records[0].at <= records[1].at);
}

#[tokio::test]
async fn a_part_whose_record_cannot_be_written_is_refused() {
    let (db, _) = setup().await;
    // A role that may read the log but not append to it.
    sqlx::query(
        "DO $$ BEGIN CREATE ROLE feed_reader NOLOGIN; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
    )
    .execute(db.pool())
    .await
    .expect("role");
    sqlx::query(&format!("GRANT USAGE ON SCHEMA {SCHEMA} TO feed_reader"))
        .execute(db.pool())
        .await
        .expect("grant");
    let reader = pool_as(&db, Some("feed_reader"), 0).await;
    let log = AccessLog::new(reader, SCHEMA, SERVICE).expect("log");
    let context = ReadContext::new(caseworker("jc-a", "partner-1"), SUBSCRIBE);
    let refused = log
        .record_part(&context, vec![ObjectRef::case(Uuid::new_v4())])
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(common::count(&db).await, 0);
}
