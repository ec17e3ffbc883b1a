//! The appointment service: slots, booking, invitations, reminders and calendar files.
//!
//! So far the pure domain (no I/O): calendars and their validation, public holidays, slots in
//! Europe/Berlin across daylight-saving changes, availability, the appointment's decisions,
//! booking references, the Meldetermin invitation, reminder plans and iCalendar files.

// Stricter than the workspace: every public item of the domain is documented.
#![warn(missing_docs)]

pub mod domain;
