//! Conversions and checks shared by the handlers: ids, pages, cursors, the case as proto.

use access_log::{ObjectKind, ObjectRef, ReadContext};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use jobcenter_proto::case::v1 as proto;
use uuid::Uuid;

use crate::domain::{self, dates};
use crate::error::CaseError;
use crate::projections::case_view::{CaseRow, ListCursor, status};

/// The case `row`, if the caller may reach it: an applicant only the case of their own online
/// application; anything else is as absent as another tenant's case (no existence oracle).
pub(super) fn reachable(read: &ReadContext, row: Option<CaseRow>) -> Result<CaseRow, CaseError> {
    row.filter(|row| read.may_reach(&row.applicant_account))
        .ok_or(CaseError::NotFound)
}

/// The case objects a response discloses, for the read-access log.
pub(super) fn case_objects<'a>(cases: impl IntoIterator<Item = &'a proto::Case>) -> Vec<ObjectRef> {
    cases
        .into_iter()
        .filter_map(|case| ObjectRef::parse(ObjectKind::Case, &case.case_id))
        .collect()
}

pub(super) fn parse_uuid(value: &str, field: &'static str) -> Result<Uuid, CaseError> {
    Uuid::parse_str(value).map_err(|_| CaseError::invalid(field, "must be a UUID"))
}

/// Splits the `size + 1` rows a list query fetched into the page of `size` and the token of
/// the next page (from the page's last row; empty when there is none).
pub(super) fn split_page<T>(
    mut rows: Vec<T>,
    size: i64,
    token_after: impl FnOnce(&T) -> String,
) -> (Vec<T>, String) {
    let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > size;
    rows.truncate(usize::try_from(size).unwrap_or(usize::MAX));
    let next_page_token = match rows.last() {
        Some(last) if more => token_after(last),
        _ => String::new(),
    };
    (rows, next_page_token)
}

pub(super) fn page_size(
    requested: i32,
    default: i64,
    max: i64,
    field: &'static str,
) -> Result<i64, CaseError> {
    match i64::from(requested) {
        0 => Ok(default),
        n if (1..=max).contains(&n) => Ok(n),
        _ => Err(CaseError::invalid(
            field,
            format!("must be between 1 and {max}"),
        )),
    }
}

/// The stored status names and the API's statuses, one table for both directions.
const STATUSES: &[(&str, proto::CaseStatus)] = &[
    (status::OPEN, proto::CaseStatus::Open),
    (status::IN_REVIEW, proto::CaseStatus::InReview),
    (
        status::DOCUMENTS_REQUESTED,
        proto::CaseStatus::DocumentsRequested,
    ),
    (status::DECIDED, proto::CaseStatus::Decided),
    (status::OBJECTION, proto::CaseStatus::Objection),
    (
        status::OBJECTION_DECIDED,
        proto::CaseStatus::ObjectionDecided,
    ),
    (status::CLOSED, proto::CaseStatus::Closed),
];

/// Where the case stands, in plain words for the applicant (German, as letters and the portal).
pub(super) fn status_text(row: &CaseRow) -> String {
    match row.status.as_str() {
        status::OPEN => "Ihr Antrag ist eingegangen und wartet auf Bearbeitung.".to_owned(),
        status::IN_REVIEW => "Ihr Antrag wird bearbeitet.".to_owned(),
        status::DOCUMENTS_REQUESTED => match row.documents_due {
            Some(due) => format!(
                "Wir brauchen noch Unterlagen von Ihnen. Bitte reichen Sie sie bis zum {} ein.",
                due.format("%d.%m.%Y")
            ),
            None => "Wir brauchen noch Unterlagen von Ihnen.".to_owned(),
        },
        status::DECIDED => {
            "Über Ihren Antrag wurde entschieden. Sie erhalten einen Bescheid.".to_owned()
        }
        status::OBJECTION => "Ihr Widerspruch ist eingegangen und wird geprüft.".to_owned(),
        status::OBJECTION_DECIDED => "Über Ihren Widerspruch wurde entschieden.".to_owned(),
        status::CLOSED => "Ihr Fall ist abgeschlossen.".to_owned(),
        _ => String::new(),
    }
}

pub(super) fn to_proto(row: CaseRow) -> proto::Case {
    let status = STATUSES
        .iter()
        .find(|(name, _)| *name == row.status)
        .map(|(_, status)| *status)
        .unwrap_or_default();
    let status_text = status_text(&row);
    let benefit_period = match (row.period_first_day, row.period_last_day) {
        (Some(first), Some(last)) => Some(proto::BenefitPeriod {
            first_day: Some(dates::to_proto(first)),
            last_day: Some(dates::to_proto(last)),
        }),
        _ => None,
    };
    proto::Case {
        case_id: row.case_id.to_string(),
        status: status as i32,
        application_ids: row.application_ids.iter().map(Uuid::to_string).collect(),
        applicant_family_name: row.applicant_family_name,
        applicant_given_name: row.applicant_given_name,
        household_size: u32::try_from(row.household_size).unwrap_or_default(),
        postal_code: row.postal_code,
        opened_at: Some(domain::to_timestamp(row.opened_at)),
        version: row.version,
        status_text,
        assigned_caseworker: row.assigned_caseworker,
        team: row.team,
        documents_due: row.documents_due.map(dates::to_proto),
        decision_outcome: row.decision_outcome,
        benefit_period,
    }
}

/// `base64url(<opened_at µs>:<case_id>)`: opaque to clients.
pub(super) fn encode_cursor(cursor: ListCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{}:{}",
        cursor.opened_at.timestamp_micros(),
        cursor.case_id
    ))
}

pub(super) fn decode_cursor(token: &str) -> Result<ListCursor, CaseError> {
    let invalid = || CaseError::invalid("page_token", "not a token from a previous page");
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (micros, case_id) = text.split_once(':').ok_or_else(invalid)?;
    let micros: i64 = micros.parse().map_err(|_| invalid())?;
    Ok(ListCursor {
        opened_at: DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?,
        case_id: Uuid::parse_str(case_id).map_err(|_| invalid())?,
    })
}

pub(super) fn status_filter(status: i32) -> Result<Option<&'static str>, CaseError> {
    match proto::CaseStatus::try_from(status) {
        Ok(proto::CaseStatus::Unspecified) => Ok(None),
        Ok(wanted) => STATUSES
            .iter()
            .find(|(_, status)| *status == wanted)
            .map(|(name, _)| Some(*name))
            .ok_or_else(|| CaseError::invalid("status", "unknown case status")),
        Err(_) => Err(CaseError::invalid("status", "unknown case status")),
    }
}
