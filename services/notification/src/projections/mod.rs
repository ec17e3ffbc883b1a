//! Read models over the service's own log (`EV_NOTIFICATION`), each a
//! [`projection::Projection`] with its checkpoint in `notification.projection_checkpoints`,
//! rebuildable from the log:
//!
//! - [`profiles`]: applicants' communication profiles and push subscriptions;
//! - [`mailbox`]: every message both ways with each channel's delivery, which the mailbox,
//!   the case's messages and the dead letters read ([`mailbox_queries`]).
//!
//! The other services' logs feed the directories in [`crate::sources`].

pub mod mailbox;
pub mod mailbox_queries;
pub mod profiles;
