//! Durable single-event commands through gRPC: the case service's whole command path (caller
//! identity and authorization layers, load and fold of the case stream, decision, group-committed
//! append at the decided version) from 1 and 16 concurrent clients, beside the floor.
//!
//! The case service runs in this process (development identities, plaintext) against the run's
//! database and a private nats-server; the cases are opened beforehand by appending
//! `case.CaseOpened` directly. Each command reassigns a case (`AssignCase`, alternating between
//! two caseworkers, so every call records one event); clients spread over many cases, as
//! caseworkers do, so the streams stay short.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use eventlog::{AppendCommand, EventMetadata, ExpectedVersion};
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::case::v1::case_service_client::CaseServiceClient;
use testkit::{TestDatabase, TestNats};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use uuid::Uuid;

use crate::Options;
use crate::report::{Figure, Report};

const TENANT: &str = "jc-bench";
/// Cases the clients spread over.
const CASES: usize = 2_000;

/// Measures commands from 1 and 16 clients.
pub async fn measure(
    db: &TestDatabase,
    options: &Options,
    report: &mut Report,
) -> anyhow::Result<()> {
    let nats = TestNats::start().await?;
    let cancel = CancellationToken::new();
    let mut config = case::Config::default();
    config.server.mode = platform::config::SecurityMode::Development;
    config.database = platform::config::DatabaseConfig {
        owner_url: Some(db.owner_url().to_owned()),
        api_url: db.api_url().to_owned(),
        worker_url: db.worker_url().to_owned(),
        ..Default::default()
    };
    config.nats.url = nats.url().to_owned();
    // One tenant's whole load: the per-tenant rate limit (500/s by default) would measure itself.
    config.server.rate_limit.per_tenant_per_second = 0;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let app = case::Application::build(config, listener).await?;
    let port = app.port();
    let log = app.log().clone();
    let server = tokio::spawn(app.run_until_stopped(cancel.clone()));

    let cases = open_cases(&log).await?;
    let channel = Channel::from_shared(format!("http://127.0.0.1:{port}"))?
        .connect()
        .await?;
    let floor = report.floor.clone();
    for clients in [1usize, 16] {
        let (rate, p99) = commands(&channel, &cases, clients, options.phase()).await?;
        report.add(Figure {
            name: if clients == 1 {
                "case commands via gRPC, 1 client"
            } else {
                "case commands via gRPC, 16 clients"
            },
            per_second: rate,
            against: floor.as_ref().map(|f| {
                if clients == 1 {
                    ("single-row commits x1", f.single_1)
                } else {
                    ("single-row commits x16", f.single_16)
                }
            }),
            target: ">= 3,000/s, p99 <= 10 ms",
            extra: format!("p99 {:.2} ms", p99.as_secs_f64() * 1000.0),
        });
    }
    cancel.cancel();
    server.await??;
    Ok(())
}

/// Opens the cases the clients work on, in batches straight into the log.
async fn open_cases(log: &eventlog::EventLog) -> anyhow::Result<Vec<String>> {
    let ids: Vec<Uuid> = (0..CASES).map(|_| Uuid::new_v4()).collect();
    for chunk in ids.chunks(200) {
        let commands = chunk
            .iter()
            .map(|case_id| {
                let opened = case::domain::Event::CaseOpened(proto::CaseOpened {
                    case_id: case_id.to_string(),
                    application_id: Uuid::new_v4().to_string(),
                    application_received_at: Some(prost_types::Timestamp {
                        seconds: 1_795_426_200,
                        nanos: 0,
                    }),
                    applicant_family_name: "Bench".into(),
                    applicant_given_name: "Case".into(),
                    household_size: 1,
                    postal_code: "45127".into(),
                    applicant_account: String::new(),
                });
                AppendCommand {
                    command_id: Uuid::new_v4(),
                    stream_id: case::domain::stream_id(*case_id),
                    tenant_id: TENANT.to_owned(),
                    expected: ExpectedVersion::NoStream,
                    events: vec![opened.to_new_event(EventMetadata::default())],
                }
            })
            .collect();
        for outcome in log.append_many(commands).await? {
            outcome?;
        }
    }
    Ok(ids.iter().map(Uuid::to_string).collect())
}

async fn commands(
    channel: &Channel,
    cases: &[String],
    clients: usize,
    phase: Duration,
) -> anyhow::Result<(f64, Duration)> {
    let count = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + phase;
    let started = Instant::now();
    let cases: Arc<[String]> = cases.into();
    let mut handles = Vec::new();
    for client in 0..clients {
        let (channel, count, cases) = (channel.clone(), count.clone(), cases.clone());
        handles.push(tokio::spawn(async move {
            let mut grpc = CaseServiceClient::new(channel);
            let mut latencies = Vec::new();
            let mut i = client;
            while Instant::now() < deadline {
                let case_id = &cases[i % cases.len()];
                let caseworker = if (i / cases.len()) % 2 == 0 {
                    "cw-1"
                } else {
                    "cw-2"
                };
                let mut request = tonic::Request::new(proto::AssignCaseRequest {
                    command: Some(proto::CaseCommand {
                        case_id: case_id.clone(),
                        command_id: Uuid::new_v4().to_string(),
                        expected_version: None,
                    }),
                    caseworker: format!("{caseworker}-{client}"),
                    team: "team-a".into(),
                });
                let md = request.metadata_mut();
                md.insert("x-jc-tenant", TENANT.parse()?);
                md.insert("x-jc-subject", "lead-bench".parse()?);
                md.insert("x-jc-roles", "team-lead".parse()?);
                let began = Instant::now();
                grpc.assign_case(request).await?;
                latencies.push(began.elapsed());
                count.fetch_add(1, Ordering::Relaxed);
                i += clients;
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for handle in handles {
        latencies.extend(handle.await??);
    }
    let rate = count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    latencies.sort();
    let p99 = latencies
        .get(latencies.len() * 99 / 100)
        .copied()
        .unwrap_or_default();
    Ok((rate, p99))
}
