//! Reactions to events (intake's, the E-Akte's, the appointment service's, the notification
//! service's and the case log's own) and the deadline watcher.

pub mod appointments;
pub mod assign;
pub mod deadline_watcher;
pub mod foreign;
pub mod messages;
pub mod open_case;
pub mod sick_notes;
