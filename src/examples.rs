//! Running the `example` blocks of a ruleset: each example's creator is
//! evaluated like any record, and each `expect` is compared with the
//! verdict. A failed expectation is a diagnostic pointing at the `expect`,
//! with what was expected and what the creator actually got.

use serde_json::Value as Json;

use crate::ast::{CmpOp, DeclKind, Example, Expect, ExpectKind, Expr, ExprKind};
use crate::diagnostic::RuleDiagnostic;
use crate::eval::{Status, Verdict};
use crate::language::cohort::Population;
use crate::language::dates::read_day;
use crate::language::human::fmt_number;
use crate::Ruleset;

/// What one example came to.
#[derive(Debug, Clone)]
pub struct ExampleResult {
    /// The example's name.
    pub name: String,
    /// The verdict its creator got.
    pub verdict: Verdict,
    /// One diagnostic per failed `expect` (empty: the example passed).
    pub failures: Vec<RuleDiagnostic>,
}

impl ExampleResult {
    /// True when every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Requirements that no example's creator fails, and tiers no example's
/// creator is given: the parts of a ruleset its examples do not cover.
pub fn uncovered(ruleset: &Ruleset, results: &[ExampleResult]) -> (Vec<String>, Vec<String>) {
    let p = ruleset.program();
    let requirements = p
        .requirements
        .iter()
        .filter(|r| {
            !results
                .iter()
                .any(|x| x.verdict.failed.iter().any(|f| f.rule == r.name))
        })
        .map(|r| r.name.clone())
        .collect();
    let tiers = p
        .tiers
        .iter()
        .filter(|t| {
            !results
                .iter()
                .any(|x| x.verdict.tier.as_deref() == Some(t.name.as_str()))
        })
        .map(|t| t.name.clone())
        .collect();
    (requirements, tiers)
}

/// Examples without `today` in a ruleset that uses `days_since`: their
/// outcome depends on the day they run (`check` and `test` warn).
pub fn undated(ruleset: &Ruleset) -> Vec<String> {
    if !ruleset.program().uses_days_since() {
        return Vec::new();
    }
    ruleset
        .program()
        .ast
        .decls
        .iter()
        .filter_map(|d| match &d.kind {
            DeclKind::Example(ex) if ex.today.is_empty() => Some(ex.name.value.clone()),
            _ => None,
        })
        .collect()
}

/// The warning for an example that [`undated`] lists.
pub fn undated_warning(name: &str) -> String {
    format!("example {name:?} has no `today`, and the rules use `days_since`: its outcome depends on the day it runs; add `today \"YYYY-MM-DD\"` after its creator")
}

impl Ruleset {
    /// Runs every example of the ruleset, in file order.
    pub(crate) fn run_examples(&self) -> Vec<ExampleResult> {
        let program = self.program();
        program
            .ast
            .decls
            .iter()
            .filter_map(|d| match &d.kind {
                DeclKind::Example(ex) => Some(ex),
                _ => None,
            })
            .map(|ex| {
                let creator = to_json(&ex.creator);
                // the checker accepted the date; without one, the run's date
                let dated = match ex.today.first().and_then(|t| read_day(&t.value)) {
                    Some(d) => self.clone().with_today(d),
                    None => self.clone(),
                };
                let verdict = dated.among_population(ex).evaluate(&creator);
                let failures = ex
                    .expects
                    .iter()
                    .filter_map(|e| check_expect(ex, e, &verdict))
                    .collect();
                ExampleResult {
                    name: ex.name.value.clone(),
                    verdict,
                    failures,
                }
            })
            .collect()
    }
}

impl Ruleset {
    /// This ruleset with the example's run as its population: its creator
    /// and those of its `population` block. Without the block (or without
    /// cohort functions) the ruleset as it is, the creator a cohort of one.
    fn among_population(self, ex: &Example) -> Ruleset {
        let program = self.program();
        if !program.uses_cohorts() || ex.population.is_empty() {
            return self;
        }
        let mut population = Population::new(program.cohorts.len());
        let records = std::iter::once(&ex.creator).chain(&ex.population);
        for record in records.map(to_json) {
            crate::eval::cohort::collect(program, crate::data::Rec::Json(&record), &mut population);
        }
        population.finish();
        self.with_population(population)
    }
}

/// An example creator as a record. The checker allows only literals here.
pub fn to_json(e: &Expr) -> Json {
    match &e.kind {
        ExprKind::Number(n) => {
            serde_json::Number::from_f64(n.value).map_or(Json::Null, Json::Number)
        }
        ExprKind::Neg(x) => match to_json(x) {
            Json::Number(n) => n
                .as_f64()
                .and_then(|f| serde_json::Number::from_f64(-f))
                .map_or(Json::Null, Json::Number),
            other => other,
        },
        ExprKind::String(s) => Json::String(s.clone()),
        ExprKind::Bool(b) => Json::Bool(*b),
        ExprKind::List(xs) => Json::Array(xs.iter().map(to_json).collect()),
        ExprKind::Object(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), to_json(v)))
                .collect(),
        ),
        ExprKind::Paren(x) => to_json(x),
        _ => Json::Null, // `null`
    }
}

/// What the creator actually got, for the help of a failed expectation.
pub fn describe_verdict(v: &Verdict) -> String {
    let mut parts = vec![format!("status {}", v.status.as_str())];
    if !v.failed.is_empty() {
        let label = match v.status {
            Status::Error => "error",
            Status::Review => "missing",
            _ => "failed",
        };
        let reasons: Vec<String> = v
            .failed
            .iter()
            .map(|f| match f.error && v.status != Status::Error {
                true => format!("error in {} ({})", f.rule, f.reason),
                false => format!("{} ({})", f.rule, f.reason),
            })
            .collect();
        parts.push(format!("{label}: {}", reasons.join("; ")));
    }
    if let Some(t) = &v.tier {
        parts.push(format!("tier {t}"));
    }
    if let Some(s) = v.score {
        parts.push(format!("score {}", fmt_score(s)));
    }
    parts.join(", ")
}

fn fmt_score(s: f64) -> String {
    fmt_number((s * 1e4).round() / 1e4)
}

fn compare(op: CmpOp, actual: f64, expected: f64) -> bool {
    op.holds(
        actual
            .partial_cmp(&expected)
            .unwrap_or(std::cmp::Ordering::Less),
    )
}

/// `None` when the expectation holds, else a diagnostic about it.
fn check_expect(ex: &Example, e: &Expect, v: &Verdict) -> Option<RuleDiagnostic> {
    let failed_rules: Vec<&str> = v
        .failed
        .iter()
        .filter(|f| !f.review && !f.error)
        .map(|f| f.rule.as_str())
        .collect();
    let expected: String = match &e.kind {
        ExpectKind::Accepted if v.status == Status::Accepted => return None,
        ExpectKind::Accepted => "status accepted".into(),
        ExpectKind::Review if v.status == Status::Review => return None,
        ExpectKind::Review => "status review".into(),
        ExpectKind::Rejected(names) => {
            let mut want: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
            let mut got = failed_rules.clone();
            want.sort_unstable();
            got.sort_unstable();
            if v.status == Status::Rejected && (want.is_empty() || want == got) {
                return None;
            }
            if want.is_empty() {
                "status rejected".into()
            } else {
                format!("rejected by exactly {}", want.join(", "))
            }
        }
        ExpectKind::Tier(t) if v.tier.as_deref() == Some(t.name.as_str()) => return None,
        ExpectKind::Tier(t) => format!("tier {}", t.name),
        ExpectKind::Score(op, n) => {
            if v.score.is_some_and(|s| compare(*op, s, n.value)) {
                return None;
            }
            format!("score {} {}", op.as_str(), n.raw)
        }
        ExpectKind::Signal(name, op, n) => {
            let value = v
                .signals
                .0
                .iter()
                .find(|s| s.name == name.name)
                .and_then(|s| s.clamped());
            if value.is_some_and(|x| compare(*op, x, n.value)) {
                return None;
            }
            let actual = value.map_or("missing".to_string(), fmt_score);
            return Some(failure(
                ex,
                e,
                format!("signal {} {} {}", name.name, op.as_str(), n.raw),
                format!("signal {} is {actual}; {}", name.name, describe_verdict(v)),
            ));
        }
    };
    Some(failure(ex, e, expected, describe_verdict(v)))
}

fn failure(ex: &Example, e: &Expect, expected: String, actual: String) -> RuleDiagnostic {
    RuleDiagnostic::error(
        "influence::example",
        e.span,
        format!("example {:?}: expected {expected}", ex.name.value),
        "this expectation does not hold",
    )
    .with_help(format!("actual: {actual}"))
}
