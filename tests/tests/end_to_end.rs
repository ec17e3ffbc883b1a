//! The whole system from outside: the real `intake` and `case` binaries, started as processes
//! against a fresh PostgreSQL database and a private NATS server, called over gRPC.
//!
//! How the binaries are found: a test binary lives in `<target>/<profile>/deps/`, so the
//! services' binaries are in `<target>/<profile>/`. Before the first test starts them, the
//! harness runs `cargo build -p intake -p case -p jobcenterctl` (same profile) once, so they are never stale;
//! `cargo test` has released the build lock by the time tests run. Set `JC_E2E_SKIP_BUILD=1` to
//! use binaries built beforehand (e.g. in CI after `cargo build --workspace`).
//!
//! Each service listens on port 0 and the harness reads the bound address from its first
//! JSON log line "gRPC server listening".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use jobcenter_proto::case::v1 as case_pb;
use jobcenter_proto::case::v1::case_service_client::CaseServiceClient;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as intake_pb;
use jobcenter_proto::intake::v1::intake_service_client::IntakeServiceClient;
use testkit::{TestDatabase, TestNats};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tonic::{Code, Request};

/// `<target>/<profile>`, where cargo puts the service binaries.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // <target>/<profile>/deps/end_to_end-<hash>
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("test binary in <target>/<profile>/deps")
        .to_path_buf()
}

/// Builds the service binaries once per test process.
fn ensure_built() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = profile_dir();
            if std::env::var_os("JC_E2E_SKIP_BUILD").is_none() {
                let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
                let mut build = std::process::Command::new(cargo);
                build.args([
                    "build",
                    "-p",
                    "intake",
                    "-p",
                    "case",
                    "-p",
                    "jobcenterctl",
                    "--bins",
                ]);
                if dir.file_name().is_some_and(|n| n == "release") {
                    build.arg("--release");
                }
                build.current_dir(env!("CARGO_MANIFEST_DIR"));
                let status = build.status().expect("running cargo build");
                assert!(status.success(), "cargo build of the services failed");
            }
            dir
        })
        .clone()
}

/// A running service process; killed when dropped.
struct Service {
    _child: Child,
    address: String,
}

async fn start(binary: &str, prefix: &str, db: &TestDatabase, nats: &TestNats) -> Service {
    let dir = tokio::task::spawn_blocking(ensure_built).await.unwrap();
    let mut child = Command::new(dir.join(binary))
        // The three database roles: the owner installs at start, the api role reads one
        // tenant per transaction, the worker writes the log and runs relay and projections.
        .env(format!("{prefix}DATABASE__OWNER_URL"), db.owner_url())
        .env(format!("{prefix}DATABASE__API_URL"), db.api_url())
        .env(format!("{prefix}DATABASE__WORKER_URL"), db.worker_url())
        .env(format!("{prefix}NATS__URL"), nats.url())
        .env(format!("{prefix}SERVER__GRPC_ADDR"), "127.0.0.1:0")
        // Plaintext and development identities (`x-jc-*` metadata), as in the local demo.
        .env(format!("{prefix}SERVER__MODE"), "development")
        .env(format!("{prefix}TELEMETRY__LOG_FORMAT"), "json")
        .env(format!("{prefix}TELEMETRY__LOG_FILTER"), "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("starting {binary}: {e}"));
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let address = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if !line.contains("gRPC server listening") {
                continue;
            }
            let json: serde_json::Value = serde_json::from_str(&line).unwrap();
            let address = json["fields"]["address"]
                .as_str()
                .or_else(|| json["address"].as_str())
                .unwrap_or_else(|| panic!("no address in {line}"));
            return address.to_owned();
        }
        panic!("{binary} exited before listening");
    })
    .await
    .unwrap_or_else(|_| panic!("{binary} did not start listening within 60 s"));
    // Keep draining the log so the process never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Service {
        _child: child,
        address,
    }
}

struct System {
    intake: IntakeServiceClient<tonic::transport::Channel>,
    cases: CaseServiceClient<tonic::transport::Channel>,
    db: TestDatabase,
    _services: Vec<Service>,
    _nats: TestNats,
}

async fn start_system() -> System {
    let db = TestDatabase::create().await.expect("test database");
    let nats = TestNats::start().await.expect("test nats");
    let intake = start("intake", "JC_INTAKE_", &db, &nats).await;
    let case = start("case", "JC_CASE_", &db, &nats).await;
    System {
        intake: IntakeServiceClient::connect(format!("http://{}", intake.address))
            .await
            .unwrap(),
        cases: CaseServiceClient::connect(format!("http://{}", case.address))
            .await
            .unwrap(),
        db,
        _services: vec![intake, case],
        _nats: nats,
    }
}

fn as_caller<T>(message: T, roles: &str) -> Request<T> {
    let mut request = Request::new(message);
    let md = request.metadata_mut();
    md.insert("x-jc-tenant", "jc-essen".parse().unwrap());
    md.insert("x-jc-subject", "e2e".parse().unwrap());
    md.insert("x-jc-roles", roles.parse().unwrap());
    request
}

fn submission(submission_id: &str) -> intake_pb::SubmitApplicationRequest {
    intake_pb::SubmitApplicationRequest {
        submission_id: submission_id.into(),
        main_application: Some(intake_pb::MainApplication {
            applicant: Some(intake_pb::Person {
                given_name: "Erika".into(),
                family_name: "Mustermann".into(),
                birth_date: Some(common::Date {
                    year: 1985,
                    month: 4,
                    day: 12,
                }),
            }),
            household_members: vec![],
            address: Some(common::Address {
                street: "Kettwiger Straße".into(),
                house_number: "12a".into(),
                postal_code: "45127".into(),
                city: "Essen".into(),
            }),
            incomes: vec![intake_pb::Income {
                kind: intake_pb::IncomeKind::Employment as i32,
                monthly_amount: Some(common::Money { cents: 120_000 }),
                member_index: 0,
            }],
            housing_costs: None,
            iban: "DE89370400440532013000".into(),
        }),
    }
}

#[tokio::test]
async fn a_submission_opens_a_case_once_and_bad_input_changes_nothing() {
    let mut system = start_system().await;
    let sid = uuid::Uuid::new_v4().to_string();

    // Submit → the case is visible, read-your-writes through the intake position.
    let first = system
        .intake
        .submit_application(as_caller(submission(&sid), "applicant"))
        .await
        .expect("submit")
        .into_inner();
    let application_id = first.submission.clone().unwrap().application_id;
    let case = system
        .cases
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
    let again = system
        .intake
        .submit_application(as_caller(submission(&sid), "applicant"))
        .await
        .expect("resubmit")
        .into_inner();
    assert_eq!(again, first);
    let listed = system
        .cases
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
    bad.main_application
        .as_mut()
        .unwrap()
        .address
        .as_mut()
        .unwrap()
        .postal_code = "ABCDE".into();
    bad.main_application.as_mut().unwrap().incomes[0].monthly_amount =
        Some(common::Money { cents: -5 });
    let status = system
        .intake
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
        .fetch_one(system.db.pool())
        .await
        .unwrap();
    assert_eq!(recorded, 1);
}

/// Runs `jobcenterctl` against the system; returns (success, stdout).
async fn ctl(system: &System, args: &[&str]) -> (bool, String) {
    let dir = tokio::task::spawn_blocking(ensure_built).await.unwrap();
    let output = Command::new(dir.join("jobcenterctl"))
        .arg("--intake")
        .arg(format!("http://{}", system._services[0].address))
        .arg("--case")
        .arg(format!("http://{}", system._services[1].address))
        .args(args)
        .output()
        .await
        .expect("running jobcenterctl");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[tokio::test]
async fn a_newcomer_loads_the_demo_and_explores_it_with_the_cli() {
    let system = start_system().await;

    let (ok, health) = ctl(&system, &["health"]).await;
    assert!(ok && health.matches("Serving").count() == 2, "{health}");

    let (ok, demo) = ctl(&system, &["demo"]).await;
    assert!(ok, "{demo}");
    let cases: Vec<&str> = demo
        .lines()
        .filter_map(|l| l.split("-> case ").nth(1))
        .collect();
    assert_eq!(cases.len(), 3, "{demo}");

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

    let (ok, submission) = ctl(
        &system,
        &["submission", "00000000-0000-4000-8000-000000000001"],
    )
    .await;
    assert!(
        ok && submission.contains("SUBMISSION_STATUS_RECEIVED"),
        "{submission}"
    );

    // As an auditor does: the read-only role that reads every tenant's events.
    let (ok, verify) = ctl(
        &system,
        &["verify", "--database-url", system.db.auditor_url()],
    )
    .await;
    assert!(ok, "{verify}");
    assert!(
        verify.contains("intake: 3 events") && verify.contains("cases: 3 events"),
        "{verify}"
    );
}
