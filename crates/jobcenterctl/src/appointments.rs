//! `jobcenterctl calendar`, `slots`, `book`, `appointment`, `appointments`, `day` and `ics`: the
//! appointment service from the shell. Times are shown on the Berlin wall clock; `book` takes
//! the slot's start as `slots` prints it (RFC 3339). The demo books with [`book_first_meeting`].

use anyhow::Context;
use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Europe::Berlin;
use clap::Subcommand;
use jobcenter_proto::appointment::v1::appointment_service_client::AppointmentServiceClient;
use jobcenter_proto::appointment::v1::{
    Appointment, AppointmentChannel, AppointmentKind, BookAppointmentRequest, FreeSlot,
    GetAppointmentCalendarFileRequest, GetAppointmentRequest, GetCalendarRequest,
    GetCalendarResponse, GetCaseworkerDayRequest, ListMyAppointmentsRequest,
    SearchAvailabilityRequest,
};
use jobcenter_proto::common::v1::Date;
use tonic::transport::Channel;

use crate::identity::Identity;

/// The appointment commands.
#[derive(Subcommand)]
pub enum AppointmentCommand {
    /// Lists the caller's jobcenter's offices and appointment types, with their ids.
    Calendar,
    /// Lists free slots (default: the first office and its first type the caller may book).
    Slots {
        /// The office's UUID.
        #[arg(long)]
        office: Option<String>,
        /// The appointment type's UUID.
        #[arg(long = "type")]
        appointment_type: Option<String>,
        /// The first day (YYYY-MM-DD); default tomorrow.
        #[arg(long)]
        from: Option<NaiveDate>,
        /// How many days (at most 62).
        #[arg(long, default_value_t = 14)]
        days: u64,
    },
    /// Books a slot: for the caller (applicant) or, with --for, on an applicant's behalf (staff).
    Book {
        /// The slot's start as `slots` prints it (RFC 3339).
        #[arg(long)]
        start: DateTime<Utc>,
        /// The office's UUID (default: as for `slots`).
        #[arg(long)]
        office: Option<String>,
        /// The appointment type's UUID (default: as for `slots`).
        #[arg(long = "type")]
        appointment_type: Option<String>,
        /// in-person, phone or video.
        #[arg(long, default_value = "in-person")]
        channel: String,
        /// The case's UUID.
        #[arg(long)]
        case: Option<String>,
        /// The applicant's account (staff booking on their behalf).
        #[arg(long = "for")]
        applicant: Option<String>,
    },
    /// Shows one appointment.
    Appointment {
        /// The appointment's UUID.
        appointment_id: String,
    },
    /// Lists upcoming appointments: the caller's own (applicant), or an applicant's or a
    /// case's (staff).
    Appointments {
        /// A case's UUID.
        #[arg(long)]
        case: Option<String>,
        /// An applicant's account.
        #[arg(long = "for")]
        applicant: Option<String>,
    },
    /// A caseworker's day (default: the caller's, today).
    Day {
        /// The caseworker's subject.
        #[arg(long)]
        caseworker: Option<String>,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Prints an appointment's iCalendar file.
    Ics {
        /// The appointment's UUID.
        appointment_id: String,
        /// de or en.
        #[arg(long, default_value = "de")]
        language: String,
    },
}

/// Runs one appointment command.
pub async fn run(
    command: AppointmentCommand,
    client: &mut AppointmentServiceClient<Channel>,
    identity: &Identity,
) -> anyhow::Result<()> {
    match command {
        AppointmentCommand::Calendar => {
            let calendar = calendar(client, identity).await?;
            for office in &calendar.offices {
                println!("office {}  {}", office.office_id, office.name);
            }
            for kind in &calendar.appointment_types {
                println!(
                    "type   {}  {} ({} min, {} per slot{}) at {}",
                    kind.appointment_type_id,
                    kind.name_de,
                    kind.duration_minutes,
                    kind.capacity,
                    if kind.self_service {
                        ", bookable online"
                    } else {
                        ""
                    },
                    kind.office_ids.join(", ")
                );
            }
        }
        AppointmentCommand::Slots {
            office,
            appointment_type,
            from,
            days,
        } => {
            let (office, kind) = choose(client, identity, office, appointment_type).await?;
            let first = from.unwrap_or_else(|| berlin_today() + Days::new(1));
            for slot in search(client, identity, &office, &kind, first, days).await? {
                println!(
                    "{}  {} place(s)  --start {}",
                    berlin(slot.start.as_ref()),
                    slot.places_left,
                    rfc3339(slot.start.as_ref())
                );
            }
        }
        AppointmentCommand::Book {
            start,
            office,
            appointment_type,
            channel,
            case,
            applicant,
        } => {
            let (office, kind) = choose(client, identity, office, appointment_type).await?;
            let request = BookAppointmentRequest {
                command_id: uuid::Uuid::new_v4().to_string(),
                office_id: office,
                appointment_type_id: kind,
                start: Some(timestamp(start)),
                channel: appointment_channel(&channel)? as i32,
                applicant_subject: applicant.unwrap_or_default(),
                case_id: case.unwrap_or_default(),
                ..Default::default()
            };
            let reply = client
                .book_appointment(identity.request(request)?)
                .await?
                .into_inner();
            print_appointment(reply.appointment.as_ref());
        }
        AppointmentCommand::Appointment { appointment_id } => {
            let reply = client
                .get_appointment(identity.request(GetAppointmentRequest { appointment_id })?)
                .await?
                .into_inner();
            print_appointment(reply.appointment.as_ref());
        }
        AppointmentCommand::Appointments { case, applicant } => {
            let reply = client
                .list_my_appointments(identity.request(ListMyAppointmentsRequest {
                    applicant_subject: applicant.unwrap_or_default(),
                    case_id: case.unwrap_or_default(),
                    min_position: None,
                })?)
                .await?
                .into_inner();
            for appointment in &reply.appointments {
                appointment_line(appointment);
            }
        }
        AppointmentCommand::Day { caseworker, date } => {
            let day = date.unwrap_or_else(berlin_today);
            let reply = client
                .get_caseworker_day(identity.request(GetCaseworkerDayRequest {
                    caseworker_subject: caseworker.unwrap_or_default(),
                    day: Some(proto_date(day)),
                    min_position: None,
                })?)
                .await?
                .into_inner();
            for appointment in &reply.appointments {
                appointment_line(appointment);
            }
        }
        AppointmentCommand::Ics {
            appointment_id,
            language,
        } => {
            let reply = client
                .get_appointment_calendar_file(identity.request(
                    GetAppointmentCalendarFileRequest {
                        appointment_id,
                        language,
                    },
                )?)
                .await?
                .into_inner();
            print!("{}", String::from_utf8_lossy(&reply.content));
        }
    }
    Ok(())
}

/// The demo: `applicant` books the first free first meeting from two days ahead for their own
/// case, unless the case has an upcoming appointment already (so loading the demo twice books
/// once). Returns the appointment.
pub async fn book_first_meeting(
    client: &mut AppointmentServiceClient<Channel>,
    identity: &Identity,
    applicant: &str,
    case_id: &str,
) -> anyhow::Result<Appointment> {
    let upcoming = client
        .list_my_appointments(identity.request_as(
            ListMyAppointmentsRequest::default(),
            applicant,
            "applicant",
        )?)
        .await
        .context("the applicant's upcoming appointments")?
        .into_inner();
    if let Some(booked) = upcoming
        .appointments
        .into_iter()
        .find(|a| a.case_id == case_id)
    {
        return Ok(booked);
    }
    let calendar = client
        .get_calendar(identity.request_as(GetCalendarRequest {}, applicant, "applicant")?)
        .await
        .context("the demo jobcenter's calendar")?
        .into_inner();
    let kind = calendar
        .appointment_types
        .iter()
        .find(|t| t.kind() == AppointmentKind::FirstMeeting && t.self_service)
        .context("the demo calendar offers no first meeting online")?;
    let office = kind
        .office_ids
        .first()
        .context("no office offers the first meeting")?;
    let first = berlin_today() + Days::new(2);
    let slot = client
        .search_availability(identity.request_as(
            SearchAvailabilityRequest {
                office_id: office.clone(),
                appointment_type_id: kind.appointment_type_id.clone(),
                first_day: Some(proto_date(first)),
                last_day: Some(proto_date(first + Days::new(20))),
            },
            applicant,
            "applicant",
        )?)
        .await
        .context("searching a free first meeting")?
        .into_inner()
        .slots
        .into_iter()
        .next()
        .context("no free first meeting in the next three weeks")?;
    let booked = client
        .book_appointment(identity.request_as(
            BookAppointmentRequest {
                command_id: uuid::Uuid::new_v4().to_string(),
                office_id: slot.office_id,
                appointment_type_id: slot.appointment_type_id,
                start: slot.start,
                channel: AppointmentChannel::InPerson as i32,
                case_id: case_id.to_owned(),
                ..Default::default()
            },
            applicant,
            "applicant",
        )?)
        .await
        .context("booking the demo's first meeting")?
        .into_inner();
    booked
        .appointment
        .context("a booking answered without its appointment")
}

async fn calendar(
    client: &mut AppointmentServiceClient<Channel>,
    identity: &Identity,
) -> anyhow::Result<GetCalendarResponse> {
    Ok(client
        .get_calendar(identity.request(GetCalendarRequest {})?)
        .await?
        .into_inner())
}

/// The office and type given, or the first office and type of the calendar the caller sees.
async fn choose(
    client: &mut AppointmentServiceClient<Channel>,
    identity: &Identity,
    office: Option<String>,
    appointment_type: Option<String>,
) -> anyhow::Result<(String, String)> {
    if let (Some(office), Some(kind)) = (&office, &appointment_type) {
        return Ok((office.clone(), kind.clone()));
    }
    let calendar = calendar(client, identity).await?;
    let kind = match appointment_type {
        Some(kind) => kind,
        None => calendar
            .appointment_types
            .first()
            .map(|t| t.appointment_type_id.clone())
            .context("the calendar offers no appointment type")?,
    };
    let office = match office {
        Some(office) => office,
        None => calendar
            .appointment_types
            .iter()
            .find(|t| t.appointment_type_id == kind)
            .and_then(|t| t.office_ids.first().cloned())
            .context("no office offers that appointment type")?,
    };
    Ok((office, kind))
}

async fn search(
    client: &mut AppointmentServiceClient<Channel>,
    identity: &Identity,
    office: &str,
    kind: &str,
    first: NaiveDate,
    days: u64,
) -> anyhow::Result<Vec<FreeSlot>> {
    let last = first + Days::new(days.saturating_sub(1));
    Ok(client
        .search_availability(identity.request(SearchAvailabilityRequest {
            office_id: office.to_owned(),
            appointment_type_id: kind.to_owned(),
            first_day: Some(proto_date(first)),
            last_day: Some(proto_date(last)),
        })?)
        .await?
        .into_inner()
        .slots)
}

/// A channel by its name on the command line.
fn appointment_channel(name: &str) -> anyhow::Result<AppointmentChannel> {
    let wanted = format!(
        "APPOINTMENT_CHANNEL_{}",
        name.replace('-', "_").to_uppercase()
    );
    AppointmentChannel::from_str_name(&wanted)
        .filter(|c| *c != AppointmentChannel::Unspecified)
        .with_context(|| format!("unknown channel {name:?}: in-person, phone or video"))
}

fn berlin_today() -> NaiveDate {
    Utc::now().with_timezone(&Berlin).date_naive()
}

fn proto_date(day: NaiveDate) -> Date {
    use chrono::Datelike;
    Date {
        year: day.year(),
        month: i32::try_from(day.month()).unwrap_or_default(),
        day: i32::try_from(day.day()).unwrap_or_default(),
    }
}

fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or_default(),
    }
}

fn instant(ts: Option<&prost_types::Timestamp>) -> Option<DateTime<Utc>> {
    ts.and_then(|t| DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0)))
}

/// On the Berlin wall clock, e.g. `2026-12-07 09:30`.
fn berlin(ts: Option<&prost_types::Timestamp>) -> String {
    instant(ts)
        .map(|t| {
            t.with_timezone(&Berlin)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| "-".to_owned())
}

fn rfc3339(ts: Option<&prost_types::Timestamp>) -> String {
    instant(ts)
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| "-".to_owned())
}

fn words(name: &str, prefix: &str) -> String {
    name.trim_start_matches(prefix)
        .to_ascii_lowercase()
        .replace('_', " ")
}

/// One appointment as a line of a list.
fn appointment_line(a: &Appointment) {
    let place = a.place.as_ref();
    println!(
        "{}  {}  {} ({}, {})  {}  case {}  applicant {}",
        berlin(place.and_then(|p| p.start.as_ref())),
        a.reference,
        words(a.kind().as_str_name(), "APPOINTMENT_KIND_"),
        words(a.channel().as_str_name(), "APPOINTMENT_CHANNEL_"),
        words(a.status().as_str_name(), "APPOINTMENT_STATUS_"),
        a.appointment_id,
        if a.case_id.is_empty() {
            "-"
        } else {
            &a.case_id
        },
        a.applicant_subject,
    );
}

/// When an appointment starts, on the Berlin wall clock.
pub fn starts(a: &Appointment) -> String {
    berlin(a.place.as_ref().and_then(|p| p.start.as_ref()))
}

/// One appointment in full.
fn print_appointment(appointment: Option<&Appointment>) {
    let Some(a) = appointment else {
        println!("(no appointment)");
        return;
    };
    let place = a.place.as_ref();
    println!("appointment  {}", a.appointment_id);
    println!("reference    {}", a.reference);
    println!(
        "what         {} ({})",
        words(a.kind().as_str_name(), "APPOINTMENT_KIND_"),
        words(a.channel().as_str_name(), "APPOINTMENT_CHANNEL_")
    );
    println!(
        "when         {} to {} (Berlin)",
        berlin(place.and_then(|p| p.start.as_ref())),
        berlin(place.and_then(|p| p.end.as_ref()))
    );
    println!(
        "status       {}",
        words(a.status().as_str_name(), "APPOINTMENT_STATUS_")
    );
    println!("applicant    {}", a.applicant_subject);
    if !a.case_id.is_empty() {
        println!("case         {}", a.case_id);
    }
    if !a.caseworker.is_empty() {
        println!("caseworker   {}", a.caseworker);
    }
}
