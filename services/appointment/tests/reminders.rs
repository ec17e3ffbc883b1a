//! Reminders are emitted once, also after a restart: the service appends one
//! `appointment.AppointmentReminderDue` per reminder the domain plans (the evening before at
//! 18:00 Berlin time; for video also 15 minutes before, with the joining link), none for a
//! cancelled appointment, only the new time's for a rescheduled one, and none the domain
//! refuses (a booking after the reminder time). The log refuses a second copy, whoever appends
//! it: a restarted scheduler, a second replica, a pass whose progress was lost.
//!
//! Most tests run the scheduler pass by pass (`ReminderScheduler::pass`) against the real
//! database, so that "nothing before 18:00" is a fact and not a wait; the service's own task is
//! slowed to one pass at start. The last test runs the service's task itself, restarts it as
//! two replicas, and reads the reminder back from JetStream.

mod harness;

use std::sync::Arc;

use appointment::calendars::Calendars;
use appointment::domain::ids::AppointmentId;
use appointment::domain::reminders::{ReminderKind, ReminderPolicy, plan, reminder_id};
use appointment::reminders::{ReminderScheduler, SchedulerSettings, payload};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use eventlog::{ExpectedVersion, RecordedEvent};
use harness::*;
use jobcenter_proto::appointment::v1 as proto;
use prost::Message;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

const REMINDER_DUE: &str = "appointment.AppointmentReminderDue";
const VIDEO_LINK: &str = "https://video.jobcenter-essen.test/raum/7f3a-21c9";

/// Monday 13 May 2030, the day before [`tuesday`].
fn monday() -> NaiveDate {
    day(2030, 5, 13)
}

/// The service with its settings; its own scheduler looks once at start and then waits an
/// hour, unless `poll_ms` says otherwise.
async fn service(poll_ms: u64) -> (TestApp, appointment::Config) {
    let mut settings = None;
    let app = spawn_app_with(|config| {
        config.reminder_scheduler.poll_ms = poll_ms;
        settings = Some(config.clone());
    })
    .await;
    (app, settings.expect("configured"))
}

/// A scheduler as the service builds it, on the test's database and clock: a fresh one is a
/// restarted (or another) replica, since the scheduler keeps no state of its own.
fn scheduler(app: &TestApp, config: &appointment::Config) -> ReminderScheduler {
    ReminderScheduler::new(
        app.log.clone(),
        Arc::new(Calendars::from_settings(&config.calendars)),
        app.clock.clone(),
        SchedulerSettings::default(),
    )
}

/// Caseworker `cw-1` books a video counselling at `start` for `applicant-1`, with its link.
async fn book_video(app: &mut TestApp, start: DateTime<Utc>) -> proto::Appointment {
    let mut request = self_booking(COUNSELLING, start);
    request.channel = proto::AppointmentChannel::Video as i32;
    request.applicant_subject = "applicant-1".into();
    request.video_link = VIDEO_LINK.into();
    app.client
        .book_appointment(as_caseworker(request))
        .await
        .expect("booked")
        .into_inner()
        .appointment
        .expect("an appointment")
}

/// The reminder events of appointment `id` in the log, with their payloads.
async fn reminders(app: &TestApp, id: &str) -> Vec<(RecordedEvent, proto::AppointmentReminderDue)> {
    let stream = format!("appointment-{id}");
    app.log
        .read_stream(&stream, 0, 1_000)
        .await
        .expect("the stream")
        .into_iter()
        .filter(|event| event.event_type == REMINDER_DUE)
        .map(|event| {
            let payload = proto::AppointmentReminderDue::decode(event.payload.as_slice())
                .expect("a reminder payload");
            (event, payload)
        })
        .collect()
}

fn appointment_id(appointment: &proto::Appointment) -> AppointmentId {
    AppointmentId(Uuid::parse_str(&appointment.appointment_id).expect("a UUID"))
}

#[tokio::test]
async fn the_evening_reminder_is_appended_once_when_the_clock_passes_six_the_evening_before() {
    let (mut app, config) = service(3_600_000).await;
    let nine = berlin(tuesday(), 9, 0);
    let booked = book_video(&mut app, nine).await;
    let scheduler = scheduler(&app, &config);

    app.clock.set(berlin(monday(), 17, 59));
    assert_eq!(scheduler.pass().await.expect("a pass").sent, 0);
    assert_eq!(count_events(&app, REMINDER_DUE).await, 0);

    app.clock.set(berlin(monday(), 18, 0));
    let pass = scheduler.pass().await.expect("a pass");
    assert_eq!((pass.due, pass.sent), (1, 1));
    app.clock.set(berlin(monday(), 18, 1));
    assert_eq!(scheduler.pass().await.expect("a pass").sent, 0);
    assert_eq!(count_events(&app, REMINDER_DUE).await, 1);

    let found = reminders(&app, &booked.appointment_id).await;
    let (event, payload) = &found[0];
    let id = reminder_id(appointment_id(&booked), ReminderKind::EveningBefore, nine);
    assert_eq!(payload.reminder_id, id.to_string());
    assert_eq!(event.event_id, appointment::reminders::event_id(id));
    assert_eq!(event.metadata.command_id, Some(id));
    assert_eq!(event.metadata.actor.as_deref(), Some("scheduler:reminders"));
    assert_eq!(payload.kind, proto::ReminderKind::EveningBefore as i32);
    assert_eq!(instant(&payload.due_at), berlin(monday(), 18, 0));
    assert_eq!(payload.appointment_id, booked.appointment_id);
    assert_eq!(payload.reference, booked.reference);
    assert_eq!(payload.applicant_subject, "applicant-1");
    assert_eq!(payload.case_id, "");
    assert_eq!(
        payload.appointment_kind,
        proto::AppointmentKind::Counselling as i32
    );
    assert!(!payload.invitation);
    assert_eq!(payload.channel, proto::AppointmentChannel::Video as i32);
    assert_eq!(payload.video_link, VIDEO_LINK);
    let place = payload.place.as_ref().expect("the place");
    assert_eq!(instant(&place.start), nine);
    assert_eq!(instant(&place.end), nine + TimeDelta::hours(1));
    assert_eq!(place.office_id, OFFICE.to_string());
    assert_eq!(payload.appointment_type_name_de, "Beratung");
    assert_eq!(payload.office_name, "Jobcenter Essen, Standort Mitte");
    let address = payload.office_address.as_ref().expect("the address");
    assert_eq!(
        (
            address.street.as_str(),
            address.postal_code.as_str(),
            address.city.as_str()
        ),
        ("Berliner Platz 10", "45127", "Essen")
    );

    // The appointment itself is unchanged by its reminder.
    assert_eq!(get(&mut app, &booked.appointment_id).await, booked);

    // A quarter of an hour before: the video reminder, with the link again.
    app.clock.set(berlin(tuesday(), 8, 45));
    assert_eq!(scheduler.pass().await.expect("a pass").sent, 1);
    let found = reminders(&app, &booked.appointment_id).await;
    assert_eq!(found.len(), 2);
    assert_eq!(found[1].1.kind, proto::ReminderKind::JoinSoon as i32);
    assert_eq!(found[1].1.video_link, VIDEO_LINK);
}

#[tokio::test]
async fn a_restarted_scheduler_or_a_second_replica_sends_nothing_twice() {
    let (mut app, config) = service(3_600_000).await;
    let mut booked = Vec::new();
    for n in 0..6 {
        let start = berlin(tuesday(), 8, 0) + half_hour() * n;
        let appointment = book_first_meeting(&mut app, &format!("applicant-{n}"), start)
            .await
            .expect("booked");
        booked.push((appointment, start));
    }
    app.clock.set(berlin(monday(), 18, 0));

    // Three replicas look at the same moment: the log takes each reminder once.
    let (a, b, c) = (
        scheduler(&app, &config),
        scheduler(&app, &config),
        scheduler(&app, &config),
    );
    let (a, b, c) = tokio::join!(a.pass(), b.pass(), c.pass());
    let sent: usize = [a, b, c]
        .into_iter()
        .map(|pass| pass.expect("a pass").sent)
        .sum();
    assert_eq!(sent, 6);
    for (appointment, _) in &booked {
        assert_eq!(reminders(&app, &appointment.appointment_id).await.len(), 1);
    }

    // A restart whose schedule forgot its progress (as if restored from an older backup):
    // every reminder is due again, and the log refuses every copy.
    for (appointment, start) in &booked {
        let id = appointment_id(appointment);
        sqlx::query(
            "INSERT INTO appointment.reminder_schedule \
             (tenant_id, appointment_id, reminder_id, send_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(TENANT)
        .bind(id.0)
        .bind(reminder_id(id, ReminderKind::EveningBefore, *start))
        .bind(berlin(monday(), 18, 0))
        .execute(app.db.pool())
        .await
        .expect("the row restored");
    }
    app.clock.set(berlin(monday(), 18, 30));
    let restarted = scheduler(&app, &config).pass().await.expect("a pass");
    assert_eq!((restarted.due, restarted.sent), (6, 0));
    assert_eq!(count_events(&app, REMINDER_DUE).await, 6);
    // And the rows are settled: nothing is due any more.
    let again = scheduler(&app, &config).pass().await.expect("a pass");
    assert_eq!(again.due, 0);

    // Even an append that does not look at the stream first (any version) is refused: the
    // event id is the reminder's.
    let (first, _) = &booked[0];
    let recorded = app
        .log
        .read_stream(&appointment_id(first).stream_id(), 0, 1_000)
        .await
        .expect("the stream");
    let folded = appointment::commands::load(recorded, TENANT)
        .expect("readable")
        .expect("the appointment")
        .appointment;
    let reminder = plan(&folded, &ReminderPolicy::default()).remove(0);
    let copy =
        payload::append_command(TENANT, &reminder, &folded, None, ExpectedVersion::Any, None);
    let outcome = app.log.append(copy).await.expect("answered");
    assert!(outcome.duplicate);
    assert_eq!(count_events(&app, REMINDER_DUE).await, 6);
}

#[tokio::test]
async fn a_cancelled_appointment_gets_no_reminder() {
    let (mut app, config) = service(3_600_000).await;
    let nine = berlin(tuesday(), 9, 0);
    let booked = book_first_meeting(&mut app, "applicant-1", nine)
        .await
        .expect("booked");
    app.client
        .cancel_appointment(as_applicant(
            proto::CancelAppointmentRequest {
                command_id: Uuid::new_v4().to_string(),
                appointment_id: booked.appointment_id.clone(),
                reason: String::new(),
            },
            "applicant-1",
        ))
        .await
        .expect("cancelled");
    let scheduler = scheduler(&app, &config);
    for at in [berlin(monday(), 18, 0), berlin(tuesday(), 8, 59)] {
        app.clock.set(at);
        let pass = scheduler.pass().await.expect("a pass");
        assert_eq!((pass.due, pass.sent), (0, 0));
    }
    assert_eq!(count_events(&app, REMINDER_DUE).await, 0);
}

#[tokio::test]
async fn a_rescheduled_appointment_is_reminded_of_its_new_time_only() {
    let (mut app, config) = service(3_600_000).await;
    let booked = book_first_meeting(&mut app, "applicant-1", berlin(tuesday(), 9, 0))
        .await
        .expect("booked");
    let thursday = day(2030, 5, 16);
    let new_start = berlin(thursday, 9, 0);
    app.client
        .reschedule_appointment(as_applicant(
            proto::RescheduleAppointmentRequest {
                command_id: Uuid::new_v4().to_string(),
                appointment_id: booked.appointment_id.clone(),
                start: Some(timestamp(new_start)),
            },
            "applicant-1",
        ))
        .await
        .expect("moved");
    let scheduler = scheduler(&app, &config);

    // The old evening passes in silence.
    app.clock.set(berlin(monday(), 18, 0));
    assert_eq!(scheduler.pass().await.expect("a pass").sent, 0);
    // The evening before the new day: its reminder, for the new time.
    app.clock.set(berlin(day(2030, 5, 15), 18, 0));
    assert_eq!(scheduler.pass().await.expect("a pass").sent, 1);
    let found = reminders(&app, &booked.appointment_id).await;
    assert_eq!(found.len(), 1);
    let payload = &found[0].1;
    let new_id = reminder_id(
        appointment_id(&booked),
        ReminderKind::EveningBefore,
        new_start,
    );
    assert_eq!(payload.reminder_id, new_id.to_string());
    assert_eq!(
        instant(&payload.place.as_ref().expect("the place").start),
        new_start
    );
    assert_eq!(payload.reference, booked.reference);
}

#[tokio::test]
async fn a_booking_made_after_six_the_evening_before_gets_no_evening_reminder() {
    let (mut app, config) = service(3_600_000).await;
    // Monday 19:00: the confirmation has just gone out, a reminder would be noise.
    app.clock.set(berlin(monday(), 19, 0));
    let in_person = {
        let mut request = self_booking(FIRST_MEETING, berlin(tuesday(), 9, 0));
        request.applicant_subject = "applicant-1".into();
        app.client
            .book_appointment(as_caseworker(request))
            .await
            .expect("booked")
            .into_inner()
            .appointment
            .expect("an appointment")
    };
    let video = book_video(&mut app, berlin(tuesday(), 10, 0)).await;
    let scheduler = scheduler(&app, &config);

    // Shortly before nine an evening reminder would still go out: none is even pending.
    app.clock.set(berlin(tuesday(), 8, 55));
    let pass = scheduler.pass().await.expect("a pass");
    assert_eq!((pass.due, pass.sent), (0, 0));
    assert!(reminders(&app, &in_person.appointment_id).await.is_empty());
    app.clock.set(berlin(tuesday(), 9, 50));
    assert_eq!(scheduler.pass().await.expect("a pass").sent, 1);
    // The video appointment still gets its link shortly before: that one comes after the
    // booking.
    let found = reminders(&app, &video.appointment_id).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1.kind, proto::ReminderKind::JoinSoon as i32);
    assert_eq!(count_events(&app, REMINDER_DUE).await, 1);
}

/// The reminder events JetStream holds for the service's log.
async fn on_the_bus(app: &TestApp) -> Vec<RecordedEvent> {
    let nats = async_nats::connect(app.nats.url()).await.expect("nats");
    let js = async_nats::jetstream::new(nats);
    let name = eventlog::wire::stream_name(appointment::LOG_NAME);
    let Ok(mut stream) = js.get_stream(&name).await else {
        return Vec::new();
    };
    let last = stream
        .info()
        .await
        .map_or(0, |info| info.state.last_sequence);
    let mut found = Vec::new();
    for sequence in 1..=last {
        let message = stream.get_raw_message(sequence).await.expect("a message");
        let event =
            eventlog::wire::from_parts(&message.headers, &message.payload).expect("an event");
        if event.event_type == REMINDER_DUE {
            found.push(event);
        }
    }
    found
}

/// Another instance of the service on the same database, NATS and clock.
async fn replica(app: &TestApp, config: &appointment::Config) -> CancellationToken {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let instance =
        appointment::Application::build_with_clock(config.clone(), listener, app.clock.clone())
            .await
            .expect("a replica");
    let cancel = CancellationToken::new();
    tokio::spawn(instance.run_until_stopped(cancel.clone()));
    cancel
}

#[tokio::test]
async fn the_services_scheduler_emits_to_the_bus_once_and_after_a_restart_only_what_is_new() {
    let (mut app, config) = service(20).await;
    let nine = berlin(tuesday(), 9, 0);
    let booked = book_video(&mut app, nine).await;

    app.clock.set(berlin(monday(), 18, 0));
    let published = eventually("the evening reminder on the bus", || async {
        let found = on_the_bus(&app).await;
        (!found.is_empty()).then_some(found)
    })
    .await;
    assert_eq!(published.len(), 1);
    let event = &published[0];
    assert_eq!(
        event.stream_id,
        format!("appointment-{}", booked.appointment_id)
    );
    let payload =
        proto::AppointmentReminderDue::decode(event.payload.as_slice()).expect("the payload");
    assert_eq!(payload.kind, proto::ReminderKind::EveningBefore as i32);
    assert_eq!(payload.video_link, VIDEO_LINK);

    // The service stops; two replicas take over and poll side by side.
    app.cancel.cancel();
    let first = replica(&app, &config).await;
    let second = replica(&app, &config).await;
    app.clock.set(berlin(tuesday(), 8, 45));
    let kinds = eventually("the video reminder after the restart", || async {
        let found = reminders(&app, &booked.appointment_id).await;
        (found.len() == 2).then(|| found.iter().map(|(_, p)| p.kind).collect::<Vec<_>>())
    })
    .await;
    assert_eq!(
        kinds,
        [
            proto::ReminderKind::EveningBefore as i32,
            proto::ReminderKind::JoinSoon as i32
        ]
    );
    let relayed = eventually("both reminders on the bus", || async {
        let found = on_the_bus(&app).await;
        (found.len() >= 2).then_some(found)
    })
    .await;
    assert_eq!(relayed.len(), 2, "each reminder once on the bus");
    assert_eq!(count_events(&app, REMINDER_DUE).await, 2);
    first.cancel();
    second.cancel();
}
