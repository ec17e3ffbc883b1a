//! The shape check for recipients' addresses.
//!
//! Only a mail server can tell whether an address exists; this check keeps out what can never
//! be one and what would be unsafe in an SMTP command or a header (spaces, control characters,
//! a second `@`). Local parts are plain ASCII dot-atoms (RFC 5321 §4.1.2) because we do not
//! require SMTPUTF8 of the relay; domains may be internationalised and are sent in their
//! ASCII (punycode) form after UTS 46 processing, which every relay understands.

/// The longest address a relay must accept (RFC 5321 §4.5.3.1.3 path limit less the brackets).
pub const MAX_ADDRESS_LEN: usize = 254;
/// The longest local part (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL_LEN: usize = 64;
/// The longest domain label (RFC 1035).
const MAX_LABEL_LEN: usize = 63;

/// Why a string is not a usable e-mail address. Messages never repeat the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Nothing given.
    #[error("the address is empty")]
    Empty,
    /// Longer than [`MAX_ADDRESS_LEN`], as given or in its ASCII form.
    #[error("the address is longer than 254 characters")]
    TooLong,
    /// Spaces, line breaks or other control characters.
    #[error("the address contains spaces or control characters")]
    Whitespace,
    /// No `@`, or more than one.
    #[error("the address must contain exactly one @")]
    At,
    /// The part before the `@` is empty, too long, not ASCII or not a dot-atom.
    #[error("the part before the @ is not a plain mailbox name")]
    LocalPart,
    /// The part after the `@` is not a domain name with at least two labels.
    #[error("the part after the @ is not a valid domain name")]
    Domain,
}

/// Checks that `address` has the shape of an e-mail address we can send to (see the module
/// documentation). Used to validate `SetEmailAddress`.
pub fn check_address(address: &str) -> Result<(), AddressError> {
    ascii_form(address).map(drop)
}

/// The address as it goes into `RCPT TO` and the `To` header: the local part as given, the
/// domain lower-cased and in punycode.
pub(crate) fn ascii_form(address: &str) -> Result<String, AddressError> {
    if address.is_empty() {
        return Err(AddressError::Empty);
    }
    if address.chars().count() > MAX_ADDRESS_LEN {
        return Err(AddressError::TooLong);
    }
    if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AddressError::Whitespace);
    }
    let mut parts = address.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(AddressError::At);
    };
    check_local_part(local)?;
    let domain = ascii_domain(domain)?;
    let ascii = format!("{local}@{domain}");
    if ascii.len() > MAX_ADDRESS_LEN {
        return Err(AddressError::TooLong);
    }
    Ok(ascii)
}

/// A dot-atom of `atext` (RFC 5322 §3.2.3): no quoted strings, no leading, trailing or double
/// dots.
fn check_local_part(local: &str) -> Result<(), AddressError> {
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    let ok = !local.is_empty()
        && local.len() <= MAX_LOCAL_LEN
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atext));
    if ok {
        Ok(())
    } else {
        Err(AddressError::LocalPart)
    }
}

/// The domain after UTS 46 processing (lower case, punycode), checked as a host name: at least
/// two labels of letters, digits and inner hyphens, a top-level label that is not all digits
/// (so no IP addresses), no address literals.
fn ascii_domain(domain: &str) -> Result<String, AddressError> {
    if domain.is_empty() || domain.starts_with('[') {
        return Err(AddressError::Domain);
    }
    let ascii = idna::domain_to_ascii_strict(domain).map_err(|_| AddressError::Domain)?;
    let labels: Vec<&str> = ascii.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= MAX_LABEL_LEN
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let top_ok = labels
        .last()
        .is_some_and(|top| !top.chars().all(|c| c.is_ascii_digit()));
    if labels.len() >= 2 && labels.iter().all(label_ok) && top_ok {
        Ok(ascii)
    } else {
        Err(AddressError::Domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_common_addresses() {
        for address in [
            "anna.schmidt@example.org",
            "a@b.de",
            "first+tag@mail.example.co.uk",
            "o'brien@example.ie",
            "x_y-z@sub-domain.example.com",
            "ANNA@EXAMPLE.ORG",
        ] {
            assert_eq!(check_address(address), Ok(()), "{address}");
        }
    }

    #[test]
    fn accepts_internationalised_domains_in_punycode_form() {
        assert_eq!(
            ascii_form("kontakt@müller-bäckerei.de"),
            Ok("kontakt@xn--mller-bckerei-hfb76a.de".to_owned())
        );
        // Non-transitional processing (IDNA 2008, as DENIC registers): ß stays ß.
        assert_eq!(
            ascii_form("info@Straße.de"),
            Ok("info@xn--strae-oqa.de".to_owned())
        );
    }

    #[test]
    fn keeps_the_local_part_and_lowercases_the_domain() {
        assert_eq!(
            ascii_form("Anna.Schmidt@Example.ORG"),
            Ok("Anna.Schmidt@example.org".to_owned())
        );
    }

    #[test]
    fn rejects_what_is_not_one_address() {
        let cases = [
            ("", AddressError::Empty),
            ("anna", AddressError::At),
            ("anna@@example.org", AddressError::At),
            ("anna@x@example.org", AddressError::At),
            ("anna schmidt@example.org", AddressError::Whitespace),
            ("anna@example.org\r\nBcc: x@y.de", AddressError::Whitespace),
            ("anna\t@example.org", AddressError::Whitespace),
            ("anna@exa\u{0}mple.org", AddressError::Whitespace),
        ];
        for (address, error) in cases {
            assert_eq!(check_address(address), Err(error), "{address:?}");
        }
    }

    #[test]
    fn rejects_bad_local_parts() {
        for address in [
            "@example.org",
            ".anna@example.org",
            "anna.@example.org",
            "an..na@example.org",
            "\"anna\"@example.org",
            "anna(comment)@example.org",
            "jürgen@example.org",
            "a,b@example.org",
        ] {
            assert_eq!(
                check_address(address),
                Err(AddressError::LocalPart),
                "{address}"
            );
        }
        let long_local = format!("{}@example.org", "a".repeat(65));
        assert_eq!(check_address(&long_local), Err(AddressError::LocalPart));
    }

    #[test]
    fn rejects_bad_domains() {
        for address in [
            "anna@",
            "anna@localhost",
            "anna@example",
            "anna@example..org",
            "anna@.example.org",
            "anna@example.org.",
            "anna@-example.org",
            "anna@example-.org",
            "anna@exa_mple.org",
            "anna@[192.168.0.1]",
            "anna@192.168.0.1",
            "anna@example.org:25",
        ] {
            assert_eq!(
                check_address(address),
                Err(AddressError::Domain),
                "{address}"
            );
        }
        let long_label = format!("anna@{}.de", "a".repeat(64));
        assert_eq!(check_address(&long_label), Err(AddressError::Domain));
    }

    #[test]
    fn rejects_addresses_over_254_characters() {
        let domain = format!("{}.de", vec!["a".repeat(60); 4].join("."));
        let fits = format!("{}@{domain}", "b".repeat(254 - 1 - domain.len()));
        assert_eq!(fits.len(), 254);
        assert_eq!(check_address(&fits), Ok(()));
        let too_long = format!("b{fits}");
        assert_eq!(check_address(&too_long), Err(AddressError::TooLong));
    }

    #[test]
    fn error_messages_never_repeat_the_address() {
        for error in [
            AddressError::Empty,
            AddressError::TooLong,
            AddressError::Whitespace,
            AddressError::At,
            AddressError::LocalPart,
            AddressError::Domain,
        ] {
            assert!(!error.to_string().contains("example"));
        }
    }

    proptest! {
        #[test]
        fn accepted_addresses_are_safe_in_smtp_commands(address in "\\PC{0,80}") {
            if let Ok(ascii) = ascii_form(&address) {
                prop_assert!(ascii.is_ascii());
                prop_assert!(ascii.len() <= MAX_ADDRESS_LEN);
                prop_assert_eq!(ascii.matches('@').count(), 1);
                prop_assert!(!ascii.contains(['<', '>', ' ', '\r', '\n', ':']));
            }
        }

        #[test]
        fn dot_atoms_at_hostnames_are_accepted(
            local in "[a-z0-9+_-]{1,20}(\\.[a-z0-9+_-]{1,10}){0,2}",
            host in "[a-z0-9]{1,20}(-[a-z0-9]{1,5})?",
            top in "[a-z]{2,6}",
        ) {
            let address = format!("{local}@{host}.{top}");
            prop_assert_eq!(ascii_form(&address), Ok(address.clone()));
        }
    }
}
