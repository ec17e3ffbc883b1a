//! Booking and its refusals; the race for the last place.

use super::*;

#[test]
fn an_applicant_books_a_free_slot_and_gets_a_reference() {
    let (world, appointment) = booked();
    assert_eq!(appointment.status, Status::Booked);
    assert_eq!(appointment.origin, Origin::SelfService);
    assert_eq!(
        appointment.terms.reference,
        BookingReference::of(AppointmentId(Uuid::from_u128(1)))
    );
    assert_eq!(appointment.place.start, utc("2026-04-14T07:00:00Z"));
    assert_eq!(appointment.revision, 0);
    assert_eq!(world.occupancy.taken(&appointment.place.key()), 1);
}

#[test]
fn a_retried_booking_records_nothing_new_and_keeps_its_reference() {
    let (world, appointment) = booked();
    let slot = world.slot(&world.first_meeting, TUESDAY_NINE);
    let retry = Command::Book {
        booking: booking(1, slot),
        by: Party::Applicant,
    };
    let context = world.context(&world.first_meeting, FRIDAY_NOON);
    assert_eq!(decide(Some(&appointment), retry, &context), Ok(Vec::new()));
    // The same id for someone else is a conflict, not a retry.
    let mut other = booking(1, slot);
    other.applicant = ApplicantId::from("someone-else");
    let command = Command::Book {
        booking: other,
        by: Party::Applicant,
    };
    assert_eq!(
        decide(Some(&appointment), command, &context),
        Err(BookingError::AlreadyExists)
    );
}

#[test]
fn who_may_book_which_type() {
    let world = World::new();
    let meldetermin_slot = world.slot(&world.meldetermin, TUESDAY_NINE);
    let context = world.context(&world.meldetermin, FRIDAY_NOON);
    for by in [Party::Applicant, Party::Jobcenter(staff())] {
        let command = Command::Book {
            booking: booking(2, meldetermin_slot),
            by,
        };
        assert_eq!(
            decide(None, command, &context),
            Err(BookingError::InvitationRequired)
        );
    }
    // A type closed to self-service: staff book it, applicants do not.
    let mut staff_only = world.first_meeting.clone();
    staff_only.self_service = false;
    let slot = world.slot(&world.first_meeting, TUESDAY_NINE);
    let context = world.context(&staff_only, FRIDAY_NOON);
    let by_applicant = Command::Book {
        booking: booking(2, slot),
        by: Party::Applicant,
    };
    assert_eq!(
        decide(None, by_applicant, &context),
        Err(BookingError::NotSelfBookable)
    );
    let by_staff = Command::Book {
        booking: booking(2, slot),
        by: Party::Jobcenter(staff()),
    };
    let events = decide(None, by_staff, &context).expect("staff book");
    assert!(matches!(
        &events[..],
        [Event::Booked {
            origin: Origin::BookedByStaff(_),
            ..
        }]
    ));
}

#[test]
fn applicants_book_within_the_window_and_staff_anything_ahead() {
    let world = World::new();
    let slot = world.slot(&world.first_meeting, TUESDAY_NINE);
    let book = |by: Party, now: &str| {
        decide(
            None,
            Command::Book {
                booking: booking(2, slot),
                by,
            },
            &world.context(&world.first_meeting, now),
        )
    };
    // The evening before: less than 24 hours' lead.
    assert_eq!(
        book(Party::Applicant, "2026-04-13T18:00:00Z"),
        Err(BookingError::TooSoon {
            earliest: utc("2026-04-14T18:00:00Z")
        })
    );
    assert!(book(Party::Jobcenter(staff()), "2026-04-13T18:00:00Z").is_ok());
    // Seven weeks before: beyond the six-week horizon.
    assert!(matches!(
        book(Party::Applicant, "2026-02-24T10:00:00Z"),
        Err(BookingError::TooFarAhead { .. })
    ));
    // Once it began, nobody books it.
    assert_eq!(
        book(Party::Jobcenter(staff()), "2026-04-14T07:00:00Z"),
        Err(BookingError::InThePast)
    );
}

#[test]
fn only_offered_slots_channels_and_links_are_accepted() {
    let world = World::new();
    let context = world.context(&world.first_meeting, FRIDAY_NOON);
    let slot = world.slot(&world.first_meeting, TUESDAY_NINE);
    let book = |booking: Booking| {
        decide(
            None,
            Command::Book {
                booking,
                by: Party::Applicant,
            },
            &context,
        )
    };
    let mut odd_time = booking(2, slot);
    odd_time.slot.start = utc("2026-04-14T07:10:00Z");
    assert_eq!(book(odd_time), Err(BookingError::NoSuchSlot));
    let other_type = booking(2, world.slot(&world.meldetermin, TUESDAY_NINE));
    assert_eq!(book(other_type), Err(BookingError::WrongType));
    let mut video = booking(2, slot);
    video.channel = Channel::Video;
    assert_eq!(book(video.clone()), Err(BookingError::VideoLinkMissing));
    video.video_link = VideoLink::parse("https://video.example/r/1").ok();
    assert!(book(video.clone()).is_ok());
    video.channel = Channel::Phone;
    assert_eq!(book(video), Err(BookingError::VideoLinkWithoutVideo));
    let mut counselling_only_in_person = world.first_meeting.clone();
    counselling_only_in_person.channels = vec![Channel::InPerson];
    let mut phone = booking(2, slot);
    phone.channel = Channel::Phone;
    let context = world.context(&counselling_only_in_person, FRIDAY_NOON);
    let command = Command::Book {
        booking: phone,
        by: Party::Applicant,
    };
    assert_eq!(
        decide(None, command, &context),
        Err(BookingError::ChannelNotOffered(Channel::Phone))
    );
}

#[test]
fn two_racing_for_the_last_place_one_gets_it_the_other_fresh_alternatives() {
    // One of the two places at 09:00 is taken.
    let (mut world, _) = booked();
    let slot = world.slot(&world.first_meeting, TUESDAY_NINE);
    let command = |n| Command::Book {
        booking: booking(n, slot),
        by: Party::Applicant,
    };
    // Both decide on the same snapshot: each sees one place left.
    let first = decide(
        None,
        command(2),
        &world.context(&world.first_meeting, FRIDAY_NOON),
    )
    .expect("place left");
    let second = decide(
        None,
        command(3),
        &world.context(&world.first_meeting, FRIDAY_NOON),
    );
    assert!(second.is_ok());
    // The first commits; the database refuses the second's count, and the service retries
    // the decision on the fresh occupancy (or calls `slot_full` directly): a clear error.
    world.commit(&first);
    let context = world.context(&world.first_meeting, FRIDAY_NOON);
    let Err(BookingError::SlotFull { alternatives }) = decide(None, command(3), &context) else {
        panic!("the slot is full")
    };
    let starts: Vec<_> = alternatives.iter().map(|free| free.slot.start).collect();
    assert_eq!(
        starts,
        [
            "2026-04-14T07:30:00Z",
            "2026-04-14T08:00:00Z",
            "2026-04-14T08:30:00Z",
            "2026-04-14T09:00:00Z",
            "2026-04-14T09:30:00Z",
        ]
        .map(utc)
    );
    assert_eq!(
        slot_full(&context, &slot, Audience::SelfService),
        BookingError::SlotFull { alternatives }
    );
}
