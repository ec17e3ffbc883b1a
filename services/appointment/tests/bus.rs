//! Other services learn of appointments from the bus: the relay publishes every event of the
//! log to JetStream (`EV_APPOINTMENT`) as `appointment.<MessageName>`, with the case id in the
//! metadata of an appointment of a case.

mod harness;

use harness::*;
use jobcenter_proto::appointment::v1 as proto;

#[tokio::test]
async fn a_booking_of_a_case_reaches_the_bus_with_its_type_and_case() {
    let mut app = spawn_app().await;
    let case = case_log(&app)
        .await
        .open(TENANT, "applicant-1", "cw-7")
        .await;
    let case_id = case.case_id.clone();
    let mut on_behalf = self_booking(FIRST_MEETING, berlin(tuesday(), 9, 0));
    on_behalf.applicant_subject = "applicant-1".into();
    on_behalf.case_id = case_id.clone();
    on_behalf.min_case_position = Some(case.position);
    let booked = app
        .client
        .book_appointment(as_caseworker(on_behalf))
        .await
        .expect("booked")
        .into_inner()
        .appointment
        .expect("appointment");
    assert_eq!(booked.case_id, case_id);

    let nats = async_nats::connect(app.nats.url()).await.expect("nats");
    let js = async_nats::jetstream::new(nats);
    let name = eventlog::wire::stream_name(appointment::LOG_NAME);
    let message = eventually("the booking on the bus", || {
        let (js, name) = (js.clone(), name.clone());
        async move {
            let stream = js.get_stream(&name).await.ok()?;
            stream.get_raw_message(1).await.ok()
        }
    })
    .await;
    assert!(
        message
            .subject
            .as_str()
            .starts_with(&format!("ev.appointment.{TENANT}.")),
        "{}",
        message.subject
    );
    let event = eventlog::wire::from_parts(&message.headers, &message.payload).expect("an event");
    assert_eq!(event.event_type, "appointment.AppointmentBooked");
    assert_eq!(
        event.stream_id,
        format!("appointment-{}", booked.appointment_id)
    );
    assert_eq!(event.metadata.case_id.as_deref(), Some(case_id.as_str()));
    let payload = <proto::AppointmentBooked as prost::Message>::decode(event.payload.as_slice())
        .expect("payload");
    assert_eq!(payload.booked_by, "cw-1");
    assert_eq!(payload.terms.expect("terms").reference, booked.reference);
}
