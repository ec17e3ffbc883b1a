//! Letters: the message as a German PDF letter (DIN 5008, the address in the envelope window)
//! into the print queue (`notification.print_jobs`), which the postal print service empties.
//! The address is the main application's (intake), the application of the message's case or
//! the one the outbox row names; without one yet (the intake log may be behind) the attempt is
//! retried, and finally given up as a dead letter a caseworker sees.

use eventlog::EventLog;
use text_pdf::{Address, Line};
use uuid::Uuid;

use super::{Attempt, Outgoing, Texts, tenant_settings};
use crate::domain::{ArgValue, Args};
use crate::print_queue;
use crate::sources::{case, intake};
use crate::templates::catalog;

/// Namespace of print job ids: UUIDv5(namespace, message id), one job per message.
const PRINT_JOB_NAMESPACE: Uuid = Uuid::from_u128(0x3d71_a5e2_94c0_4f18_b6d3_0e92_5a4c_71f8);

/// The print job of a message's letter.
pub fn print_job_id(message_id: Uuid) -> Uuid {
    Uuid::new_v5(&PRINT_JOB_NAMESPACE, message_id.as_bytes())
}

/// The letter channel.
#[derive(Debug, Clone)]
pub struct LetterChannel {
    texts: Texts,
}

impl LetterChannel {
    /// A channel writing letters with these texts.
    pub fn new(texts: Texts) -> Self {
        Self { texts }
    }

    /// Queues the letter of `outgoing` for printing.
    pub async fn send(&self, log: &EventLog, outgoing: &Outgoing) -> Attempt {
        let tenant = outgoing.due.tenant_id.as_str();
        let Ok(message_id) = Uuid::parse_str(&outgoing.composed.message_id) else {
            return Attempt::Permanent("the message id is unreadable".into());
        };
        let mut conn = match log.pool().acquire().await {
            Ok(conn) => conn,
            Err(_) => return Attempt::Retry("the database is unavailable".into()),
        };
        let application = match outgoing.due.application_id {
            Some(application) => Some(application),
            None => match outgoing.case_id() {
                Some(case_id) => match case::get(&mut conn, tenant, case_id).await {
                    Ok(contact) => contact.and_then(|c| c.application_id),
                    Err(_) => return Attempt::Retry("the case contacts are unavailable".into()),
                },
                None => None,
            },
        };
        let Some(application) = application else {
            return Attempt::Retry("no application with a postal address known yet".into());
        };
        let postal = match intake::get(&mut conn, tenant, application).await {
            Ok(Some(postal)) => postal,
            Ok(None) => return Attempt::Retry("the postal address is not known yet".into()),
            Err(_) => return Attempt::Retry("the postal addresses are unavailable".into()),
        };
        let settings = tenant_settings(&self.texts.tenants, tenant);
        let recipient = [
            format!("{} {}", postal.given_name, postal.family_name),
            format!("{} {}", postal.street, postal.house_number),
            format!("{} {}", postal.postal_code, postal.city),
        ];
        let address = match Address::new(Some(&settings.name), &recipient) {
            Ok(address) => address,
            Err(error) => return Attempt::Permanent(format!("the address does not fit: {error}")),
        };
        let lines = match self.lines(tenant, &settings.name, &outgoing.composed) {
            Ok(lines) => lines,
            Err(reason) => return Attempt::Permanent(reason),
        };
        let document = text_pdf::letter(Some(&address), &lines);
        let pages = i32::try_from(document.pages).unwrap_or(i32::MAX);
        let job = print_job_id(message_id);
        match print_queue::queue(&mut conn, tenant, job, message_id, &document.bytes, pages).await {
            Ok(job) => Attempt::Delivered(format!("print job {job}")),
            Err(_) => Attempt::Retry("the print queue is unavailable".into()),
        }
    }

    /// The letter's text: the subject as heading, salutation, the message, closing. Always the
    /// message's own language, which is German whenever a letter is planned.
    fn lines(
        &self,
        tenant: &str,
        jobcenter: &str,
        composed: &jobcenter_proto::notification::v1::MessageComposed,
    ) -> Result<Vec<Line>, String> {
        let args = Args::new().with(catalog::JOBCENTER, ArgValue::Text(jobcenter.to_owned()));
        let render = |id| {
            self.texts
                .templates
                .render_message(tenant, &composed.language, id, &args)
                .map_err(|error| error.to_string())
        };
        let mut lines = vec![
            Line::Heading(composed.subject.clone()),
            Line::Blank,
            Line::Text(render(catalog::LETTER_SALUTATION)?),
            Line::Blank,
        ];
        lines.extend(paragraphs(&composed.body));
        lines.push(Line::Blank);
        lines.extend(paragraphs(&render(catalog::LETTER_CLOSING)?));
        Ok(lines)
    }
}

/// Text as lines, an empty line as a blank one.
fn paragraphs(text: &str) -> Vec<Line> {
    text.lines()
        .map(|line| {
            if line.trim().is_empty() {
                Line::Blank
            } else {
                Line::Text(line.to_owned())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_has_one_print_job_and_blank_lines_stay() {
        let message = Uuid::from_u128(5);
        assert_eq!(print_job_id(message), print_job_id(message));
        assert_ne!(print_job_id(message), print_job_id(Uuid::from_u128(6)));
        assert_eq!(
            paragraphs("a\n\nb"),
            [Line::Text("a".into()), Line::Blank, Line::Text("b".into())]
        );
    }
}
