//! Authorization: which roles may call which RPC, and over which objects.
//!
//! Each service declares one [`RpcPolicy`]: a table of its RPCs, each with the roles that may
//! call it and the [`Scope`] a role grants (the whole tenant, or only the caller's own objects).
//! The [`AuthorizationLayer`] enforces the table before any handler runs (deny by default: an
//! RPC without an entry is refused), records refusals, and hands the handler an [`Authorized`]
//! caller with its scope. Handlers then apply the scope to the objects they read.
//!
//! The same table renders the RPC × role table of the documentation ([`RpcPolicy::to_markdown`])
//! and is checked against the proto descriptors ([`RpcPolicy::check_against_descriptors`]), so a
//! new RPC without an entry fails a test.

mod descriptor;
mod layer;
mod policy;

pub use descriptor::{DescriptorError, service_methods, service_names};
pub use layer::{Authorization, AuthorizationLayer, Authorized};
pub use policy::{Decision, Grant, PolicyMismatch, RpcPolicy, RpcRule, Scope};
