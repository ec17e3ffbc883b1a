//! Given events, when a command, then events or a refusal.

use super::*;
use crate::domain::appointment::{self, Status, place_changes};
use crate::domain::fixtures::{self, day, utc};
use crate::domain::invitation::{self, InvitationDetails, InvitationTemplates};
use crate::domain::slots;
use uuid::Uuid;

mod booking;
mod changes;
mod properties;

/// First meetings, counselling and Meldetermine of Tuesday 14 and Wednesday 22 April 2026.
struct World {
    rules: BookingRules,
    first_meeting: AppointmentType,
    meldetermin: AppointmentType,
    slots: Vec<Slot>,
    occupancy: Occupancy,
}

impl World {
    fn new() -> Self {
        let office = fixtures::office();
        let (first_meeting, meldetermin) = (fixtures::first_meeting(), fixtures::meldetermin());
        let mut all = Vec::new();
        for kind in [&first_meeting, &meldetermin] {
            for date in [day(2026, 4, 14), day(2026, 4, 22)] {
                all.extend(slots::generate(&office, kind, &[], date, date).expect("slots"));
            }
        }
        Self {
            rules: BookingRules::default(),
            first_meeting,
            meldetermin,
            slots: all,
            occupancy: Occupancy::new(),
        }
    }

    fn context<'a>(&'a self, kind: &'a AppointmentType, now: &str) -> Context<'a> {
        Context {
            now: utc(now),
            rules: &self.rules,
            appointment_type: kind,
            slots: &self.slots,
            occupancy: &self.occupancy,
        }
    }

    /// Applies the place changes of `events`, as the database does in the same transaction.
    fn commit(&mut self, events: &[Event]) {
        for (key, change) in events.iter().flat_map(place_changes) {
            self.occupancy.add(key, change);
        }
    }

    /// The slot of `kind` starting at `local` (e.g. "2026-04-14T09:00:00+02:00").
    fn slot(&self, kind: &AppointmentType, local: &str) -> SlotKey {
        let start = utc(local);
        self.slots
            .iter()
            .find(|s| s.appointment_type == kind.id && s.start == start)
            .map(Slot::key)
            .expect("a generated slot")
    }
}

/// Friday 10 April 2026, noon in Berlin.
const FRIDAY_NOON: &str = "2026-04-10T10:00:00Z";
/// Tuesday 14 April 2026, 09:00 in Berlin.
const TUESDAY_NINE: &str = "2026-04-14T09:00:00+02:00";

fn booking(n: u128, slot: SlotKey) -> Booking {
    Booking {
        appointment: AppointmentId(Uuid::from_u128(n)),
        applicant: ApplicantId::from(format!("applicant-{n}").as_str()),
        case: None,
        slot,
        channel: Channel::InPerson,
        video_link: None,
    }
}

fn staff() -> StaffId {
    StaffId::from("caseworker-1")
}

fn the_invitation(world: &World, slot: SlotKey) -> Box<Invitation> {
    let office = fixtures::office();
    let details = InvitationDetails {
        appointment_type: &world.meldetermin,
        office: &office,
        channel: Channel::InPerson,
        video_link: None,
        start: slot.start,
        reference: BookingReference::of(AppointmentId(Uuid::from_u128(1))),
    };
    Box::new(invitation::render(&InvitationTemplates::default(), &details).expect("rendered"))
}

/// An appointment booked by applicant 1 at Tuesday 09:00, and the world after it.
fn booked() -> (World, Appointment) {
    let mut world = World::new();
    let slot = world.slot(&world.first_meeting, TUESDAY_NINE);
    let events = decide(
        None,
        Command::Book {
            booking: booking(1, slot),
            by: Party::Applicant,
        },
        &world.context(&world.first_meeting, FRIDAY_NOON),
    )
    .expect("booked");
    world.commit(&events);
    (world, appointment::fold(&events).expect("an appointment"))
}

/// A Meldetermin set for Tuesday 09:00 in case 7, and the world after it.
fn invited() -> (World, Appointment) {
    let mut world = World::new();
    let slot = world.slot(&world.meldetermin, TUESDAY_NINE);
    let mut wanted = booking(1, slot);
    wanted.case = Some(CaseId(Uuid::from_u128(7)));
    let command = Command::Invite {
        booking: wanted,
        by: staff(),
        invitation: the_invitation(&world, slot),
    };
    let events = decide(
        None,
        command,
        &world.context(&world.meldetermin, FRIDAY_NOON),
    )
    .expect("invited");
    world.commit(&events);
    (world, appointment::fold(&events).expect("an appointment"))
}
