//! Reactions to other services' events.

pub mod open_case;
