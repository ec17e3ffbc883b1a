//! The whole system from outside: the real service binaries, started as processes
//! against a fresh PostgreSQL database and a private NATS server, called over gRPC, in
//! development mode (plaintext, development identities) as the local demo runs them.
//!
//! The harness (binaries built once, processes, captured logs) is `system_tests`
//! (tests/src); `JC_E2E_SKIP_BUILD=1` uses binaries built beforehand.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use jobcenter_proto::case::v1 as case_pb;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as intake_pb;
use system_tests::{Caller, Person, Service, System};
use tokio::process::Command;
use tonic::Code;

fn as_caller<T>(message: T, roles: &str) -> tonic::Request<T> {
    Caller::dev("jc-essen", "e2e", roles).request(message)
}

fn submission(submission_id: &str) -> intake_pb::SubmitApplicationRequest {
    Person::erika().submission(submission_id)
}

#[tokio::test]
async fn a_submission_opens_a_case_once_and_bad_input_changes_nothing() {
    let system = System::development().await.expect("system");
    let mut intake = system.intake(None).await.expect("intake client");
    let mut cases = system.cases(None).await.expect("case client");
    let sid = uuid::Uuid::new_v4().to_string();

    // Submit → the case is visible, read-your-writes through the intake position.
    let first = intake
        .submit_application(as_caller(submission(&sid), "applicant"))
        .await
        .expect("submit")
        .into_inner();
    let application_id = first.submission.clone().unwrap().application_id;
    let case = cases
        .find_case_by_application(as_caller(
            case_pb::FindCaseByApplicationRequest {
                application_id: application_id.clone(),
                min_position: first.position.clone(),
            },
            "caseworker",
        ))
        .await
        .expect("case visible")
        .into_inner()
        .case
        .unwrap();
    assert_eq!(case.application_ids, vec![application_id.clone()]);
    assert_eq!(case.household_size, 1);

    // The same submission again → the same answer, still one application and one case.
    let again = intake
        .submit_application(as_caller(submission(&sid), "applicant"))
        .await
        .expect("resubmit")
        .into_inner();
    assert_eq!(again, first);
    let listed = cases
        .list_cases(as_caller(
            case_pb::ListCasesRequest {
                min_position: again.position.clone(),
                ..Default::default()
            },
            "caseworker",
        ))
        .await
        .expect("list")
        .into_inner();
    assert_eq!(listed.cases.len(), 1);

    // Bad input → INVALID_ARGUMENT with field details, nothing recorded.
    let mut bad = submission(&uuid::Uuid::new_v4().to_string());
    let Some(intake_pb::submit_application_request::Form::MainApplication(application)) =
        bad.form.as_mut()
    else {
        panic!("a main application")
    };
    application.address.as_mut().unwrap().postal_code = "ABCDE".into();
    application.incomes[0].monthly_amount = Some(common::Money { cents: -5 });
    let status = intake
        .submit_application(as_caller(bad, "applicant"))
        .await
        .expect_err("invalid");
    assert_eq!(status.code(), Code::InvalidArgument);
    let fields: Vec<String> = platform::status::field_violations(&status)
        .into_iter()
        .map(|v| v.field)
        .collect();
    assert_eq!(
        fields,
        vec![
            "main_application.address.postal_code",
            "main_application.incomes[0].monthly_amount",
        ]
    );
    let recorded: i64 = sqlx::query_scalar("SELECT count(*) FROM intake.events")
        .fetch_one(system.db().pool())
        .await
        .unwrap();
    assert_eq!(recorded, 1);
}

/// Runs `jobcenterctl` against the system; returns (success, stdout), and on failure what it
/// wrote to stderr after the output.
async fn ctl(system: &System, args: &[&str]) -> (bool, String) {
    let dir = system_tests::binaries::binary_dir().await.unwrap();
    let output = Command::new(dir.join("jobcenterctl"))
        .arg("--intake")
        .arg(format!("http://{}", system.address(Service::Intake)))
        .arg("--case")
        .arg(format!("http://{}", system.address(Service::Case)))
        .arg("--efile")
        .arg(format!("http://{}", system.address(Service::Efile)))
        .arg("--appointment")
        .arg(format!("http://{}", system.address(Service::Appointment)))
        .arg("--notification")
        .arg(format!("http://{}", system.address(Service::Notification)))
        .args(args)
        .output()
        .await
        .expect("running jobcenterctl");
    let mut shown = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        shown.push_str("\n--- stderr ---\n");
        shown.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    (output.status.success(), shown)
}

#[tokio::test]
async fn a_newcomer_loads_the_demo_and_explores_it_with_the_cli() {
    let system = System::development().await.expect("system");

    let (ok, health) = ctl(&system, &["health"]).await;
    assert!(ok && health.matches("Serving").count() == 5, "{health}");

    let (ok, demo) = ctl(&system, &["demo"]).await;
    assert!(ok, "{demo}");
    let cases: Vec<&str> = demo
        .lines()
        .filter_map(|l| l.split("-> case ").nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    assert_eq!(cases.len(), 3, "{demo}");
    // The cases stand at different points of their path.
    for stage in [
        "waiting for documents",
        "approved, sick note received",
        "new",
    ] {
        assert!(demo.contains(&format!("({stage})")), "{demo}");
    }
    // The scanned sick note processed itself; the form's was filed as a record.
    assert!(
        demo.contains("read by OCR and recorded on the case"),
        "{demo}"
    );
    assert!(demo.contains("filed in its E-Akte"), "{demo}");
    // The new household's applicant booked the first meeting online.
    assert!(
        demo.contains("the applicant booked a first meeting online"),
        "{demo}"
    );
    // That applicant chose English and the mailbox before applying: both messages are there.
    assert!(
        demo.contains("in the applicant's mailbox, in English: “"),
        "{demo}"
    );

    // Loading the demo again changes nothing: the same applications, the same cases.
    let (ok, again) = ctl(&system, &["demo"]).await;
    assert!(ok);
    assert_eq!(demo, again);

    let (ok, list) = ctl(&system, &["cases"]).await;
    assert!(ok);
    assert_eq!(list.lines().count(), 3, "{list}");
    assert!(
        list.contains("Mustermann, Erika") && list.contains("household 3"),
        "{list}"
    );

    let (ok, other) = ctl(&system, &["--tenant", "jc-other", "cases"]).await;
    assert!(ok);
    assert_eq!(
        other.trim(),
        "",
        "another jobcenter sees none of these cases"
    );

    let (ok, timeline) = ctl(&system, &["timeline", cases[0]]).await;
    assert!(ok && timeline.contains("Case opened"), "{timeline}");
    assert!(
        timeline.contains("Requested from the applicant: Kontoauszüge"),
        "{timeline}"
    );
    // The caseworker's own queue (the CLI's default identity): Mustermann's case, assigned by
    // the demo's rule for A to M, waits for documents, and its scanned sick note was recorded
    // (the caseworker is told); the whole team's queue holds all three cases.
    let (ok, own) = ctl(&system, &["tasks"]).await;
    assert!(ok, "{own}");
    assert_eq!(own.lines().count(), 2, "{own}");
    assert!(own.lines().all(|line| line.contains(cases[0])), "{own}");
    assert!(
        own.contains("Krankmeldung eingegangen und erfasst"),
        "{own}"
    );
    let (ok, team) = ctl(&system, &["tasks", "--team", "team-a"]).await;
    assert!(ok, "{team}");
    for case in &cases {
        assert!(team.contains(case), "{team}");
    }
    let (ok, timeline) = ctl(&system, &["timeline", cases[1]]).await;
    assert!(
        ok && timeline.contains("approved") && timeline.contains("Sick note received"),
        "{timeline}"
    );

    // The E-Akte of the first case holds the scan, tagged after reading; the second case's
    // holds the record the platform made of the sick-note form.
    let (ok, documents) = ctl(&system, &["documents", cases[0]]).await;
    assert!(ok, "{documents}");
    assert!(
        documents.contains("sick_note v1 via scanned_post")
            && documents.contains("arbeitsunfaehigkeit, erstbescheinigung")
            && documents.contains("au-mustermann.png"),
        "{documents}"
    );
    let (ok, documents) = ctl(&system, &["documents", cases[1]]).await;
    assert!(
        ok && documents.contains("sick_note v1 via generated"),
        "{documents}"
    );

    // The new case's first meeting: in the case's appointments and on its timeline.
    let (ok, booked) = ctl(&system, &["appointments", "--case", cases[2]]).await;
    assert!(ok, "{booked}");
    assert_eq!(booked.lines().count(), 1, "{booked}");
    assert!(
        booked.contains("first meeting (in person, booked)"),
        "{booked}"
    );
    let reference = booked.split_whitespace().nth(2).unwrap_or_default();
    let (ok, timeline) = ctl(&system, &["timeline", cases[2]]).await;
    assert!(ok && timeline.contains(reference), "{timeline}");

    // The new household's applicant reads the jobcenter's messages in their Postfach, in
    // English, and writes back; the caseworker of the case (caseworker-2, by the demo's rule
    // for N to Z) answers.
    let applicant = [
        "--roles",
        "applicant",
        "--subject",
        "applicant-00000000-0000-4000-8000-000000000003",
    ];
    fn with<'a>(caller: &[&'a str], args: &[&'a str]) -> Vec<&'a str> {
        [caller, args].concat()
    }
    let (ok, mailbox) = ctl(&system, &with(&applicant, &["mailbox"])).await;
    assert!(ok, "{mailbox}");
    assert_eq!(mailbox.lines().count(), 2, "{mailbox}");
    assert!(
        mailbox.contains("appointment booked") && mailbox.contains("submission received"),
        "{mailbox}"
    );
    let booked_message = mailbox
        .lines()
        .find(|line| line.contains("appointment booked"))
        .and_then(|line| line.split_whitespace().next())
        .unwrap_or_default()
        .to_owned();
    let (ok, message) = ctl(&system, &with(&applicant, &["message", &booked_message])).await;
    assert!(ok && message.contains("language     en"), "{message}");
    assert!(message.contains(reference), "{message}");
    let (ok, profile) = ctl(&system, &with(&applicant, &["profile"])).await;
    assert!(ok && profile.contains("consents     mailbox"), "{profile}");
    let (ok, written) = ctl(
        &system,
        &[
            &applicant[..],
            &[
                "write",
                "--case",
                cases[2],
                "--title",
                "Frage zum Termin",
                "--body",
                "Kann ich meine Tochter mitbringen?",
            ],
        ]
        .concat(),
    )
    .await;
    assert!(ok, "{written}");
    let written = written
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let caseworker = ["--subject", "caseworker-2"];
    let mut answered = false;
    for _ in 0..100 {
        let (ok, tasks) = ctl(&system, &[&caseworker[..], &["tasks"]].concat()).await;
        assert!(ok, "{tasks}");
        if tasks.contains("Nachricht beantworten: Frage zum Termin") {
            answered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(answered, "the caseworker has the task to answer");
    let (ok, replied) = ctl(
        &system,
        &[
            &caseworker[..],
            &["reply", &written, "--body", "Ja, gerne."],
        ]
        .concat(),
    )
    .await;
    assert!(ok && replied.starts_with("reply "), "{replied}");

    let (ok, submission) = ctl(
        &system,
        &["submission", "00000000-0000-4000-8000-000000000001"],
    )
    .await;
    assert!(
        ok && submission.contains("SUBMISSION_STATUS_RECEIVED"),
        "{submission}"
    );

    // As an auditor does: the read-only role that reads every tenant's events. The reactions
    // to the last commands (the reply noted on the case, the letters handed to the print
    // queue) are asynchronous, so the log is verified again until they are in.
    let expected = [
        "intake: 4 events in 4 streams",
        "cases: 18 events in 4 streams",
        "efile: 5 events in 3 streams",
        "appointment: 1 events in 1 streams",
        "notification: 16 events in 11 streams",
        "intact",
    ];
    let mut verify = String::new();
    for _ in 0..100 {
        let (ok, verified) = ctl(
            &system,
            &["verify", "--database-url", system.db().auditor_url()],
        )
        .await;
        assert!(ok, "{verified}");
        verify = verified;
        if expected.iter().all(|line| verify.contains(line)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Three applications and a sick note; the assignment rules, three cases opened and assigned
    // by them, two reviews, a request for documents, a decision, and the sick note attached,
    // its incapacity recorded and the matter processed by the platform, and the scan's
    // incapacity, the first meeting booked, the applicant's message noted and answered; in the
    // E-Akte the scan filed, read and tagged, the form's record and the decision letter filed;
    // the booking of the first meeting. In the notification log the new applicant's language
    // and mailbox consent (one stream), and ten messages: by letter (composed, then delivered
    // to the print queue) the first two households' receipts, the request for documents and
    // the decision; to the caseworkers' inboxes the two sick notes recorded; to the new
    // applicant's mailbox the receipt and the booking; their message and its reply.
    assert!(
        expected.iter().all(|line| verify.contains(line)),
        "{verify}"
    );
}
