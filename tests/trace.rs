//! The library side of `explain` and near misses, through the public API:
//! traces that agree with verdicts for every sample creator, and the
//! distance to passing for each kind of condition, and the search for one
//! creator among many (`Ruleset::explain_among`).

use influence_eval::{Distance, Evaluated, RequirementOutcome, Ruleset, RunOptions, Status};
use serde_json::{json, Value};

/// Every creator of the sample data: the trace agrees with the verdict,
/// every failed requirement names the values it read, and every failed
/// comparison says how far off the creator is.
#[test]
fn every_sample_creator_is_explained() {
    let rules = Ruleset::from_file("rules/brand.rules".as_ref()).expect("sample rules");
    let text = std::fs::read_to_string("creators.json").expect("sample data");
    let records: Vec<Value> = serde_json::from_str(&text).expect("a JSON array");
    assert!(records.len() >= 300);
    for record in &records {
        let v = rules.evaluate(record);
        let t = rules.explain(record);
        assert_eq!(
            (t.status, &t.failed, t.score),
            (v.status, &v.failed, v.score)
        );
        if v.status == Status::Error {
            let errors = t
                .requirements
                .iter()
                .filter(|q| q.outcome == RequirementOutcome::Error)
                .count()
                + t.signals
                    .iter()
                    .filter(|s| matches!(s.value.result, Evaluated::Error(_)))
                    .count();
            assert!(errors > 0, "{}: an error the trace does not show", v.id);
            continue;
        }
        for f in &v.failed {
            let q = &t.requirements[f.requirement().expect("a failed requirement")];
            let want = if v.status == Status::Review {
                RequirementOutcome::Review
            } else {
                RequirementOutcome::Fail
            };
            assert_eq!(
                (q.outcome, q.reason.as_ref()),
                (want, Some(&f.reason)),
                "{}",
                v.id
            );
            assert!(!q.distance.is_empty(), "{} {}: no distance", v.id, q.name);
            for read in q.reads.iter().filter(|r| r.kind == "field") {
                let path: Vec<&str> = read.name.split('.').collect();
                let mut want = record;
                for k in &path {
                    want = want.get(k).unwrap_or(&Value::Null);
                }
                match &read.result {
                    Evaluated::Value(got) => assert_eq!(
                        got.as_f64().or(want.as_f64()),
                        want.as_f64().or(got.as_f64()),
                        "{} {}",
                        v.id,
                        read.name
                    ),
                    Evaluated::Missing(_) => assert!(want.is_null(), "{} {}", v.id, read.name),
                    other => panic!("{} {}: {other:?}", v.id, read.name),
                }
            }
        }
        let failing = t
            .requirements
            .iter()
            .filter(|q| q.outcome == RequirementOutcome::Fail)
            .count();
        let rejected = usize::from(v.status == Status::Rejected) * v.failed.len();
        assert_eq!(failing, rejected, "{}", v.id);
    }
}

/// The distances in words as the table and near misses join them: `A; and
/// B`, `A; or B` for another way to pass.
fn describe(gaps: &[Distance]) -> String {
    let mut out = String::new();
    for (i, g) in gaps.iter().enumerate() {
        if i > 0 {
            out.push_str(if g.alternative { "; or " } else { "; and " });
        }
        out.push_str(&g.text);
    }
    out
}

#[test]
fn distances_for_each_kind_of_condition() {
    let rules = Ruleset::compile(
        "d.rules",
        r#"
        require a: followers >= 1k
        require b: 3% <= rate
        require c: country in ["US", "CA"]
        require d: country not in ["DE"]
        require e: followers <= 10k and rate >= 5%
        require f: followers > 20k or rate > 10%
        require g: not (followers < 2k)
        require h: score_x >= 1
        require i: bio contains "skin"
        "#,
    )
    .expect("valid");
    let rec = json!({"followers": 500, "rate": 0.021, "country": "DE", "bio": "hair"});
    let trace = rules.explain(&rec);
    let text = |i: usize| describe(&trace.requirements[i].distance);
    assert_eq!(text(0), "followers 500: 500 below the minimum 1,000");
    assert_eq!(text(1), "rate 2.1%: 0.9% below the minimum 3%");
    assert_eq!(text(2), r#"country "DE": passes with one of "US", "CA""#);
    assert_eq!(text(3), r#"country "DE": passes with anything but "DE""#);
    assert_eq!(text(4), "rate 2.1%: 2.9% below the minimum 5%");
    assert_eq!(
        text(5),
        "followers 500: needs more than 20,000, 19,500 short; or rate 2.1%: needs more than 10%, 7.9% short"
    );
    assert_eq!(text(6), "followers 500: 1,500 below the minimum 2,000");
    assert_eq!(text(7), "score_x is missing: needs a value");
    assert_eq!(text(8), r#"bio "hair": needs to contain "skin""#);
    assert_eq!(
        serde_json::to_value(&trace.requirements[0].distance[0]).unwrap(),
        json!({"expression": "followers", "value": 500, "needs": ">=", "bound": 1000,
               "off_by": 500.0, "alternative": false,
               "text": "followers 500: 500 below the minimum 1,000"})
    );
}

#[test]
fn the_search_for_one_creator_through_the_api() {
    // the same search as the CLI, through the public API
    let rules = Ruleset::compile(
        "t.rules",
        "require micro: followers between 1k and 10k\nrequire market: country in [\"US\"]\n",
    )
    .expect("valid");
    let items = json!([
        {"handle": "ana", "followers": 5000, "country": "US"},
        {"handle": "fay", "followers": 2000, "country": "DE"},
        {"handle": "gus", "followers": 4000, "country": "US"},
        {"handle": "eve", "followers": 9000, "country": "US"}
    ]);
    let records = items.as_array().unwrap().clone();
    let x = rules
        .explain_among("fay", records, &RunOptions::default(), "mem")
        .expect("fay is there");
    assert_eq!(x.trace.id, "fay");
    assert_eq!(x.trace.status, Status::Rejected);
    assert_eq!(x.trace.failed[0].rule, "market");
    assert_eq!(x.trace.accepted, Some(3));
    let err = rules
        .explain_among("nobody", Vec::<Value>::new(), &RunOptions::default(), "mem")
        .expect_err("no records");
    assert!(err.closest.is_empty());
}
