//! Field violations: what is wrong with a request, and where.
//!
//! Parsing collects every violation instead of stopping at the first one, so a client can show the
//! applicant all mistakes at once. Each violation names the field by its path in the request, e.g.
//! `main_application.household_members[1].person.birth_date`.

use std::fmt;

/// One thing wrong with one field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// Path of the field in the request, e.g. `main_application.address.postal_code`.
    pub field: String,
    /// What is wrong, in plain words (never the offending value: it may be personal data).
    pub description: String,
}

impl fmt::Display for FieldViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.description)
    }
}

/// A field path under construction: `FieldPath::root("main_application").child("address")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath(String);

impl FieldPath {
    /// A top-level field.
    pub fn root(name: &str) -> Self {
        Self(name.to_owned())
    }

    /// A field of the message at this path.
    pub fn child(&self, name: &str) -> Self {
        if self.0.is_empty() {
            Self(name.to_owned())
        } else {
            Self(format!("{}.{name}", self.0))
        }
    }

    /// An element of the repeated field at this path.
    pub fn index(&self, i: usize) -> Self {
        Self(format!("{}[{i}]", self.0))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Collects violations while a request is parsed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Violations(Vec<FieldViolation>);

impl Violations {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a violation of the field at `path`.
    pub fn push(&mut self, path: &FieldPath, description: impl Into<String>) {
        self.0.push(FieldViolation {
            field: path.as_str().to_owned(),
            description: description.into(),
        });
    }

    /// Keeps the value of a parse, or records its violation and gives `None`.
    pub fn keep<T>(&mut self, result: Result<T, FieldViolation>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The recorded violations, in the order found.
    pub fn into_vec(self) -> Vec<FieldViolation> {
        self.0
    }

    /// The recorded violations, in the order found.
    pub fn as_slice(&self) -> &[FieldViolation] {
        &self.0
    }
}

/// Shorthand for a violation of the field at `path`.
pub fn violation(path: &FieldPath, description: impl Into<String>) -> FieldViolation {
    FieldViolation {
        field: path.as_str().to_owned(),
        description: description.into(),
    }
}
