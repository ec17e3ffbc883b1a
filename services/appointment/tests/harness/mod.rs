//! The test harness of the appointment service: the service in process against a fresh
//! database and a private NATS server, development identities, an example jobcenter's
//! calendar, and a clock the test sets (so no test depends on the day it runs).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use appointment::calendars::TenantCalendarSettings;
use appointment::domain::calendar::{
    Address, AppointmentKind, AppointmentType, BookingRules, Channel, Office, OpeningInterval,
};
use appointment::domain::holidays::FederalState;
use appointment::domain::ids::{AppointmentTypeId, OfficeId};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use jobcenter_proto::appointment::v1 as proto;
use jobcenter_proto::appointment::v1::appointment_service_client::AppointmentServiceClient;
use prost::Message;
use testkit::{TestDatabase, TestNats};
use tokio_util::sync::CancellationToken;
use tonic::Request;
use tonic::transport::Channel as GrpcChannel;
use uuid::Uuid;

mod cases;
// Not every test binary opens cases.
#[allow(unused_imports)]
pub use cases::{CaseLog, OpenedCase, case_log};
mod reads;
#[allow(unused_imports)]
pub use reads::*;

/// The tenant the tests work in, and another one with the same calendar.
pub const TENANT: &str = "jc-termine-a";
pub const OTHER_TENANT: &str = "jc-termine-b";
/// The calendar files' UID domain.
pub const UID_DOMAIN: &str = "termine.jobcenter-essen.test";

/// The office in Essen (North Rhine-Westphalia).
pub const OFFICE: OfficeId = OfficeId(Uuid::from_u128(0x0ff1ce));
/// First meeting: 30 minutes, three places per slot, self-service, in person or by phone.
pub const FIRST_MEETING: AppointmentTypeId = AppointmentTypeId(Uuid::from_u128(0xf1));
/// Counselling: 60 minutes, one place, self-service, in person or by video.
pub const COUNSELLING: AppointmentTypeId = AppointmentTypeId(Uuid::from_u128(0xc0));
/// Meldetermin: 30 minutes, one place, by invitation only.
pub const MELDETERMIN: AppointmentTypeId = AppointmentTypeId(Uuid::from_u128(0x32));

/// "Now" when a test starts: Monday 6 May 2030, 08:00 in Berlin (06:00 UTC, summer time).
pub fn start_of_test() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2030-05-06T06:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// A clock the test sets: it stands still unless moved.
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    /// Moves the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap() = at;
    }
}

impl appointment::clock::Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

pub struct TestApp {
    pub client: AppointmentServiceClient<GrpcChannel>,
    /// The service's log (worker role).
    pub log: eventlog::EventLog,
    pub clock: Arc<TestClock>,
    pub db: TestDatabase,
    pub nats: TestNats,
    pub cancel: CancellationToken,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

fn interval(weekday: Weekday, start: u32, end: u32) -> OpeningInterval {
    OpeningInterval {
        weekday,
        start: NaiveTime::from_hms_opt(start, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(end, 0, 0).unwrap(),
    }
}

/// The example jobcenter's calendar: one office open Monday to Friday 08:00–12:00 and
/// Tuesday and Thursday also 13:00–16:00; the domain's default booking rules (24 h lead,
/// 42-day horizon, 24 h notice, 5 alternatives).
pub fn calendar() -> TenantCalendarSettings {
    use Weekday::*;
    let mut opening_hours: Vec<OpeningInterval> = [Mon, Tue, Wed, Thu, Fri]
        .into_iter()
        .map(|day| interval(day, 8, 12))
        .collect();
    opening_hours.push(interval(Tue, 13, 16));
    opening_hours.push(interval(Thu, 13, 16));
    let kind = |id, kind, name: &str, minutes, capacity, channels: &[Channel], self_service| {
        AppointmentType {
            id,
            kind,
            name_de: name.to_owned(),
            name_en: name.to_owned(),
            duration_minutes: minutes,
            capacity,
            channels: channels.to_vec(),
            self_service,
        }
    };
    TenantCalendarSettings {
        offices: vec![Office {
            id: OFFICE,
            name: "Jobcenter Essen, Standort Mitte".into(),
            address: Address {
                street: "Berliner Platz 10".into(),
                postal_code: "45127".into(),
                city: "Essen".into(),
            },
            state: FederalState::NorthRhineWestphalia,
            opening_hours,
        }],
        appointment_types: vec![
            kind(
                FIRST_MEETING,
                AppointmentKind::FirstMeeting,
                "Erstgespräch zum Antrag",
                30,
                3,
                &[Channel::InPerson, Channel::Phone],
                true,
            ),
            kind(
                COUNSELLING,
                AppointmentKind::Counselling,
                "Beratung",
                60,
                1,
                &[Channel::InPerson, Channel::Video],
                true,
            ),
            kind(
                MELDETERMIN,
                AppointmentKind::Meldetermin,
                "Meldetermin",
                30,
                1,
                &[Channel::InPerson, Channel::Phone],
                false,
            ),
        ],
        rules: BookingRules::default(),
        ..TenantCalendarSettings::default()
    }
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
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with the settings changed by `configure` first (e.g. a closure in the
/// calendar).
pub async fn spawn_app_with(configure: impl FnOnce(&mut appointment::Config)) -> TestApp {
    let db = TestDatabase::create().await.expect("test database");
    let nats = TestNats::start().await.expect("test nats");
    let cancel = CancellationToken::new();
    let mut config = appointment::Config::default();
    config.server.mode = platform::config::SecurityMode::Development;
    config.database = database_config(&db);
    config.nats.url = nats.url().to_owned();
    config.calendars.ical.uid_domain = UID_DOMAIN.to_owned();
    for tenant in [TENANT, OTHER_TENANT] {
        config
            .calendars
            .tenants
            .insert(tenant.to_owned(), calendar());
    }
    configure(&mut config);
    let clock = Arc::new(TestClock(Mutex::new(start_of_test())));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = appointment::Application::build_with_clock(config, listener, clock.clone())
        .await
        .expect("appointment service");
    let port = app.port();
    let log = app.log().clone();
    tokio::spawn(app.run_until_stopped(cancel.clone()));
    TestApp {
        client: AppointmentServiceClient::connect(format!("http://127.0.0.1:{port}"))
            .await
            .unwrap(),
        log,
        clock,
        db,
        nats,
        cancel,
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

/// `message` from applicant `subject` of [`TENANT`].
pub fn as_applicant<T>(message: T, subject: &str) -> Request<T> {
    as_subject(message, TENANT, subject, "applicant")
}

/// `message` from caseworker `cw-1` of [`TENANT`].
pub fn as_caseworker<T>(message: T) -> Request<T> {
    as_subject(message, TENANT, "cw-1", "caseworker")
}

/// The instant the Berlin clock shows `hour:minute` on `day`.
pub fn berlin(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap();
    appointment::domain::local_time::first_instant(day, time).unwrap()
}

/// A date.
pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Tuesday 14 May 2030: eight days after the test's start, an ordinary working day.
pub fn tuesday() -> NaiveDate {
    day(2030, 5, 14)
}

/// A timestamp of `at`.
pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: 0,
    }
}

/// A self-service booking of `kind` at `start` in person, with a fresh command id.
pub fn self_booking(
    kind: AppointmentTypeId,
    start: DateTime<Utc>,
) -> proto::BookAppointmentRequest {
    proto::BookAppointmentRequest {
        command_id: Uuid::new_v4().to_string(),
        office_id: OFFICE.to_string(),
        appointment_type_id: kind.to_string(),
        start: Some(timestamp(start)),
        channel: proto::AppointmentChannel::InPerson as i32,
        ..Default::default()
    }
}

/// Applicant `subject` books a first meeting at `start` for themselves.
pub async fn book_first_meeting(
    app: &mut TestApp,
    subject: &str,
    start: DateTime<Utc>,
) -> Result<proto::Appointment, tonic::Status> {
    app.client
        .book_appointment(as_applicant(self_booking(FIRST_MEETING, start), subject))
        .await
        .map(|r| r.into_inner().appointment.expect("an appointment"))
}

/// The appointment `id` as a caseworker of [`TENANT`] sees it.
pub async fn get(app: &mut TestApp, id: &str) -> proto::Appointment {
    app.client
        .get_appointment(as_caseworker(proto::GetAppointmentRequest {
            appointment_id: id.to_owned(),
        }))
        .await
        .expect("readable")
        .into_inner()
        .appointment
        .expect("an appointment")
}

/// Places taken in [`TENANT`]'s slot of `kind` at `start` (administrator's view); 0 when
/// nobody ever took one.
pub async fn taken(app: &TestApp, kind: AppointmentTypeId, start: DateTime<Utc>) -> i32 {
    sqlx::query_scalar::<_, i32>(
        "SELECT taken FROM appointment.slot_places \
         WHERE tenant_id = $1 AND office_id = $2 AND appointment_type_id = $3 AND start = $4",
    )
    .bind(TENANT)
    .bind(OFFICE.0)
    .bind(kind.0)
    .bind(start)
    .fetch_optional(app.db.pool())
    .await
    .unwrap()
    .unwrap_or(0)
}

/// Every place count row (administrator's view).
pub async fn slot_rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM appointment.slot_places")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// Events of `event_type` in the log (administrator's view: every tenant).
pub async fn count_events(app: &TestApp, event_type: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM appointment.events WHERE event_type = $1")
        .bind(event_type)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// Every event in the log.
pub async fn all_events(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM appointment.events")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// The field paths of an INVALID_ARGUMENT's violations.
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    platform::status::field_violations(status)
        .into_iter()
        .map(|v| v.field)
        .collect()
}

/// The alternatives an ABORTED carries in its details (google.rpc.Status with an Any of
/// `jobcenter.appointment.v1.SlotAlternatives`), as a client decodes them.
pub fn alternatives(status: &tonic::Status) -> Vec<proto::FreeSlot> {
    let details = tonic_types::Status::decode(status.details()).expect("google.rpc.Status");
    let any = details
        .details
        .iter()
        .find(|any| any.type_url == "type.googleapis.com/jobcenter.appointment.v1.SlotAlternatives")
        .expect("SlotAlternatives in the details");
    proto::SlotAlternatives::decode(any.value.as_slice())
        .expect("SlotAlternatives")
        .alternatives
}

/// The instant of a proto timestamp.
pub fn instant(at: &Option<prost_types::Timestamp>) -> DateTime<Utc> {
    let at = at.as_ref().expect("a time");
    DateTime::from_timestamp(at.seconds, 0).unwrap()
}

/// Thirty minutes.
pub fn half_hour() -> TimeDelta {
    TimeDelta::minutes(30)
}

/// Polls `check` until it returns `Some`, for at most 15 s (the relay runs asynchronously);
/// panics with `what` otherwise.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
