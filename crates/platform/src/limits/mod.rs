//! Limits that keep one caller or one jobcenter from starving the others.
//!
//! Message sizes, deadlines and concurrent streams are set on the server itself
//! (see [`crate::grpc`]); this module adds the per-tenant request rate ([`TenantRateLimitLayer`]).

mod rate;

pub use rate::{RateLimitConfig, TenantRateLimit, TenantRateLimitLayer};
