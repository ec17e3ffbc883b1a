//! The policy table and its decision: pure, no I/O.

use std::fmt::Write as _;

use crate::caller::{CallerContext, Role};

/// How far a grant reaches within the caller's tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Only objects the caller owns: an applicant's own submissions and case, a partner
    /// system's own submissions.
    Own,
    /// Every object of the caller's tenant.
    Tenant,
}

/// One role allowed to call an RPC, with the scope it grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// What the role may reach.
    pub scope: Scope,
}

impl Grant {
    /// `role` may reach every object of its tenant.
    pub const fn tenant(role: Role) -> Self {
        Self {
            role,
            scope: Scope::Tenant,
        }
    }

    /// `role` may reach only objects it owns.
    pub const fn own(role: Role) -> Self {
        Self {
            role,
            scope: Scope::Own,
        }
    }
}

/// One RPC of a service and who may call it.
#[derive(Debug, Clone, Copy)]
pub struct RpcRule {
    /// The method name as in the proto, e.g. `GetCase`.
    pub method: &'static str,
    /// The roles that may call it; empty = nobody (the RPC is closed).
    pub grants: &'static [Grant],
    /// Whether the RPC returns case or applicant data, so each call is in the read-access log.
    pub reads_social_data: bool,
}

/// The outcome of [`RpcPolicy::decide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The call may proceed with this scope (the widest any of the caller's roles grants).
    Allow(Scope),
    /// None of the caller's roles may call this RPC.
    Deny,
    /// The path is not an RPC of this policy's service.
    NotInPolicy,
}

/// The authorization table of one gRPC service.
#[derive(Debug, Clone, Copy)]
pub struct RpcPolicy {
    /// The full service name, e.g. `jobcenter.case.v1.CaseService`.
    pub service: &'static str,
    /// One rule per RPC.
    pub rules: &'static [RpcRule],
}

/// How a policy and the service's descriptor disagree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyMismatch {
    #[error("RPC `{0}` has no entry in the authorization policy")]
    Missing(String),
    #[error("the authorization policy names `{0}`, which the service does not have")]
    Unknown(String),
    #[error("the authorization policy names `{0}` twice")]
    Duplicate(String),
}

impl RpcPolicy {
    /// The rule of `method` (the bare method name).
    pub fn rule(&self, method: &str) -> Option<&RpcRule> {
        self.rules.iter().find(|rule| rule.method == method)
    }

    /// The method name of a request path `/<service>/<method>` of this service.
    pub fn method_of<'p>(&self, path: &'p str) -> Option<&'p str> {
        let rest = path.strip_prefix('/')?;
        let (service, method) = rest.split_once('/')?;
        (service == self.service && !method.is_empty() && !method.contains('/')).then_some(method)
    }

    /// May `caller` call `method`, and with which scope?
    pub fn decide(&self, method: &str, caller: &CallerContext) -> Decision {
        let Some(rule) = self.rule(method) else {
            return Decision::NotInPolicy;
        };
        rule.grants
            .iter()
            .filter(|grant| caller.has_role(grant.role))
            .map(|grant| grant.scope)
            .max()
            .map_or(Decision::Deny, Decision::Allow)
    }

    /// Compares the policy with the service's RPC names (from its descriptor): every RPC needs
    /// exactly one entry and every entry an RPC.
    pub fn check(&self, methods: &[String]) -> Vec<PolicyMismatch> {
        let mut problems = Vec::new();
        for method in methods {
            if self.rule(method).is_none() {
                problems.push(PolicyMismatch::Missing(method.clone()));
            }
        }
        for (index, rule) in self.rules.iter().enumerate() {
            if !methods.iter().any(|m| m == rule.method) {
                problems.push(PolicyMismatch::Unknown(rule.method.to_owned()));
            }
            if self.rules[..index].iter().any(|r| r.method == rule.method) {
                problems.push(PolicyMismatch::Duplicate(rule.method.to_owned()));
            }
        }
        problems
    }

    /// [`Self::check`] against the encoded `FileDescriptorSet` that holds this service.
    pub fn check_against_descriptors(
        &self,
        descriptor_set: &[u8],
    ) -> Result<Vec<PolicyMismatch>, super::DescriptorError> {
        let methods = super::service_methods(descriptor_set, self.service)?;
        Ok(self.check(&methods))
    }

    /// The RPC × role table of this service in Markdown: `tenant` = every object of the
    /// caller's tenant, `own` = only the caller's own objects, empty = refused.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = write!(out, "| `{}` |", self.service);
        for role in Role::ALL {
            let _ = write!(out, " {role} |");
        }
        out.push_str(" read-access log |\n|---|");
        for _ in Role::ALL {
            out.push_str("---|");
        }
        out.push_str("---|\n");
        for rule in self.rules {
            let _ = write!(out, "| {} |", rule.method);
            for role in Role::ALL {
                let cell =
                    rule.grants
                        .iter()
                        .find(|grant| grant.role == role)
                        .map_or("", |grant| match grant.scope {
                            Scope::Own => "own",
                            Scope::Tenant => "tenant",
                        });
                let _ = write!(out, " {cell} |");
            }
            let logged = if rule.reads_social_data { "yes" } else { "" };
            let _ = writeln!(out, " {logged} |");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caller::{Authentication, TenantId};

    const POLICY: RpcPolicy = RpcPolicy {
        service: "jobcenter.test.v1.Things",
        rules: &[
            RpcRule {
                method: "GetThing",
                grants: &[Grant::own(Role::Applicant), Grant::tenant(Role::Caseworker)],
                reads_social_data: true,
            },
            RpcRule {
                method: "Closed",
                grants: &[],
                reads_social_data: false,
            },
        ],
    };

    fn caller(roles: &[Role]) -> CallerContext {
        CallerContext {
            tenant_id: TenantId::parse("jc-1").expect("valid"),
            subject: "s-1".to_owned(),
            roles: roles.to_vec(),
            client: "test".to_owned(),
            authentication: Authentication::Development,
        }
    }

    #[test]
    fn the_widest_scope_of_the_callers_roles_wins() {
        let both = caller(&[Role::Applicant, Role::Caseworker]);
        assert_eq!(
            POLICY.decide("GetThing", &both),
            Decision::Allow(Scope::Tenant)
        );
        let applicant = caller(&[Role::Applicant]);
        assert_eq!(
            POLICY.decide("GetThing", &applicant),
            Decision::Allow(Scope::Own)
        );
    }

    #[test]
    fn roles_without_a_grant_and_closed_rpcs_are_denied() {
        assert_eq!(
            POLICY.decide("GetThing", &caller(&[Role::Operator])),
            Decision::Deny
        );
        assert_eq!(POLICY.decide("Closed", &caller(&Role::ALL)), Decision::Deny);
        assert_eq!(
            POLICY.decide("Unknown", &caller(&Role::ALL)),
            Decision::NotInPolicy
        );
    }

    #[test]
    fn method_of_accepts_only_this_services_paths() {
        assert_eq!(
            POLICY.method_of("/jobcenter.test.v1.Things/GetThing"),
            Some("GetThing")
        );
        for path in [
            "/jobcenter.test.v1.Other/GetThing",
            "jobcenter.test.v1.Things/GetThing",
            "/jobcenter.test.v1.Things/",
            "/jobcenter.test.v1.Things/a/b",
        ] {
            assert_eq!(POLICY.method_of(path), None, "{path}");
        }
    }

    #[test]
    fn check_reports_missing_unknown_and_duplicate_entries() {
        let methods = vec!["GetThing".to_owned(), "NewThing".to_owned()];
        let problems = POLICY.check(&methods);
        assert_eq!(
            problems,
            vec![
                PolicyMismatch::Missing("NewThing".to_owned()),
                PolicyMismatch::Unknown("Closed".to_owned()),
            ]
        );
        const TWICE: RpcPolicy = RpcPolicy {
            service: "s",
            rules: &[
                RpcRule {
                    method: "A",
                    grants: &[],
                    reads_social_data: false,
                },
                RpcRule {
                    method: "A",
                    grants: &[],
                    reads_social_data: false,
                },
            ],
        };
        assert_eq!(
            TWICE.check(&["A".to_owned()]),
            vec![PolicyMismatch::Duplicate("A".to_owned())]
        );
    }

    #[test]
    fn markdown_has_a_column_per_role_and_a_row_per_rpc() {
        let table = POLICY.to_markdown();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 2 + POLICY.rules.len());
        assert!(lines[0].contains("applicant") && lines[0].contains("service"));
        assert_eq!(lines[2], "| GetThing | own | tenant |  |  |  |  |  | yes |");
        assert_eq!(lines[3], "| Closed |  |  |  |  |  |  |  |  |");
    }
}
