//! Reading back: the list of submissions, form definitions, and the export for a case-processing
//! system, each within its caller's reach.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use jobcenter_proto::intake::v1 as proto;
use proto::submit_application_request::Form;
use serde_json::Value;
use support::{
    as_caller, as_subject, every_kind, new_id, spawn_app, spawn_with_essen_area, submit,
};
use tonic::Code;

async fn submit_as(app: &mut support::TestApp, subject: &str, form: Form) -> proto::Submission {
    app.client
        .submit_application(as_subject(
            submit(&new_id(), form),
            "jc-essen",
            subject,
            "applicant",
        ))
        .await
        .expect("accepted")
        .into_inner()
        .submission
        .expect("submission")
}

fn list(page_size: i32, page_token: &str) -> proto::ListSubmissionsRequest {
    proto::ListSubmissionsRequest {
        page_size,
        page_token: page_token.into(),
        language: String::new(),
    }
}

#[tokio::test]
async fn an_applicant_lists_only_their_own_submissions_and_staff_the_jobcenters() {
    let mut app = spawn_app().await;
    let kinds = every_kind();
    let mut mine = Vec::new();
    for (_, form) in kinds.iter().take(3) {
        mine.push(submit_as(&mut app, "applicant-1", form.clone()).await);
    }
    let theirs = submit_as(&mut app, "applicant-2", kinds[4].1.clone()).await;

    // Newest first, in pages of two.
    let first = app
        .client
        .list_submissions(as_subject(
            list(2, ""),
            "jc-essen",
            "applicant-1",
            "applicant",
        ))
        .await
        .expect("first page")
        .into_inner();
    assert_eq!(first.submissions, vec![mine[2].clone(), mine[1].clone()]);
    assert!(!first.next_page_token.is_empty());
    let second = app
        .client
        .list_submissions(as_subject(
            list(2, &first.next_page_token),
            "jc-essen",
            "applicant-1",
            "applicant",
        ))
        .await
        .expect("second page")
        .into_inner();
    assert_eq!(second.submissions, vec![mine[0].clone()]);
    assert!(second.next_page_token.is_empty());

    let staff = app
        .client
        .list_submissions(as_subject(list(0, ""), "jc-essen", "cw-1", "caseworker"))
        .await
        .expect("staff")
        .into_inner();
    assert_eq!(staff.submissions.len(), 4);
    assert_eq!(staff.submissions[0], theirs);

    let elsewhere = app
        .client
        .list_submissions(as_subject(list(0, ""), "jc-bochum", "cw-2", "caseworker"))
        .await
        .expect("another jobcenter")
        .into_inner();
    assert!(elsewhere.submissions.is_empty());

    let status = app
        .client
        .list_submissions(as_subject(
            list(2, "not-a-token"),
            "jc-essen",
            "cw-1",
            "caseworker",
        ))
        .await
        .expect_err("bad token");
    assert_eq!(status.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn a_listing_and_an_export_are_on_the_read_access_record_with_what_they_showed() {
    let mut app = spawn_app().await;
    let shown = submit_as(&mut app, "applicant-1", every_kind()[0].1.clone()).await;
    app.client
        .list_submissions(as_subject(
            list(0, ""),
            "jc-essen",
            "applicant-1",
            "applicant",
        ))
        .await
        .expect("listed");
    app.client
        .export_application(as_subject(
            proto::ExportApplicationRequest {
                application_id: shown.application_id.clone(),
            },
            "jc-essen",
            "cw-1",
            "caseworker",
        ))
        .await
        .expect("exported");
    let access =
        access_log::AccessLog::new(app.db.auditor_pool().clone(), "intake_access", "intake")
            .expect("access log");
    let now = chrono::Utc::now();
    let tenant = platform::TenantId::parse("jc-essen").expect("tenant");
    let records = access
        .list(
            Some(&tenant),
            now - chrono::Duration::hours(1),
            now + chrono::Duration::hours(1),
            access_log::Page::first(100),
        )
        .await
        .expect("records")
        .records;
    let application = uuid::Uuid::parse_str(&shown.application_id).expect("uuid");
    for rpc in ["ListSubmissions", "ExportApplication"] {
        let record = records
            .iter()
            .find(|r| r.record.rpc.ends_with(rpc))
            .unwrap_or_else(|| panic!("no record of {rpc}"));
        assert!(record.record.outcome.is_granted(), "{rpc}");
        assert!(
            record
                .record
                .objects
                .contains(&access_log::ObjectRef::application(application)),
            "{rpc}: {:?}",
            record.record.objects
        );
    }
}

#[tokio::test]
async fn an_export_carries_the_documented_fields() {
    let mut app = spawn_app().await;
    let (_, form) = every_kind().remove(4);
    let submission = submit_as(&mut app, "applicant-1", form).await;
    let export = app
        .client
        .export_application(as_subject(
            proto::ExportApplicationRequest {
                application_id: submission.application_id.clone(),
            },
            "jc-essen",
            "fachverfahren",
            "partner-system",
        ))
        .await
        .expect("exported")
        .into_inner();
    assert_eq!(export.format, "jobcenter.intake.export");
    assert_eq!(export.format_version, 1);
    assert_eq!(export.media_type, "application/json");
    let doc: Value = serde_json::from_str(&export.document).expect("JSON");
    assert_eq!(doc["format"], "jobcenter.intake.export");
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["tenant_id"], "jc-essen");
    assert_eq!(doc["application_id"], submission.application_id.as_str());
    assert_eq!(doc["submission_id"], submission.submission_id.as_str());
    assert_eq!(doc["kind"], "sick_note");
    assert_eq!(doc["form_version"], 1);
    let received = doc["received_at"].as_str().expect("received_at");
    assert!(
        chrono::DateTime::parse_from_rfc3339(received).is_ok(),
        "{received}"
    );
    let at = submission.received_at.expect("receipt time");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(received).map(|t| t.timestamp()),
        Ok(at.seconds)
    );
    assert_eq!(doc["warnings"], serde_json::json!([]));
    let note = &doc["form"];
    assert_eq!(note["certificate"], "first");
    assert_eq!(note["person"]["birth_date"], "1985-04-12");
    assert_eq!(note["person"]["family_name"], "Mustermann");
    assert_eq!(
        note["attachments"],
        serde_json::json!(["incapacity_certificate"])
    );
    assert!(
        note["incapacity_from"]
            .as_str()
            .is_some_and(|d| d.len() == 10)
    );
    assert!(note.get("diagnosis").is_none());
}

#[tokio::test]
async fn an_export_shows_amounts_in_cents_and_warnings() {
    let mut app = spawn_app().await;
    let mut application = support::main_application();
    application.attachments.clear();
    let submission = submit_as(&mut app, "applicant-1", Form::MainApplication(application)).await;
    assert_eq!(submission.warnings.len(), 1);
    let export = app
        .client
        .export_application(as_subject(
            proto::ExportApplicationRequest {
                application_id: submission.application_id,
            },
            "jc-essen",
            "cw-1",
            "caseworker",
        ))
        .await
        .expect("exported")
        .into_inner();
    let doc: Value = serde_json::from_str(&export.document).expect("JSON");
    assert_eq!(doc["kind"], "main_application");
    assert_eq!(doc["form"]["housing_costs"]["base_rent_cents"], 45_000);
    assert_eq!(doc["form"]["housing_costs"]["heating_cents"], 0);
    assert_eq!(doc["form"]["iban"], "DE89370400440532013000");
    assert_eq!(doc["form"]["household_members"][0]["relationship"], "child");
    assert_eq!(doc["warnings"][0]["rule"], "attachment.rental_contract");
    assert_eq!(doc["warnings"][0]["field"], "main_application.attachments");
    assert!(doc["applicant_account"].is_string());
    assert!(doc["case_id"].is_null());
}

#[tokio::test]
async fn another_tenants_application_is_not_found_and_applicants_cannot_export() {
    let mut app = spawn_app().await;
    let submission = submit_as(&mut app, "applicant-1", every_kind()[0].1.clone()).await;
    let request = || proto::ExportApplicationRequest {
        application_id: submission.application_id.clone(),
    };
    let status = app
        .client
        .export_application(as_subject(request(), "jc-bochum", "cw-9", "caseworker"))
        .await
        .expect_err("another tenant");
    assert_eq!(status.code(), Code::NotFound);
    let status = app
        .client
        .export_application(as_subject(
            request(),
            "jc-essen",
            "applicant-1",
            "applicant",
        ))
        .await
        .expect_err("not for applicants");
    assert_eq!(status.code(), Code::PermissionDenied);
    let status = app
        .client
        .export_application(as_subject(
            proto::ExportApplicationRequest {
                application_id: "nope".into(),
            },
            "jc-essen",
            "cw-1",
            "caseworker",
        ))
        .await
        .expect_err("not an id");
    assert_eq!(status.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn a_form_definition_comes_in_german_and_english_with_the_jobcenters_area() {
    let mut app = spawn_with_essen_area().await;
    let get = |language: &str| {
        as_caller(
            proto::GetFormDefinitionRequest {
                kind: proto::SubmissionKind::MainApplication as i32,
                language: language.into(),
            },
            "jc-essen",
        )
    };
    let german = app
        .client
        .get_form_definition(get(""))
        .await
        .expect("German")
        .into_inner()
        .form
        .expect("form");
    let english = app
        .client
        .get_form_definition(get("en-GB"))
        .await
        .expect("English")
        .into_inner()
        .form
        .expect("form");
    assert_eq!(german.language, "de");
    assert_eq!(english.language, "en");
    assert_eq!(german.version, 1);
    assert_eq!(german.root_field, "main_application");
    assert_ne!(german.title, english.title);
    let fields = |f: &proto::FormDefinition| -> Vec<String> {
        f.sections
            .iter()
            .flat_map(|s| s.questions.iter().map(|q| q.field.clone()))
            .collect()
    };
    assert_eq!(fields(&german), fields(&english));
    let postal = german
        .sections
        .iter()
        .flat_map(|s| s.questions.iter())
        .find(|q| q.field == "main_application.address.postal_code")
        .expect("postal code question");
    let area = postal
        .rules
        .iter()
        .find(|r| r.rule_id == "postal_code.in_area")
        .expect("area rule");
    assert_eq!(area.parameters, vec!["451"]);
    assert_eq!(area.kind, proto::RuleKind::Custom as i32);
    let pattern = postal
        .rules
        .iter()
        .find(|r| r.kind == proto::RuleKind::Pattern as i32);
    assert_eq!(pattern.map(|r| r.pattern.as_str()), Some("^[0-9]{5}$"));

    let status = app
        .client
        .get_form_definition(get("fr"))
        .await
        .expect_err("French is not offered");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        platform::status::field_violations(&status)[0]
            .description
            .contains("de, en")
    );
    let status = app
        .client
        .get_form_definition(as_caller(
            proto::GetFormDefinitionRequest::default(),
            "jc-essen",
        ))
        .await
        .expect_err("no kind");
    assert_eq!(status.code(), Code::InvalidArgument);
}
