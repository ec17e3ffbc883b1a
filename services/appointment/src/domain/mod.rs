//! The appointment domain: pure, no I/O, unit-tested beside the code.
//!
//! - [`calendar`]: a jobcenter's offices, opening hours, appointment types, closures and
//!   booking rules; [`validation`] checks them with field paths.
//! - [`holidays`]: German public holidays by year and federal state.
//! - [`local_time`]: Europe/Berlin wall-clock times and their instants.
//! - [`slots`]: the slots an office offers for a type over a range of days.
//! - [`availability`]: which slots are free for whom, and alternatives to a lost slot.
//! - [`appointment`]: an appointment's events and states, and the fold between them.
//! - [`booking`]: the decisions: book, invite, cancel, reschedule, record attendance.
//! - [`reference`]: the booking reference applicants quote.
//! - [`invitation`]: the letter of a Meldetermin with its notice of consequences.
//! - [`reminders`]: when to remind an applicant, each reminder with a stable id.
//! - [`ical`]: iCalendar (RFC 5545) files for one appointment and a caseworker's feed.
//! - [`utilisation`]: an office's places offered and taken per day and type.
//! - [`video_link`]: the joining link of a video appointment.
//! - [`wording`]: dates, times, channels and places in German and English.
//! - [`ids`]: typed ids.

pub mod appointment;
pub mod availability;
pub mod booking;
pub mod calendar;
pub mod holidays;
pub mod ical;
pub mod ids;
pub mod invitation;
pub mod local_time;
pub mod reference;
pub mod reminders;
pub mod slots;
pub mod utilisation;
pub mod validation;
pub mod video_link;
pub mod wording;

#[cfg(test)]
pub(crate) mod fixtures;
