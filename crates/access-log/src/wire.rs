//! The stored form of a record: a versioned JSON document in the event's payload.
//!
//! JSON rather than protobuf because auditors and data-protection officers read these records
//! with ordinary database tools, and the document is small. The event type names the document
//! ([`EVENT_TYPE`]) and the event's schema version its version ([`SCHEMA_VERSION`]); a changed
//! meaning gets a new version, decoded side by side with the old one. Absent optional fields are
//! left out.

use chrono::{DateTime, Utc};
use platform::{Authentication, Role, TenantId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::DecodeError;
use crate::purpose::Purpose;
use crate::record::{AccessRecord, MAX_REASON_LEN, ObjectKind, ObjectRef, Outcome, is_code};

/// The event type of a read-access record.
pub const EVENT_TYPE: &str = "access.ReadAccessRecorded";
/// The version of the record's JSON document.
pub const SCHEMA_VERSION: i32 = 1;

/// Version 1 of the document. Field order is the stored order: add fields only at the end.
#[derive(Debug, Serialize, Deserialize)]
struct RecordV1 {
    service: String,
    at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tenant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    authentication: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    peer: Option<String>,
    rpc: String,
    objects: Vec<ObjectV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    purpose: Option<String>,
    outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ObjectV1 {
    kind: String,
    id: Uuid,
}

/// The payload of `record`, written by `service`.
pub(crate) fn encode(service: &str, record: &AccessRecord) -> Result<Vec<u8>, serde_json::Error> {
    let document = RecordV1 {
        service: service.to_owned(),
        at: record.at,
        tenant: record.tenant.as_ref().map(|t| t.as_str().to_owned()),
        subject: record.subject.clone(),
        roles: record.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        client: record.client.clone(),
        authentication: record.authentication.map(|a| a.as_str().to_owned()),
        peer: record.peer.map(|p| p.to_string()),
        rpc: record.rpc.clone(),
        objects: record
            .objects
            .iter()
            .map(|o| ObjectV1 {
                kind: o.kind.as_str().to_owned(),
                id: o.id,
            })
            .collect(),
        purpose: record.purpose.as_ref().map(|p| p.as_str().to_owned()),
        outcome: record.outcome.as_str().to_owned(),
        reason: match &record.outcome {
            Outcome::Unauthenticated { reason } => Some(reason.clone()),
            _ => None,
        },
    };
    serde_json::to_vec(&document)
}

/// The service and record stored in an event of `event_type` and `schema_version`.
pub(crate) fn decode(
    event_type: &str,
    schema_version: i32,
    payload: &[u8],
) -> Result<(String, AccessRecord), DecodeError> {
    if event_type != EVENT_TYPE || schema_version != SCHEMA_VERSION {
        return Err(DecodeError::UnexpectedEvent);
    }
    let document: RecordV1 = serde_json::from_slice(payload)?;
    let field = DecodeError::Field;
    let tenant = document
        .tenant
        .map(|t| TenantId::parse(&t).map_err(|_| field("tenant")))
        .transpose()?;
    let roles = document
        .roles
        .iter()
        .map(|r| r.parse::<Role>().map_err(|_| field("roles")))
        .collect::<Result<Vec<_>, _>>()?;
    let authentication = document
        .authentication
        .map(|a| authentication(&a).ok_or(field("authentication")))
        .transpose()?;
    let peer = document
        .peer
        .map(|p| p.parse().map_err(|_| field("peer")))
        .transpose()?;
    let objects = document
        .objects
        .iter()
        .map(|o| {
            ObjectKind::from_name(&o.kind)
                .map(|kind| ObjectRef { kind, id: o.id })
                .ok_or(field("objects"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let purpose = document
        .purpose
        .map(|p| Purpose::parse(&p).map_err(|_| field("purpose")))
        .transpose()?;
    let outcome = outcome(&document.outcome, document.reason).ok_or(field("outcome"))?;
    let record = AccessRecord {
        at: document.at,
        tenant,
        subject: document.subject,
        roles,
        client: document.client,
        authentication,
        peer,
        rpc: document.rpc,
        objects,
        purpose,
        outcome,
    };
    Ok((document.service, record))
}

fn authentication(name: &str) -> Option<Authentication> {
    [
        Authentication::Token,
        Authentication::Certificate,
        Authentication::Development,
    ]
    .into_iter()
    .find(|a| a.as_str() == name)
}

fn outcome(name: &str, reason: Option<String>) -> Option<Outcome> {
    Some(match name {
        "granted" => Outcome::Granted,
        "not_found" => Outcome::NotFound,
        "invalid_argument" => Outcome::InvalidArgument,
        "permission_denied" => Outcome::PermissionDenied,
        "unauthenticated" => Outcome::Unauthenticated {
            reason: reason.filter(|r| is_code(r, MAX_REASON_LEN))?,
        },
        "rate_limited" => Outcome::RateLimited,
        "failed" => Outcome::Failed,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::CallerContext;

    fn full_record() -> AccessRecord {
        let caller = CallerContext {
            tenant_id: TenantId::parse("jc-1").expect("tenant"),
            subject: "u-1".to_owned(),
            roles: vec![Role::Caseworker, Role::TeamLead],
            client: "fachverfahren".to_owned(),
            authentication: Authentication::Certificate,
        };
        AccessRecord::for_caller(&caller, "/a.v1.S/Get", Outcome::Granted)
            .with_peer(Some("10.1.2.3:4567".parse().expect("addr")))
            .with_object(ObjectRef::case(Uuid::from_u128(7)))
            .with_object(ObjectRef::application(Uuid::from_u128(8)))
            .with_purpose(Some(Purpose::parse("benefit_decision").expect("purpose")))
    }

    #[test]
    fn every_outcome_and_field_round_trips() -> Result<(), Box<dyn std::error::Error>> {
        let outcomes = [
            Outcome::Granted,
            Outcome::NotFound,
            Outcome::InvalidArgument,
            Outcome::PermissionDenied,
            Outcome::unauthenticated("token_expired"),
            Outcome::RateLimited,
            Outcome::Failed,
        ];
        for outcome in outcomes {
            let mut record = full_record();
            record.outcome = outcome;
            let payload = encode("case", &record)?;
            assert_eq!(
                decode(EVENT_TYPE, SCHEMA_VERSION, &payload)?,
                ("case".to_owned(), record)
            );
        }
        let anonymous = AccessRecord::unauthenticated("/a.v1.S/Get", "missing_credentials");
        let payload = encode("intake", &anonymous)?;
        assert_eq!(
            decode(EVENT_TYPE, SCHEMA_VERSION, &payload)?,
            ("intake".to_owned(), anonymous)
        );
        Ok(())
    }

    #[test]
    fn absent_fields_are_left_out_of_the_document() -> Result<(), serde_json::Error> {
        let anonymous = AccessRecord::unauthenticated("/a.v1.S/Get", "missing_credentials");
        let json: serde_json::Value = serde_json::from_slice(&encode("intake", &anonymous)?)?;
        let mut keys: Vec<&str> = json
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "at", "objects", "outcome", "reason", "roles", "rpc", "service"
            ]
        );
        Ok(())
    }

    #[test]
    fn other_event_types_versions_and_values_are_refused() -> Result<(), serde_json::Error> {
        let payload = encode("case", &full_record())?;
        assert!(matches!(
            decode("case.CaseOpened", SCHEMA_VERSION, &payload),
            Err(DecodeError::UnexpectedEvent)
        ));
        assert!(matches!(
            decode(EVENT_TYPE, 2, &payload),
            Err(DecodeError::UnexpectedEvent)
        ));
        let mut json: serde_json::Value = serde_json::from_slice(&payload)?;
        json["outcome"] = "leaked".into();
        let bad = serde_json::to_vec(&json)?;
        assert!(matches!(
            decode(EVENT_TYPE, SCHEMA_VERSION, &bad),
            Err(DecodeError::Field("outcome"))
        ));
        Ok(())
    }
}
