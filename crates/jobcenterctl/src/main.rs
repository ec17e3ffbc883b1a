//! `jobcenterctl`: talk to a running platform from the shell.
//!
//! Every call carries who the caller is in gRPC metadata, never in a request body: an access
//! token (`--token`/`JC_TOKEN`), a token signed per call by the local development issuer
//! (`--dev-issuer-dir`), or else a development identity (tenant, subject, roles) as the
//! services accept in development mode. `dev-issuer serve` and `dev-token` run that issuer.

mod appointments;
mod demo;
mod dev_issuer;
mod documents;
mod identity;
mod messages;
mod print;
mod vapid;
mod verify;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use jobcenter_proto::appointment::v1::appointment_service_client::AppointmentServiceClient;
use jobcenter_proto::case::v1::{
    CaseStatus, FindCaseByApplicationRequest, GetCaseRequest, GetCaseTimelineRequest,
    ListCasesRequest, ListTasksRequest, case_service_client::CaseServiceClient,
};
use jobcenter_proto::common::v1::Position;
use jobcenter_proto::efile::v1::{GetCaseFileRequest, efile_service_client::EfileServiceClient};
use jobcenter_proto::intake::v1::{
    GetSubmissionRequest, intake_service_client::IntakeServiceClient,
};
use jobcenter_proto::notification::v1::notification_service_client::NotificationServiceClient;
use tonic::transport::{Certificate, Channel, ClientTlsConfig};

use dev_issuer::TokenRequest;
use identity::Identity;
use test_identities::issuer::DEFAULT_AUDIENCES;

/// Command line client of the jobcenter platform.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Address of the intake service.
    #[arg(long, env = "JC_INTAKE_ADDR", default_value = "http://127.0.0.1:50051")]
    intake: String,
    /// Address of the case service.
    #[arg(long, env = "JC_CASE_ADDR", default_value = "http://127.0.0.1:50052")]
    case: String,
    /// Address of the E-Akte.
    #[arg(long, env = "JC_EFILE_ADDR", default_value = "http://127.0.0.1:50053")]
    efile: String,
    /// Address of the appointment service.
    #[arg(
        long,
        env = "JC_APPOINTMENT_ADDR",
        default_value = "http://127.0.0.1:50054"
    )]
    appointment: String,
    /// Address of the notification service.
    #[arg(
        long,
        env = "JC_NOTIFICATION_ADDR",
        default_value = "http://127.0.0.1:50055"
    )]
    notification: String,
    /// CA certificate (PEM) the services' TLS certificates are checked against, for
    /// `https://` addresses.
    #[arg(long, env = "JC_CA_FILE", global = true)]
    ca_file: Option<PathBuf>,
    #[command(flatten)]
    identity: Identity,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checks grpc.health.v1 of every service.
    Health,
    /// Submits a few demo applications (idempotent: running it twice changes nothing).
    Demo,
    /// Shows a submission's status.
    Submission {
        /// The submission's UUID.
        submission_id: String,
    },
    /// Lists cases, newest first.
    Cases {
        /// Only open cases.
        #[arg(long)]
        open: bool,
        /// Page size.
        #[arg(long, default_value_t = 20)]
        page_size: i32,
    },
    /// Shows one case.
    Case {
        /// The case's UUID.
        case_id: String,
    },
    /// Finds the case an application opened, waiting for it if a position token is given.
    CaseOf {
        /// The application's UUID.
        application_id: String,
        /// Position token from SubmitApplication.
        #[arg(long)]
        after: Option<String>,
    },
    /// Shows a case's timeline.
    Timeline {
        /// The case's UUID.
        case_id: String,
    },
    /// Shows a work queue: the caller's own (with what they stand in for), or a team's.
    Tasks {
        /// A team's whole queue.
        #[arg(long)]
        team: Option<String>,
    },
    /// Lists a case's E-Akte in order of receipt.
    Documents {
        /// The case's UUID.
        case_id: String,
    },
    /// Files a document (PDF, PNG, JPEG or TIFF) into a case's E-Akte.
    Upload {
        /// The case's UUID.
        #[arg(long)]
        case: String,
        /// sick-note, decision-letter, bank-statement, rental-contract, payslip,
        /// identity-document, letter or other.
        #[arg(long = "type")]
        doc_type: String,
        /// portal, app, scanned-post or partner-system.
        #[arg(long, default_value = "scanned-post")]
        channel: String,
        /// The file.
        file: PathBuf,
    },
    #[command(flatten)]
    Appointments(appointments::AppointmentCommand),
    #[command(flatten)]
    Messages(messages::MessageCommand),
    /// Makes the notification service's VAPID key for Web Push once (the private key into
    /// --out, for `push.vapid_private_key_file`) and prints its public key; a later run keeps
    /// the key.
    VapidKey {
        /// The private key's file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Recomputes every hash chain of the services' logs from PostgreSQL (auditors).
    Verify {
        /// PostgreSQL URL of the platform's database, as the read-only auditor role
        /// `jobcenter_auditor`, which reads every tenant's events and writes nothing.
        #[arg(
            long,
            env = "JC_DATABASE_URL",
            hide_env_values = true,
            default_value = "postgres://jobcenter_auditor@127.0.0.1:5432/jobcenter"
        )]
        database_url: String,
        /// Schemas holding the logs.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "intake,cases,efile,appointment,notification"
        )]
        schemas: Vec<String>,
    },
    /// A development OIDC issuer for the local demo (never for production).
    DevIssuer {
        #[command(subcommand)]
        command: DevIssuerCommand,
    },
    /// Prints an access token signed by the development issuer, for --tenant, --subject and
    /// --roles (realm roles, Keycloak's layout).
    DevToken {
        /// The issuer's directory (its key, and the URL of the running issuer).
        #[arg(long, env = "JC_DEV_ISSUER_DIR")]
        dir: PathBuf,
        /// Audiences (`aud`), comma separated.
        #[arg(long, value_delimiter = ',', default_values_t = DEFAULT_AUDIENCES.map(str::to_owned))]
        audience: Vec<String>,
        /// Lifetime in seconds (at most a day).
        #[arg(long, default_value_t = 3600)]
        ttl_secs: u64,
        /// Issuer URL (`iss`); default: the one the running `dev-issuer serve` recorded.
        #[arg(long)]
        issuer: Option<String>,
    },
}

#[derive(Subcommand)]
enum DevIssuerCommand {
    /// Serves the JWKS and the discovery document on loopback until interrupted; the key lives
    /// in --dir and is made on first use.
    Serve {
        /// Directory of the issuer's key (and of the recorded issuer URL).
        #[arg(long, env = "JC_DEV_ISSUER_DIR")]
        dir: PathBuf,
        /// Loopback address to listen on (port 0: any free port, see `<dir>/issuer-url`).
        #[arg(long, default_value = "127.0.0.1:18080")]
        listen: SocketAddr,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // An ordinary refusal (NOT_FOUND, UNAUTHENTICATED) is a message, not a backtrace.
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Health => {
            for (name, addr) in [
                ("intake", &cli.intake),
                ("case", &cli.case),
                ("efile", &cli.efile),
                ("appointment", &cli.appointment),
                ("notification", &cli.notification),
            ] {
                let channel = connect(addr, cli.ca_file.as_deref()).await?;
                let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
                let reply = health
                    .check(tonic_health::pb::HealthCheckRequest {
                        service: String::new(),
                    })
                    .await
                    .with_context(|| format!("health check of {name} at {addr}"))?;
                println!("{name}: {:?}", reply.into_inner().status());
            }
        }
        Command::Demo => {
            let intake =
                IntakeServiceClient::new(connect(&cli.intake, cli.ca_file.as_deref()).await?);
            let case = CaseServiceClient::new(connect(&cli.case, cli.ca_file.as_deref()).await?);
            let efile = EfileServiceClient::new(connect(&cli.efile, cli.ca_file.as_deref()).await?);
            let appointment = AppointmentServiceClient::new(
                connect(&cli.appointment, cli.ca_file.as_deref()).await?,
            );
            let notification = NotificationServiceClient::new(
                connect(&cli.notification, cli.ca_file.as_deref()).await?,
            );
            demo::load(
                demo::Clients {
                    intake,
                    case,
                    efile,
                    appointment,
                    notification,
                },
                &cli.identity,
            )
            .await?;
        }
        Command::Submission { submission_id } => {
            let mut intake =
                IntakeServiceClient::new(connect(&cli.intake, cli.ca_file.as_deref()).await?);
            let reply = intake
                .get_submission(cli.identity.request(GetSubmissionRequest {
                    submission_id,
                    ..Default::default()
                })?)
                .await?;
            print::submission(reply.into_inner().submission.as_ref());
        }
        Command::Cases { open, page_size } => {
            let mut client =
                CaseServiceClient::new(connect(&cli.case, cli.ca_file.as_deref()).await?);
            let status = if open {
                CaseStatus::Open
            } else {
                CaseStatus::Unspecified
            };
            let mut page_token = String::new();
            loop {
                let reply = client
                    .list_cases(cli.identity.request(ListCasesRequest {
                        page_size,
                        page_token: page_token.clone(),
                        status: status.into(),
                        min_position: None,
                    })?)
                    .await?
                    .into_inner();
                for case in &reply.cases {
                    print::case_line(case);
                }
                if reply.next_page_token.is_empty() {
                    break;
                }
                page_token = reply.next_page_token;
            }
        }
        Command::Case { case_id } => {
            let mut client =
                CaseServiceClient::new(connect(&cli.case, cli.ca_file.as_deref()).await?);
            let reply = client
                .get_case(cli.identity.request(GetCaseRequest {
                    case_id,
                    min_position: None,
                })?)
                .await?;
            print::case(reply.into_inner().case.as_ref());
        }
        Command::CaseOf {
            application_id,
            after,
        } => {
            let mut client =
                CaseServiceClient::new(connect(&cli.case, cli.ca_file.as_deref()).await?);
            let reply = client
                .find_case_by_application(cli.identity.request(FindCaseByApplicationRequest {
                    application_id,
                    min_position: after.map(|token| Position { token }),
                })?)
                .await?;
            print::case(reply.into_inner().case.as_ref());
        }
        Command::Verify {
            database_url,
            schemas,
        } => {
            if !verify::run(&database_url, &schemas).await? {
                std::process::exit(1);
            }
        }
        Command::DevIssuer {
            command: DevIssuerCommand::Serve { dir, listen },
        } => dev_issuer::serve(&dir, listen).await?,
        Command::DevToken {
            dir,
            audience,
            ttl_secs,
            issuer,
        } => {
            let token = dev_issuer::token(
                &dir,
                &TokenRequest {
                    tenant: &cli.identity.tenant,
                    subject: &cli.identity.subject,
                    roles: &cli.identity.roles,
                    audiences: &audience,
                    ttl_secs,
                    issuer: issuer.as_deref(),
                },
            )?;
            println!("{token}");
        }
        Command::Timeline { case_id } => {
            let mut client =
                CaseServiceClient::new(connect(&cli.case, cli.ca_file.as_deref()).await?);
            let reply = client
                .get_case_timeline(cli.identity.request(GetCaseTimelineRequest {
                    case_id,
                    page_size: 500,
                    page_token: String::new(),
                })?)
                .await?;
            for entry in reply.into_inner().entries {
                print::timeline_entry(&entry);
            }
        }
        Command::Documents { case_id } => {
            let mut efile =
                EfileServiceClient::new(connect(&cli.efile, cli.ca_file.as_deref()).await?);
            let reply = efile
                .get_case_file(cli.identity.request(GetCaseFileRequest {
                    case_id,
                    min_position: None,
                })?)
                .await?;
            for document in reply.into_inner().documents {
                print::document(&document);
            }
        }
        Command::Upload {
            case,
            doc_type,
            channel,
            file,
        } => {
            let content =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let mut efile =
                EfileServiceClient::new(connect(&cli.efile, cli.ca_file.as_deref()).await?);
            let (document, already_filed) = documents::upload(
                &mut efile,
                &cli.identity,
                documents::Upload {
                    upload_id: uuid::Uuid::new_v4().to_string(),
                    case_id: &case,
                    doc_type: documents::document_type(&doc_type)?,
                    channel: documents::channel(&channel)?,
                    file_name: &documents::file_name(&file),
                    content: &content,
                },
            )
            .await?;
            if already_filed {
                println!("identical content is already on the case:");
            }
            print::document(&document);
        }
        Command::Appointments(command) => {
            let mut client = AppointmentServiceClient::new(
                connect(&cli.appointment, cli.ca_file.as_deref()).await?,
            );
            appointments::run(command, &mut client, &cli.identity).await?;
        }
        Command::Messages(command) => {
            let mut client = NotificationServiceClient::new(
                connect(&cli.notification, cli.ca_file.as_deref()).await?,
            );
            messages::run(command, &mut client, &cli.identity).await?;
        }
        Command::VapidKey { out } => println!("{}", vapid::ensure(&out)?),
        Command::Tasks { team } => {
            let mut client =
                CaseServiceClient::new(connect(&cli.case, cli.ca_file.as_deref()).await?);
            let reply = client
                .list_tasks(cli.identity.request(ListTasksRequest {
                    team: team.unwrap_or_default(),
                    page_size: 500,
                    ..Default::default()
                })?)
                .await?;
            for task in reply.into_inner().tasks {
                print::task(&task);
            }
        }
    }
    Ok(())
}

async fn connect(addr: &str, ca_file: Option<&Path>) -> anyhow::Result<Channel> {
    let mut endpoint = Channel::from_shared(addr.to_owned()).context("invalid address")?;
    if addr.starts_with("https://") {
        let ca_file = ca_file.context("an https:// address needs --ca-file (JC_CA_FILE)")?;
        let pem =
            std::fs::read(ca_file).with_context(|| format!("cannot read {}", ca_file.display()))?;
        endpoint = endpoint
            .tls_config(ClientTlsConfig::new().ca_certificate(Certificate::from_pem(pem)))
            .context("invalid TLS configuration")?;
    }
    endpoint
        .connect()
        .await
        .with_context(|| format!("cannot reach {addr}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        // clap's own checks of the definitions (ids, defaults, conflicts). It does not see a
        // subcommand's argument with the id of a global one, which silently takes the global's
        // value: `write` takes `--title`, as `--subject` names the caller.
        <Cli as clap::CommandFactory>::command().debug_assert();
    }

    #[test]
    fn no_subcommand_argument_takes_the_id_of_a_global_one() {
        let cli = <Cli as clap::CommandFactory>::command();
        let globals: Vec<String> = cli
            .get_arguments()
            .filter(|arg| arg.is_global_set())
            .map(|arg| arg.get_id().to_string())
            .collect();
        assert!(globals.contains(&"subject".to_owned()), "{globals:?}");
        for command in cli.get_subcommands() {
            for arg in command.get_arguments() {
                assert!(
                    !globals.contains(&arg.get_id().to_string()),
                    "`{}` has an argument `{}` like a global one",
                    command.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}
