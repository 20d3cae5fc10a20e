//! `explain` over lambdas (docs/language.md, section 10): what the body
//! gave for each element is shown, for the first ten elements only, plus
//! the missing value that decided an aggregate, and a count of the rest.

use influence_eval::{Evaluated, Ruleset, Step, Trace};
use serde_json::{json, Value};

const RULES: &str = r#"require geo: sum(filter(audience.geo, g => g.code in ["US", "CA"]), g => g.weight) >= 50%
require likes: avg(recentPosts, p => p.likes) >= 100
"#;

/// 25 countries, two of them US and CA; 30 posts, the 18th without likes.
fn creator() -> Value {
    let mut geo: Vec<Value> = (0..23)
        .map(|i| json!({"code": format!("X{i}"), "weight": 0.01}))
        .collect();
    geo.insert(2, json!({"code": "US", "weight": 0.3}));
    geo.push(json!({"code": "CA", "weight": 0.1}));
    let posts: Vec<Value> = (0..30)
        .map(|i| {
            if i == 17 {
                json!({})
            } else {
                json!({"likes": i * 10})
            }
        })
        .collect();
    json!({"id": "ana", "audience": {"geo": geo}, "recentPosts": posts})
}

fn trace_text() -> (Trace, String) {
    let rules = Ruleset::compile("t.rules", RULES).expect("rules compile");
    let t = rules.explain(&creator());
    let text = t.to_string();
    (t, text)
}

/// Every step below `s`, depth first.
fn all_steps(s: &Step) -> Vec<&Step> {
    let mut out = vec![s];
    for p in &s.parts {
        out.extend(all_steps(p));
    }
    out
}

#[test]
fn a_filter_shows_which_of_the_first_ten_elements_passed() {
    let (_, text) = trace_text();
    assert!(
        text.contains(r#"g.code in ["US", "CA"] for audience.geo[2] = true"#),
        "{text}"
    );
    assert!(text.contains(r#"g.code in ["US", "CA"] for audience.geo[9] = false"#));
    assert!(!text.contains("audience.geo[10]"), "{text}");
    assert!(text.contains("…: 15 more elements of audience.geo, not shown"));
    // the values summed are the passing elements'
    assert!(text.contains(r#"filter(audience.geo, g => g.code in ["US", "CA"])[0].weight = 0.3"#));
    assert!(text.contains(r#"filter(audience.geo, g => g.code in ["US", "CA"])[1].weight = 0.1"#));
}

#[test]
fn an_aggregate_shows_its_values_and_the_missing_one_that_decided() {
    let (t, text) = trace_text();
    assert!(text.contains("recentPosts[0].likes = 0"), "{text}");
    assert!(text.contains("recentPosts[9].likes = 90"));
    assert!(!text.contains("recentPosts[10].likes"));
    assert!(text.contains("recentPosts[17].likes = missing"), "{text}");
    assert!(text.contains("…: 19 more elements of recentPosts, not shown"));
    assert!(text.contains("→ missing, which fails: recentPosts[17].likes is missing"));
    // bounded: 10 elements, the deciding one and the count of the rest
    let likes = &t.requirements[1].condition;
    let shown = all_steps(likes)
        .into_iter()
        .filter(|s| s.source.starts_with("recentPosts["))
        .count();
    assert_eq!(shown, 11);
    let skipped: Vec<&Step> = all_steps(likes)
        .into_iter()
        .filter(|s| matches!(s.result, Evaluated::Skipped(_)))
        .collect();
    assert_eq!(skipped.len(), 1);
}

#[test]
fn any_all_count_show_their_elements_too() {
    let rules = Ruleset::compile("t.rules", "require r: count(xs, x => x > 2) >= 2\n")
        .expect("rules compile");
    let record = json!({"id": "a", "xs": [1, 5, 2]});
    let text = rules.explain(&record).to_string();
    assert!(text.contains("x > 2 for xs[0] = false"), "{text}");
    assert!(text.contains("x > 2 for xs[1] = true"));
    assert!(text.contains("x > 2 for xs[2] = false"));
    assert!(!text.contains("not shown"));
}
