//! gRPC handlers of `jobcenter.notification.v1.NotificationService`: authorise (the policy
//! layer ran before; here the scope and ownership), convert proto to domain ([`convert`]),
//! call the command path or read, convert back. Profiles and push in [`profile`], the mailbox
//! and read receipts in [`mailbox`], messages both ways in [`messages`], the print queue in
//! [`print`].

pub mod convert;
mod mailbox;
mod messages;
mod print;
mod profile;

use std::sync::Arc;
use std::time::Duration;

use access_log::{AccessLog, ObjectRef, ReadContext};
use eventlog::EventLog;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::notification::v1 as proto;
use jobcenter_proto::notification::v1::notification_service_server::NotificationService;
use platform::authz::{Authorized, Scope};
use sqlx::{PgPool, Postgres, Transaction};
use tonic::{Request, Response, Status};

use crate::commands::{Issuer, NotificationCommands};
use crate::consistency::{Follows, wait_for_position};
use crate::error::NotificationError;
use crate::settings::TenantSettings;

/// What the notification service's gRPC service is made of: the service state.
#[derive(Debug, Clone)]
pub struct Parts {
    /// The api role's pool: tenant-scoped reads of the read models and the log.
    pub pool: PgPool,
    /// The notification log (position tokens).
    pub log: EventLog,
    /// The read-access log every read of social data is recorded in.
    pub access: AccessLog,
    /// The command path (the worker role).
    pub commands: NotificationCommands,
    /// Each jobcenter's settings (a tenant without its own gets the defaults).
    pub tenants: Arc<std::collections::BTreeMap<String, TenantSettings>>,
    /// The VAPID public key browsers subscribe with (base64url of the uncompressed P-256
    /// point); `None` while push is not configured (GetPushKey answers FAILED_PRECONDITION).
    pub push_key: Option<String>,
    /// Which push endpoints applicants may register.
    pub push_endpoints: crate::domain::profile::EndpointRules,
    /// How long a call with a position token waits for a read model.
    pub wait_timeout: Duration,
}

/// The notification service's gRPC service.
#[derive(Debug, Clone)]
pub struct NotificationApi {
    parts: Arc<Parts>,
}

impl NotificationApi {
    /// The service made of `parts`.
    pub fn new(parts: Parts) -> Self {
        Self {
            parts: Arc::new(parts),
        }
    }

    /// The settings of `authorized`'s tenant.
    fn tenant(&self, tenant: &platform::TenantId) -> TenantSettings {
        self.parts
            .tenants
            .get(tenant.as_str())
            .cloned()
            .unwrap_or_default()
    }

    /// A read-only transaction in which row-level security shows only `tenant`.
    async fn tenant_tx(
        &self,
        tenant: &platform::TenantId,
    ) -> Result<Transaction<'static, Postgres>, NotificationError> {
        Ok(platform::db::begin_for_tenant(&self.parts.pool, tenant).await?)
    }

    /// Waits until the read model `position` names has applied it (see
    /// [`crate::consistency`]).
    async fn wait(
        &self,
        position: Option<&common::Position>,
        field: &'static str,
        follows: Follows,
    ) -> Result<(), NotificationError> {
        wait_for_position(
            &self.parts.pool,
            position,
            field,
            follows,
            self.parts.wait_timeout,
        )
        .await
    }

    /// A position token of the notification log.
    fn position(&self, at: eventlog::LogPosition) -> common::Position {
        convert::position(&self.parts.log, at)
    }
}

/// Whether the caller acts as the applicant (an `own` grant) rather than for the jobcenter.
fn acts_as_applicant(scope: Scope) -> bool {
    scope == Scope::Own
}

/// The issuer of a command by `authorized`.
fn issuer(authorized: &Authorized) -> Issuer {
    let caller = &authorized.caller;
    Issuer {
        tenant_id: caller.tenant_id.as_str().to_owned(),
        actor: caller.subject.clone(),
        correlation_id: Some(uuid::Uuid::new_v4()),
        traceparent: platform::telemetry::propagation::current_traceparent(),
    }
}

/// Runs `answer` as the call `read`, recorded with the objects (cases) it disclosed; it
/// answers only once that record is written.
async fn audited<T>(
    api: &NotificationApi,
    read: &ReadContext,
    answer: impl Future<Output = Result<(Response<T>, Vec<ObjectRef>), NotificationError>>,
) -> Result<Response<T>, Status> {
    let answer = async { answer.await.map_err(Status::from) };
    let (response, _) = api
        .parts
        .access
        .audited_with(read, None, answer, |(_, objects)| objects.clone())
        .await?;
    Ok(response)
}

/// The cases of `cases`, once each, for the read-access log.
fn case_objects(cases: impl IntoIterator<Item = Option<uuid::Uuid>>) -> Vec<ObjectRef> {
    let mut objects: Vec<ObjectRef> = cases.into_iter().flatten().map(ObjectRef::case).collect();
    objects.sort();
    objects.dedup();
    objects
}

#[tonic::async_trait]
impl NotificationService for NotificationApi {
    #[tracing::instrument(skip_all)]
    async fn get_profile(
        &self,
        request: Request<proto::GetProfileRequest>,
    ) -> Result<Response<proto::GetProfileResponse>, Status> {
        profile::get_profile(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_preferred_language(
        &self,
        request: Request<proto::SetPreferredLanguageRequest>,
    ) -> Result<Response<proto::SetPreferredLanguageResponse>, Status> {
        profile::set_preferred_language(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn give_consent(
        &self,
        request: Request<proto::GiveConsentRequest>,
    ) -> Result<Response<proto::GiveConsentResponse>, Status> {
        profile::give_consent(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn withdraw_consent(
        &self,
        request: Request<proto::WithdrawConsentRequest>,
    ) -> Result<Response<proto::WithdrawConsentResponse>, Status> {
        profile::withdraw_consent(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_email_address(
        &self,
        request: Request<proto::SetEmailAddressRequest>,
    ) -> Result<Response<proto::SetEmailAddressResponse>, Status> {
        profile::set_email_address(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn register_push_subscription(
        &self,
        request: Request<proto::RegisterPushSubscriptionRequest>,
    ) -> Result<Response<proto::RegisterPushSubscriptionResponse>, Status> {
        profile::register_push_subscription(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn remove_push_subscription(
        &self,
        request: Request<proto::RemovePushSubscriptionRequest>,
    ) -> Result<Response<proto::RemovePushSubscriptionResponse>, Status> {
        profile::remove_push_subscription(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_push_key(
        &self,
        request: Request<proto::GetPushKeyRequest>,
    ) -> Result<Response<proto::GetPushKeyResponse>, Status> {
        profile::get_push_key(self, request)
    }

    #[tracing::instrument(skip_all)]
    async fn list_mailbox(
        &self,
        request: Request<proto::ListMailboxRequest>,
    ) -> Result<Response<proto::ListMailboxResponse>, Status> {
        mailbox::list_mailbox(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_message(
        &self,
        request: Request<proto::GetMessageRequest>,
    ) -> Result<Response<proto::GetMessageResponse>, Status> {
        mailbox::get_message(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn mark_message_read(
        &self,
        request: Request<proto::MarkMessageReadRequest>,
    ) -> Result<Response<proto::MarkMessageReadResponse>, Status> {
        mailbox::mark_message_read(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn send_message(
        &self,
        request: Request<proto::SendMessageRequest>,
    ) -> Result<Response<proto::SendMessageResponse>, Status> {
        messages::send_message(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn reply_to_message(
        &self,
        request: Request<proto::ReplyToMessageRequest>,
    ) -> Result<Response<proto::ReplyToMessageResponse>, Status> {
        messages::reply_to_message(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_case_messages(
        &self,
        request: Request<proto::ListCaseMessagesRequest>,
    ) -> Result<Response<proto::ListCaseMessagesResponse>, Status> {
        mailbox::list_case_messages(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_dead_letters(
        &self,
        request: Request<proto::ListDeadLettersRequest>,
    ) -> Result<Response<proto::ListDeadLettersResponse>, Status> {
        mailbox::list_dead_letters(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_print_jobs(
        &self,
        request: Request<proto::ListPrintJobsRequest>,
    ) -> Result<Response<proto::ListPrintJobsResponse>, Status> {
        print::list_print_jobs(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_print_job(
        &self,
        request: Request<proto::GetPrintJobRequest>,
    ) -> Result<Response<proto::GetPrintJobResponse>, Status> {
        print::get_print_job(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn confirm_printed(
        &self,
        request: Request<proto::ConfirmPrintedRequest>,
    ) -> Result<Response<proto::ConfirmPrintedResponse>, Status> {
        print::confirm_printed(self, request).await
    }
}
