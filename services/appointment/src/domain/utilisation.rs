//! An office's utilisation: per day and appointment type, the places the calendar offers (the
//! capacity of every slot generated for the day, so none on a public holiday, a closure or a
//! day the office is closed) against the places taken (counted by the caller from the
//! appointments that are not cancelled).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::calendar::{AppointmentKind, AppointmentType, Closure, Office};
use super::ids::AppointmentTypeId;
use super::slots::{self, RangeError};

/// One type's places at the office on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyUtilisation {
    /// The Berlin day.
    pub day: NaiveDate,
    /// The appointment type.
    pub appointment_type: AppointmentTypeId,
    /// What the type is for.
    pub kind: AppointmentKind,
    /// Places offered: the sum of the capacities of the day's slots.
    pub offered: u32,
    /// Places taken.
    pub taken: u32,
}

impl DailyUtilisation {
    /// Taken over offered; 0 when nothing is offered (a holiday with an old booking left
    /// shows its places taken, but no share of nothing).
    pub fn share(&self) -> f64 {
        if self.offered == 0 {
            0.0
        } else {
            f64::from(self.taken) / f64::from(self.offered)
        }
    }
}

/// The utilisation of `office` for each of `types` on each day from `first_day` to `last_day`
/// (both included, at most [`slots::MAX_RANGE_DAYS`]): by day, then in the order of `types`.
/// `taken` holds the places taken per (day, type); absent means none.
pub fn utilisation(
    office: &Office,
    types: &[&AppointmentType],
    closures: &[Closure],
    first_day: NaiveDate,
    last_day: NaiveDate,
    taken: &HashMap<(NaiveDate, AppointmentTypeId), u32>,
) -> Result<Vec<DailyUtilisation>, RangeError> {
    let mut offered: HashMap<(NaiveDate, AppointmentTypeId), u32> = HashMap::new();
    for kind in types {
        for slot in slots::generate(office, kind, closures, first_day, last_day)? {
            *offered.entry((slot.local_date, kind.id)).or_default() += slot.capacity;
        }
    }
    let days = (last_day - first_day).num_days() + 1;
    Ok(first_day
        .iter_days()
        .take(usize::try_from(days).unwrap_or_default())
        .flat_map(|day| types.iter().map(move |kind| (day, *kind)))
        .map(|(day, kind)| {
            let key = (day, kind.id);
            DailyUtilisation {
                day,
                appointment_type: kind.id,
                kind: kind.kind,
                offered: offered.get(&key).copied().unwrap_or_default(),
                taken: taken.get(&key).copied().unwrap_or_default(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{self, FIRST_MEETING, MELDETERMIN, day};

    fn of(rows: &[DailyUtilisation], on: NaiveDate, kind: AppointmentTypeId) -> (u32, u32) {
        let row = rows
            .iter()
            .find(|row| row.day == on && row.appointment_type == kind)
            .expect("a row for every day and type");
        (row.offered, row.taken)
    }

    #[test]
    fn holidays_closures_and_weekends_offer_nothing_and_taken_places_count_per_day_and_type() {
        let config = fixtures::config();
        let office = fixtures::office();
        let (first, meldetermin) = (fixtures::first_meeting(), fixtures::meldetermin());
        let taken = HashMap::from([
            ((day(2026, 4, 2), FIRST_MEETING), 3),
            ((day(2026, 4, 14), MELDETERMIN), 1),
        ]);
        // Thursday 2 April to Wednesday 15 April 2026: Karfreitag (3 April) and Ostermontag
        // (6 April) are holidays in NRW, the 15th is the staff meeting.
        let rows = utilisation(
            &office,
            &[&first, &meldetermin],
            &config.closures,
            day(2026, 4, 2),
            day(2026, 4, 15),
            &taken,
        )
        .expect("a valid range");
        assert_eq!(rows.len(), 14 * 2);
        assert_eq!(rows[0].day, day(2026, 4, 2));
        assert_eq!(rows[1].appointment_type, MELDETERMIN);
        // Thursday: 08–12 and 13–16 give 14 half-hour slots of two places.
        assert_eq!(of(&rows, day(2026, 4, 2), FIRST_MEETING), (28, 3));
        assert_eq!(of(&rows, day(2026, 4, 3), FIRST_MEETING), (0, 0));
        assert_eq!(of(&rows, day(2026, 4, 4), FIRST_MEETING), (0, 0));
        assert_eq!(of(&rows, day(2026, 4, 6), FIRST_MEETING), (0, 0));
        // Tuesday after Easter: an ordinary day; the Meldetermin has one place per slot.
        assert_eq!(of(&rows, day(2026, 4, 14), MELDETERMIN), (14, 1));
        assert_eq!(of(&rows, day(2026, 4, 15), FIRST_MEETING), (0, 0));
        // Wednesday 8 April: 08–12 only.
        assert_eq!(of(&rows, day(2026, 4, 8), FIRST_MEETING), (16, 0));
        let thursday = rows
            .iter()
            .find(|row| row.day == day(2026, 4, 2) && row.appointment_type == FIRST_MEETING)
            .expect("Thursday");
        assert!((thursday.share() - 3.0 / 28.0).abs() < 1e-9);
    }

    #[test]
    fn a_share_of_nothing_offered_is_zero_and_a_range_over_62_days_is_refused() {
        let row = DailyUtilisation {
            day: day(2026, 4, 3),
            appointment_type: FIRST_MEETING,
            kind: AppointmentKind::FirstMeeting,
            offered: 0,
            taken: 1,
        };
        assert_eq!(row.share(), 0.0);
        let first = fixtures::first_meeting();
        let too_long = utilisation(
            &fixtures::office(),
            &[&first],
            &[],
            day(2026, 1, 1),
            day(2026, 3, 31),
            &HashMap::new(),
        );
        assert!(matches!(too_long, Err(RangeError::TooLong { .. })));
    }
}
