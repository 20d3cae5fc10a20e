//! One ruleset that uses every construct of the language, run over 3000
//! varied creators (boundaries, absent fields, nulls, zero denominators,
//! strings where numbers belong, records that are not objects), must give
//! what an independent evaluation gives: statuses, failed requirements,
//! signals and scores (to 1e-9), tiers, ranks, the shortlist, the funnel and
//! the failure counts.
//!
//! The fixtures come from `scripts/gen_every_construct.py`, which holds its
//! own evaluator written from docs/language.md; rerun it after changing
//! `tests/fixtures/every_construct.rules` (CI regenerates them and fails
//! when they differ from the committed ones).
//!
//! The run's date is fixed (`today` 2026-06-15), as the script assumes: the
//! records' posts are dated relative to it and `days_since` counts to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use influence_eval::{Report, Ruleset, RunOptions, Status, Verdict};
use serde_json::Value as Json;

const TOLERANCE: f64 = 1e-9;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

fn read_json(name: &str) -> Json {
    let path = fixture(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Mismatches printed in full per kind of field; the rest are only counted.
const SHOWN_PER_FIELD: usize = 12;

/// Every difference found, each naming the creator (or report part) and the field.
#[derive(Default)]
struct Mismatches {
    /// (field family, line)
    lines: Vec<(String, String)>,
    per_field: BTreeMap<String, usize>,
}

impl Mismatches {
    fn add(
        &mut self,
        whom: &str,
        field: &str,
        rust: impl std::fmt::Debug,
        expected: impl std::fmt::Debug,
    ) {
        self.note(whom, field, &format!("{rust:?}"), &format!("{expected:?}"));
    }

    fn note(&mut self, whom: &str, field: &str, rust: &str, expected: &str) {
        let family = field.split(' ').next().unwrap_or(field).to_string();
        *self.per_field.entry(family.clone()).or_default() += 1;
        self.lines.push((
            family,
            format!("{whom}: {field}: Rust gives {rust}, expected {expected}"),
        ));
    }

    fn check<T: PartialEq + std::fmt::Debug>(
        &mut self,
        whom: &str,
        field: &str,
        rust: T,
        expected: T,
    ) {
        if rust != expected {
            self.add(whom, field, rust, expected);
        }
    }

    fn report(&self) -> String {
        let mut out = format!(
            "{} mismatches with tests/fixtures/every_construct_expected.json\nby field: {:?}\n",
            self.lines.len(),
            self.per_field
        );
        if self.per_field.contains_key("status") && self.per_field.contains_key("rank") {
            out.push_str(
                "(a creator whose status differs shifts the rank of the accepted creators after it)\n",
            );
        }
        // causes first: a status that differs moves every rank after it
        let mut families: Vec<&String> = self.per_field.keys().collect();
        families.sort_by_key(|f| (f.as_str() == "rank", f.as_str() != "status"));
        for family in families {
            let lines: Vec<&String> = self
                .lines
                .iter()
                .filter(|(f, _)| f == family)
                .map(|(_, l)| l)
                .collect();
            out.push_str(&format!("{family} ({}):\n", lines.len()));
            for line in lines.iter().take(SHOWN_PER_FIELD) {
                out.push_str(&format!("  {line}\n"));
            }
            if lines.len() > SHOWN_PER_FIELD {
                out.push_str(&format!(
                    "  ... and {} more\n",
                    lines.len() - SHOWN_PER_FIELD
                ));
            }
        }
        out
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOLERANCE
}

fn as_str_list(j: &Json) -> Vec<String> {
    j.as_array()
        .map(|xs| {
            xs.iter()
                .map(|x| x.as_str().expect("a name").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Compares one verdict with its expected counterpart. `messages` are the
/// `else` messages of the requirements, by name.
fn compare_creator(
    m: &mut Mismatches,
    messages: &BTreeMap<&str, &str>,
    i: usize,
    v: &Verdict,
    e: &Json,
) {
    let id = e["id"].as_str().expect("expected id");
    let whom = format!("creator #{} {id:?}", i + 1);
    m.check(&whom, "id", v.id.as_str(), id);
    let status = e["status"].as_str().expect("expected status");
    if v.status.as_str() != status {
        let failed: Vec<String> = v
            .failed
            .iter()
            .map(|f| format!("{}: {}", f.rule, f.reason))
            .collect();
        let want = match status {
            "error" => format!("error, caused by one of {}", e["error_causes"]),
            "accepted" => "accepted".to_string(),
            _ => format!("{status} by {}", e["failed"]),
        };
        m.note(
            &whom,
            "status",
            &format!("{} {failed:?}", v.status.as_str()),
            &want,
        );
        return;
    }
    if v.status == Status::Error {
        // Which wrong-typed requirement or signal is reported first depends
        // on evaluation order, which docs/language.md leaves open: any of them will do.
        let causes = as_str_list(&e["error_causes"]);
        let rules: Vec<&str> = v.failed.iter().map(|f| f.rule.as_str()).collect();
        if rules.len() != 1 || !causes.iter().any(|c| c == rules[0]) {
            m.add(
                &whom,
                "failed (error cause)",
                rules,
                format!("one of {causes:?}"),
            );
        }
        if v.failed.iter().any(|f| f.reason.is_empty()) {
            m.add(
                &whom,
                "failed (error reason)",
                "an empty reason",
                "a reason",
            );
        }
        m.check(&whom, "score", v.score, None);
        m.check(&whom, "tier", v.tier.as_deref(), None);
        m.check(&whom, "rank", v.rank, None);
        return;
    }
    let mut failed: Vec<String> = v.failed.iter().map(|f| f.rule.clone()).collect();
    failed.sort();
    m.check(&whom, "failed", failed, as_str_list(&e["failed"]));
    for f in &v.failed {
        // a requirement's own message is its reason (followed by what was
        // missing, when it came out missing)
        match messages.get(f.rule.as_str()) {
            // an error listed beside the failures is reasoned by the error
            _ if f.error && !f.reason.is_empty() => {}
            Some(msg) if !f.reason.starts_with(msg) => m.add(
                &whom,
                &format!("failed {} reason", f.rule),
                &f.reason,
                format!("the else message {msg:?}"),
            ),
            None if f.reason.is_empty() => {
                m.add(&whom, &format!("failed {} reason", f.rule), "", "a reason")
            }
            _ => {}
        }
    }
    match (v.score, e["score"].as_f64()) {
        (Some(a), Some(b)) if close(a, b) => {}
        // a signal in error leaves a rejected creator's score unknown
        (None, None) if e["score"].is_null() => {}
        (a, b) => m.add(&whom, "score", a, b),
    }
    let expected_signals = e["signals"].as_object().expect("expected signals");
    let names: Vec<&str> = v.signals.0.iter().map(|s| s.name.as_str()).collect();
    let expected_names: Vec<&str> = expected_signals.keys().map(String::as_str).collect();
    m.check(&whom, "signals (names)", names, expected_names);
    for s in &v.signals.0 {
        let expected = expected_signals.get(&s.name).and_then(Json::as_f64);
        match (s.clamped(), expected) {
            (None, None) => {}
            (Some(a), Some(b)) if close(a, b) => {}
            (a, b) => m.add(&whom, &format!("signal {}", s.name), a, b),
        }
    }
    m.check(&whom, "tier", v.tier.as_deref(), e["tier"].as_str());
    m.check(
        &whom,
        "rank",
        v.rank,
        e["rank"].as_u64().map(|r| r as usize),
    );
}

fn compare_summary(m: &mut Mismatches, report: &Report, expected: &Json) {
    let count = |k: &str| expected[k].as_u64().expect("a count") as usize;
    m.check(
        "report",
        "ruleset",
        report.ruleset.as_deref(),
        expected["ruleset"].as_str(),
    );
    // the run's date as the json report writes it
    let written = serde_json::to_value(report).expect("a report serialises");
    m.check("report", "today", &written["today"], &expected["today"]);
    m.check("report", "evaluated", report.evaluated, count("evaluated"));
    m.check("report", "accepted", report.accepted, count("accepted"));
    m.check("report", "rejected", report.rejected, count("rejected"));
    m.check("report", "review", report.review, count("review"));
    m.check("report", "errors", report.errors, count("errors"));

    let funnel = expected["funnel"].as_array().expect("expected funnel");
    m.check(
        "report",
        "funnel (length)",
        report.funnel.len(),
        funnel.len(),
    );
    for (step, e) in report.funnel.iter().zip(funnel) {
        let whom = format!("funnel step `{}`", step.rule);
        m.check(
            &whom,
            "rule",
            step.rule.as_str(),
            e["rule"].as_str().unwrap_or(""),
        );
        m.check(
            &whom,
            "removed",
            step.removed as u64,
            e["removed"].as_u64().unwrap_or(0),
        );
        m.check(
            &whom,
            "remaining",
            step.remaining as u64,
            e["remaining"].as_u64().unwrap_or(0),
        );
    }

    let failures = expected["failures"].as_object().expect("expected failures");
    let rust: Vec<(&str, u64)> = report
        .failures
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_u64().unwrap_or(u64::MAX)))
        .collect();
    let want: Vec<(&str, u64)> = failures
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_u64().unwrap_or(u64::MAX)))
        .collect();
    m.check("report", "failures", rust, want);

    let ids: Vec<&str> = report.shortlist.iter().map(|s| s.id.as_str()).collect();
    let want: Vec<&str> = expected["shortlist"]
        .as_array()
        .expect("expected shortlist")
        .iter()
        .map(|x| x.as_str().expect("an id"))
        .collect();
    m.check("report", "shortlist (ids in order)", ids, want);
    let creators = report.creators.as_deref().unwrap_or_default();
    for (i, entry) in report.shortlist.iter().enumerate() {
        let whom = format!("shortlist entry {} {:?}", i + 1, entry.id);
        m.check(&whom, "rank", entry.rank, i + 1);
        if let Some(v) = creators.iter().find(|v| v.rank == Some(entry.rank)) {
            m.check(
                &whom,
                "id (the creator of that rank)",
                entry.id.as_str(),
                v.id.as_str(),
            );
            m.check(&whom, "score", Some(entry.score), v.score);
            m.check(&whom, "tier", entry.tier.as_deref(), v.tier.as_deref());
            m.check(&whom, "signals", &entry.signals, &v.signals);
        } else {
            m.add(&whom, "rank", "no creator of this rank", "one");
        }
    }
}

/// When statuses differ, absolute ranks shift; this says whether the
/// creators accepted on both sides are still in the expected order.
fn compare_rank_order(m: &mut Mismatches, verdicts: &[Verdict], wanted: &[Json]) {
    let mut both: Vec<(usize, usize, usize)> = verdicts
        .iter()
        .zip(wanted)
        .enumerate()
        .filter_map(|(i, (v, e))| Some((i, v.rank?, e["rank"].as_u64()? as usize)))
        .collect();
    both.sort_by_key(|&(_, rust, _)| rust);
    let by_rust: Vec<usize> = both.iter().map(|&(i, _, _)| i).collect();
    both.sort_by_key(|&(_, _, expected)| expected);
    for (place, (&r, &(e, _, _))) in by_rust.iter().zip(&both).enumerate() {
        if r != e {
            let id = |i: usize| format!("#{} {:?}", i + 1, verdicts[i].id);
            m.note(
                &format!("place {} among creators accepted on both sides", place + 1),
                "rank-order",
                &id(r),
                &id(e),
            );
        }
    }
}

/// The funnel's arithmetic, whatever the expected numbers say.
fn check_identities(m: &mut Mismatches, r: &Report) {
    let removed: usize = r.funnel.iter().map(|s| s.removed).sum();
    let last = r
        .funnel
        .last()
        .map_or(r.evaluated - r.errors, |s| s.remaining);
    m.check(
        "funnel identity",
        "removed + final remaining = evaluated - errors",
        removed + last,
        r.evaluated - r.errors,
    );
    m.check(
        "funnel identity",
        "final remaining = accepted + review",
        last,
        r.accepted + r.review,
    );
    m.check(
        "count identity",
        "accepted + rejected + review + errors = evaluated",
        r.accepted + r.rejected + r.review + r.errors,
        r.evaluated,
    );
    let mut before = r.evaluated - r.errors;
    for step in &r.funnel {
        m.check(
            &format!("funnel step `{}`", step.rule),
            "remaining = previous remaining - removed",
            step.remaining,
            before.saturating_sub(step.removed),
        );
        before = step.remaining;
    }
}

#[test]
fn every_construct_matches_an_independent_evaluation() {
    let rules_path = fixture("every_construct.rules");
    let rules = match Ruleset::from_file(&rules_path) {
        Ok(r) => r,
        Err(e) => panic!("{}: {e:?}", rules_path.display()),
    };
    let records = match read_json("every_construct_creators.json") {
        Json::Array(xs) => xs,
        _ => panic!("every_construct_creators.json is not an array"),
    };
    let expected = read_json("every_construct_expected.json");
    let report = rules.screen(
        records,
        &RunOptions {
            all: true,
            today: Some(jiff::civil::date(2026, 6, 15)),
            ..RunOptions::default()
        },
    );

    let mut m = Mismatches::default();
    compare_summary(&mut m, &report, &expected);
    check_identities(&mut m, &report);
    let verdicts = report
        .creators
        .as_deref()
        .expect("--all keeps every verdict");
    let wanted = expected["creators"].as_array().expect("expected creators");
    m.check("report", "creators (count)", verdicts.len(), wanted.len());
    let messages = influence_eval::testing::else_messages(&rules);
    let messages: BTreeMap<&str, &str> = messages
        .iter()
        .map(|(name, message)| (name.as_str(), message.as_str()))
        .collect();
    for (i, (v, e)) in verdicts.iter().zip(wanted).enumerate() {
        compare_creator(&mut m, &messages, i, v, e);
    }
    if m.per_field.contains_key("status") {
        compare_rank_order(&mut m, verdicts, wanted);
    }
    assert!(m.lines.is_empty(), "{}", m.report());
}
