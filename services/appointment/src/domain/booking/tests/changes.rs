//! Cancelling, rescheduling and recording attendance.

use super::*;

#[test]
fn a_cancellation_frees_the_place() {
    let (mut world, appointment) = booked();
    let slot = appointment.place.key();
    let second = decide(
        None,
        Command::Book {
            booking: booking(2, slot),
            by: Party::Applicant,
        },
        &world.context(&world.first_meeting, FRIDAY_NOON),
    )
    .expect("the second place");
    world.commit(&second);
    assert_eq!(world.occupancy.taken(&slot), 2);
    let cancel = Command::Cancel {
        by: Party::Applicant,
        reason: None,
    };
    let events = decide(
        Some(&appointment),
        cancel,
        &world.context(&world.first_meeting, FRIDAY_NOON),
    )
    .expect("cancelled");
    world.commit(&events);
    assert_eq!(world.occupancy.taken(&slot), 1);
    let cancelled = events.iter().fold(Some(appointment), appointment::evolve);
    let cancelled = cancelled.expect("still there");
    assert_eq!(
        cancelled.status,
        Status::Cancelled {
            by: Party::Applicant,
            reason: None
        }
    );
    assert_eq!(cancelled.revision, 1);
    // The freed place can be booked again.
    let third = Command::Book {
        booking: booking(3, slot),
        by: Party::Applicant,
    };
    assert!(
        decide(
            None,
            third,
            &world.context(&world.first_meeting, FRIDAY_NOON)
        )
        .is_ok()
    );
    // A cancelled appointment stays cancelled.
    let again = Command::Cancel {
        by: Party::Applicant,
        reason: None,
    };
    assert_eq!(
        decide(
            Some(&cancelled),
            again,
            &world.context(&world.first_meeting, FRIDAY_NOON)
        ),
        Err(BookingError::NotOpen("cancelled"))
    );
}

#[test]
fn applicants_cancel_until_the_notice_period_and_the_jobcenter_with_a_reason() {
    let (world, appointment) = booked();
    let cancel = |by: Party, reason: Option<&str>, now: &str| {
        decide(
            Some(&appointment),
            Command::Cancel {
                by,
                reason: reason.map(str::to_owned),
            },
            &world.context(&world.first_meeting, now),
        )
    };
    // 09:00 on Tuesday: the applicant's notice ends 09:00 on Monday.
    assert_eq!(
        cancel(Party::Applicant, None, "2026-04-13T07:30:00Z"),
        Err(BookingError::NoticePassed {
            deadline: utc("2026-04-13T07:00:00Z")
        })
    );
    assert!(cancel(Party::Applicant, None, "2026-04-13T07:00:00Z").is_ok());
    let jobcenter = || Party::Jobcenter(staff());
    assert_eq!(
        cancel(jobcenter(), Some("  "), "2026-04-14T06:00:00Z"),
        Err(BookingError::ReasonRequired)
    );
    assert!(
        cancel(
            jobcenter(),
            Some("Krankheit der Sachbearbeiterin"),
            "2026-04-14T06:00:00Z"
        )
        .is_ok()
    );
    assert_eq!(
        cancel(jobcenter(), Some("zu spät"), "2026-04-14T07:00:00Z"),
        Err(BookingError::AlreadyStarted)
    );
}

#[test]
fn rescheduling_is_one_event_releasing_the_old_place_and_taking_the_new() {
    let (mut world, appointment) = booked();
    let old = appointment.place.key();
    let new = world.slot(&world.first_meeting, "2026-04-22T10:00:00+02:00");
    let command = Command::Reschedule {
        to: new,
        by: Party::Applicant,
    };
    let events = decide(
        Some(&appointment),
        command,
        &world.context(&world.first_meeting, FRIDAY_NOON),
    )
    .expect("moved");
    assert_eq!(events.len(), 1);
    assert_eq!(place_changes(&events[0]), vec![(old, -1), (new, 1)]);
    world.commit(&events);
    assert_eq!(world.occupancy.taken(&old), 0);
    assert_eq!(world.occupancy.taken(&new), 1);
    let moved = events
        .iter()
        .fold(Some(appointment.clone()), appointment::evolve)
        .expect("still there");
    assert_eq!(moved.status, Status::Rescheduled);
    assert_eq!(moved.place.key(), new);
    assert_eq!(moved.revision, 1);
    assert_eq!(moved.terms.reference, appointment.terms.reference);
    assert_eq!(moved.scheduled_at, utc(FRIDAY_NOON));
}

#[test]
fn a_reschedule_into_a_full_slot_is_refused_as_a_whole() {
    let (mut world, appointment) = booked();
    let full = world.slot(&world.first_meeting, "2026-04-22T10:00:00+02:00");
    world.occupancy.add(full, 2);
    let before = world.occupancy.clone();
    let command = Command::Reschedule {
        to: full,
        by: Party::Jobcenter(staff()),
    };
    let refused = decide(
        Some(&appointment),
        command,
        &world.context(&world.first_meeting, FRIDAY_NOON),
    );
    let Err(BookingError::SlotFull { alternatives }) = refused else {
        panic!("refused: {refused:?}")
    };
    assert_eq!(alternatives[0].slot.start, utc("2026-04-22T08:30:00Z"));
    // Nothing was released: the old place is still held.
    assert_eq!(world.occupancy, before);
    let same = Command::Reschedule {
        to: appointment.place.key(),
        by: Party::Applicant,
    };
    assert_eq!(
        decide(
            Some(&appointment),
            same,
            &world.context(&world.first_meeting, FRIDAY_NOON)
        ),
        Err(BookingError::SameSlot)
    );
}

#[test]
fn a_meldetermin_is_set_by_invitation_and_only_the_jobcenter_changes_it() {
    let (world, appointment) = invited();
    assert_eq!(appointment.status, Status::Invited);
    assert!(appointment.is_invitation());
    let context = world.context(&world.meldetermin, FRIDAY_NOON);
    let later = world.slot(&world.meldetermin, "2026-04-22T10:00:00+02:00");
    for command in [
        Command::Cancel {
            by: Party::Applicant,
            reason: Some("keine Zeit".into()),
        },
        Command::Reschedule {
            to: later,
            by: Party::Applicant,
        },
    ] {
        assert_eq!(
            decide(Some(&appointment), command, &context),
            Err(BookingError::InvitationIsBinding)
        );
    }
    let by_jobcenter = Command::Reschedule {
        to: later,
        by: Party::Jobcenter(staff()),
    };
    assert!(decide(Some(&appointment), by_jobcenter, &context).is_ok());
    // An invitation needs its case.
    let slot = world.slot(&world.meldetermin, TUESDAY_NINE);
    let without_case = Command::Invite {
        booking: booking(5, slot),
        by: staff(),
        invitation: the_invitation(&world, slot),
    };
    assert_eq!(
        decide(None, without_case, &context),
        Err(BookingError::InvitationNeedsCase)
    );
}

#[test]
fn attendance_is_recorded_once_after_the_start() {
    let (world, appointment) = booked();
    let record = |appointment: &Appointment, attendance: Attendance, now: &str| {
        decide(
            Some(appointment),
            Command::RecordAttendance {
                attendance,
                by: staff(),
            },
            &world.context(&world.first_meeting, now),
        )
    };
    assert_eq!(
        record(&appointment, Attendance::Attended, "2026-04-14T06:59:00Z"),
        Err(BookingError::NotStartedYet)
    );
    let events =
        record(&appointment, Attendance::Attended, "2026-04-14T07:05:00Z").expect("recorded");
    let attended = appointment::fold(
        [Event::Booked {
            terms: appointment.terms.clone(),
            place: appointment.place,
            origin: appointment.origin.clone(),
            at: appointment.changed_at,
        }]
        .iter()
        .chain(&events),
    )
    .expect("an appointment");
    assert_eq!(attended.status, Status::Attended);
    let no_show = Attendance::NoShow { reason: None };
    assert_eq!(
        record(&attended, no_show, "2026-04-14T08:00:00Z"),
        Err(BookingError::AttendanceAlreadyRecorded)
    );
}

#[test]
fn a_missed_meldetermin_without_a_reason_asks_the_caseworker_to_assess_it() {
    let (world, appointment) = invited();
    let context = world.context(&world.meldetermin, "2026-04-14T08:00:00Z");
    let no_show = |reason: Option<&str>| Command::RecordAttendance {
        attendance: Attendance::NoShow {
            reason: reason.map(str::to_owned),
        },
        by: staff(),
    };
    let events = decide(Some(&appointment), no_show(None), &context).expect("recorded");
    assert_eq!(
        events[1],
        Event::AssessmentRequested {
            case: CaseId(Uuid::from_u128(7)),
            appointment: appointment.terms.id,
            kind: AppointmentKind::Meldetermin,
            invitation: true,
            missed_start: utc("2026-04-14T07:00:00Z"),
        }
    );
    // With a reason given, nothing to assess yet.
    let events = decide(
        Some(&appointment),
        no_show(Some("krank, AU folgt")),
        &context,
    )
    .expect("recorded");
    assert_eq!(events.len(), 1);
    // A missed first meeting without a case: no task, there is no case to put it on.
    let (world, booked) = booked();
    let context = world.context(&world.first_meeting, "2026-04-14T08:00:00Z");
    let events = decide(Some(&booked), no_show(None), &context).expect("recorded");
    assert_eq!(events.len(), 1);
    // The same appointment of a case: a task.
    let mut of_a_case = booked;
    of_a_case.terms.case = Some(CaseId(Uuid::from_u128(8)));
    let events = decide(Some(&of_a_case), no_show(Some(" ")), &context).expect("recorded");
    assert!(matches!(
        events[..],
        [
            Event::NoShow { reason: None, .. },
            Event::AssessmentRequested {
                invitation: false,
                ..
            }
        ]
    ));
}

#[test]
fn commands_on_an_appointment_that_does_not_exist_are_refused() {
    let world = World::new();
    let command = Command::Cancel {
        by: Party::Applicant,
        reason: None,
    };
    assert_eq!(
        decide(
            None,
            command,
            &world.context(&world.first_meeting, FRIDAY_NOON)
        ),
        Err(BookingError::NotFound)
    );
}

#[test]
fn an_open_appointment_is_assigned_to_a_caseworker_once() {
    let (world, appointment) = booked();
    assert_eq!(appointment.caseworker, None);
    let context = world.context(&world.first_meeting, FRIDAY_NOON);
    let assign = || Command::Assign {
        caseworker: StaffId::from("caseworker-2"),
        by: staff(),
    };
    let events = decide(Some(&appointment), assign(), &context).expect("assigned");
    let assigned = events
        .iter()
        .fold(Some(appointment), appointment::evolve)
        .expect("still there");
    assert_eq!(assigned.caseworker, Some(StaffId::from("caseworker-2")));
    assert_eq!(
        assigned.revision, 0,
        "the applicant's calendar entry is unchanged"
    );
    assert_eq!(decide(Some(&assigned), assign(), &context), Ok(Vec::new()));
    // An invitation is held by the caseworker who sent it.
    let (_, invited) = invited();
    assert_eq!(invited.caseworker, Some(staff()));
}
