//! The test harness of the E-Akte: intake, case and efile in process against one fresh
//! database and one private NATS server, development identities, blobs in a temporary
//! directory, a small size limit and a clock the test moves.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use jobcenter_proto::case::v1 as case;
use jobcenter_proto::case::v1::case_service_client::CaseServiceClient;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::efile::v1 as proto;
use jobcenter_proto::efile::v1::efile_service_client::EfileServiceClient;
use jobcenter_proto::intake::v1 as intake;
use jobcenter_proto::intake::v1::intake_service_client::IntakeServiceClient;
use testkit::{TestDatabase, TestNats};
use tokio_util::sync::CancellationToken;
use tonic::Request;
use tonic::transport::Channel;

/// The tenant the tests work in, and another one.
pub const TENANT: &str = "jc-efile-a";
pub const OTHER_TENANT: &str = "jc-efile-b";
/// The size limit of the harness: 256 KiB.
pub const MAX_BYTES: usize = 256 * 1024;

/// A clock at the real time plus an offset the test moves.
#[derive(Debug, Default)]
pub struct TestClock(Mutex<chrono::Duration>);

impl TestClock {
    /// Moves the clock `days` ahead.
    pub fn advance_days(&self, days: i64) {
        *self.0.lock().unwrap() += chrono::Duration::days(days);
    }
}

impl efile::domain::dates::Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.0.lock().unwrap()
    }
}

pub struct TestApp {
    pub intake: IntakeServiceClient<Channel>,
    pub cases: CaseServiceClient<Channel>,
    pub efile: EfileServiceClient<Channel>,
    /// The E-Akte's log (worker role).
    pub log: eventlog::EventLog,
    /// The case log (worker role).
    pub case_log: eventlog::EventLog,
    pub clock: Arc<TestClock>,
    pub sweeper: efile::sweeper::Sweeper,
    /// The local blob store's root directory.
    pub blob_root: PathBuf,
    pub db: TestDatabase,
    pub nats: TestNats,
    pub cancel: CancellationToken,
    _blobs: tempfile::TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

async fn listener() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()
}

/// The service's three database roles in the test's database.
pub fn database_config(db: &TestDatabase) -> platform::config::DatabaseConfig {
    platform::config::DatabaseConfig {
        owner_url: Some(db.owner_url().to_owned()),
        api_url: db.api_url().to_owned(),
        worker_url: db.worker_url().to_owned(),
        ..Default::default()
    }
}

pub async fn spawn_app() -> TestApp {
    let db = TestDatabase::create().await.expect("test database");
    let nats = TestNats::start().await.expect("test nats");
    let cancel = CancellationToken::new();

    let mut intake_config = ::intake::Config::default();
    intake_config.server.mode = platform::config::SecurityMode::Development;
    intake_config.database = database_config(&db);
    intake_config.nats.url = nats.url().to_owned();
    let intake_app = ::intake::Application::build(intake_config, listener().await)
        .await
        .expect("intake");
    let intake_port = intake_app.port();
    tokio::spawn(intake_app.run_until_stopped(cancel.clone()));

    let mut case_config = ::case::Config::default();
    case_config.server.mode = platform::config::SecurityMode::Development;
    case_config.database = database_config(&db);
    case_config.nats.url = nats.url().to_owned();
    let case_app = ::case::Application::build(case_config, listener().await)
        .await
        .expect("case");
    let case_port = case_app.port();
    let case_log = case_app.log().clone();
    tokio::spawn(case_app.run_until_stopped(cancel.clone()));

    let blobs = tempfile::tempdir().expect("blob dir");
    let blob_root = blobs.path().join("blobs");
    let mut config = efile::Config::default();
    config.server.mode = platform::config::SecurityMode::Development;
    config.database = database_config(&db);
    config.nats.url = nats.url().to_owned();
    config.blobs.local_root = blob_root.clone();
    // Tests do not need the blobs on the platters.
    config.blobs.local_fsync = false;
    config.max_document_bytes = MAX_BYTES as u64;
    // The periodic runs stay out of the way; tests run them when they mean to.
    config.retention_poll_ms = 3_600_000;
    config.sweep_poll_ms = 3_600_000;
    let clock = Arc::new(TestClock::default());
    let app = efile::Application::build_with_clock(config, listener().await, clock.clone())
        .await
        .expect("efile");
    let port = app.port();
    let log = app.log().clone();
    let sweeper = app.sweeper().clone();
    tokio::spawn(app.run_until_stopped(cancel.clone()));

    TestApp {
        intake: IntakeServiceClient::connect(format!("http://127.0.0.1:{intake_port}"))
            .await
            .unwrap(),
        cases: CaseServiceClient::connect(format!("http://127.0.0.1:{case_port}"))
            .await
            .unwrap(),
        efile: EfileServiceClient::connect(format!("http://127.0.0.1:{port}"))
            .await
            .unwrap(),
        log,
        case_log,
        clock,
        sweeper,
        blob_root,
        db,
        nats,
        cancel,
        _blobs: blobs,
    }
}

/// `message` from `subject` of `tenant` with `roles` (development identity metadata).
pub fn as_subject<T>(message: T, tenant: &str, subject: &str, roles: &str) -> Request<T> {
    let mut request = Request::new(message);
    let md = request.metadata_mut();
    md.insert("x-jc-tenant", tenant.parse().unwrap());
    md.insert("x-jc-subject", subject.parse().unwrap());
    md.insert("x-jc-roles", roles.parse().unwrap());
    request
}

/// `message` from caseworker `cw-1` of `tenant`.
pub fn as_caseworker<T>(message: T, tenant: &str) -> Request<T> {
    as_subject(message, tenant, "cw-1", "caseworker")
}

/// A case opened for `tenant` by a main application of applicant `subject`.
#[derive(Debug, Clone)]
pub struct OpenedCase {
    pub case_id: String,
    /// The position of the case's opening in the case log.
    pub position: common::Position,
    pub applicant: String,
}

/// Submits a main application as a new applicant of `tenant` and waits for its case.
pub async fn open_case(app: &mut TestApp, tenant: &str) -> OpenedCase {
    let applicant = format!("applicant-{}", uuid::Uuid::new_v4());
    open_case_as(app, tenant, &applicant).await
}

/// Submits a main application as applicant `subject` of `tenant` and waits for its case.
pub async fn open_case_as(app: &mut TestApp, tenant: &str, subject: &str) -> OpenedCase {
    let submitted = app
        .intake
        .submit_application(as_subject(
            intake::SubmitApplicationRequest {
                submission_id: uuid::Uuid::new_v4().to_string(),
                form: Some(intake::submit_application_request::Form::MainApplication(
                    application(),
                )),
                ..Default::default()
            },
            tenant,
            subject,
            "applicant",
        ))
        .await
        .expect("submit")
        .into_inner();
    let application_id = submitted.submission.unwrap().application_id;
    let found = app
        .cases
        .find_case_by_application(as_caseworker(
            case::FindCaseByApplicationRequest {
                application_id,
                min_position: submitted.position,
            },
            tenant,
        ))
        .await
        .expect("the case opened")
        .into_inner()
        .case
        .unwrap();
    let opened = app
        .case_log
        .read_stream(&format!("case-{}", found.case_id), 0, 1)
        .await
        .unwrap();
    OpenedCase {
        position: common::Position {
            token: app.case_log.token(opened[0].position).to_string(),
        },
        case_id: found.case_id,
        applicant: subject.to_owned(),
    }
}

/// Closes the case as a caseworker; returns the case-log position of the closing.
pub async fn close_case(app: &mut TestApp, tenant: &str, case_id: &str) -> common::Position {
    app.cases
        .close_case(as_caseworker(
            case::CloseCaseRequest {
                command: Some(case::CaseCommand {
                    case_id: case_id.into(),
                    command_id: uuid::Uuid::new_v4().to_string(),
                    expected_version: None,
                }),
                reason: case::CloseReason::WorkFound as i32,
            },
            tenant,
        ))
        .await
        .expect("closed")
        .into_inner()
        .result
        .unwrap()
        .position
        .unwrap()
}

fn application() -> intake::MainApplication {
    intake::MainApplication {
        applicant: Some(intake::Person {
            given_name: "Erika".into(),
            family_name: "Mustermann".into(),
            birth_date: Some(common::Date {
                year: 1985,
                month: 4,
                day: 12,
            }),
        }),
        address: Some(common::Address {
            street: "Kettwiger Straße".into(),
            house_number: "1".into(),
            postal_code: "45127".into(),
            city: "Essen".into(),
        }),
        ..Default::default()
    }
}

/// A PDF-looking file of exactly `size` bytes, different for each `seed`.
pub fn pdf(size: usize, seed: u8) -> Vec<u8> {
    with_signature(b"%PDF-1.7\n", size, seed)
}

/// A PNG-looking file of exactly `size` bytes.
pub fn png(size: usize, seed: u8) -> Vec<u8> {
    with_signature(b"\x89PNG\r\n\x1a\n", size, seed)
}

fn with_signature(signature: &[u8], size: usize, seed: u8) -> Vec<u8> {
    let mut bytes = signature.to_vec();
    let mut state = u32::from(seed).wrapping_mul(2_654_435_761).wrapping_add(1);
    while bytes.len() < size {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.push(state.to_le_bytes()[0]);
    }
    bytes.truncate(size);
    bytes
}

/// SHA-256 in lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The header of an upload of a document of `doc_type` onto `case`, received now, as scanned
/// post (what a caseworker files), with a fresh upload id.
pub fn header(
    case: &OpenedCase,
    doc_type: proto::DocumentType,
    tags: &[&str],
) -> proto::UploadHeader {
    proto::UploadHeader {
        upload_id: uuid::Uuid::new_v4().to_string(),
        case_id: case.case_id.clone(),
        r#type: doc_type as i32,
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        channel: proto::Channel::ScannedPost as i32,
        received_at: None,
        declared_media_type: String::new(),
        file_name: "scan.pdf".into(),
        min_case_position: Some(case.position.clone()),
    }
}

/// The upload messages: the header, then `content` in chunks of `chunk` bytes.
pub fn upload_messages(
    header: proto::UploadHeader,
    content: &[u8],
    chunk: usize,
) -> Vec<proto::UploadDocumentRequest> {
    use proto::upload_document_request::Part;
    let mut messages = vec![proto::UploadDocumentRequest {
        part: Some(Part::Header(header)),
    }];
    messages.extend(content.chunks(chunk).map(|c| proto::UploadDocumentRequest {
        part: Some(Part::Chunk(c.to_vec())),
    }));
    messages
}

/// Uploads `content` with `header` as `subject` with `roles` of `tenant`.
pub async fn upload_as(
    app: &mut TestApp,
    tenant: &str,
    subject: &str,
    roles: &str,
    header: proto::UploadHeader,
    content: &[u8],
) -> Result<proto::UploadDocumentResponse, tonic::Status> {
    let messages = upload_messages(header, content, 100_000);
    app.efile
        .upload_document(as_subject(
            futures::stream::iter(messages),
            tenant,
            subject,
            roles,
        ))
        .await
        .map(tonic::Response::into_inner)
}

/// Uploads `content` with `header` as caseworker `cw-1` of [`TENANT`].
pub async fn upload(
    app: &mut TestApp,
    header: proto::UploadHeader,
    content: &[u8],
) -> Result<proto::UploadDocumentResponse, tonic::Status> {
    upload_as(app, TENANT, "cw-1", "caseworker", header, content).await
}

/// Adds a version of `document_id` as caseworker `cw-1` of [`TENANT`].
pub async fn upload_version(
    app: &mut TestApp,
    document_id: &str,
    reason: &str,
    content: &[u8],
) -> Result<proto::UploadDocumentVersionResponse, tonic::Status> {
    use proto::upload_document_version_request::Part;
    let mut messages = vec![proto::UploadDocumentVersionRequest {
        part: Some(Part::Header(proto::VersionHeader {
            upload_id: uuid::Uuid::new_v4().to_string(),
            document_id: document_id.into(),
            reason: reason.into(),
            declared_media_type: String::new(),
            file_name: "better-scan.pdf".into(),
        })),
    }];
    messages.extend(
        content
            .chunks(50_000)
            .map(|c| proto::UploadDocumentVersionRequest {
                part: Some(Part::Chunk(c.to_vec())),
            }),
    );
    app.efile
        .upload_document_version(as_caseworker(futures::stream::iter(messages), TENANT))
        .await
        .map(tonic::Response::into_inner)
}

/// What a download brought: the content message, the bytes, and how the stream ended.
pub struct Downloaded {
    pub content: Option<proto::Content>,
    pub bytes: Vec<u8>,
    pub chunks: usize,
    pub end: Result<(), tonic::Status>,
}

/// Downloads version `version` (0: current) of `document_id` as `subject` with `roles`.
pub async fn download_as(
    app: &mut TestApp,
    tenant: &str,
    subject: &str,
    roles: &str,
    document_id: &str,
    version: i32,
) -> Result<Downloaded, tonic::Status> {
    use proto::download_document_response::Part;
    let mut stream = app
        .efile
        .download_document(as_subject(
            proto::DownloadDocumentRequest {
                document_id: document_id.into(),
                version,
            },
            tenant,
            subject,
            roles,
        ))
        .await?
        .into_inner();
    let mut downloaded = Downloaded {
        content: None,
        bytes: Vec::new(),
        chunks: 0,
        end: Ok(()),
    };
    loop {
        match stream.message().await {
            Ok(Some(message)) => match message.part {
                Some(Part::Content(content)) => downloaded.content = Some(content),
                Some(Part::Chunk(chunk)) => {
                    downloaded.chunks += 1;
                    downloaded.bytes.extend(chunk);
                }
                None => {}
            },
            Ok(None) => return Ok(downloaded),
            Err(status) => {
                downloaded.end = Err(status);
                return Ok(downloaded);
            }
        }
    }
}

/// Downloads as caseworker `cw-1` of [`TENANT`].
pub async fn download(
    app: &mut TestApp,
    document_id: &str,
    version: i32,
) -> Result<Downloaded, tonic::Status> {
    download_as(app, TENANT, "cw-1", "caseworker", document_id, version).await
}

/// Events of `event_type` in the E-Akte's log (administrator's view: every tenant).
pub async fn count_events(app: &TestApp, event_type: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM efile.events WHERE event_type = $1")
        .bind(event_type)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// Every event in the E-Akte's log.
pub async fn all_events(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM efile.events")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// Where the local backend keeps `tenant`'s blob `sha256`.
pub fn blob_path(app: &TestApp, tenant: &str, sha256: &str) -> PathBuf {
    app.blob_root
        .join(tenant)
        .join("sha256")
        .join(&sha256[..2])
        .join(sha256)
}

/// Every stored content file of `tenant` (staging excluded).
pub fn content_files(app: &TestApp, tenant: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    collect(&app.blob_root.join(tenant).join("sha256"), &mut files);
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The field paths of an INVALID_ARGUMENT's violations.
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    platform::status::field_violations(status)
        .into_iter()
        .map(|v| v.field)
        .collect()
}

/// The document of `document_id` as a caseworker of [`TENANT`] sees it after `position`.
pub async fn get_document(
    app: &mut TestApp,
    document_id: &str,
    position: Option<common::Position>,
) -> proto::Document {
    app.efile
        .get_document(as_caseworker(
            proto::GetDocumentRequest {
                document_id: document_id.into(),
                min_position: position,
            },
            TENANT,
        ))
        .await
        .expect("get document")
        .into_inner()
        .document
        .unwrap()
}

/// Polls `check` until it yields a value (OCR or two services in between take a moment).
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..300 {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

/// The case file of `case_id` as caseworker `cw-1` of [`TENANT`] sees it now.
pub async fn case_file(app: &TestApp, case_id: &str) -> Vec<proto::Document> {
    app.efile
        .clone()
        .get_case_file(as_caseworker(
            proto::GetCaseFileRequest {
                case_id: case_id.into(),
                min_position: None,
            },
            TENANT,
        ))
        .await
        .expect("case file")
        .into_inner()
        .documents
}

/// The text of a PDF, by poppler's pdftotext (installed with the OCR tools).
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("record.pdf");
    std::fs::write(&path, pdf).expect("written");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs (deploy/local/setup.sh installs poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
