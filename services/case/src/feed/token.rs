//! Resume tokens: where a subscriber of the feed continues.
//!
//! A token is a position in the case log's commit order, bound to the tenant it was issued to
//! and to the log: `base64url("1|<tenant>|<log>:<tx>:<position>")`. Opaque to partners (they
//! store and return it); the version prefix lets the format change later. The tenant is in the
//! token because positions are global: another tenant's token, stored by mistake, would resume
//! at a point unrelated to the caller's history and silently skip events, so it is refused.
//! A token carries no secret and needs none: forging one can only skip or repeat the caller's
//! own tenant's events.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use eventlog::{LogPosition, PositionToken};
use platform::TenantId;

/// The format version written first.
const VERSION: &str = "1";

/// Why a token was refused (each is `INVALID_ARGUMENT` on `after`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not a token this feed issued.
    #[error("not a resume token of this feed")]
    Malformed,
    /// A token of another log.
    #[error("a resume token of another log")]
    OtherLog,
    /// A token issued to another tenant.
    #[error("a resume token of another jobcenter")]
    OtherTenant,
}

/// The token of `at` in `log` for `tenant`.
pub fn encode(tenant: &TenantId, log: &str, at: LogPosition) -> String {
    let position = PositionToken::new(log, at);
    URL_SAFE_NO_PAD.encode(format!("{VERSION}|{}|{position}", tenant.as_str()))
}

/// Where `token` continues for `tenant` in `log`: [`LogPosition::START`] for an empty token.
pub fn decode(token: &str, tenant: &TenantId, log: &str) -> Result<LogPosition, TokenError> {
    if token.is_empty() {
        return Ok(LogPosition::START);
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| TokenError::Malformed)?;
    let text = String::from_utf8(bytes).map_err(|_| TokenError::Malformed)?;
    let mut parts = text.splitn(3, '|');
    let (Some(VERSION), Some(issued_to), Some(position)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let position: PositionToken = position.parse().map_err(|_| TokenError::Malformed)?;
    if position.at.position < 0 {
        return Err(TokenError::Malformed);
    }
    if position.log != log {
        return Err(TokenError::OtherLog);
    }
    if issued_to != tenant.as_str() {
        return Err(TokenError::OtherTenant);
    }
    Ok(position.at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(id: &str) -> TenantId {
        TenantId::parse(id).expect("tenant")
    }

    #[test]
    fn a_token_returns_its_position_to_its_tenant() {
        let at = LogPosition::new(7_654_321, 42);
        let token = encode(&tenant("jc-essen"), "case", at);
        assert_eq!(decode(&token, &tenant("jc-essen"), "case"), Ok(at));
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "URL-safe: {token}"
        );
    }

    #[test]
    fn an_empty_token_starts_at_the_beginning() {
        assert_eq!(
            decode("", &tenant("jc-essen"), "case"),
            Ok(LogPosition::START)
        );
    }

    #[test]
    fn another_tenants_or_logs_token_is_refused() {
        let token = encode(&tenant("jc-essen"), "case", LogPosition::new(1, 2));
        assert_eq!(
            decode(&token, &tenant("jc-dortmund"), "case"),
            Err(TokenError::OtherTenant)
        );
        let intake = encode(&tenant("jc-essen"), "intake", LogPosition::new(1, 2));
        assert_eq!(
            decode(&intake, &tenant("jc-essen"), "case"),
            Err(TokenError::OtherLog)
        );
    }

    #[test]
    fn anything_else_is_malformed() {
        let essen = tenant("jc-essen");
        let forged = |text: &str| URL_SAFE_NO_PAD.encode(text);
        for bad in [
            "not base64!".to_owned(),
            URL_SAFE_NO_PAD.encode([0xff, 0xfe]),
            forged("case:1:2"),
            forged("2|jc-essen|case:1:2"),
            forged("1|jc-essen|case:1"),
            forged("1|jc-essen|case:1:-2"),
            forged("1|jc-essen|case:x:2"),
        ] {
            assert_eq!(
                decode(&bad, &essen, "case"),
                Err(TokenError::Malformed),
                "{bad}"
            );
        }
    }
}
