//! Typed ids, so that an office id can never be passed where an appointment type id belongs.
//!
//! Ids of things this service owns or configures are UUIDs; the people are the subjects of
//! their accounts (OIDC `sub`), which are opaque strings and never names.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Declares a UUID newtype with `Display` and a constructor.
macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
    };
}

/// Declares an account-subject newtype with `Display`.
macro_rules! subject_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<&str> for $name {
            fn from(subject: &str) -> Self {
                Self(subject.to_owned())
            }
        }
    };
}

uuid_id!(
    /// One appointment: a booked or invited place in a slot, through all its reschedules.
    AppointmentId
);
uuid_id!(
    /// An office (Dienststelle, Standort) of a jobcenter.
    OfficeId
);
uuid_id!(
    /// A team within an office.
    TeamId
);
uuid_id!(
    /// A configured appointment type (first meeting, counselling, …).
    AppointmentTypeId
);
uuid_id!(
    /// A case of the case service (one per household).
    CaseId
);
subject_id!(
    /// An applicant's account subject.
    ApplicantId
);
subject_id!(
    /// A staff member's account subject (a caseworker, a team lead).
    StaffId
);

/// Fixed namespace of appointment ids: UUIDv5(namespace, command id).
pub const APPOINTMENT_NAMESPACE: Uuid = Uuid::from_u128(0x6b2f_0c94_e1d3_4a7b_9f05_3d8a_c41e_72b6);

impl AppointmentId {
    /// The appointment a booking or invitation command creates: the same command id (a retry)
    /// names the same appointment, and so the same booking reference.
    pub fn for_command(command_id: Uuid) -> Self {
        Self(Uuid::new_v5(&APPOINTMENT_NAMESPACE, command_id.as_bytes()))
    }

    /// The stream of the appointment: `appointment-<uuid>`.
    pub fn stream_id(self) -> String {
        format!("appointment-{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retried_command_names_the_same_appointment() {
        let command = Uuid::new_v4();
        assert_eq!(
            AppointmentId::for_command(command),
            AppointmentId::for_command(command)
        );
        assert_ne!(
            AppointmentId::for_command(command),
            AppointmentId::for_command(Uuid::new_v4())
        );
    }

    #[test]
    fn ids_display_as_their_value() {
        let id = AppointmentId(Uuid::nil());
        assert_eq!(id.to_string(), Uuid::nil().to_string());
        assert_eq!(
            id.stream_id(),
            "appointment-00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(StaffId::from("cw-7").to_string(), "cw-7");
    }
}
