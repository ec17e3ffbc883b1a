//! gRPC handlers of `jobcenter.appointment.v1.AppointmentService`: authorise (the policy layer
//! ran before; here the scope), convert proto to domain ([`convert`]), call the command path or
//! read, convert back. The calendar and free slots are in [`calendar`], booking and invitation
//! in [`booking`] (the case checked in [`case_links`]), cancellation, rescheduling and
//! attendance in [`changes`], assignment in [`assign`], the audited reads of an appointment in
//! [`queries`], the read models' audited reads in [`reads`] and an office's utilisation in
//! [`utilisation`].

mod assign;
mod booking;
mod calendar;
mod case_links;
mod changes;
pub mod convert;
mod queries;
mod reads;
mod utilisation;

use std::sync::Arc;
use std::time::Duration;

use access_log::AccessLog;
use eventlog::EventLog;
use jobcenter_proto::appointment::v1 as proto;
use jobcenter_proto::appointment::v1::appointment_service_server::AppointmentService;
use platform::TenantId;
use platform::authz::{Authorized, Scope};
use sqlx::{PgPool, Postgres, Transaction};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::calendars::{Calendars, TenantCalendar};
use crate::clock::Clock;
use crate::commands::{AppointmentCommands, Issuer};
use crate::consistency::{Accepted, wait_for_position};
use crate::domain::appointment::{Appointment, Party};
use crate::domain::ids::StaffId;
use crate::error::AppointmentError;
use crate::projections::appointment_queries;

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
    /// How long a call with a position token waits for a read model.
    pub wait_timeout: Duration,
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

    /// Waits until the read model named by `position` has applied it (see
    /// [`crate::consistency`]).
    async fn wait(
        &self,
        position: Option<&jobcenter_proto::common::v1::Position>,
        field: &'static str,
        accepted: Accepted,
    ) -> Result<(), AppointmentError> {
        wait_for_position(
            &self.parts.pool,
            position,
            field,
            accepted,
            self.parts.wait_timeout,
        )
        .await
    }

    /// `appointment` as the API shows it to a caller of `tenant`, with whose it is: its
    /// caseworker, else its case's responsible caseworker as the case directory knows it.
    async fn shown(
        &self,
        tenant: &TenantId,
        appointment: &Appointment,
    ) -> Result<proto::Appointment, AppointmentError> {
        let responsible = match (&appointment.caseworker, appointment.terms.case) {
            (Some(holder), _) => Some(holder.0.clone()),
            (None, Some(case)) => {
                let mut tx = platform::db::begin_for_tenant(&self.parts.pool, tenant).await?;
                appointment_queries::case_caseworker(&mut tx, tenant.as_str(), case).await?
            }
            (None, None) => None,
        };
        Ok(convert::responsible_appointment(appointment, responsible))
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

    #[tracing::instrument(skip_all)]
    async fn assign_appointment(
        &self,
        request: Request<proto::AssignAppointmentRequest>,
    ) -> Result<Response<proto::AssignAppointmentResponse>, Status> {
        assign::assign_appointment(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_caseworker_day(
        &self,
        request: Request<proto::GetCaseworkerDayRequest>,
    ) -> Result<Response<proto::GetCaseworkerDayResponse>, Status> {
        reads::get_caseworker_day(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_office_utilisation(
        &self,
        request: Request<proto::GetOfficeUtilisationRequest>,
    ) -> Result<Response<proto::GetOfficeUtilisationResponse>, Status> {
        utilisation::get_office_utilisation(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_my_appointments(
        &self,
        request: Request<proto::ListMyAppointmentsRequest>,
    ) -> Result<Response<proto::ListMyAppointmentsResponse>, Status> {
        reads::list_my_appointments(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_caseworker_calendar_feed(
        &self,
        request: Request<proto::GetCaseworkerCalendarFeedRequest>,
    ) -> Result<Response<proto::GetCaseworkerCalendarFeedResponse>, Status> {
        reads::get_caseworker_calendar_feed(self, request).await
    }
}
