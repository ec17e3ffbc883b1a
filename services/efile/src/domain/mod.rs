//! The E-Akte's domain: what a document is ([`types`], [`media`]), the document aggregate
//! ([`document`]), the recorded events ([`events`]), the checks on metadata ([`metadata`]), the
//! filing rules per jobcenter ([`rules`]) and retention ([`retention`]), legal days and the
//! clock ([`dates`]), the history in words ([`history`]), the ids ([`ids`]), the printable
//! record of a sick note that arrived as a form ([`sick_note_record`]) and the letter of a
//! decision the case service issued ([`decision_letter`]), both rendered by [`text_pdf`]. Pure:
//! no I/O, unit-tested beside the code.

pub mod dates;
pub mod decision_letter;
pub mod document;
pub mod events;
pub mod history;
pub mod ids;
pub mod media;
pub mod metadata;
pub mod retention;
pub mod rules;
pub mod sick_note_record;
pub mod types;

pub use document::Document;
pub use events::{Event, SCHEMA_VERSION};
