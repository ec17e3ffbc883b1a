//! Recording and listing: one record per call, in order, with its fields; tenants apart.

mod common;

use access_log::{
    AccessRecord, ObjectRef, Outcome, Page, Purpose, UNAUTHENTICATED_TENANT, stream_id,
};
use chrono::{TimeDelta, TimeZone, Utc};
use common::{GET_CASE, SCHEMA, SERVICE, around_now, caseworker, count, setup, tenant};
use platform::{Authentication, CallerContext, Role};
use uuid::Uuid;

#[tokio::test]
async fn each_call_is_one_record_listed_in_order_with_its_fields() {
    let (db, log) = setup().await;
    let caller = caseworker("jc-koeln", "u-4711");
    let case = Uuid::new_v4();
    let records = vec![
        AccessRecord::for_caller(&caller, GET_CASE, Outcome::Granted)
            .with_object(ObjectRef::case(case))
            .with_peer(Some("10.1.2.3:50000".parse().expect("addr")))
            .with_purpose(Some(Purpose::parse("benefit_decision").expect("purpose"))),
        AccessRecord::for_caller(&caller, GET_CASE, Outcome::NotFound)
            .with_object(ObjectRef::case(Uuid::new_v4())),
        AccessRecord::for_caller(
            &caller,
            "/jobcenter.case.v1.CaseService/ListCases",
            Outcome::Granted,
        )
        .with_object(ObjectRef::case(case))
        .with_object(ObjectRef::case(Uuid::new_v4())),
        AccessRecord::for_caller(&caller, GET_CASE, Outcome::InvalidArgument),
        AccessRecord::for_caller(&caller, GET_CASE, Outcome::Failed),
    ];
    for record in &records {
        log.record(record.clone()).await.expect("record");
    }
    assert_eq!(count(&db).await, 5);

    let (from, to) = around_now();
    let page = log
        .list(Some(&tenant("jc-koeln")), from, to, Page::first(100))
        .await
        .expect("list");
    assert_eq!(page.next, None);
    let listed: Vec<AccessRecord> = page.records.iter().map(|r| r.record.clone()).collect();
    assert_eq!(listed, records);
    let versions: Vec<i32> = page.records.iter().map(|r| r.version).collect();
    assert_eq!(versions, [1, 2, 3, 4, 5]);
    let day = records[0].at.date_naive();
    for logged in &page.records {
        assert_eq!(logged.service, SERVICE);
        assert_eq!(logged.stream_id, stream_id(Some(&tenant("jc-koeln")), day));
    }
}

#[tokio::test]
async fn tenants_and_unauthenticated_calls_are_kept_in_separate_streams() {
    let (db, log) = setup().await;
    for (tenant_id, n) in [("jc-a", 3), ("jc-b", 2)] {
        for _ in 0..n {
            let caller = caseworker(tenant_id, "u-1");
            log.record(AccessRecord::for_caller(
                &caller,
                GET_CASE,
                Outcome::Granted,
            ))
            .await
            .expect("record");
        }
    }
    log.record(AccessRecord::unauthenticated(GET_CASE, "token_expired"))
        .await
        .expect("record");

    let rows: Vec<(String, String, i64)> = sqlx::query_as(&format!(
        "SELECT stream_id, tenant_id, count(*) FROM {SCHEMA}.events \
         GROUP BY stream_id, tenant_id ORDER BY stream_id"
    ))
    .fetch_all(db.pool())
    .await
    .expect("streams");
    let today = Utc::now().date_naive();
    let mut expected = vec![
        (
            stream_id(Some(&tenant("jc-a")), today),
            "jc-a".to_owned(),
            3,
        ),
        (
            stream_id(Some(&tenant("jc-b")), today),
            "jc-b".to_owned(),
            2,
        ),
        (stream_id(None, today), UNAUTHENTICATED_TENANT.to_owned(), 1),
    ];
    expected.sort();
    assert_eq!(rows, expected);

    let (from, to) = around_now();
    for (tenant_id, n) in [("jc-a", 3), ("jc-b", 2)] {
        let page = log
            .list(Some(&tenant(tenant_id)), from, to, Page::first(100))
            .await
            .expect("list");
        assert_eq!(page.records.len(), n);
        assert!(
            page.records
                .iter()
                .all(|r| r.record.tenant == Some(tenant(tenant_id)))
        );
    }
    let anonymous = log
        .list(None, from, to, Page::first(100))
        .await
        .expect("list");
    assert_eq!(anonymous.records.len(), 1);
    assert_eq!(
        anonymous.records[0].record.outcome,
        Outcome::unauthenticated("token_expired")
    );
    assert!(anonymous.records[0].record.subject.is_none());
}

#[tokio::test]
async fn a_period_selects_by_call_time_across_days_and_pages_neither_skip_nor_repeat() {
    let (_db, log) = setup().await;
    let caller = CallerContext {
        roles: vec![Role::Auditor],
        authentication: Authentication::Certificate,
        ..caseworker("jc-a", "auditor-1")
    };
    let midnight = Utc
        .with_ymd_and_hms(2025, 3, 10, 0, 0, 0)
        .single()
        .expect("time");
    // Two records each on 9, 10 and 11 March, around the midnights.
    let times = [
        midnight - TimeDelta::hours(2),
        midnight - TimeDelta::microseconds(1),
        midnight,
        midnight + TimeDelta::hours(23),
        midnight + TimeDelta::days(1) + TimeDelta::seconds(1),
        midnight + TimeDelta::days(1) + TimeDelta::hours(5),
    ];
    for at in times {
        log.record(AccessRecord::for_caller(&caller, GET_CASE, Outcome::Granted).at(at))
            .await
            .expect("record");
    }
    let a = tenant("jc-a");

    // [9 March 23:00, 11 March 00:00:01) holds the 2nd, 3rd and 4th.
    let from = midnight - TimeDelta::hours(1);
    let to = midnight + TimeDelta::days(1) + TimeDelta::seconds(1);
    let page = log
        .list(Some(&a), from, to, Page::first(100))
        .await
        .expect("list");
    let got: Vec<_> = page.records.iter().map(|r| r.record.at).collect();
    assert_eq!(got, times[1..4]);

    // The whole range in pages of 1, 2 and 4: the same six records, each once, in order.
    let (from, to) = (midnight - TimeDelta::days(1), midnight + TimeDelta::days(2));
    for size in [1, 2, 4] {
        let mut all = Vec::new();
        let mut page = Page::first(size);
        loop {
            let result = log.list(Some(&a), from, to, page).await.expect("list");
            assert!(result.records.len() <= size);
            all.extend(result.records.iter().map(|r| r.record.at));
            match result.next {
                Some(token) => {
                    let token = token.to_string().parse().expect("token round trips");
                    page = Page::after(token, size);
                }
                None => break,
            }
        }
        assert_eq!(all, times, "page size {size}");
    }

    // Empty, reversed and too long periods and foreign tokens are refused.
    assert!(log.list(Some(&a), to, from, Page::first(1)).await.is_err());
    assert!(
        log.list(Some(&a), from, from, Page::first(1))
            .await
            .is_err()
    );
    assert!(
        log.list(Some(&a), from, from + TimeDelta::days(400), Page::first(1))
            .await
            .is_err()
    );
    let token = "2024-01-01.3".parse().expect("token");
    assert!(
        log.list(Some(&a), from, to, Page::after(token, 10))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_record_with_free_text_in_its_identity_is_refused_and_not_written() {
    let (db, log) = setup().await;
    let mut record =
        AccessRecord::for_caller(&caseworker("jc-a", "u-1"), GET_CASE, Outcome::Granted);
    record.subject = Some("Erika Mustermann".to_owned());
    let error = log.record(record).await.expect_err("refused");
    assert!(!error.to_string().contains("Erika"));
    assert_eq!(count(&db).await, 0);
}
