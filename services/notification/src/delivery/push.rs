//! Push hints (Web Push with VAPID) to every subscription of the recipient's profile. The
//! payload is a hint only: the jobcenter's generic "new message" title and text, the message id
//! and the portal address; never the message's subject, text, case or deadline. A subscription
//! the push service calls gone is removed from the profile; when none is left the delivery is
//! given up.

use eventlog::EventLog;
use serde::Serialize;
use uuid::Uuid;
use web_push::{
    EndpointPolicy, PushError, PushOptions, Subscription, Topic, Urgency, WebPushSender,
};

use super::{Attempt, Outgoing, Sent, Texts, recipient_profile, tenant_settings};
use crate::domain::{ArgValue, Args};
use crate::templates::catalog;

/// How long a push service keeps an undelivered hint: a day (the mailbox keeps the message).
const TTL_SECONDS: u32 = 24 * 60 * 60;

/// What the app receives, decrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushPayload {
    /// The message to open.
    pub message_id: String,
    /// The generic title ("New message from your jobcenter").
    pub title: String,
    /// The generic text.
    pub body: String,
    /// Where the mailbox is (may be empty).
    pub url: String,
}

/// The push channel.
#[derive(Clone)]
pub struct PushChannel {
    sender: WebPushSender,
    policy: EndpointPolicy,
    texts: Texts,
}

impl PushChannel {
    /// A channel sending with `sender`, accepting endpoints by `policy`.
    pub fn new(sender: WebPushSender, policy: EndpointPolicy, texts: Texts) -> Self {
        Self {
            sender,
            policy,
            texts,
        }
    }

    /// Sends the hint of `outgoing` to every subscription of its recipient.
    pub async fn send(&self, log: &EventLog, outgoing: &Outgoing) -> Sent {
        let tenant = outgoing.due.tenant_id.as_str();
        let composed = &outgoing.composed;
        let profile = match recipient_profile(log, outgoing).await {
            Ok(profile) => profile,
            Err(attempt) => return attempt.into(),
        };
        let payload = match self.payload(tenant, &composed.language, &composed.message_id) {
            Ok(payload) => payload,
            Err(reason) => return Attempt::Permanent(reason).into(),
        };
        let options = PushOptions {
            ttl_seconds: TTL_SECONDS,
            urgency: Urgency::Normal,
            topic: Uuid::parse_str(&composed.message_id)
                .ok()
                .map(|id| Topic::from_id(id.as_bytes())),
        };
        let subscriptions = &profile.push_subscriptions;
        if subscriptions.is_empty() {
            return Attempt::Permanent("no push subscription left".into()).into();
        }
        let mut accepted = 0;
        let mut retry: Option<String> = None;
        let mut permanent: Option<String> = None;
        let mut gone = Vec::new();
        for (id, stored) in subscriptions {
            let subscription = match Subscription::from_raw(
                &stored.endpoint,
                &stored.p256dh,
                &stored.auth,
                self.policy,
            ) {
                Ok(subscription) => subscription,
                Err(error) => {
                    gone.push((*id, format!("unusable subscription: {}", error.field())));
                    continue;
                }
            };
            match self.sender.send(&subscription, &payload, &options).await {
                Ok(_) => accepted += 1,
                Err(PushError::Gone { reason }) => gone.push((*id, reason)),
                Err(error @ PushError::Retryable { .. }) => retry = Some(error.reason().into()),
                Err(error) => permanent = Some(error.reason().into()),
            }
        }
        let total = subscriptions.len();
        let attempt = if accepted > 0 {
            Attempt::Delivered(format!(
                "push accepted for {accepted} of {total} subscriptions"
            ))
        } else if let Some(reason) = retry {
            Attempt::Retry(reason)
        } else if let Some(reason) = permanent {
            Attempt::Permanent(reason)
        } else {
            Attempt::Permanent("no push subscription left".into())
        };
        Sent {
            attempt,
            gone_subscriptions: gone,
        }
    }

    /// The encoded payload in `language`.
    fn payload(&self, tenant: &str, language: &str, message_id: &str) -> Result<Vec<u8>, String> {
        let settings = tenant_settings(&self.texts.tenants, tenant);
        let args = Args::new().with(
            catalog::PORTAL_URL,
            ArgValue::Text(settings.portal_url.clone()),
        );
        let render = |id| {
            self.texts
                .templates
                .render_message(tenant, language, id, &args)
                .map_err(|error| error.to_string())
        };
        let payload = PushPayload {
            message_id: message_id.to_owned(),
            title: render(catalog::PUSH_TITLE)?,
            body: render(catalog::PUSH_BODY)?,
            url: settings.portal_url,
        };
        serde_json::to_vec(&payload).map_err(|error| error.to_string())
    }
}
