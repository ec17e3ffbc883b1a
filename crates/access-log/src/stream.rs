//! Where records go: one stream per tenant and UTC day.
//!
//! A stream per tenant keeps tenants' records apart (each chain is a tenant's own, and row-level
//! security can confine an auditor to it); a stream per day keeps chains short, so that
//! concurrent reads of one tenant contend for one stream's lock only within a day and an
//! auditor's period maps to a few streams. The day is the UTC date of the call's start.
//!
//! Records without a tenant (authentication failures) go to the pseudo-tenant
//! [`UNAUTHENTICATED_TENANT`], which begins with `_`: no tenant id can, so the two never mix.

use chrono::NaiveDate;
use platform::TenantId;

/// The prefix of every read-access stream.
pub const STREAM_PREFIX: &str = "read-access-";
/// The tenant column and stream part of records without a tenant.
pub const UNAUTHENTICATED_TENANT: &str = "_unauthenticated";

/// The tenant column of records of `tenant` (`None`: unauthenticated calls).
pub fn tenant_key(tenant: Option<&TenantId>) -> &str {
    tenant.map_or(UNAUTHENTICATED_TENANT, TenantId::as_str)
}

/// The stream of `tenant`'s records of `day`: `read-access-<tenant>-<yyyy-mm-dd>`.
pub fn stream_id(tenant: Option<&TenantId>, day: NaiveDate) -> String {
    format!(
        "{STREAM_PREFIX}{}-{}",
        tenant_key(tenant),
        day.format("%Y-%m-%d")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_per_tenant_and_day_and_unauthenticated_ones_apart() {
        let day = NaiveDate::from_ymd_opt(2025, 3, 9).expect("date");
        let tenant = TenantId::parse("jc-koeln").expect("tenant");
        assert_eq!(
            stream_id(Some(&tenant), day),
            "read-access-jc-koeln-2025-03-09"
        );
        assert_eq!(
            stream_id(None, day),
            "read-access-_unauthenticated-2025-03-09"
        );
        // A tenant named like the pseudo-tenant without its underscore stays apart.
        let lookalike = TenantId::parse("unauthenticated").expect("tenant");
        assert_ne!(stream_id(Some(&lookalike), day), stream_id(None, day));
        assert!(TenantId::parse(UNAUTHENTICATED_TENANT).is_err());
    }
}
