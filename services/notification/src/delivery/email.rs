//! E-mail hints: "you have a new message in your mailbox" and the portal's address, nothing
//! else. The text is the template's `hint-subject` and `hint-body`, which may use no argument
//! but the portal address (checked when the templates load), so no name, case, subject or
//! deadline can reach an e-mail. The Message-ID is fixed per message: a hint sent again after a
//! crash is recognisable as the same.

use eventlog::EventLog;
use mail_hint::{HintMail, MailError, MailHintSender};

use super::{Attempt, Outgoing, Texts, recipient_profile, tenant_settings};
use crate::domain::{ArgValue, Args};
use crate::templates::catalog;

/// The e-mail channel.
#[derive(Clone)]
pub struct EmailChannel {
    sender: MailHintSender,
    texts: Texts,
}

impl EmailChannel {
    /// A channel sending through `sender`.
    pub fn new(sender: MailHintSender, texts: Texts) -> Self {
        Self { sender, texts }
    }

    /// Sends the hint of `outgoing` to its recipient's address.
    pub async fn send(&self, log: &EventLog, outgoing: &Outgoing) -> Attempt {
        let tenant = outgoing.due.tenant_id.as_str();
        let composed = &outgoing.composed;
        let profile = match recipient_profile(log, outgoing).await {
            Ok(profile) => profile,
            Err(attempt) => return attempt,
        };
        let Some(address) = profile.email_address else {
            return Attempt::Permanent("no e-mail address".into());
        };
        let mail = match self.hint(tenant, &composed.language, &composed.message_id, address) {
            Ok(mail) => mail,
            Err(reason) => return Attempt::Permanent(reason),
        };
        match self.sender.send(&mail).await {
            Ok(()) => Attempt::Delivered("e-mail hint accepted by the relay".into()),
            Err(MailError::Transient { reason }) => Attempt::Retry(reason),
            Err(MailError::Permanent { reason }) => Attempt::Permanent(reason),
            Err(MailError::Invalid { field, .. }) => {
                Attempt::Permanent(format!("the e-mail's {field} is not acceptable"))
            }
        }
    }

    /// The hint mail in `language`.
    pub fn hint(
        &self,
        tenant: &str,
        language: &str,
        message_id: &str,
        to: String,
    ) -> Result<HintMail, String> {
        let settings = tenant_settings(&self.texts.tenants, tenant);
        let args = Args::new().with(catalog::PORTAL_URL, ArgValue::Text(settings.portal_url));
        let render = |id| {
            self.texts
                .templates
                .render_message(tenant, language, id, &args)
                .map_err(|error| error.to_string())
        };
        Ok(HintMail {
            to,
            message_id: format!("<{message_id}@notification.jobcenter.invalid>"),
            subject: render(catalog::HINT_SUBJECT)?,
            text: render(catalog::HINT_BODY)?,
            language: language.to_owned(),
        })
    }
}
