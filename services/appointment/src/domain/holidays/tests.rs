//! Known dates from the states' published holiday calendars.

use super::*;
use proptest::prelude::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

#[test]
fn easter_falls_on_the_known_dates() {
    for (year, month, date) in [
        (2000, 4, 23),
        (2019, 4, 21),
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2027, 3, 28),
        (2028, 4, 16),
        (2038, 4, 25),
        (2285, 3, 22),
    ] {
        assert_eq!(easter_sunday(year), Some(day(year, month, date)), "{year}");
    }
}

proptest! {
    #[test]
    fn easter_is_a_sunday_between_22_march_and_25_april(year in 1583i32..4000) {
        let easter = easter_sunday(year).expect("a date");
        prop_assert_eq!(easter.weekday(), Weekday::Sun);
        prop_assert!(easter >= day(year, 3, 22) && easter <= day(year, 4, 25));
    }

    #[test]
    fn every_state_has_the_nationwide_holidays(year in 1995i32..2100, state in any_state()) {
        let days = public_holidays(year, state);
        for holiday in [Holiday::NewYear, Holiday::GoodFriday, Holiday::EasterMonday,
            Holiday::LabourDay, Holiday::Ascension, Holiday::WhitMonday,
            Holiday::GermanUnityDay, Holiday::ChristmasDay, Holiday::SecondChristmasDay] {
            prop_assert!(days.iter().any(|d| d.holiday == holiday), "{:?}", holiday);
        }
        // Sorted; two holidays can share a day (Ascension fell on 1 May in 2008).
        prop_assert!(days.windows(2).all(|w| w[0].date <= w[1].date));
    }
}

fn any_state() -> impl Strategy<Value = FederalState> {
    use FederalState::*;
    prop::sample::select(vec![
        BadenWuerttemberg,
        Bavaria,
        Berlin,
        Brandenburg,
        Bremen,
        Hamburg,
        Hesse,
        MecklenburgVorpommern,
        LowerSaxony,
        NorthRhineWestphalia,
        RhinelandPalatinate,
        Saarland,
        Saxony,
        SaxonyAnhalt,
        SchleswigHolstein,
        Thuringia,
    ])
}

#[test]
fn the_easter_based_holidays_of_2026_and_2027() {
    let nrw = FederalState::NorthRhineWestphalia;
    for (date, holiday) in [
        (day(2026, 4, 3), Holiday::GoodFriday),
        (day(2026, 4, 6), Holiday::EasterMonday),
        (day(2026, 5, 14), Holiday::Ascension),
        (day(2026, 5, 25), Holiday::WhitMonday),
        (day(2026, 6, 4), Holiday::CorpusChristi),
        (day(2027, 3, 26), Holiday::GoodFriday),
        (day(2027, 5, 6), Holiday::Ascension),
        (day(2027, 5, 17), Holiday::WhitMonday),
        (day(2027, 5, 27), Holiday::CorpusChristi),
    ] {
        assert_eq!(holiday_on(date, nrw), Some(holiday), "{date}");
    }
    // Fronleichnam is no holiday in Berlin.
    assert_eq!(holiday_on(day(2026, 6, 4), FederalState::Berlin), None);
}

#[test]
fn each_state_has_its_number_of_holidays_in_2026() {
    use FederalState::*;
    for (state, count) in [
        (BadenWuerttemberg, 12),
        (Bavaria, 13),
        (Berlin, 10),
        (Brandenburg, 12),
        (Bremen, 10),
        (Hamburg, 10),
        (Hesse, 10),
        (MecklenburgVorpommern, 11),
        (LowerSaxony, 10),
        (NorthRhineWestphalia, 11),
        (RhinelandPalatinate, 11),
        (Saarland, 12),
        (Saxony, 11),
        (SaxonyAnhalt, 11),
        (SchleswigHolstein, 10),
        (Thuringia, 11),
    ] {
        assert_eq!(public_holidays(2026, state).len(), count, "{state:?}");
    }
}

#[test]
fn holidays_introduced_later_apply_from_their_year() {
    use FederalState::*;
    let womens_day = |year, state| holiday_on(day(year, 3, 8), state);
    assert_eq!(womens_day(2019, Berlin), Some(Holiday::WomensDay));
    assert_eq!(womens_day(2018, Berlin), None);
    assert_eq!(
        womens_day(2023, MecklenburgVorpommern),
        Some(Holiday::WomensDay)
    );
    assert_eq!(womens_day(2022, MecklenburgVorpommern), None);
    assert_eq!(
        holiday_on(day(2026, 9, 20), Thuringia),
        Some(Holiday::WorldChildrensDay)
    );
    assert_eq!(holiday_on(day(2018, 9, 20), Thuringia), None);
    // Reformationstag: in the north since 2018, everywhere once in 2017.
    assert_eq!(
        holiday_on(day(2018, 10, 31), Hamburg),
        Some(Holiday::ReformationDay)
    );
    assert_eq!(holiday_on(day(2016, 10, 31), Hamburg), None);
    assert_eq!(
        holiday_on(day(2017, 10, 31), Bavaria),
        Some(Holiday::ReformationDay)
    );
    assert_eq!(holiday_on(day(2026, 10, 31), Bavaria), None);
    // Tag der Befreiung: once in 2020 and once in 2025, in Berlin only.
    assert_eq!(
        holiday_on(day(2025, 5, 8), Berlin),
        Some(Holiday::LiberationDay)
    );
    assert_eq!(holiday_on(day(2026, 5, 8), Berlin), None);
}

#[test]
fn repentance_day_is_the_wednesday_before_23_november_in_saxony_only() {
    assert_eq!(
        holiday_on(day(2026, 11, 18), FederalState::Saxony),
        Some(Holiday::RepentanceAndPrayerDay)
    );
    assert_eq!(
        holiday_on(day(2025, 11, 19), FederalState::Saxony),
        Some(Holiday::RepentanceAndPrayerDay)
    );
    // 23 November 2022 was a Wednesday: the day is the week before.
    assert_eq!(
        holiday_on(day(2022, 11, 16), FederalState::Saxony),
        Some(Holiday::RepentanceAndPrayerDay)
    );
    assert_eq!(holiday_on(day(2026, 11, 18), FederalState::Berlin), None);
}

#[test]
fn regional_fixed_holidays() {
    use FederalState::*;
    assert_eq!(
        holiday_on(day(2026, 1, 6), SaxonyAnhalt),
        Some(Holiday::Epiphany)
    );
    assert_eq!(holiday_on(day(2026, 1, 6), Saxony), None);
    assert_eq!(
        holiday_on(day(2026, 8, 15), Saarland),
        Some(Holiday::Assumption)
    );
    assert_eq!(holiday_on(day(2026, 8, 15), Hesse), None);
    assert_eq!(
        holiday_on(day(2026, 11, 1), RhinelandPalatinate),
        Some(Holiday::AllSaintsDay)
    );
    // Brandenburg's Easter and Whit Sundays are holidays by law.
    assert_eq!(
        holiday_on(day(2026, 4, 5), Brandenburg),
        Some(Holiday::EasterSunday)
    );
    assert_eq!(
        holiday_on(day(2026, 5, 24), Brandenburg),
        Some(Holiday::WhitSunday)
    );
}

#[test]
fn every_holiday_has_names_in_both_languages() {
    for holiday in public_holidays(2026, FederalState::Bavaria)
        .into_iter()
        .chain(public_holidays(2026, FederalState::Saxony))
    {
        assert!(!holiday.holiday.name_de().is_empty());
        assert!(!holiday.holiday.name_en().is_empty());
    }
    assert_eq!(Holiday::RepentanceAndPrayerDay.name_de(), "Buß- und Bettag");
}

#[test]
fn two_holidays_can_fall_on_one_day() {
    // Easter 2008 was 23 March, so Ascension fell on Labour Day.
    let days = public_holidays(2008, FederalState::Hesse);
    let first_of_may: Vec<Holiday> = days
        .iter()
        .filter(|d| d.date == day(2008, 5, 1))
        .map(|d| d.holiday)
        .collect();
    assert_eq!(first_of_may, vec![Holiday::LabourDay, Holiday::Ascension]);
}
