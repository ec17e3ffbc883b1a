//! The values a message template is filled with. Dates and times stay typed here; the
//! templates format them for the message's language (Fluent's own date formatting is not
//! implemented in fluent-rs).

use chrono::{DateTime, NaiveDate, Utc};

/// One value of a template argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgValue {
    /// Text shown as it is (or a selector such as `main-application`).
    Text(String),
    /// A calendar day, formatted per language (de "15.12.2026", en "15 December 2026").
    Date(NaiveDate),
    /// An instant, shown in Europe/Berlin wall time per language (day and time).
    DateTime(DateTime<Utc>),
    /// A whole number.
    Number(i64),
    /// A list of texts, shown one per line with a bullet.
    List(Vec<String>),
}

/// The named arguments of a template, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args(pub Vec<(String, ArgValue)>);

impl Args {
    /// No arguments.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) an argument.
    pub fn with(mut self, name: &str, value: ArgValue) -> Self {
        self.set(name, value);
        self
    }

    /// Sets an argument, replacing one of the same name.
    pub fn set(&mut self, name: &str, value: ArgValue) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name.to_owned(), value)),
        }
    }

    /// The argument of this name.
    pub fn get(&self, name: &str) -> Option<&ArgValue> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}
