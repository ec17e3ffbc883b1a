//! The appointment log's rows.

use super::*;

#[test]
fn a_booking_is_confirmed_to_the_applicant_the_terms_name() {
    let e = appointment::AppointmentBooked {
        terms: terms(appointment::AppointmentChannel::Video),
        place: place(1_800_000_000),
        origin: appointment::Origin::SelfService as i32,
        booked_by: String::new(),
    };
    let got = run(
        APPOINTMENT_LOG,
        event_types::APPOINTMENT_BOOKED,
        &appointment_stream(),
        &e,
        &appointment_case(),
    );
    let args = appointment_args("video", "https://video.example/r/1", "");
    assert_eq!(
        got,
        vec![notice(
            account(),
            Topic::AppointmentBooked,
            Some(CASE),
            args
        )]
    );
}

#[test]
fn an_invitation_goes_to_the_applicant_the_terms_name() {
    let e = appointment::AppointmentInvited {
        terms: terms(appointment::AppointmentChannel::InPerson),
        place: place(1_800_000_000),
        invited_by: "cw-7".into(),
        ..Default::default()
    };
    let got = run(
        APPOINTMENT_LOG,
        event_types::APPOINTMENT_INVITED,
        &appointment_stream(),
        &e,
        &appointment_case(),
    );
    let args = appointment_args("in-person", "", "");
    assert_eq!(
        got,
        vec![notice(
            account(),
            Topic::AppointmentInvited,
            Some(CASE),
            args
        )]
    );
}

#[test]
fn a_reminder_goes_to_the_named_account_with_the_office() {
    let stream = appointment_stream();
    let got = run(
        APPOINTMENT_LOG,
        event_types::APPOINTMENT_REMINDER_DUE,
        &stream,
        &reminder("user-1"),
        &full(),
    );
    let office = "Jobcenter Essen, Standort Mitte, Berliner Platz 10, 45127 Essen";
    let args = appointment_args("phone", "", office);
    assert_eq!(
        got,
        vec![notice(
            account(),
            Topic::AppointmentReminder,
            Some(CASE),
            args
        )]
    );

    // Digital only: without an account there is no one to remind.
    let got = run(
        APPOINTMENT_LOG,
        event_types::APPOINTMENT_REMINDER_DUE,
        &stream,
        &reminder(""),
        &full(),
    );
    assert!(got.is_empty());
}

#[test]
fn a_reschedule_tells_the_applicant_the_new_time() {
    let e = appointment::AppointmentRescheduled {
        released: place(1_700_000_000),
        taken: place(1_800_000_000),
        by: Some(appointment::Party::default()),
    };
    let stream = appointment_stream();
    let t = trigger(
        APPOINTMENT_LOG,
        event_types::APPOINTMENT_RESCHEDULED,
        &stream,
        &e,
    );
    assert_eq!(t.appointment_id(), Some(APPOINTMENT));
    let args = Args::new()
        .with("start", ArgValue::DateTime(at(1_800_000_000)))
        .with("reference", text("K7MX4-QTR9B"));
    assert_eq!(
        notices(&t, &appointment_directory()),
        vec![notice(
            account(),
            Topic::AppointmentRescheduled,
            Some(CASE),
            args
        )]
    );
    assert!(
        notices(&t, &Context::default()).is_empty(),
        "unknown appointment: no one to tell"
    );
}

#[test]
fn a_cancellation_tells_the_applicant_which_appointment_is_off() {
    let e = appointment::AppointmentCancelled {
        released: place(1_800_000_000),
        by: Some(appointment::Party {
            staff_subject: "cw-7".into(),
        }),
        reason: "Krankheit".into(),
    };
    let stream = appointment_stream();
    let got = run(
        APPOINTMENT_LOG,
        event_types::APPOINTMENT_CANCELLED,
        &stream,
        &e,
        &appointment_directory(),
    );
    let args = Args::new()
        .with("start", ArgValue::DateTime(at(1_800_000_000)))
        .with("reference", text("K7MX4-QTR9B"));
    assert_eq!(
        got,
        vec![notice(
            account(),
            Topic::AppointmentCancelled,
            Some(CASE),
            args
        )]
    );
}
