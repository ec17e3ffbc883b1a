//! Demo data for a newcomer: a few households apply, their cases open, and the caseworker has
//! moved them along: one waits for documents and the scan centre has filed a scanned sick note
//! on it (read by OCR and recorded on the case by itself), one is decided and the applicant sent
//! a sick note through the form (recorded, and filed in the E-Akte as a record), one is new and
//! its applicant booked the first meeting online. That applicant chose English and gave consent
//! to the mailbox before applying, so the jobcenter's messages (the application received, the
//! meeting booked) are in their Postfach (`jobcenterctl mailbox` as that applicant).
//!
//! Submission and command ids are fixed, so loading the demo twice records nothing new (intake
//! and the case commands are idempotent).

use anyhow::Context;
use chrono::{Days, Utc};
use jobcenter_proto::appointment::v1::Appointment;
use jobcenter_proto::appointment::v1::appointment_service_client::AppointmentServiceClient;
use jobcenter_proto::case::v1::{
    AssignmentRule, CaseCommand, DecisionOutcome, FindCaseByApplicationRequest,
    GetAssignmentRulesRequest, IssueDecisionRequest, ListIncapacitiesRequest,
    RequestDocumentsRequest, SetAssignmentRulesRequest, StartReviewRequest, SurnameRange,
    assignment_rule, case_service_client::CaseServiceClient,
};
use jobcenter_proto::common::v1::{Address, Date, Money};
use jobcenter_proto::efile::v1::efile_service_client::EfileServiceClient;
use jobcenter_proto::efile::v1::{Channel as ReceiptChannel, DocumentType, GetCaseFileRequest};
use jobcenter_proto::intake::v1::{
    AttachmentKind, CertificateKind, HouseholdMember, HousingCosts, Income, IncomeKind,
    MainApplication, Person, Relationship, SickNote, SubmitApplicationRequest,
    intake_service_client::IntakeServiceClient, submit_application_request,
};
use jobcenter_proto::notification::v1::Topic;
use jobcenter_proto::notification::v1::notification_service_client::NotificationServiceClient;
use std::time::{Duration, Instant};
use tonic::transport::Channel;
use uuid::Uuid;

use crate::appointments;
use crate::documents;
use crate::identity::Identity;
use crate::messages;

fn person(given: &str, family: &str, (year, month, day): (i32, i32, i32)) -> Option<Person> {
    Some(Person {
        given_name: given.to_owned(),
        family_name: family.to_owned(),
        birth_date: Some(Date { year, month, day }),
    })
}

fn euros(amount: i64) -> Option<Money> {
    Some(Money {
        cents: amount * 100,
    })
}

fn households() -> Vec<(&'static str, MainApplication)> {
    vec![
        (
            "00000000-0000-4000-8000-000000000001",
            MainApplication {
                applicant: person("Erika", "Mustermann", (1984, 8, 12)),
                household_members: vec![
                    HouseholdMember {
                        person: person("Max", "Mustermann", (2014, 3, 2)),
                        relationship: Relationship::Child.into(),
                    },
                    HouseholdMember {
                        person: person("Mia", "Mustermann", (2018, 11, 20)),
                        relationship: Relationship::Child.into(),
                    },
                ],
                address: Some(Address {
                    street: "Heidestraße".into(),
                    house_number: "17".into(),
                    postal_code: "51147".into(),
                    city: "Köln".into(),
                }),
                incomes: vec![Income {
                    kind: IncomeKind::ChildBenefit.into(),
                    monthly_amount: euros(510),
                    member_index: 0,
                }],
                housing_costs: Some(HousingCosts {
                    base_rent: euros(620),
                    heating: euros(95),
                    utilities: euros(180),
                }),
                iban: "DE02120300000000202051".into(),
                ..Default::default()
            },
        ),
        (
            "00000000-0000-4000-8000-000000000002",
            MainApplication {
                applicant: person("Ali", "Yılmaz", (1991, 1, 30)),
                household_members: vec![],
                address: Some(Address {
                    street: "Am Markt".into(),
                    house_number: "3a".into(),
                    postal_code: "51149".into(),
                    city: "Köln".into(),
                }),
                incomes: vec![Income {
                    kind: IncomeKind::Employment.into(),
                    monthly_amount: euros(450),
                    member_index: 0,
                }],
                housing_costs: Some(HousingCosts {
                    base_rent: euros(410),
                    heating: euros(60),
                    utilities: euros(90),
                }),
                iban: String::new(),
                ..Default::default()
            },
        ),
        (
            "00000000-0000-4000-8000-000000000003",
            MainApplication {
                applicant: person("Jana", "Nowak", (1977, 6, 5)),
                household_members: vec![HouseholdMember {
                    person: person("Piotr", "Nowak", (1975, 9, 14)),
                    relationship: Relationship::Partner.into(),
                }],
                address: Some(Address {
                    street: "Lindenallee".into(),
                    house_number: "42".into(),
                    postal_code: "51143".into(),
                    city: "Köln".into(),
                }),
                incomes: vec![],
                housing_costs: Some(HousingCosts {
                    base_rent: euros(540),
                    heating: euros(80),
                    utilities: euros(140),
                }),
                iban: String::new(),
                ..Default::default()
            },
        ),
    ]
}

/// Fixed namespace of the demo's command ids.
const DEMO_COMMANDS: Uuid = Uuid::from_u128(0x6a0e_51c2_9d84_4f37_a1b6_2c5e_8f90_d413);

/// How far the caseworker has moved each demo household's case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Progress {
    /// Reviewed, documents requested.
    WaitingForDocuments,
    /// Reviewed and approved; the applicant then sent a sick note.
    DecidedWithSickNote,
    /// Just received.
    New,
}

const PROGRESS: [Progress; 3] = [
    Progress::WaitingForDocuments,
    Progress::DecidedWithSickNote,
    Progress::New,
];

/// The command `step` on `case_id`, with an id fixed for the demo.
fn command(case_id: &str, step: &str) -> Option<CaseCommand> {
    Some(CaseCommand {
        case_id: case_id.to_owned(),
        command_id: Uuid::new_v5(&DEMO_COMMANDS, format!("{case_id}/{step}").as_bytes())
            .to_string(),
        expected_version: None,
    })
}

fn date_in(days: i64) -> Option<Date> {
    let today = Utc::now().date_naive();
    let day = if days >= 0 {
        today.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        today.checked_sub_days(Days::new(days.unsigned_abs()))
    }?;
    Some(Date {
        year: chrono::Datelike::year(&day),
        month: i32::try_from(chrono::Datelike::month(&day)).ok()?,
        day: i32::try_from(chrono::Datelike::day(&day)).ok()?,
    })
}

/// The services the demo talks to.
pub struct Clients {
    /// Applications.
    pub intake: IntakeServiceClient<Channel>,
    /// Cases.
    pub case: CaseServiceClient<Channel>,
    /// The E-Akte.
    pub efile: EfileServiceClient<Channel>,
    /// Appointments.
    pub appointment: AppointmentServiceClient<Channel>,
    /// Messages and profiles.
    pub notification: NotificationServiceClient<Channel>,
}

/// The language the new household's applicant reads their messages in.
const NEW_APPLICANT_LANGUAGE: &str = "en";

/// Submits the demo households as applicants, waits until each case is open, and moves the
/// cases along as a caseworker.
pub async fn load(clients: Clients, identity: &Identity) -> anyhow::Result<()> {
    let Clients {
        mut intake,
        mut case,
        mut efile,
        mut appointment,
        mut notification,
    } = clients;
    set_assignment_rules(&mut case, identity).await?;
    for ((submission_id, application), progress) in households().into_iter().zip(PROGRESS) {
        let applicant = application.applicant.clone();
        let account = format!("applicant-{submission_id}");
        if progress == Progress::New {
            // Before applying: the confirmation of receipt already goes to the mailbox.
            messages::prepare_profile(
                &mut notification,
                identity,
                &account,
                NEW_APPLICANT_LANGUAGE,
            )
            .await?;
        }
        let request = SubmitApplicationRequest {
            submission_id: submission_id.to_owned(),
            form: Some(submit_application_request::Form::MainApplication(
                application,
            )),
            ..Default::default()
        };
        let reply = intake
            .submit_application(identity.request_as(request, &account, "applicant")?)
            .await
            .context("submitting a demo application")?
            .into_inner();
        let submission = reply.submission.context("answer without submission")?;
        let found = case
            .find_case_by_application(identity.request(FindCaseByApplicationRequest {
                application_id: submission.application_id.clone(),
                min_position: reply.position,
            })?)
            .await
            .context("waiting for the demo case")?
            .into_inner();
        let case_id = found.case.map(|c| c.case_id).unwrap_or_default();
        let what = advance(
            &mut intake,
            &mut case,
            identity,
            &case_id,
            progress,
            applicant,
        )
        .await?;
        println!(
            "application {} -> case {case_id} ({what})",
            submission.application_id
        );
        match progress {
            Progress::WaitingForDocuments => {
                let read =
                    file_scanned_sick_note(&mut case, &mut efile, identity, &case_id).await?;
                println!("  {read}");
            }
            Progress::DecidedWithSickNote => {
                wait_for_sick_note_record(&mut efile, identity, &case_id).await?;
                println!("  the sick note form is recorded on the case and filed in its E-Akte");
            }
            Progress::New => {
                let booked =
                    book_first_meeting(&mut appointment, identity, &account, &case_id).await?;
                println!(
                    "  the applicant booked a first meeting online: {} on {}",
                    booked.reference,
                    appointments::starts(&booked)
                );
                println!(
                    "  {}",
                    read_mailbox(&mut notification, identity, &account).await?
                );
            }
        }
    }
    Ok(())
}

/// The new household's applicant books their first meeting online for their case, once the
/// appointment service knows the case (it learns of it from the case log a moment later).
async fn book_first_meeting(
    client: &mut AppointmentServiceClient<Channel>,
    identity: &Identity,
    applicant: &str,
    case_id: &str,
) -> anyhow::Result<Appointment> {
    let started = Instant::now();
    loop {
        match appointments::book_first_meeting(client, identity, applicant, case_id).await {
            Ok(booked) => return Ok(booked),
            Err(error)
                if started.elapsed() < PATIENCE
                    && error
                        .downcast_ref::<tonic::Status>()
                        .is_some_and(|s| s.code() == tonic::Code::NotFound) =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => return Err(error),
        }
    }
}

/// Waits until the booking's message is in the applicant's Postfach; says what the mailbox
/// holds (or that nothing arrived in time).
async fn read_mailbox(
    client: &mut NotificationServiceClient<Channel>,
    identity: &Identity,
    applicant: &str,
) -> anyhow::Result<String> {
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        let mailbox = messages::mailbox_of(client, identity, applicant).await?;
        if mailbox
            .iter()
            .any(|m| m.topic() == Topic::AppointmentBooked)
        {
            let subjects: Vec<String> =
                mailbox.iter().map(|m| format!("“{}”", m.subject)).collect();
            return Ok(format!(
                "in the applicant's mailbox, in English: {}",
                subjects.join(", ")
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok("the applicant's mailbox shows no message yet (see `jobcenterctl mailbox`)".to_owned())
}

/// The scan of the first household's sick note (Erika Mustermann, 16 to 27 November 2026),
/// as the scan centre would deliver it (rendered by `testkit::scan`, 200 dpi).
const SICK_NOTE_SCAN: &[u8] = include_bytes!("../../../deploy/local/demo/sick-note-scan.png");

/// How long the demo waits for the E-Akte to learn of a case or to read a scan.
const PATIENCE: Duration = Duration::from_secs(60);

/// The scan centre files the scanned sick note on the case; waits until the OCR has read it and
/// the case recorded the period (or asked a caseworker to confirm it). Says which.
async fn file_scanned_sick_note(
    case: &mut CaseServiceClient<Channel>,
    efile: &mut EfileServiceClient<Channel>,
    identity: &Identity,
    case_id: &str,
) -> anyhow::Result<String> {
    let upload_id = Uuid::new_v5(
        &DEMO_COMMANDS,
        format!("{case_id}/sick-note-scan").as_bytes(),
    );
    let started = Instant::now();
    let document = loop {
        let filed = documents::upload(
            efile,
            identity,
            documents::Upload {
                upload_id: upload_id.to_string(),
                case_id,
                doc_type: DocumentType::SickNote,
                channel: ReceiptChannel::ScannedPost,
                file_name: "au-mustermann.png",
                content: SICK_NOTE_SCAN,
            },
        )
        .await;
        match filed {
            Ok((document, _)) => break document,
            // The E-Akte learns of a new case from the case log a moment later.
            Err(error)
                if started.elapsed() < PATIENCE
                    && error
                        .downcast_ref::<tonic::Status>()
                        .is_some_and(|s| s.code() == tonic::Code::NotFound) =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => return Err(error.context("filing the demo's scanned sick note")),
        }
    };
    while started.elapsed() < PATIENCE {
        let recorded = case
            .list_incapacities(identity.request(ListIncapacitiesRequest {
                case_id: case_id.to_owned(),
                min_position: None,
            })?)
            .await
            .context("reading the case's incapacities")?
            .into_inner()
            .incapacities;
        if recorded.iter().any(|r| r.record_id == document.document_id) {
            return Ok(format!(
                "scanned sick note {} read by OCR and recorded on the case",
                document.document_id
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(format!(
        "scanned sick note {} filed; the case has not recorded it (see `jobcenterctl tasks`)",
        document.document_id
    ))
}

/// Waits until the E-Akte has filed the record of the form sick note of the case.
async fn wait_for_sick_note_record(
    efile: &mut EfileServiceClient<Channel>,
    identity: &Identity,
    case_id: &str,
) -> anyhow::Result<()> {
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        let file = efile
            .get_case_file(identity.request(GetCaseFileRequest {
                case_id: case_id.to_owned(),
                min_position: None,
            })?)
            .await;
        match file {
            Ok(file)
                if file
                    .get_ref()
                    .documents
                    .iter()
                    .any(|d| d.r#type == DocumentType::SickNote as i32) =>
            {
                return Ok(());
            }
            Ok(_) => {}
            // Not known to the E-Akte yet.
            Err(status) if status.code() == tonic::Code::NotFound => {}
            Err(status) => return Err(status).context("reading the demo case's E-Akte"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    anyhow::bail!("the E-Akte did not file the demo's sick note form within {PATIENCE:?}")
}

/// The demo jobcenter's rules: surnames A to M go to `caseworker-1` (the CLI's default
/// identity), N to Z to `caseworker-2`, anything else to team A's queue. Waits until the rules are in force, so the demo
/// cases opened next are assigned by them.
async fn set_assignment_rules(
    case: &mut CaseServiceClient<Channel>,
    identity: &Identity,
) -> anyhow::Result<()> {
    let rules = vec![
        AssignmentRule {
            rule_id: "a-m".into(),
            r#match: Some(assignment_rule::Match::Surname(SurnameRange {
                from: "A".into(),
                to: "M".into(),
            })),
            caseworker: "caseworker-1".into(),
            team: "team-a".into(),
        },
        AssignmentRule {
            rule_id: "n-z".into(),
            r#match: Some(assignment_rule::Match::Surname(SurnameRange {
                from: "N".into(),
                to: "Z".into(),
            })),
            caseworker: "caseworker-2".into(),
            team: "team-a".into(),
        },
        AssignmentRule {
            rule_id: "rest".into(),
            r#match: Some(assignment_rule::Match::Fallback(true)),
            caseworker: String::new(),
            team: "team-a".into(),
        },
    ];
    let set = case
        .set_assignment_rules(identity.request_as(
            SetAssignmentRulesRequest {
                command_id: Uuid::new_v5(&DEMO_COMMANDS, b"assignment-rules").to_string(),
                rules,
            },
            "team-lead-1",
            "team-lead",
        )?)
        .await
        .context("setting the demo assignment rules")?
        .into_inner();
    case.get_assignment_rules(identity.request(GetAssignmentRulesRequest {
        min_position: set.position,
    })?)
    .await
    .context("waiting for the demo assignment rules")?;
    Ok(())
}

/// Moves the case along as the caseworker; says where it stands.
async fn advance(
    intake: &mut IntakeServiceClient<Channel>,
    case: &mut CaseServiceClient<Channel>,
    identity: &Identity,
    case_id: &str,
    progress: Progress,
    applicant: Option<Person>,
) -> anyhow::Result<&'static str> {
    if progress == Progress::New {
        return Ok("new");
    }
    case.start_review(identity.request(StartReviewRequest {
        command: command(case_id, "review"),
    })?)
    .await
    .context("starting the review")?;
    if progress == Progress::WaitingForDocuments {
        case.request_documents(identity.request(RequestDocumentsRequest {
            command: command(case_id, "documents"),
            due: date_in(14),
            documents: vec![
                "Kontoauszüge der letzten drei Monate".into(),
                "Mietvertrag".into(),
            ],
        })?)
        .await
        .context("requesting documents")?;
        return Ok("waiting for documents");
    }
    case.issue_decision(identity.request(IssueDecisionRequest {
        command: command(case_id, "decision"),
        outcome: DecisionOutcome::Approved.into(),
        provisional: false,
    })?)
    .await
    .context("deciding")?;
    let sick_note = SubmitApplicationRequest {
        submission_id: Uuid::new_v5(&DEMO_COMMANDS, format!("{case_id}/sick-note").as_bytes())
            .to_string(),
        form: Some(submit_application_request::Form::SickNote(SickNote {
            person: applicant,
            certificate: CertificateKind::First.into(),
            incapacity_from: date_in(-1),
            incapacity_until: date_in(6),
            issued_on: date_in(-1),
            attachments: vec![AttachmentKind::IncapacityCertificate.into()],
        })),
        case_id: case_id.to_owned(),
        ..Default::default()
    };
    intake
        .submit_application(identity.request(sick_note)?)
        .await
        .context("sending the demo sick note")?;
    Ok("approved, sick note received")
}
