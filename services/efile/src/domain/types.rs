//! The E-Akte's own words for what a document is and how it arrived, and their one mapping to
//! and from the recorded proto enums and the stored names.
//!
//! The stored names (`sick_note`, `scanned_post`, ...) are also the names in the configuration
//! (`filing.default.retention.sick_note`) and in the read model's columns: one spelling
//! everywhere outside the wire.

use jobcenter_proto::efile::v1 as proto;
use serde::Deserialize;

/// What kind of document it is (DOMAIN.md: documents of the E-Akte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// Arbeitsunfähigkeitsbescheinigung.
    SickNote,
    /// Bescheid.
    DecisionLetter,
    /// Kontoauszug.
    BankStatement,
    /// Mietvertrag.
    RentalContract,
    /// Lohn- oder Gehaltsabrechnung.
    Payslip,
    /// Personalausweis, Pass, Aufenthaltstitel.
    IdentityDocument,
    /// A letter, inbound or outbound.
    Letter,
    /// Anything else.
    Other,
}

/// One table for every direction: type, stored name, proto value, words.
const TYPES: &[(DocumentType, &str, proto::DocumentType, &str)] = &[
    (
        DocumentType::SickNote,
        "sick_note",
        proto::DocumentType::SickNote,
        "sick note",
    ),
    (
        DocumentType::DecisionLetter,
        "decision_letter",
        proto::DocumentType::DecisionLetter,
        "decision letter",
    ),
    (
        DocumentType::BankStatement,
        "bank_statement",
        proto::DocumentType::BankStatement,
        "bank statement",
    ),
    (
        DocumentType::RentalContract,
        "rental_contract",
        proto::DocumentType::RentalContract,
        "rental contract",
    ),
    (
        DocumentType::Payslip,
        "payslip",
        proto::DocumentType::Payslip,
        "payslip",
    ),
    (
        DocumentType::IdentityDocument,
        "identity_document",
        proto::DocumentType::IdentityDocument,
        "identity document",
    ),
    (
        DocumentType::Letter,
        "letter",
        proto::DocumentType::Letter,
        "letter",
    ),
    (
        DocumentType::Other,
        "other",
        proto::DocumentType::Other,
        "other document",
    ),
];

impl DocumentType {
    /// Every type.
    pub const ALL: [DocumentType; 8] = [
        DocumentType::SickNote,
        DocumentType::DecisionLetter,
        DocumentType::BankStatement,
        DocumentType::RentalContract,
        DocumentType::Payslip,
        DocumentType::IdentityDocument,
        DocumentType::Letter,
        DocumentType::Other,
    ];

    fn row(
        self,
    ) -> &'static (
        DocumentType,
        &'static str,
        proto::DocumentType,
        &'static str,
    ) {
        // Every variant has its row (checked by a test); `Other` is the last row.
        TYPES
            .iter()
            .find(|row| row.0 == self)
            .unwrap_or(&TYPES[TYPES.len() - 1])
    }

    /// The stored (and configured) name, e.g. `sick_note`.
    pub fn as_str(self) -> &'static str {
        self.row().1
    }

    /// In English words, e.g. "sick note".
    pub fn words(self) -> &'static str {
        self.row().3
    }

    /// The recorded proto value.
    pub fn to_proto(self) -> proto::DocumentType {
        self.row().2
    }

    /// The type of a recorded proto value; `None` for unspecified or unknown values.
    pub fn from_proto(value: i32) -> Option<Self> {
        let wanted = proto::DocumentType::try_from(value).ok()?;
        TYPES.iter().find(|row| row.2 == wanted).map(|row| row.0)
    }

    /// The type of a stored name.
    pub fn from_name(name: &str) -> Option<Self> {
        TYPES.iter().find(|row| row.1 == name).map(|row| row.0)
    }
}

/// How a document reached the jobcenter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// The applicants' web portal.
    Portal,
    /// The applicants' app.
    App,
    /// Paper post, scanned.
    ScannedPost,
    /// A partner system through the API.
    PartnerSystem,
    /// Made by the platform itself.
    Generated,
}

const CHANNELS: &[(Channel, &str, proto::Channel, &str)] = &[
    (
        Channel::Portal,
        "portal",
        proto::Channel::Portal,
        "the portal",
    ),
    (Channel::App, "app", proto::Channel::App, "the app"),
    (
        Channel::ScannedPost,
        "scanned_post",
        proto::Channel::ScannedPost,
        "scanned post",
    ),
    (
        Channel::PartnerSystem,
        "partner_system",
        proto::Channel::PartnerSystem,
        "a partner system",
    ),
    (
        Channel::Generated,
        "generated",
        proto::Channel::Generated,
        "the platform itself",
    ),
];

impl Channel {
    fn row(self) -> &'static (Channel, &'static str, proto::Channel, &'static str) {
        CHANNELS
            .iter()
            .find(|row| row.0 == self)
            .unwrap_or(&CHANNELS[CHANNELS.len() - 1])
    }

    /// The stored name, e.g. `scanned_post`.
    pub fn as_str(self) -> &'static str {
        self.row().1
    }

    /// In English words, e.g. "scanned post".
    pub fn words(self) -> &'static str {
        self.row().3
    }

    /// The recorded proto value.
    pub fn to_proto(self) -> proto::Channel {
        self.row().2
    }

    /// The channel of a recorded proto value; `None` for unspecified or unknown values.
    pub fn from_proto(value: i32) -> Option<Self> {
        let wanted = proto::Channel::try_from(value).ok()?;
        CHANNELS.iter().find(|row| row.2 == wanted).map(|row| row.0)
    }

    /// The channel of a stored name.
    pub fn from_name(name: &str) -> Option<Self> {
        CHANNELS.iter().find(|row| row.1 == name).map(|row| row.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips_through_proto_and_its_stored_name() {
        for ty in DocumentType::ALL {
            assert_eq!(DocumentType::from_proto(ty.to_proto() as i32), Some(ty));
            assert_eq!(DocumentType::from_name(ty.as_str()), Some(ty));
        }
        assert_eq!(TYPES.len(), DocumentType::ALL.len());
        assert_eq!(DocumentType::from_proto(0), None);
        assert_eq!(DocumentType::from_proto(99), None);
    }

    #[test]
    fn every_channel_round_trips_through_proto_and_its_stored_name() {
        for (channel, name, _, _) in CHANNELS {
            assert_eq!(
                Channel::from_proto(channel.to_proto() as i32),
                Some(*channel)
            );
            assert_eq!(Channel::from_name(name), Some(*channel));
        }
        assert_eq!(Channel::from_proto(0), None);
    }

    #[test]
    fn configured_type_names_are_the_stored_names() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        for ty in DocumentType::ALL {
            let name: StrDeserializer<'_, Error> = ty.as_str().into_deserializer();
            assert_eq!(DocumentType::deserialize(name).ok(), Some(ty));
        }
        let unknown: StrDeserializer<'_, Error> = "diagnosis".into_deserializer();
        assert!(DocumentType::deserialize(unknown).is_err());
    }
}
