//! Profiles: read one (audited), choose the language, give and withdraw consent, set the
//! e-mail address, register and remove push subscriptions, the VAPID key.
//!
//! An applicant acts on their own profile only (naming another account is NOT_FOUND, as for
//! another tenant's); staff name the applicant's account and see whether an address is set,
//! never the address itself.

use access_log::ReadContext;
use jobcenter_proto::notification::v1 as proto;
use platform::authz::{Authorized, Scope};
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::{NotificationApi, acts_as_applicant, audited, convert, issuer};
use crate::domain::Channel;
use crate::domain::profile::Command;
use crate::error::NotificationError;
use crate::projections::profiles;

/// Token logs a profile read follows: this service's commands, into the profiles.
const PROFILE_READS: crate::consistency::Follows = &[(crate::LOG_NAME, profiles::NAME)];

/// Why a push subscription ends when the applicant removes it.
const REMOVED_BY_APPLICANT: &str = "removed by the applicant";

/// The account a call is about: an applicant's own (empty or their subject; another is
/// NOT_FOUND), or the one staff name (required).
fn account(scope: Scope, caller: &str, given: &str) -> Result<String, NotificationError> {
    if acts_as_applicant(scope) {
        if given.is_empty() || given == caller {
            Ok(caller.to_owned())
        } else {
            Err(NotificationError::NotFound)
        }
    } else {
        convert::subject(given, "account")
    }
}

pub(super) async fn get_profile(
    api: &NotificationApi,
    request: Request<proto::GetProfileRequest>,
) -> Result<Response<proto::GetProfileResponse>, Status> {
    let read = ReadContext::from_request(&request)?;
    let req = request.into_inner();
    let answer = async {
        let caller = read.caller();
        let account = account(read.scope(), &caller.subject, &req.account)?;
        api.wait(
            req.min_position.as_ref(),
            "min_position.token",
            PROFILE_READS,
        )
        .await?;
        let mut tx = api.tenant_tx(&caller.tenant_id).await?;
        let stored = profiles::get(&mut tx, caller.tenant_id.as_str(), &account).await?;
        let offered = api.tenant(&caller.tenant_id).languages;
        let shown = convert::profile(stored, &offered, acts_as_applicant(read.scope()));
        Ok((
            Response::new(proto::GetProfileResponse {
                profile: Some(shown),
            }),
            Vec::new(),
        ))
    };
    audited(api, &read, answer).await
}

/// Runs `command` (made from the account's profile settings) on the profile of `account`.
async fn change(
    api: &NotificationApi,
    authorized: &Authorized,
    account: &str,
    command: Command,
) -> Result<crate::commands::profile::ProfileChanged, NotificationError> {
    api.parts
        .commands
        .change_profile(&issuer(authorized), account, command)
        .await
}

pub(super) async fn set_preferred_language(
    api: &NotificationApi,
    request: Request<proto::SetPreferredLanguageRequest>,
) -> Result<Response<proto::SetPreferredLanguageResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let caller = &authorized.caller;
    let account = account(authorized.scope, &caller.subject, &req.account)?;
    let offered = api.tenant(&caller.tenant_id).languages;
    let command = Command::set_preferred_language(&req.language, &offered)
        .map_err(NotificationError::from)?;
    let changed = change(api, &authorized, &account, command).await?;
    Ok(Response::new(proto::SetPreferredLanguageResponse {
        position: Some(api.position(changed.position)),
    }))
}

pub(super) async fn give_consent(
    api: &NotificationApi,
    request: Request<proto::GiveConsentRequest>,
) -> Result<Response<proto::GiveConsentResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let account = account(authorized.scope, &authorized.caller.subject, &req.account)?;
    let command = Command::give_consent(Channel::from_proto(req.channel), &req.wording_version)
        .map_err(NotificationError::from)?;
    let changed = change(api, &authorized, &account, command).await?;
    Ok(Response::new(proto::GiveConsentResponse {
        position: Some(api.position(changed.position)),
    }))
}

pub(super) async fn withdraw_consent(
    api: &NotificationApi,
    request: Request<proto::WithdrawConsentRequest>,
) -> Result<Response<proto::WithdrawConsentResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let account = account(authorized.scope, &authorized.caller.subject, &req.account)?;
    let command = Command::withdraw_consent(Channel::from_proto(req.channel))
        .map_err(NotificationError::from)?;
    let changed = change(api, &authorized, &account, command).await?;
    Ok(Response::new(proto::WithdrawConsentResponse {
        position: Some(api.position(changed.position)),
    }))
}

pub(super) async fn set_email_address(
    api: &NotificationApi,
    request: Request<proto::SetEmailAddressRequest>,
) -> Result<Response<proto::SetEmailAddressResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let command = Command::set_email_address(&req.address).map_err(NotificationError::from)?;
    let own = authorized.caller.subject.clone();
    let changed = change(api, &authorized, &own, command).await?;
    Ok(Response::new(proto::SetEmailAddressResponse {
        position: Some(api.position(changed.position)),
    }))
}

pub(super) async fn register_push_subscription(
    api: &NotificationApi,
    request: Request<proto::RegisterPushSubscriptionRequest>,
) -> Result<Response<proto::RegisterPushSubscriptionResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let command = Command::register_push_subscription(
        &req.endpoint,
        &req.p256dh,
        &req.auth,
        &api.parts.push_endpoints,
    )
    .map_err(NotificationError::from)?;
    let subscription_id = match &command {
        Command::RegisterPushSubscription(subscription) => subscription.id,
        _ => Uuid::nil(),
    };
    let own = authorized.caller.subject.clone();
    let changed = change(api, &authorized, &own, command).await?;
    Ok(Response::new(proto::RegisterPushSubscriptionResponse {
        subscription_id: subscription_id.to_string(),
        position: Some(api.position(changed.position)),
    }))
}

pub(super) async fn remove_push_subscription(
    api: &NotificationApi,
    request: Request<proto::RemovePushSubscriptionRequest>,
) -> Result<Response<proto::RemovePushSubscriptionResponse>, Status> {
    let authorized = Authorized::from_request(&request)?;
    let req = request.into_inner();
    let command = Command::RemovePushSubscription {
        subscription_id: convert::uuid(&req.subscription_id, "subscription_id")?,
        reason: REMOVED_BY_APPLICANT.to_owned(),
    };
    let own = authorized.caller.subject.clone();
    let changed = change(api, &authorized, &own, command).await?;
    Ok(Response::new(proto::RemovePushSubscriptionResponse {
        position: Some(api.position(changed.position)),
    }))
}

#[allow(clippy::result_large_err)]
pub(super) fn get_push_key(
    api: &NotificationApi,
    _request: Request<proto::GetPushKeyRequest>,
) -> Result<Response<proto::GetPushKeyResponse>, Status> {
    let key = api
        .parts
        .push_key
        .clone()
        .ok_or(NotificationError::PushNotConfigured)?;
    Ok(Response::new(proto::GetPushKeyResponse {
        application_server_key: key,
    }))
}
