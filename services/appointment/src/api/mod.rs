//! gRPC handlers of `jobcenter.appointment.v1.AppointmentService`: authorise (the policy layer
//! ran before; here the scope), convert proto to domain ([`convert`]), call the command path or
//! read, convert back. The calendar and free slots are in [`calendar`], booking and invitation
//! in [`booking`], cancellation, rescheduling and attendance in [`changes`], and the audited
//! reads of an appointment in [`queries`].

mod booking;
mod calendar;
mod changes;
pub mod convert;
mod queries;

use std::sync::Arc;

use access_log::AccessLog;
use eventlog::EventLog;
use jobcenter_proto::appointment::v1 as proto;
use jobcenter_proto::appointment::v1::appointment_service_server::AppointmentService;
use platform::authz::{Authorized, Scope};
use sqlx::{PgPool, Postgres, Transaction};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::calendars::{Calendars, TenantCalendar};
use crate::clock::Clock;
use crate::commands::{AppointmentCommands, Issuer};
use crate::domain::appointment::{Appointment, Party};
use crate::domain::ids::StaffId;
use crate::error::AppointmentError;

/// What the appointment service's gRPC service is made of.
#[derive(Debug, Clone)]
pub struct Parts {
    /// The api role's pool: tenant-scoped reads of the log and the place counts.
    pub pool: PgPool,
    /// The appointment log (position tokens; streams read in tenant transactions).
    pub log: EventLog,
    /// The read-access log every read of an appointment is recorded in.
    pub access: AccessLog,
    /// The command path (the worker role).
    pub commands: AppointmentCommands,
    /// Every jobcenter's calendar.
    pub calendars: Arc<Calendars>,
    /// The time.
    pub clock: Arc<dyn Clock>,
}

/// The appointment service's gRPC service.
#[derive(Debug, Clone)]
pub struct AppointmentApi {
    parts: Arc<Parts>,
}

impl AppointmentApi {
    /// The service made of `parts`.
    pub fn new(parts: Parts) -> Self {
        Self {
            parts: Arc::new(parts),
        }
    }

    /// The calendar of `authorized`'s tenant; a tenant without one knows no office or type.
    fn calendar(&self, authorized: &Authorized) -> Result<&TenantCalendar, AppointmentError> {
        self.parts
            .calendars
            .of(authorized.caller.tenant_id.as_str())
            .ok_or(AppointmentError::NotFound)
    }

    /// A read-only transaction in which row-level security shows only `authorized`'s tenant.
    async fn tenant_tx(
        &self,
        authorized: &Authorized,
    ) -> Result<Transaction<'static, Postgres>, AppointmentError> {
        Ok(platform::db::begin_for_tenant(&self.parts.pool, &authorized.caller.tenant_id).await?)
    }
}

/// Whether the caller acts as the applicant (an `own` grant) rather than for the jobcenter.
fn acts_as_applicant(authorized: &Authorized) -> bool {
    authorized.scope == Scope::Own
}

/// Who acts, as the domain records it.
fn party(authorized: &Authorized) -> Party {
    if acts_as_applicant(authorized) {
        Party::Applicant
    } else {
        Party::Jobcenter(staff(authorized))
    }
}

/// The calling staff member.
fn staff(authorized: &Authorized) -> StaffId {
    StaffId(authorized.caller.subject.clone())
}

/// Whether the caller may reach `appointment`: an applicant only their own.
fn may_reach(authorized: &Authorized) -> impl Fn(&Appointment) -> bool + '_ {
    move |appointment| authorized.may_reach(&appointment.terms.applicant.0)
}

/// The issuer of a command by `authorized` with the client's id `command_id`.
fn issuer(authorized: &Authorized, command_id: Uuid) -> Issuer {
    let caller = &authorized.caller;
    Issuer {
        tenant_id: caller.tenant_id.as_str().to_owned(),
        actor: caller.subject.clone(),
        command_id,
        correlation_id: Some(command_id),
        traceparent: platform::telemetry::propagation::current_traceparent(),
    }
}

#[tonic::async_trait]
impl AppointmentService for AppointmentApi {
    #[tracing::instrument(skip_all)]
    async fn get_calendar(
        &self,
        request: Request<proto::GetCalendarRequest>,
    ) -> Result<Response<proto::GetCalendarResponse>, Status> {
        calendar::get_calendar(self, request)
    }

    #[tracing::instrument(skip_all)]
    async fn search_availability(
        &self,
        request: Request<proto::SearchAvailabilityRequest>,
    ) -> Result<Response<proto::SearchAvailabilityResponse>, Status> {
        calendar::search_availability(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn book_appointment(
        &self,
        request: Request<proto::BookAppointmentRequest>,
    ) -> Result<Response<proto::BookAppointmentResponse>, Status> {
        booking::book_appointment(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn invite_to_appointment(
        &self,
        request: Request<proto::InviteToAppointmentRequest>,
    ) -> Result<Response<proto::InviteToAppointmentResponse>, Status> {
        booking::invite_to_appointment(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn cancel_appointment(
        &self,
        request: Request<proto::CancelAppointmentRequest>,
    ) -> Result<Response<proto::CancelAppointmentResponse>, Status> {
        changes::cancel_appointment(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn reschedule_appointment(
        &self,
        request: Request<proto::RescheduleAppointmentRequest>,
    ) -> Result<Response<proto::RescheduleAppointmentResponse>, Status> {
        changes::reschedule_appointment(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn record_attendance(
        &self,
        request: Request<proto::RecordAttendanceRequest>,
    ) -> Result<Response<proto::RecordAttendanceResponse>, Status> {
        changes::record_attendance(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_appointment(
        &self,
        request: Request<proto::GetAppointmentRequest>,
    ) -> Result<Response<proto::GetAppointmentResponse>, Status> {
        queries::get_appointment(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_appointment_calendar_file(
        &self,
        request: Request<proto::GetAppointmentCalendarFileRequest>,
    ) -> Result<Response<proto::GetAppointmentCalendarFileResponse>, Status> {
        queries::get_appointment_calendar_file(self, request).await
    }
}
