//! Rule matching, rule validation and absences.

use super::*;
use proto::assignment_rule::Match as M;

fn surname(id: &str, from: &str, to: &str, caseworker: &str) -> proto::AssignmentRule {
    proto::AssignmentRule {
        rule_id: id.into(),
        r#match: Some(M::Surname(proto::SurnameRange {
            from: from.into(),
            to: to.into(),
        })),
        caseworker: caseworker.into(),
        team: "team-1".into(),
    }
}

fn postal(id: &str, prefix: &str) -> proto::AssignmentRule {
    proto::AssignmentRule {
        rule_id: id.into(),
        r#match: Some(M::PostalCodePrefix(prefix.into())),
        caseworker: "cw-postal".into(),
        team: "team-2".into(),
    }
}

fn fallback(id: &str) -> proto::AssignmentRule {
    proto::AssignmentRule {
        rule_id: id.into(),
        r#match: Some(M::Fallback(true)),
        caseworker: String::new(),
        team: "team-all".into(),
    }
}

fn fields(result: Result<Vec<Rule>, Vec<Violation>>) -> Vec<String> {
    result
        .expect_err("invalid")
        .into_iter()
        .map(|v| v.field)
        .collect()
}

#[test]
fn the_first_matching_rule_wins() {
    let rules = validate(&[
        postal("essen-nord", "4514"),
        surname("a-k", "a", "K", "cw-ak"),
        surname("l-z", "L", "Z", "cw-lz"),
        fallback("rest"),
    ])
    .expect("valid");
    let rule = |name: &str, postal_code: &str| {
        first_match(&rules, name, postal_code).map(|r| r.rule_id.as_str())
    };
    assert_eq!(rule("Mustermann", "45141"), Some("essen-nord"));
    assert_eq!(rule("Mustermann", "45127"), Some("l-z"));
    assert_eq!(rule("Becker", "45127"), Some("a-k"));
    assert_eq!(rule("", "45127"), Some("rest"));
    assert_eq!(first_match(&rules[..3], "", "45127"), None);
}

#[test]
fn surnames_match_case_insensitively_with_umlauts_as_base_letters() {
    let rules = validate(&[
        surname("a", "A", "A", "cw-a"),
        surname("n-p", "N", "P", "cw-o"),
        surname("s-u", "S", "U", "cw-u"),
    ])
    .expect("valid");
    let rule = |name: &str| first_match(&rules, name, "").map(|r| r.rule_id.as_str());
    assert_eq!(rule("Ärger"), Some("a"));
    assert_eq!(rule("ärger"), Some("a"));
    assert_eq!(rule("Özdemir"), Some("n-p"));
    assert_eq!(rule("Übel"), Some("s-u"));
    assert_eq!(rule("şahin"), Some("s-u"));
    assert_eq!(rule("  'Tjarks"), Some("s-u"));
    assert_eq!(rule("müller"), None);
    // ß starts no German word; should it, it is read as S (its capital is "SS").
    assert_eq!(first_letter("ßmith"), Some('S'));
    assert_eq!(first_letter("Çelik"), Some('C'));
    assert_eq!(first_letter("Ølsen"), Some('O'));
    assert_eq!(first_letter("Иванов"), None);
    assert_eq!(first_letter(""), None);
}

#[test]
fn postal_prefixes_match_the_start_only() {
    let rules = validate(&[postal("p", "451")]).expect("valid");
    assert!(matches(&rules[0], "X", "45127"));
    assert!(!matches(&rules[0], "X", "44451"));
    assert!(!matches(&rules[0], "X", ""));
}

#[test]
fn invalid_rules_are_named_by_their_field_paths() {
    let mut no_match = surname("x", "A", "B", "");
    no_match.r#match = None;
    let mut no_team = surname("y", "A", "B", "");
    no_team.team = " ".into();
    let got = fields(validate(&[
        surname("a", "A", "K", "cw"),
        surname("a", "Ä", "Z", "cw"),
        surname("b", "M", "L", "cw"),
        postal("c", "45a"),
        postal("", "123456"),
        no_match,
        no_team,
        proto::AssignmentRule {
            r#match: Some(M::Fallback(false)),
            ..fallback("z")
        },
    ]));
    assert_eq!(
        got,
        vec![
            "rules[1].rule_id",
            "rules[1].surname.from",
            "rules[2].surname.to",
            "rules[3].postal_code_prefix",
            "rules[4].rule_id",
            "rules[4].postal_code_prefix",
            "rules[5].match",
            "rules[6].team",
            "rules[7].fallback",
        ]
    );
}

#[test]
fn a_rule_after_the_fallback_is_refused_as_unreachable() {
    let got = fields(validate(&[fallback("rest"), postal("late", "45")]));
    assert_eq!(got, vec!["rules[1]"]);
}

#[test]
fn too_many_rules_are_refused() {
    let rules: Vec<_> = (0..=MAX_RULES)
        .map(|i| postal(&format!("r{i}"), "4"))
        .collect();
    assert_eq!(fields(validate(&rules)), vec!["rules"]);
}

#[test]
fn an_empty_rule_set_is_valid() {
    assert_eq!(validate(&[]), Ok(Vec::new()));
}

#[test]
fn rules_survive_recording_and_display() {
    let rules = validate(&[
        surname("a-k", "a", "k", "cw"),
        postal("p", "451"),
        fallback("rest"),
    ])
    .expect("valid");
    for rule in &rules {
        assert_eq!(from_record(&to_record(rule)).as_ref(), Some(rule));
        let shown = to_proto(rule);
        assert_eq!(validate(&[shown]), Ok(vec![rule.clone()]));
    }
    assert_eq!(
        to_proto(&rules[0]).r#match,
        Some(M::Surname(proto::SurnameRange {
            from: "A".into(),
            to: "K".into()
        }))
    );
}

#[test]
fn an_absence_needs_ordered_days_and_someone_else_standing_in() {
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2027, 3, d);
    let absence = Absence::new("cw-1", day(1), day(12), "cw-2").expect("valid");
    assert_eq!(absence.substitute, "cw-2");
    assert!(Absence::new("cw-1", day(5), day(5), "cw-2").is_ok());
    let fields = |result: Result<Absence, Vec<Violation>>| -> Vec<String> {
        result
            .expect_err("invalid")
            .into_iter()
            .map(|v| v.field)
            .collect()
    };
    assert_eq!(
        fields(Absence::new("cw-1", day(12), day(1), "cw-2")),
        vec!["last_day"]
    );
    assert_eq!(
        fields(Absence::new("cw-1", day(1), day(2), " cw-1 ")),
        vec!["substitute"]
    );
    assert_eq!(
        fields(Absence::new("", None, day(2), "")),
        vec!["caseworker", "substitute", "first_day"]
    );
    let long = Absence::new(
        "cw-1",
        day(1),
        chrono::NaiveDate::from_ymd_opt(2028, 3, 1),
        "cw-2",
    );
    assert_eq!(fields(long), vec!["last_day"]);
}

#[test]
fn streams_are_per_tenant_and_never_case_streams() {
    assert_eq!(rules_stream("jc-essen"), "assignment-rules-jc-essen");
    assert_eq!(staff_stream("jc-essen"), "staff-jc-essen");
    assert_eq!(
        crate::domain::case_id_of_stream(&rules_stream("jc-essen")),
        None
    );
}
