//! `notification.profiles` and `notification.push_subscriptions`: applicants' communication
//! profiles as they stand, from the recipient streams of the service's own log (source
//! `notification`, JetStream `EV_NOTIFICATION`).
//!
//! Per event: decode it ([`crate::events`]), skip it unless it is newer than the profile's
//! stored stream version, and change the columns it is about. Message streams and event types
//! this version does not know are passed over.

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use projection::{Projection, ProjectionError};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::profile::ProfileEvent;
use crate::events::{NotificationEvent, to_profile_event};

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "profiles";

/// The projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Profiles;

fn apply_error(error: impl std::error::Error + Send + Sync + 'static) -> ProjectionError {
    ProjectionError::Apply(Box::new(error))
}

impl Projection for Profiles {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            if !event.stream_id.starts_with("recipient-") {
                return Ok(());
            }
            let Some(decoded) = NotificationEvent::decode(&event.event_type, &event.payload)
                .map_err(apply_error)?
            else {
                return Ok(());
            };
            let Some((account, change)) = to_profile_event(&decoded).map_err(apply_error)? else {
                return Ok(());
            };
            let tenant = event.tenant_id.as_str();
            // The row exists from the first event on; a newer version only applies once.
            let applied = sqlx::query(
                "INSERT INTO notification.profiles (tenant_id, account, version) \
                 VALUES ($1, $2, $3) \
                 ON CONFLICT (tenant_id, account) DO UPDATE SET version = EXCLUDED.version \
                 WHERE notification.profiles.version < EXCLUDED.version",
            )
            .bind(tenant)
            .bind(account)
            .bind(event.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if applied == 0 {
                return Ok(());
            }
            apply_change(tx, tenant, account, &change).await?;
            Ok(())
        })
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(projection::clear_tables(
            tx,
            &["notification.push_subscriptions", "notification.profiles"],
        ))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(async move {
            let mut digest = projection::digest_rows(
                conn,
                "SELECT tenant_id, account, language, consents, email_address, version \
                 FROM notification.profiles ORDER BY tenant_id, account",
            )
            .await?;
            digest.extend(
                projection::digest_rows(
                    conn,
                    "SELECT tenant_id, account, subscription_id, endpoint, p256dh, auth, active \
                     FROM notification.push_subscriptions \
                     ORDER BY tenant_id, account, subscription_id",
                )
                .await?,
            );
            Ok(digest)
        })
    }
}

/// Writes one change of the profile of `account`.
async fn apply_change(
    tx: &mut PgConnection,
    tenant: &str,
    account: &str,
    change: &ProfileEvent,
) -> Result<(), sqlx::Error> {
    const PROFILE: &str = "WHERE tenant_id = $1 AND account = $2";
    match change {
        ProfileEvent::LanguagePreferred { language, .. } => {
            sqlx::query(&format!(
                "UPDATE notification.profiles SET language = $3 {PROFILE}"
            ))
            .bind(tenant)
            .bind(account)
            .bind(language)
            .execute(tx)
            .await?;
        }
        ProfileEvent::ConsentGiven { channel, .. } => {
            sqlx::query(&format!(
                "UPDATE notification.profiles SET consents = ARRAY( \
                 SELECT DISTINCT c FROM unnest(array_append(consents, $3)) AS c ORDER BY c) \
                 {PROFILE}"
            ))
            .bind(tenant)
            .bind(account)
            .bind(channel.as_str())
            .execute(tx)
            .await?;
        }
        ProfileEvent::ConsentWithdrawn { channel, .. } => {
            sqlx::query(&format!(
                "UPDATE notification.profiles SET consents = array_remove(consents, $3) \
                 {PROFILE}"
            ))
            .bind(tenant)
            .bind(account)
            .bind(channel.as_str())
            .execute(tx)
            .await?;
        }
        ProfileEvent::EmailAddressSet { address } => {
            sqlx::query(&format!(
                "UPDATE notification.profiles SET email_address = $3 {PROFILE}"
            ))
            .bind(tenant)
            .bind(account)
            .bind(address)
            .execute(tx)
            .await?;
        }
        ProfileEvent::EmailAddressRemoved => {
            sqlx::query(&format!(
                "UPDATE notification.profiles SET email_address = NULL {PROFILE}"
            ))
            .bind(tenant)
            .bind(account)
            .execute(tx)
            .await?;
        }
        ProfileEvent::PushSubscriptionRegistered(subscription) => {
            sqlx::query(
                "INSERT INTO notification.push_subscriptions \
                 (tenant_id, account, subscription_id, endpoint, p256dh, auth, active) \
                 VALUES ($1, $2, $3, $4, $5, $6, true) \
                 ON CONFLICT (tenant_id, account, subscription_id) DO UPDATE SET \
                  endpoint = EXCLUDED.endpoint, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, \
                  active = true",
            )
            .bind(tenant)
            .bind(account)
            .bind(subscription.id)
            .bind(&subscription.endpoint)
            .bind(&subscription.p256dh)
            .bind(&subscription.auth)
            .execute(tx)
            .await?;
        }
        ProfileEvent::PushSubscriptionRemoved {
            subscription_id, ..
        } => {
            sqlx::query(
                "UPDATE notification.push_subscriptions SET active = false \
                 WHERE tenant_id = $1 AND account = $2 AND subscription_id = $3",
            )
            .bind(tenant)
            .bind(account)
            .bind(subscription_id)
            .execute(tx)
            .await?;
        }
    }
    Ok(())
}

/// A profile as the read model holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProfile {
    /// The account subject.
    pub account: String,
    /// The language of their messages ("de" until chosen).
    pub language: String,
    /// Channels with consent ("mailbox", "push", "email"), sorted.
    pub consents: Vec<String>,
    /// The e-mail address, if set.
    pub email_address: Option<String>,
    /// Active push subscriptions, by id.
    pub push_subscriptions: Vec<Uuid>,
}

impl StoredProfile {
    /// The profile of an account nothing was recorded for.
    pub fn empty(account: &str) -> Self {
        Self {
            account: account.to_owned(),
            language: crate::domain::profile::DEFAULT_LANGUAGE.to_owned(),
            consents: Vec::new(),
            email_address: None,
            push_subscriptions: Vec::new(),
        }
    }
}

/// The profile of `account` of `tenant` as the read model holds it (the empty profile if
/// nothing was recorded).
pub async fn get(
    conn: &mut PgConnection,
    tenant: &str,
    account: &str,
) -> Result<StoredProfile, sqlx::Error> {
    let row: Option<(String, Vec<String>, Option<String>)> = sqlx::query_as(
        "SELECT language, consents, email_address FROM notification.profiles \
         WHERE tenant_id = $1 AND account = $2",
    )
    .bind(tenant)
    .bind(account)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((language, consents, email_address)) = row else {
        return Ok(StoredProfile::empty(account));
    };
    let push_subscriptions: Vec<Uuid> = sqlx::query_scalar(
        "SELECT subscription_id FROM notification.push_subscriptions \
         WHERE tenant_id = $1 AND account = $2 AND active ORDER BY subscription_id",
    )
    .bind(tenant)
    .bind(account)
    .fetch_all(&mut *conn)
    .await?;
    Ok(StoredProfile {
        account: account.to_owned(),
        language,
        consents,
        email_address,
        push_subscriptions,
    })
}
