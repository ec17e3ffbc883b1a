//! German public holidays for a year and a federal state: on these days no office opens, so no
//! slot is offered.
//!
//! Hand-written (no crate for German state holidays is both well kept and lean): the dates follow
//! the states' holiday laws in force since 1995, with the changes since then dated where they
//! apply. Covered:
//! - nationwide: Neujahr, Karfreitag, Ostermontag, Tag der Arbeit, Christi Himmelfahrt,
//!   Pfingstmontag, Tag der Deutschen Einheit, 1. and 2. Weihnachtstag, and the one-off
//!   nationwide Reformationstag of 2017;
//! - by state: Heilige Drei Könige (BW, BY, ST), Frauentag (BE since 2019, MV since 2023),
//!   Ostersonntag and Pfingstsonntag (BB; Sundays anyway), Fronleichnam (BW, BY, HE, NW, RP, SL),
//!   Mariä Himmelfahrt (SL, and BY, where it is a holiday in the communities with a
//!   predominantly Catholic population, which are most of them), Weltkindertag (TH since 2019),
//!   Reformationstag (BB, MV, SN, ST, TH; HB, HH, NI, SH since 2018), Allerheiligen (BW, BY, NW,
//!   RP, SL), Buß- und Bettag (SN), and the one-off Tag der Befreiung in Berlin (2020, 2025).
//!
//! Not covered, and configured as closures of the offices concerned instead: communal holidays
//! (Augsburger Friedensfest; Fronleichnam in some communities of Saxony and Thuringia), Bavarian
//! communities without Mariä Himmelfahrt, and days the jobcenter closes for its own reasons
//! (Rosenmontag, Heiligabend, Silvester in many places).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// A German federal state (Land); its holidays differ. Serialised as its two-letter code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FederalState {
    /// Baden-Württemberg (BW).
    #[serde(rename = "BW")]
    BadenWuerttemberg,
    /// Bayern (BY).
    #[serde(rename = "BY")]
    Bavaria,
    /// Berlin (BE).
    #[serde(rename = "BE")]
    Berlin,
    /// Brandenburg (BB).
    #[serde(rename = "BB")]
    Brandenburg,
    /// Bremen (HB).
    #[serde(rename = "HB")]
    Bremen,
    /// Hamburg (HH).
    #[serde(rename = "HH")]
    Hamburg,
    /// Hessen (HE).
    #[serde(rename = "HE")]
    Hesse,
    /// Mecklenburg-Vorpommern (MV).
    #[serde(rename = "MV")]
    MecklenburgVorpommern,
    /// Niedersachsen (NI).
    #[serde(rename = "NI")]
    LowerSaxony,
    /// Nordrhein-Westfalen (NW).
    #[serde(rename = "NW")]
    NorthRhineWestphalia,
    /// Rheinland-Pfalz (RP).
    #[serde(rename = "RP")]
    RhinelandPalatinate,
    /// Saarland (SL).
    #[serde(rename = "SL")]
    Saarland,
    /// Sachsen (SN).
    #[serde(rename = "SN")]
    Saxony,
    /// Sachsen-Anhalt (ST).
    #[serde(rename = "ST")]
    SaxonyAnhalt,
    /// Schleswig-Holstein (SH).
    #[serde(rename = "SH")]
    SchleswigHolstein,
    /// Thüringen (TH).
    #[serde(rename = "TH")]
    Thuringia,
}

/// A public holiday by its name; [`Holiday::name_de`] and [`Holiday::name_en`] say it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holiday {
    /// Neujahr, 1 January.
    NewYear,
    /// Heilige Drei Könige, 6 January.
    Epiphany,
    /// Internationaler Frauentag, 8 March.
    WomensDay,
    /// Karfreitag, two days before Easter.
    GoodFriday,
    /// Ostersonntag.
    EasterSunday,
    /// Ostermontag.
    EasterMonday,
    /// Tag der Arbeit, 1 May.
    LabourDay,
    /// Tag der Befreiung, 8 May (Berlin, some years).
    LiberationDay,
    /// Christi Himmelfahrt, 39 days after Easter.
    Ascension,
    /// Pfingstsonntag, 49 days after Easter.
    WhitSunday,
    /// Pfingstmontag, 50 days after Easter.
    WhitMonday,
    /// Fronleichnam, 60 days after Easter.
    CorpusChristi,
    /// Mariä Himmelfahrt, 15 August.
    Assumption,
    /// Weltkindertag, 20 September.
    WorldChildrensDay,
    /// Tag der Deutschen Einheit, 3 October.
    GermanUnityDay,
    /// Reformationstag, 31 October.
    ReformationDay,
    /// Allerheiligen, 1 November.
    AllSaintsDay,
    /// Buß- und Bettag, the Wednesday before 23 November.
    RepentanceAndPrayerDay,
    /// 1. Weihnachtstag, 25 December.
    ChristmasDay,
    /// 2. Weihnachtstag, 26 December.
    SecondChristmasDay,
}

impl Holiday {
    /// The German name, as on a notice in the office.
    pub fn name_de(self) -> &'static str {
        match self {
            Holiday::NewYear => "Neujahr",
            Holiday::Epiphany => "Heilige Drei Könige",
            Holiday::WomensDay => "Internationaler Frauentag",
            Holiday::GoodFriday => "Karfreitag",
            Holiday::EasterSunday => "Ostersonntag",
            Holiday::EasterMonday => "Ostermontag",
            Holiday::LabourDay => "Tag der Arbeit",
            Holiday::LiberationDay => "Tag der Befreiung",
            Holiday::Ascension => "Christi Himmelfahrt",
            Holiday::WhitSunday => "Pfingstsonntag",
            Holiday::WhitMonday => "Pfingstmontag",
            Holiday::CorpusChristi => "Fronleichnam",
            Holiday::Assumption => "Mariä Himmelfahrt",
            Holiday::WorldChildrensDay => "Weltkindertag",
            Holiday::GermanUnityDay => "Tag der Deutschen Einheit",
            Holiday::ReformationDay => "Reformationstag",
            Holiday::AllSaintsDay => "Allerheiligen",
            Holiday::RepentanceAndPrayerDay => "Buß- und Bettag",
            Holiday::ChristmasDay => "1. Weihnachtstag",
            Holiday::SecondChristmasDay => "2. Weihnachtstag",
        }
    }

    /// The English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Holiday::NewYear => "New Year's Day",
            Holiday::Epiphany => "Epiphany",
            Holiday::WomensDay => "International Women's Day",
            Holiday::GoodFriday => "Good Friday",
            Holiday::EasterSunday => "Easter Sunday",
            Holiday::EasterMonday => "Easter Monday",
            Holiday::LabourDay => "Labour Day",
            Holiday::LiberationDay => "Liberation Day",
            Holiday::Ascension => "Ascension Day",
            Holiday::WhitSunday => "Whit Sunday",
            Holiday::WhitMonday => "Whit Monday",
            Holiday::CorpusChristi => "Corpus Christi",
            Holiday::Assumption => "Assumption Day",
            Holiday::WorldChildrensDay => "World Children's Day",
            Holiday::GermanUnityDay => "German Unity Day",
            Holiday::ReformationDay => "Reformation Day",
            Holiday::AllSaintsDay => "All Saints' Day",
            Holiday::RepentanceAndPrayerDay => "Day of Repentance and Prayer",
            Holiday::ChristmasDay => "Christmas Day",
            Holiday::SecondChristmasDay => "Boxing Day",
        }
    }
}

/// A holiday on its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicHoliday {
    /// The day (a whole local day in the state).
    pub date: NaiveDate,
    /// Which holiday it is.
    pub holiday: Holiday,
}

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous computus of Meeus, Jones and
/// Butcher); `None` only for years chrono cannot represent.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    NaiveDate::from_ymd_opt(
        year,
        u32::try_from(n / 31).ok()?,
        u32::try_from(n % 31 + 1).ok()?,
    )
}

/// The public holidays of `year` in `state`, in date order.
pub fn public_holidays(year: i32, state: FederalState) -> Vec<PublicHoliday> {
    use FederalState::*;
    use Holiday::*;
    let mut days: Vec<PublicHoliday> = Vec::new();
    let mut add = |holiday: Holiday, date: Option<NaiveDate>| {
        if let Some(date) = date {
            days.push(PublicHoliday { date, holiday });
        }
    };
    let fixed = |month: u32, day: u32| NaiveDate::from_ymd_opt(year, month, day);
    let easter = easter_sunday(year);
    let after_easter = |offset: i64| {
        easter.and_then(|e| {
            if offset < 0 {
                e.checked_sub_days(Days::new(offset.unsigned_abs()))
            } else {
                e.checked_add_days(Days::new(offset.unsigned_abs()))
            }
        })
    };
    let in_states = |states: &[FederalState]| states.contains(&state);

    add(NewYear, fixed(1, 1));
    if in_states(&[BadenWuerttemberg, Bavaria, SaxonyAnhalt]) {
        add(Epiphany, fixed(1, 6));
    }
    if (state == Berlin && year >= 2019) || (state == MecklenburgVorpommern && year >= 2023) {
        add(WomensDay, fixed(3, 8));
    }
    add(GoodFriday, after_easter(-2));
    if state == Brandenburg {
        add(EasterSunday, easter);
    }
    add(EasterMonday, after_easter(1));
    add(LabourDay, fixed(5, 1));
    if state == Berlin && (year == 2020 || year == 2025) {
        add(LiberationDay, fixed(5, 8));
    }
    add(Ascension, after_easter(39));
    if state == Brandenburg {
        add(WhitSunday, after_easter(49));
    }
    add(WhitMonday, after_easter(50));
    if in_states(&[
        BadenWuerttemberg,
        Bavaria,
        Hesse,
        NorthRhineWestphalia,
        RhinelandPalatinate,
        Saarland,
    ]) {
        add(CorpusChristi, after_easter(60));
    }
    if in_states(&[Bavaria, Saarland]) {
        add(Assumption, fixed(8, 15));
    }
    if state == Thuringia && year >= 2019 {
        add(WorldChildrensDay, fixed(9, 20));
    }
    add(GermanUnityDay, fixed(10, 3));
    let reformation_since_1990 = in_states(&[
        Brandenburg,
        MecklenburgVorpommern,
        Saxony,
        SaxonyAnhalt,
        Thuringia,
    ]);
    let reformation_since_2018 =
        in_states(&[Bremen, Hamburg, LowerSaxony, SchleswigHolstein]) && year >= 2018;
    if reformation_since_1990 || reformation_since_2018 || year == 2017 {
        add(ReformationDay, fixed(10, 31));
    }
    if in_states(&[
        BadenWuerttemberg,
        Bavaria,
        NorthRhineWestphalia,
        RhinelandPalatinate,
        Saarland,
    ]) {
        add(AllSaintsDay, fixed(11, 1));
    }
    if state == Saxony {
        add(RepentanceAndPrayerDay, repentance_and_prayer_day(year));
    }
    add(ChristmasDay, fixed(12, 25));
    add(SecondChristmasDay, fixed(12, 26));
    days.sort_by_key(|day| day.date);
    days
}

/// The holiday on `date` in `state`, if it is one.
pub fn holiday_on(date: NaiveDate, state: FederalState) -> Option<Holiday> {
    public_holidays(date.year(), state)
        .into_iter()
        .find(|day| day.date == date)
        .map(|day| day.holiday)
}

/// Buß- und Bettag: the last Wednesday before 23 November (so between the 16th and the 22nd).
fn repentance_and_prayer_day(year: i32) -> Option<NaiveDate> {
    (16..=22)
        .filter_map(|day| NaiveDate::from_ymd_opt(year, 11, day))
        .find(|date| date.weekday() == Weekday::Wed)
}

#[cfg(test)]
mod tests;
