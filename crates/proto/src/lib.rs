//! Generated code for the platform's gRPC contract (`proto/jobcenter/<area>/v1`).
//!
//! One crate owns all generated code so every service and client shares the same types.
#![allow(missing_docs, clippy::all, clippy::pedantic)]

/// Encoded `FileDescriptorSet` of every proto, for gRPC server reflection and descriptor-driven tests.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/jobcenter_descriptor.bin"));

/// `jobcenter.common.v1`: shared value types.
pub mod common {
    pub mod v1 {
        tonic::include_proto!("jobcenter.common.v1");
    }
}

/// `jobcenter.intake.v1`: applications and notices.
pub mod intake {
    pub mod v1 {
        tonic::include_proto!("jobcenter.intake.v1");
    }
}

/// `jobcenter.case.v1`: cases.
pub mod case {
    pub mod v1 {
        tonic::include_proto!("jobcenter.case.v1");
    }
}

/// `jobcenter.efile.v1`: the E-Akte (documents of a case).
pub mod efile {
    pub mod v1 {
        tonic::include_proto!("jobcenter.efile.v1");
    }
}

/// `jobcenter.appointment.v1`: appointments (calendars, booking, invitations).
pub mod appointment {
    pub mod v1 {
        tonic::include_proto!("jobcenter.appointment.v1");
    }
}

/// `jobcenter.notification.v1`: notifications (profiles and consent, mailbox, messages, print queue).
pub mod notification {
    pub mod v1 {
        tonic::include_proto!("jobcenter.notification.v1");
    }
}
