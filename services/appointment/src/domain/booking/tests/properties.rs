//! Whatever the order of bookings, cancellations and reschedules, the places counted equal the
//! appointments holding them and never exceed a slot's capacity.

use super::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    Book {
        who: usize,
        slot: usize,
        staff: bool,
    },
    Cancel {
        who: usize,
        staff: bool,
    },
    Move {
        who: usize,
        slot: usize,
        staff: bool,
    },
}

fn any_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..4usize, 0..4usize, any::<bool>()).prop_map(|(who, slot, staff)| Step::Book {
            who,
            slot,
            staff
        }),
        (0..4usize, any::<bool>()).prop_map(|(who, staff)| Step::Cancel { who, staff }),
        (0..4usize, 0..4usize, any::<bool>()).prop_map(|(who, slot, staff)| Step::Move {
            who,
            slot,
            staff
        }),
    ]
}

fn party(staff: bool) -> Party {
    if staff {
        Party::Jobcenter(StaffId::from("caseworker-1"))
    } else {
        Party::Applicant
    }
}

proptest! {
    #[test]
    fn places_taken_always_match_the_appointments_holding_them(
        steps in prop::collection::vec(any_step(), 1..40),
    ) {
        let mut world = World::new();
        // The first four first-meeting slots of Tuesday, two places each.
        let offered: Vec<SlotKey> = world
            .slots
            .iter()
            .filter(|s| s.appointment_type == world.first_meeting.id)
            .take(4)
            .map(Slot::key)
            .collect();
        let mut appointments: Vec<Option<Appointment>> = vec![None; 4];
        for step in steps {
            let (who, command) = match step {
                Step::Book { who, slot, staff } => (who, Command::Book {
                    booking: booking(who as u128, offered[slot]),
                    by: party(staff),
                }),
                Step::Cancel { who, staff } => (who, Command::Cancel {
                    by: party(staff),
                    reason: Some("Terminänderung".into()),
                }),
                Step::Move { who, slot, staff } => (who, Command::Reschedule {
                    to: offered[slot],
                    by: party(staff),
                }),
            };
            let decided = decide(
                appointments[who].as_ref(),
                command,
                &world.context(&world.first_meeting, FRIDAY_NOON),
            );
            if let Ok(events) = decided {
                world.commit(&events);
                appointments[who] = events.iter().fold(appointments[who].take(), appointment::evolve);
            }
            for key in &offered {
                let holding = appointments
                    .iter()
                    .flatten()
                    .filter(|a| a.status.is_open() && a.place.key() == *key)
                    .count();
                prop_assert_eq!(world.occupancy.taken(key) as usize, holding);
                prop_assert!(world.occupancy.taken(key) <= world.first_meeting.capacity);
            }
        }
    }
}
