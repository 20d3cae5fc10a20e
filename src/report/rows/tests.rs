//! The row model: column names, rounding, defused formulas, the picker.

use super::cells::number_text;
use super::*;

fn names(text: &str) -> Vec<Vec<String>> {
    Column::parse_list(text)
        .expect("valid")
        .into_iter()
        .map(|c| c.path)
        .collect()
}

#[test]
fn columns_are_keys_paths_or_bracketed_names() {
    assert_eq!(
        names(r#"followers, profile.email,["Follower Count"],a["b,c"].d,[x y]"#),
        [
            vec!["followers"],
            vec!["profile", "email"],
            vec!["Follower Count"],
            vec!["a", "b,c", "d"],
            vec!["x y"],
        ]
    );
    let c = &Column::parse_list("profile.email").expect("valid")[0];
    assert_eq!(c.whole.as_deref(), Some("profile.email"));
    assert!(Column::parse_list("a,,b").is_err());
    assert!(Column::parse_list(r#"["open"#).is_err());
    assert!(Column::parse_list("a..b").is_err());
}

#[test]
fn a_column_given_twice_is_refused() {
    // ndjson would write the same key twice in one object
    let e = Column::parse_list("followers, country,followers").expect_err("twice");
    assert!(e.contains("`followers` is given twice"), "{e}");
    assert!(
        Column::parse_list("a.b,a[\"b\"]").is_ok(),
        "different names"
    );
}

#[test]
fn numbers_are_rounded_without_noise() {
    assert_eq!(number_text(0.462_499_999_999_999_97), "0.4625");
    assert_eq!(number_text(0.1 + 0.2), "0.3");
    assert_eq!(number_text(1.0), "1");
    assert_eq!(number_text(0.0), "0");
    assert_eq!(number_text(0.123_449), "0.1234");
    assert_eq!(number_text(2.0 / 3.0), "0.6667");
}

#[test]
fn formulas_are_defused_and_numbers_kept() {
    for bad in [
        "=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "-", "=", "-1e",
    ] {
        assert_eq!(defuse(bad), format!("'{bad}"), "{bad:?}");
    }
    for fine in ["-12", "-0.5", "+3", "1e-5", "-2E+3", "ana", "", "a=b"] {
        assert_eq!(defuse(fine), fine, "{fine:?}");
    }
}

/// The picker's rows against every verdict sorted at once: the same
/// creators, ranks and order, though it held only the best while
/// reading (ties, many of them, keep input order).
#[test]
fn the_picker_keeps_the_best_in_rank_order() {
    let rules = crate::Ruleset::compile(
        "t.rules",
        "require ok: x > 0\nrequire sure: y > 0 when missing review\nrank by x desc\nlimit 3\n",
    )
    .expect("valid rules");
    let records: Vec<Json> = (0..5000)
        .map(|i| match i % 7 {
            0 => serde_json::json!({"id": i, "x": 0}),
            1 => serde_json::json!({"id": i, "x": 5}),
            _ => serde_json::json!({"id": i, "x": (i * 37) % 101, "y": 1}),
        })
        .collect();
    let verdicts: Vec<Verdict> = records
        .iter()
        .enumerate()
        .map(|(i, r)| rules.evaluate_at(r, i, None))
        .collect();
    let report = rules.screen(
        records.clone(),
        &crate::RunOptions {
            all: true,
            ..Default::default()
        },
    );
    let all = report.creators.expect("--all");
    let mut ranked: Vec<&Verdict> = all.iter().filter(|v| v.rank.is_some()).collect();
    ranked.sort_by_key(|v| v.rank);
    let review: Vec<&str> = all
        .iter()
        .filter(|v| v.status == Status::Review)
        .map(|v| v.id.as_str())
        .collect();
    let pick = |set: RowSet, top: Option<usize>| {
        let mut p = Picker::new(rules.program(), set, top);
        for v in &verdicts {
            p.add(v, &[]);
        }
        p.finish()
    };
    for top in [None, Some(1), Some(3), Some(700)] {
        let rows = pick(RowSet::Shortlist, top);
        let n = top.unwrap_or(3);
        let want: Vec<(&str, Option<usize>)> = ranked[..n]
            .iter()
            .map(|v| (v.id.as_str(), v.rank))
            .collect();
        let got: Vec<(&str, Option<usize>)> =
            rows.iter().map(|r| (r.id.as_str(), r.rank)).collect();
        assert_eq!(got, want, "--top {top:?}");
    }
    let rows = pick(RowSet::Accepted, Some(1));
    assert_eq!(rows.len(), ranked.len() + review.len());
    assert!(rows[..ranked.len()]
        .iter()
        .zip(&ranked)
        .all(|(r, v)| r.id == v.id && r.rank == v.rank));
    let got: Vec<&str> = rows[ranked.len()..].iter().map(|r| r.id.as_str()).collect();
    assert_eq!(got, review);
    let rows = pick(RowSet::All, None);
    assert!(rows
        .iter()
        .zip(&all)
        .all(|(r, v)| r.id == v.id && r.rank == v.rank && r.status == v.status));
    assert_eq!(rows.len(), all.len());
}

#[test]
fn lists_are_joined() {
    let v = serde_json::json!(["a", 1, null, ["b"], {"k": 2}]);
    assert_eq!(cell_text(&v), "a; 1; ; b; {\"k\":2}");
}

#[test]
fn reasons_are_each_named_and_joined() {
    let failure = |rule: &str, reason: &str| crate::eval::Failure {
        rule: rule.to_string(),
        reason: reason.to_string(),
        error: false,
        cause: None,
        of: crate::eval::Rule::Requirement(0),
        review: false,
    };
    assert_eq!(reasons(&[]), "");
    let micro = failure("micro", "followers is 95170, needs between 1000 and 10000");
    assert_eq!(
        reasons(std::slice::from_ref(&micro)),
        "micro: followers is 95170, needs between 1000 and 10000"
    );
    let market = failure("market", "country is \"PH\"; needs one of \"US\"");
    assert_eq!(
        reasons(&[micro, market, failure("", "")]),
        "micro: followers is 95170, needs between 1000 and 10000; \
         market: country is \"PH\"; needs one of \"US\"; : "
    );
}
