//! The export of an accepted submission for a case-processing system (Fachverfahren): a JSON
//! document with a format id and version, stable English field names, ISO 8601 dates, amounts
//! in cents, choices as the option ids of the form definitions. Described field by field in
//! `docs/intake/export.md`; a test checks that every field written here is described there.

use chrono::{DateTime, SecondsFormat, Utc};
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as proto;
use serde_json::{Value, json};

use super::forms::{Form, options};
use super::values::{date_from_parts, legal_day};

/// Id of the document format.
pub const FORMAT: &str = "jobcenter.intake.export";
/// Version of the format: raised by any change that is not an addition.
pub const FORMAT_VERSION: u32 = 1;
/// Media type of the document.
pub const MEDIA_TYPE: &str = "application/json";

/// The export document of `event`, recorded for `tenant_id`.
pub fn document(event: &proto::ApplicationSubmitted, tenant_id: &str) -> Value {
    let received_at = event.received_at.as_ref().and_then(|t| {
        DateTime::<Utc>::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0))
    });
    let form = event.form.as_ref().map(Form::from_event);
    json!({
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "tenant_id": tenant_id,
        "application_id": event.application_id,
        "submission_id": event.submission_id,
        "kind": form.as_ref().map(|f| f.kind().root()),
        "form_version": event.form_version,
        "received_at": received_at.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
        "receipt_date": received_at.map(|t| legal_day(t).to_string()),
        "submitted_by": event.submitted_by,
        "applicant_account": non_empty(&event.applicant_account),
        "case_id": non_empty(&event.case_id),
        "warnings": event.warnings.iter().map(|w| json!({
            "field": w.field,
            "rule": w.rule,
            "message": w.message,
        })).collect::<Vec<_>>(),
        "form": form.as_ref().map(form_json),
    })
}

fn form_json(form: &Form) -> Value {
    match form {
        Form::Main(m) => json!({
            "applicant": person(m.applicant.as_ref()),
            "household_members": m.household_members.iter().map(|h| json!({
                "person": person(h.person.as_ref()),
                "relationship": choice(options::RELATIONSHIPS, h.relationship),
            })).collect::<Vec<_>>(),
            "address": address(m.address.as_ref()),
            "incomes": incomes(&m.incomes),
            "assets": m.assets.iter().map(|a| json!({
                "kind": choice(options::ASSETS, a.kind),
                "value_cents": cents(a.value.as_ref()),
                "member_index": a.member_index,
            })).collect::<Vec<_>>(),
            "housing_costs": housing(m.housing_costs.as_ref()),
            "iban": non_empty(&m.iban),
            "attachments": attachments(&m.attachments),
        }),
        Form::Continuation(m) => json!({
            "changes_since_last_application": m.changes_since_last_application,
            "change_details": non_empty(&m.change_details),
            "address": address(m.address.as_ref()),
            "iban": non_empty(&m.iban),
            "incomes": incomes(&m.incomes),
            "attachments": attachments(&m.attachments),
        }),
        Form::OneOff(m) => json!({
            "kind": choice(options::ONE_OFF_KINDS, m.kind),
            "reason": m.reason,
            "estimated_cost_cents": cents(m.estimated_cost.as_ref()),
            "expected_birth_date": date(m.expected_birth_date.as_ref()),
            "attachments": attachments(&m.attachments),
        }),
        Form::Education(m) => json!({
            "child": person(m.child.as_ref()),
            "kind": choice(options::EDUCATION_KINDS, m.kind),
            "institution": m.institution,
            "amount_cents": cents(m.amount.as_ref()),
            "period_from": date(m.period_from.as_ref()),
            "period_until": date(m.period_until.as_ref()),
            "attachments": attachments(&m.attachments),
        }),
        Form::SickNote(m) => json!({
            "person": person(m.person.as_ref()),
            "certificate": choice(options::CERTIFICATES, m.certificate),
            "incapacity_from": date(m.incapacity_from.as_ref()),
            "incapacity_until": date(m.incapacity_until.as_ref()),
            "issued_on": date(m.issued_on.as_ref()),
            "attachments": attachments(&m.attachments),
        }),
        Form::Absence(m) => json!({
            "absent_from": date(m.absent_from.as_ref()),
            "absent_until": date(m.absent_until.as_ref()),
            "destination": non_empty(&m.destination),
            "reason": choice(options::ABSENCE_REASONS, m.reason),
            "reason_details": non_empty(&m.reason_details),
            "days_already_absent_this_year": m.days_already_absent_this_year,
        }),
        Form::Change(m) => json!({
            "changes": m.changes.iter().map(|c| choice(options::CHANGES, *c)).collect::<Vec<_>>(),
            "changed_on": date(m.changed_on.as_ref()),
            "details": m.details,
            "new_address": address(m.new_address.as_ref()),
            "new_iban": non_empty(&m.new_iban),
            "new_monthly_income_cents": cents(m.new_monthly_income.as_ref()),
            "new_housing_costs": housing(m.new_housing_costs.as_ref()),
            "attachments": attachments(&m.attachments),
        }),
    }
}

fn non_empty(s: &str) -> Value {
    if s.is_empty() {
        Value::Null
    } else {
        Value::from(s)
    }
}

fn date(d: Option<&common::Date>) -> Value {
    d.and_then(|d| date_from_parts(d.year, d.month, d.day))
        .map_or(Value::Null, |d| Value::from(d.to_string()))
}

fn cents(m: Option<&common::Money>) -> Value {
    m.map_or(Value::Null, |m| Value::from(m.cents))
}

fn choice(opts: &[options::Opt], number: i32) -> Value {
    options::id_of(opts, number).map_or(Value::Null, Value::from)
}

fn person(p: Option<&proto::Person>) -> Value {
    p.map_or(Value::Null, |p| {
        json!({
            "given_name": p.given_name,
            "family_name": p.family_name,
            "birth_date": date(p.birth_date.as_ref()),
        })
    })
}

fn address(a: Option<&common::Address>) -> Value {
    a.map_or(Value::Null, |a| {
        json!({
            "street": a.street,
            "house_number": a.house_number,
            "postal_code": a.postal_code,
            "city": a.city,
        })
    })
}

fn incomes(list: &[proto::Income]) -> Value {
    Value::from(
        list.iter()
            .map(|i| {
                json!({
                    "kind": choice(options::INCOMES, i.kind),
                    "monthly_amount_cents": cents(i.monthly_amount.as_ref()),
                    "member_index": i.member_index,
                })
            })
            .collect::<Vec<_>>(),
    )
}

fn housing(h: Option<&proto::HousingCosts>) -> Value {
    h.map_or(Value::Null, |h| {
        json!({
            "base_rent_cents": cents(h.base_rent.as_ref()),
            "heating_cents": cents(h.heating.as_ref()),
            "utilities_cents": cents(h.utilities.as_ref()),
        })
    })
}

fn attachments(list: &[i32]) -> Value {
    Value::from(
        list.iter()
            .map(|a| choice(options::ATTACHMENTS, *a))
            .collect::<Vec<_>>(),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::domain::forms::tests::samples;
    use crate::domain::forms::{Form, FormKind};

    const DOC: &str = include_str!("../../../../docs/intake/export.md");

    fn event(form: Form) -> proto::ApplicationSubmitted {
        proto::ApplicationSubmitted {
            application_id: "1f0e5b6c-0d4f-5a3b-9c2d-7e8f9a0b1c2d".into(),
            submission_id: "0b6f2a4e-9d1c-4c7a-8e3f-5a2b1c0d9e8f".into(),
            form: Some(form.to_event()),
            received_at: Some(prost_types::Timestamp {
                seconds: 1_795_426_200,
                nanos: 0,
            }),
            submitted_by: "portal-subject-17".into(),
            applicant_account: "portal-subject-17".into(),
            case_id: String::new(),
            warnings: vec![proto::PlausibilityWarning {
                field: "x".into(),
                rule: "y".into(),
                message: "z".into(),
            }],
            form_version: 1,
        }
    }

    fn keys(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    out.insert(k.clone());
                    keys(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_exported_field_is_described_in_the_documentation() {
        let mut all = BTreeSet::new();
        for kind in FormKind::ALL {
            keys(
                &document(&event(samples::sample(kind)), "jc-essen"),
                &mut all,
            );
        }
        let undocumented: Vec<&String> = all
            .iter()
            .filter(|k| {
                // A table row of its own: `key`, `parent[].key`, or `key` (in parent).
                !(DOC.contains(&format!("| `{k}` |"))
                    || DOC.contains(&format!("[].{k}` |"))
                    || DOC.contains(&format!("| `{k}` (in")))
            })
            .collect();
        assert!(
            undocumented.is_empty(),
            "not in docs/intake/export.md: {undocumented:?}"
        );
    }

    #[test]
    fn dates_are_iso_amounts_cents_choices_ids() {
        let doc = document(&event(samples::sample(FormKind::Main)), "jc-essen");
        assert_eq!(doc["format"], FORMAT);
        assert_eq!(doc["format_version"], FORMAT_VERSION);
        assert_eq!(doc["received_at"], "2026-11-23T09:30:00.000Z");
        assert_eq!(doc["receipt_date"], "2026-11-23");
        assert_eq!(doc["kind"], "main_application");
        assert_eq!(doc["case_id"], Value::Null);
        let form = &doc["form"];
        assert_eq!(form["applicant"]["birth_date"], "1985-04-12");
        assert_eq!(form["household_members"][0]["relationship"], "child");
        assert_eq!(form["incomes"][0]["kind"], "child_benefit");
        assert_eq!(form["incomes"][0]["monthly_amount_cents"], 25_500);
        assert_eq!(form["assets"][0]["value_cents"], 300_000);
        assert_eq!(form["housing_costs"]["base_rent_cents"], 45_000);
        assert_eq!(form["attachments"], json!(["rental_contract"]));
    }

    #[test]
    fn a_sick_note_has_no_diagnosis() {
        let doc = document(&event(samples::sample(FormKind::SickNote)), "jc-essen");
        let mut all = BTreeSet::new();
        keys(&doc, &mut all);
        assert!(!all.iter().any(|k| k.contains("diagnos")));
        assert_eq!(doc["form"]["certificate"], "first");
    }
}
