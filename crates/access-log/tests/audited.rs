//! Audited reads: exactly one record per read, the outcome taken from the result, objects found
//! by the read, refusals on record, and never any content.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use access_log::{
    AccessRecord, AuditedError, ObjectKind, ObjectRef, Outcome, PURPOSE_HEADER, Page, Purpose,
    ReadContext,
};
use common::{GET_CASE, around_now, caseworker, count, setup, stored_bytes, tenant};
use platform::audit::{Refusal, RefusalRecorder, RefusedCall};
use tonic::{Code, Status};
use uuid::Uuid;

/// What a read of a case returns in these tests: content that must never reach the log.
#[derive(Debug, Clone, PartialEq)]
struct CaseView {
    case_id: Uuid,
    family_name: String,
    iban: String,
}

#[tokio::test]
async fn every_audited_read_is_recorded_once_with_the_outcome_of_its_result() {
    let (db, log) = setup().await;
    let context = ReadContext::new(caseworker("jc-a", "u-1"), GET_CASE)
        .with_purpose(Some(Purpose::parse("benefit_decision").expect("purpose")));
    let case = Uuid::new_v4();
    let runs = AtomicUsize::new(0);

    let granted = log
        .audited(&context, Some(ObjectRef::case(case)), async {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok::<_, Status>(42)
        })
        .await
        .expect("granted");
    assert_eq!(granted, 42);

    let missing = log
        .audited(&context, Some(ObjectRef::case(case)), async {
            runs.fetch_add(1, Ordering::SeqCst);
            Err::<u32, _>(Status::not_found("no such case"))
        })
        .await;
    match missing {
        Err(AuditedError::Read(status)) => assert_eq!(status.code(), Code::NotFound),
        other => panic!("expected the read's NOT_FOUND, got {other:?}"),
    }

    let denied: Result<u32, _> = log
        .audited(&context, None, async {
            runs.fetch_add(1, Ordering::SeqCst);
            Err(Status::permission_denied("not yours"))
        })
        .await;
    assert_eq!(
        Status::from(denied.expect_err("denied")).code(),
        Code::PermissionDenied
    );
    assert_eq!(runs.load(Ordering::SeqCst), 3);
    assert_eq!(count(&db).await, 3);

    let (from, to) = around_now();
    let page = log
        .list(Some(&tenant("jc-a")), from, to, Page::first(10))
        .await
        .expect("list");
    let outcomes: Vec<_> = page
        .records
        .iter()
        .map(|r| r.record.outcome.clone())
        .collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Granted,
            Outcome::NotFound,
            Outcome::PermissionDenied
        ]
    );
    let first = &page.records[0].record;
    assert_eq!(first.objects, [ObjectRef::case(case)]);
    assert_eq!(first.rpc, GET_CASE);
    assert_eq!(first.subject.as_deref(), Some("u-1"));
    assert_eq!(
        first.purpose.as_ref().map(Purpose::as_str),
        Some("benefit_decision")
    );
    assert!(page.records[2].record.objects.is_empty());
}

#[tokio::test]
async fn an_object_known_only_from_the_result_is_recorded() {
    let (_db, log) = setup().await;
    let context = ReadContext::new(
        caseworker("jc-a", "u-1"),
        "/jobcenter.case.v1.CaseService/FindCaseByApplication",
    );
    let application = Uuid::new_v4();
    let case = Uuid::new_v4();
    let view = log
        .audited_with(
            &context,
            Some(ObjectRef::application(application)),
            async {
                Ok::<_, Status>(CaseView {
                    case_id: case,
                    family_name: "Mustermann".to_owned(),
                    iban: "DE02120300000000202051".to_owned(),
                })
            },
            |view: &CaseView| Some(ObjectRef::case(view.case_id)),
        )
        .await
        .expect("read");
    assert_eq!(view.case_id, case);

    // A list read records every object it returned, each once.
    let listed = [Uuid::new_v4(), Uuid::new_v4()];
    log.audited_with(
        &ReadContext::new(
            caseworker("jc-a", "u-1"),
            "/jobcenter.case.v1.CaseService/ListCases",
        ),
        None,
        async { Ok::<_, Status>(vec![listed[0], listed[1], listed[0]]) },
        |ids: &Vec<Uuid>| ids.iter().copied().map(ObjectRef::case).collect::<Vec<_>>(),
    )
    .await
    .expect("list read");

    let (from, to) = around_now();
    let page = log
        .list(Some(&tenant("jc-a")), from, to, Page::first(10))
        .await
        .expect("list");
    assert_eq!(
        page.records[0].record.objects,
        [ObjectRef::application(application), ObjectRef::case(case)]
    );
    assert_eq!(
        page.records[1].record.objects,
        [ObjectRef::case(listed[0]), ObjectRef::case(listed[1])]
    );
}

#[tokio::test]
async fn an_invalid_purpose_is_refused_on_record_before_the_read_runs() {
    let (db, log) = setup().await;
    let mut request = tonic::Request::new(());
    request
        .extensions_mut()
        .insert(authorized(caseworker("jc-a", "u-1")));
    request
        .metadata_mut()
        .insert(PURPOSE_HEADER, "Anhoerung Frau M".parse().expect("ascii"));
    let context = ReadContext::from_request(&request).expect("context");
    let ran = AtomicUsize::new(0);
    let result = log
        .audited(
            &context,
            ObjectRef::parse(ObjectKind::Case, &Uuid::new_v4().to_string()),
            async {
                ran.fetch_add(1, Ordering::SeqCst);
                Ok::<_, Status>(())
            },
        )
        .await;
    assert!(matches!(result, Err(AuditedError::InvalidPurpose)));
    assert_eq!(ran.load(Ordering::SeqCst), 0, "the read must not run");
    let status = Status::from(result.expect_err("refused"));
    assert_eq!(status.code(), Code::InvalidArgument);
    let violations = platform::status::field_violations(&status);
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].field, PURPOSE_HEADER);
    assert!(!status.message().contains("Frau"));

    assert_eq!(count(&db).await, 1);
    let (from, to) = around_now();
    let page = log
        .list(Some(&tenant("jc-a")), from, to, Page::first(10))
        .await
        .expect("list");
    assert_eq!(page.records[0].record.outcome, Outcome::InvalidArgument);
    assert_eq!(page.records[0].record.purpose, None);
}

#[tokio::test]
async fn a_context_from_a_request_needs_an_authorized_caller() {
    let mut request = tonic::Request::new(());
    let status = ReadContext::from_request(&request).expect_err("no caller");
    assert_eq!(status.code(), Code::PermissionDenied);
    // An authenticated caller the authorization layer has not approved is not enough.
    request.extensions_mut().insert(caseworker("jc-a", "u-1"));
    let status = ReadContext::from_request(&request).expect_err("not authorized");
    assert_eq!(status.code(), Code::PermissionDenied);
}

/// The caller as the authorization layer hands it to a handler of GetCase.
fn authorized(caller: platform::CallerContext) -> platform::authz::Authorized {
    platform::authz::Authorized {
        caller,
        scope: platform::authz::Scope::Tenant,
        rpc: GET_CASE.to_owned(),
    }
}

#[tokio::test]
async fn refused_calls_are_recorded_through_the_refusal_recorder() {
    let (db, log) = setup().await;
    let recorder: Arc<dyn RefusalRecorder> = Arc::new(log.clone());
    recorder
        .record(RefusedCall {
            rpc: GET_CASE.to_owned(),
            caller: None,
            peer: Some("192.0.2.7:41000".parse().expect("addr")),
            refusal: Refusal::Unauthenticated {
                reason: "token_expired",
            },
        })
        .await;
    recorder
        .record(RefusedCall {
            rpc: GET_CASE.to_owned(),
            caller: Some(caseworker("jc-a", "u-9")),
            peer: None,
            refusal: Refusal::PermissionDenied,
        })
        .await;
    recorder
        .record(RefusedCall {
            rpc: GET_CASE.to_owned(),
            caller: Some(caseworker("jc-a", "u-9")),
            peer: None,
            refusal: Refusal::RateLimited,
        })
        .await;
    assert_eq!(count(&db).await, 3);

    let (from, to) = around_now();
    let anonymous = log
        .list(None, from, to, Page::first(10))
        .await
        .expect("list");
    assert_eq!(anonymous.records.len(), 1);
    let record = &anonymous.records[0].record;
    assert_eq!(record.outcome, Outcome::unauthenticated("token_expired"));
    assert_eq!(record.peer, "192.0.2.7:41000".parse().ok());
    assert_eq!(record.tenant, None);

    let tenant_a = log
        .list(Some(&tenant("jc-a")), from, to, Page::first(10))
        .await
        .expect("list");
    let outcomes: Vec<_> = tenant_a
        .records
        .iter()
        .map(|r| (r.record.subject.clone(), r.record.outcome.clone()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (Some("u-9".to_owned()), Outcome::PermissionDenied),
            (Some("u-9".to_owned()), Outcome::RateLimited)
        ]
    );
}

#[tokio::test]
async fn records_hold_ids_and_codes_but_no_content() {
    let (db, log) = setup().await;
    const CANARIES: [&str; 6] = [
        "Mustermann",
        "DE02120300000000202051",
        "1987-06-05",
        "Bearer",
        "secret-note",
        "Hauptstr",
    ];
    let case = Uuid::new_v4();

    // The request carries content and a token in its metadata; the read returns content; a
    // failing read's message names the person. None of it may reach the log.
    let mut request = tonic::Request::new(format!(
        "family_name=Mustermann birth_date=1987-06-05 street=Hauptstr case_id={case}"
    ));
    request
        .extensions_mut()
        .insert(authorized(caseworker("jc-a", "u-4711")));
    request.metadata_mut().insert(
        "authorization",
        "Bearer eyJhbGciOiJSUzI1NiJ9.secret-note"
            .parse()
            .expect("ascii"),
    );
    request
        .metadata_mut()
        .insert(PURPOSE_HEADER, "appeal-review".parse().expect("ascii"));
    let context = ReadContext::from_request(&request).expect("context");
    let view = log
        .audited(&context, Some(ObjectRef::case(case)), async {
            Ok::<_, Status>(CaseView {
                case_id: case,
                family_name: "Mustermann".to_owned(),
                iban: "DE02120300000000202051".to_owned(),
            })
        })
        .await
        .expect("read");
    assert_eq!(view.family_name, "Mustermann");
    let _ = log
        .audited(&context, Some(ObjectRef::case(case)), async {
            Err::<(), _>(Status::not_found(
                "no case for Mustermann, born 1987-06-05, Hauptstr 1, secret-note",
            ))
        })
        .await;
    log.record(AccessRecord::unauthenticated(
        GET_CASE,
        "token for Mustermann expired",
    ))
    .await
    .expect("record");

    let stored = stored_bytes(&db).await;
    assert_eq!(count(&db).await, 3);
    for canary in CANARIES {
        assert!(
            !stored.contains(canary),
            "{canary} reached the log:\n{stored}"
        );
    }
    // What must be there is there: the ids and codes.
    for expected in [
        case.to_string().as_str(),
        "u-4711",
        "jc-a",
        "appeal-review",
        "granted",
        "not_found",
        "\"reason\":\"other\"",
    ] {
        assert!(stored.contains(expected), "{expected} missing:\n{stored}");
    }
}

#[tokio::test]
async fn a_read_dropped_before_its_record_is_recorded_as_failed() {
    let (db, log) = setup().await;
    let context = ReadContext::new(caseworker("jc-a", "u-1"), GET_CASE);
    let case = Uuid::new_v4();
    // The call is dropped mid-read, as tonic drops a handler whose deadline passed.
    let dropped = tokio::time::timeout(
        std::time::Duration::from_millis(50),
        log.audited(&context, Some(ObjectRef::case(case)), async {
            std::future::pending::<Result<(), Status>>().await
        }),
    )
    .await;
    assert!(dropped.is_err(), "the read never finishes");

    // The record is written by a spawned task: wait for it (bounded), then check it.
    for _ in 0..100 {
        if count(&db).await > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (from, to) = around_now();
    let page = log
        .list(Some(&tenant("jc-a")), from, to, Page::first(10))
        .await
        .expect("list");
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].record.outcome, Outcome::Failed);
    assert_eq!(page.records[0].record.objects, [ObjectRef::case(case)]);
}
