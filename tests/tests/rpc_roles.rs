//! The RPC × role table in docs/security/rpc-roles.md is the services' authorization policies,
//! rendered: a change of a policy without the docs (or the reverse) fails here; and every
//! service of the contract has a policy (each service's own tests check its RPCs against it).

use platform::authz::RpcPolicy;

const BEGIN: &str = "<!-- BEGIN GENERATED: rpc-roles -->";
const END: &str = "<!-- END GENERATED: rpc-roles -->";

/// Every service's policy, in the order the docs list them.
const POLICIES: [RpcPolicy; 6] = [
    intake::authorization::POLICY,
    case::authorization::POLICY,
    case::authorization::FEED_POLICY,
    efile::authorization::POLICY,
    appointment::authorization::POLICY,
    notification::authorization::POLICY,
];

fn rendered() -> String {
    POLICIES
        .iter()
        .map(RpcPolicy::to_markdown)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_documented_rpc_role_table_is_the_policy() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/security/rpc-roles.md");
    let doc = std::fs::read_to_string(path).expect("docs/security/rpc-roles.md exists");
    let start = doc.find(BEGIN).expect("begin marker") + BEGIN.len();
    let end = doc.find(END).expect("end marker");
    let documented = doc[start..end].trim();
    let expected = rendered();
    // `JC_BLESS_DOCS=1` rewrites the generated part (then review the diff and commit it).
    if std::env::var_os("JC_BLESS_DOCS").is_some() && documented != expected.trim() {
        let updated = format!(
            "{}\n\n{}\n\n{}",
            &doc[..start],
            expected.trim(),
            &doc[end..]
        );
        std::fs::write(path, updated).expect("docs/security/rpc-roles.md is writable");
        return;
    }
    assert_eq!(
        documented,
        expected.trim(),
        "docs/security/rpc-roles.md is out of date: run this test with JC_BLESS_DOCS=1, or replace \
         the generated part with:\n{expected}"
    );
}

#[test]
fn every_service_of_the_contract_has_a_policy() {
    let services = platform::authz::service_names(jobcenter_proto::FILE_DESCRIPTOR_SET)
        .expect("the contract decodes");
    assert!(!services.is_empty());
    for service in services {
        assert!(
            POLICIES.iter().any(|policy| policy.service == service),
            "{service} has no authorization policy"
        );
    }
}
