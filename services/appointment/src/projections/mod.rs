//! Read models of the appointment service, each a [`projection::Projection`] fed from
//! JetStream with its checkpoint in `appointment.projection_checkpoints`, and rebuildable from
//! its log:
//!
//! - [`appointment_view`]: every appointment as it stands (from the service's own log), which
//!   the caseworker's day, the applicant's upcoming appointments, the office's utilisation and
//!   the caseworker's feed read ([`appointment_queries`]);
//! - [`case_directory`]: the cases this service knows (from the case log), whose they are and
//!   who is responsible for them.

pub mod appointment_queries;
pub mod appointment_view;
pub mod case_directory;
