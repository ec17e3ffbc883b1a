//! Read models of the case service, each fed from the case log.

pub mod absences;
pub mod assignment_rules;
pub mod case_view;
pub mod deadlines;
pub mod incapacities;
pub mod tasks;
