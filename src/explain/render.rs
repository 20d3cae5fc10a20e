//! `explain` as a person reads it: the verdict first, then every `let`,
//! requirement, signal and tier in file order, each with its source, the
//! values it read (missing shown as missing), its sub-results, what it came
//! to and, for a failed requirement, how far off the creator is. The JSON
//! form is the [`Trace`] itself.

use std::fmt::Write;

use serde_json::Value as Json;

use super::distance::describe;
use super::paint::Paint;
use super::trace::{
    CohortTrace, Evaluated, LetTrace, RankTrace, Read, RequirementOutcome, RequirementTrace,
    SignalTrace, Step, TierOutcome, TierTrace, Trace,
};
use crate::eval::Status;
use crate::language::human;
use crate::language::value::{printable, Missing, Value};

/// Columns before a declaration's source: the outcome word, padded.
const OUTCOME: usize = 8;

/// The text form, without colour (the library's [`crate::Ruleset::explain`]).
impl std::fmt::Display for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&render(self, Paint::PLAIN))
    }
}

/// Renders a trace as text.
pub fn render(t: &Trace, paint: Paint) -> String {
    let mut out = String::new();
    verdict(&mut out, t, paint);
    if t.lets.is_empty() && t.requirements.is_empty() && t.signals.is_empty() {
        if t.status == Status::Error {
            out.push_str("\nThe record could not be evaluated at all.\n");
        }
        return out;
    }
    if !t.lets.is_empty() {
        heading(&mut out, "Lets", paint);
        for l in &t.lets {
            let_lines(&mut out, l, paint);
        }
    }
    if !t.requirements.is_empty() {
        heading(
            &mut out,
            "Requirements (a creator is accepted when all hold)",
            paint,
        );
        for r in &t.requirements {
            requirement(&mut out, r, paint);
        }
    }
    if !t.signals.is_empty() {
        heading(
            &mut out,
            "Signals (the score is the weighted mean of their values clamped to [0, 1])",
            paint,
        );
        for s in &t.signals {
            signal(&mut out, s, t.score.is_some(), paint);
        }
        score(&mut out, t);
    }
    if !t.tiers.is_empty() {
        heading(&mut out, "Tiers (the first that holds)", paint);
        if t.status != Status::Accepted {
            let _ = writeln!(out, "  only accepted creators get a tier");
        } else {
            for tier in &t.tiers {
                tier_line(&mut out, tier, paint);
            }
        }
    }
    if let Some(r) = &t.rank_by {
        rank(&mut out, t, r, paint);
    }
    if !t.cohorts.is_empty() {
        heading(
            &mut out,
            "Cohorts (the creators of the run it is compared with)",
            paint,
        );
        for c in &t.cohorts {
            cohort_line(&mut out, c);
        }
    }
    out
}

/// A `let`: its source, what it read, its parts, its value.
fn let_lines(out: &mut String, l: &LetTrace, paint: Paint) {
    let value = shown(&l.value.result);
    let word = match &l.value.result {
        Evaluated::Error(_) => paint.error("ERROR"),
        _ => String::new(),
    };
    declaration(out, &word, &l.source, l.line, paint);
    reads(out, &l.reads);
    parts(out, &l.value.parts, 0);
    // a constant says its value already
    if !(l.reads.is_empty() && l.source.ends_with(&value)) {
        let _ = writeln!(out, "{}= {}", pad(), printable(&value));
    }
}

/// A requirement: its outcome word and source, what it read, its parts,
/// what it came to and, when it failed, how far off the creator is.
fn requirement(out: &mut String, r: &RequirementTrace, paint: Paint) {
    let word = match r.outcome {
        RequirementOutcome::Pass => paint.good("pass"),
        RequirementOutcome::PassMissing => paint.good("pass"),
        RequirementOutcome::Fail => paint.bad("FAIL"),
        RequirementOutcome::Review => paint.warn("review"),
        RequirementOutcome::Error => paint.error("ERROR"),
    };
    declaration(out, &word, &r.source, r.line, paint);
    reads(out, &r.reads);
    parts(out, &r.condition.parts, 0);
    let why = r.reason.as_deref().unwrap_or("");
    let result = match r.outcome {
        RequirementOutcome::Pass => "→ true".to_string(),
        RequirementOutcome::PassMissing => {
            format!("→ missing ({why}); `when missing pass` lets it through")
        }
        RequirementOutcome::Fail => match r.condition.result {
            Evaluated::Missing(_) => format!("→ missing, which fails: {why}"),
            _ => format!("→ false: {why}"),
        },
        RequirementOutcome::Review => format!("→ missing, sent to review: {why}"),
        RequirementOutcome::Error => format!("→ error: {why}"),
    };
    let _ = writeln!(out, "{}{}", pad(), printable(&result));
    if !r.distance.is_empty() {
        let to_pass = describe(&r.distance);
        let _ = writeln!(out, "{}to pass: {}", pad(), printable(&to_pass));
    }
}

/// `rank by`: its source, what it read, the key and the tie-breaking keys.
fn rank(out: &mut String, t: &Trace, r: &RankTrace, paint: Paint) {
    heading(out, "Rank", paint);
    declaration(out, "", &r.source, r.line, paint);
    // a key that is a plain read (`score`) is shown once
    if !(r.reads.len() == 1 && r.reads[0].name == r.key.source) {
        reads(out, &r.reads);
        parts(out, &r.key.parts, 0);
    }
    let _ = writeln!(out, "{}key = {}", pad(), printable(&shown(&r.key.result)));
    // the keys that break ties, each by its source
    for k in &r.then {
        let _ = writeln!(
            out,
            "{}then {} = {}",
            pad(),
            printable(&k.source),
            printable(&shown(&k.result))
        );
    }
    if let Some(line) = rank_line(t) {
        let _ = writeln!(out, "{}{line}", pad());
    }
}

/// The first lines: id, status, score, tier, rank, and where the record is.
fn verdict(out: &mut String, t: &Trace, paint: Paint) {
    let mut facts = vec![paint.status(t.status)];
    if t.status == Status::Rejected || t.status == Status::Review {
        // errors listed beside the failures are shown below, as errors
        let rules: Vec<&str> = t
            .failed
            .iter()
            .filter(|f| !f.error)
            .map(|f| f.rule.as_str())
            .collect();
        let by = if t.status == Status::Rejected {
            "by"
        } else {
            "because of"
        };
        facts[0] = format!("{} {by} {}", facts[0], printable(&rules.join(", ")));
    }
    if let Some(s) = t.score {
        facts.push(format!("score {}", human::score(s)));
    }
    if let Some(tier) = &t.tier {
        facts.push(format!("tier {}", printable(tier)));
    }
    if let Some(line) = rank_line(t) {
        facts.push(line);
    }
    let _ = writeln!(
        out,
        "{}: {}",
        paint.bold(&printable(&t.id)),
        facts.join(" · ")
    );
    let mut place = match t.line {
        Some(l) => format!("record {}, line {l} of the data", t.record),
        None => format!("record {}", t.record),
    };
    if let Some(today) = &t.today {
        place.push_str(&format!(", as of {today} (the run's date)"));
    }
    let _ = writeln!(out, "  {}", paint.dim(&place));
    {
        for f in t.failed.iter().filter(|f| f.error) {
            let _ = writeln!(
                out,
                "  {} in {}: {}",
                paint.error("error"),
                printable(&f.rule),
                printable(&f.reason)
            );
        }
    }
}

/// One cohort: what is compared, within which group, the cohort's size
/// and median, and the creator's place.
fn cohort_line(out: &mut String, c: &CohortTrace) {
    let what = c.value.as_deref().unwrap_or("creators");
    let within = match &c.group {
        Some(g) => format!("{what} among {g} = {}", c.group_value),
        None => format!("{what} among the whole run"),
    };
    let mut facts = vec![format!(
        "{} creator{}",
        human::count(c.size),
        if c.size == 1 { "" } else { "s" }
    )];
    if let Some(m) = c.median {
        facts.push(format!("median {}", human::fmt_number(m)));
    }
    let place = match (&c.value, c.x, c.below, c.percentile) {
        (Some(v), None, ..) => format!("{v} is missing: in no cohort"),
        (Some(_), Some(x), Some(below), Some(p)) => format!(
            "this creator {}, above {} of the others (percentile {})",
            human::fmt_number(x),
            human::count(below),
            human::fmt_number(p)
        ),
        _ => String::new(),
    };
    let alone = if c.alone {
        " (evaluated alone: a cohort of its own)"
    } else {
        ""
    };
    let mut line = format!("  {}: {}", printable(&within), facts.join(", "));
    if !place.is_empty() {
        line.push_str(&format!("; {place}"));
    }
    let _ = writeln!(out, "{line}{alone}");
}

fn rank_line(t: &Trace) -> Option<String> {
    let rank = t.rank?;
    let of = t.accepted.map_or(String::new(), |n| {
        format!(" of {} accepted", human::count(n))
    });
    let listed = match (&t.team, t.shortlisted) {
        (Some(team), _) => format!("; {team}"),
        (None, Some(true)) => ", in the shortlist".to_string(),
        (None, Some(false)) => ", below the shortlist's length".to_string(),
        (None, None) => String::new(),
    };
    Some(format!("rank {}{of}{listed}", human::count(rank)))
}

fn heading(out: &mut String, title: &str, paint: Paint) {
    let _ = writeln!(out, "\n{}", paint.bold(title));
}

/// The indentation of everything under a declaration.
fn pad() -> String {
    " ".repeat(2 + OUTCOME)
}

fn declaration(out: &mut String, word: &str, source: &str, line: usize, paint: Paint) {
    let visible = word_width(word);
    let gap = match visible {
        0 => String::new(),
        n => " ".repeat(OUTCOME.saturating_sub(n).max(1)),
    };
    let _ = writeln!(
        out,
        "  {word}{gap}{}{}",
        printable(source),
        match line {
            0 => String::new(),
            n => format!("  {}", paint.dim(&format!("(line {n})"))),
        }
    );
}

/// The visible width of a word that may hold ANSI codes.
fn word_width(s: &str) -> usize {
    let mut n = 0;
    let mut in_code = false;
    for c in s.chars() {
        match c {
            '\u{1b}' => in_code = true,
            'm' if in_code => in_code = false,
            _ if in_code => {}
            _ => n += 1,
        }
    }
    n
}

fn reads(out: &mut String, reads: &[Read]) {
    for r in reads {
        let value = match &r.result {
            Evaluated::Missing(why) if *why == format!("{} is missing", r.name) => {
                "missing".to_string()
            }
            other => shown(other),
        };
        let _ = writeln!(
            out,
            "{}{} = {}",
            pad(),
            printable(&r.name),
            printable(&value)
        );
    }
}

fn parts(out: &mut String, parts: &[Step], depth: usize) {
    for p in parts {
        let indent = "  ".repeat(depth);
        match &p.result {
            Evaluated::Skipped(why) => {
                let (source, why) = (printable(&p.source), printable(why));
                let _ = writeln!(out, "{}{indent}{source}: {why}", pad());
            }
            r => {
                let (source, value) = (printable(&p.source), shown(r));
                let _ = writeln!(out, "{}{indent}{source} = {}", pad(), printable(&value));
            }
        }
        self::parts(out, &p.parts, depth + 1);
    }
}

fn signal(out: &mut String, s: &SignalTrace, scored: bool, paint: Paint) {
    let word = match (&s.value.result, s.clamped) {
        (Evaluated::Error(_), _) => paint.error("ERROR"),
        (_, Some(c)) => human::score(c),
        (_, None) => paint.warn("missing"),
    };
    declaration(out, &word, &s.source, s.line, paint);
    reads(out, &s.reads);
    parts(out, &s.value.parts, 0);
    let result = match (&s.value.result, s.raw, s.clamped) {
        (Evaluated::Error(e), ..) => format!("→ error: {e}"),
        (Evaluated::Missing(why), ..) => format!("→ missing ({why}), counts 0"),
        (_, Some(raw), Some(c)) if raw != c => format!(
            "→ {}, clamped to {}",
            human::thousands(raw),
            human::score(c)
        ),
        (_, _, Some(_)) => String::new(),
        _ => "→ missing, counts 0".to_string(),
    };
    if !result.is_empty() {
        let _ = writeln!(out, "{}{}", pad(), printable(&result));
    }
    if scored {
        let _ = writeln!(
            out,
            "{}weight {}: adds {} to the score",
            pad(),
            human::thousands(s.weight),
            human::score(s.contribution)
        );
    }
}

fn score(out: &mut String, t: &Trace) {
    let Some(score) = t.score else {
        let why = if t.status == Status::Error {
            "a creator in error has no score"
        } else {
            "a signal in error leaves it unknown"
        };
        let _ = writeln!(out, "  score: none ({why})");
        return;
    };
    let total: f64 = t.signals.iter().map(|s| s.weight).sum();
    let terms: Vec<String> = t
        .signals
        .iter()
        .map(|s| {
            format!(
                "{} × {}",
                human::thousands(s.weight),
                human::score(s.clamped.unwrap_or(0.0))
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "  score = ({}) / {} = {}",
        terms.join(" + "),
        human::thousands(total),
        human::score(score)
    );
}

fn tier_line(out: &mut String, t: &TierTrace, paint: Paint) {
    let word = match t.outcome {
        TierOutcome::Chosen => paint.good("chosen"),
        TierOutcome::No => "no".to_string(),
        TierOutcome::Missing => paint.warn("missing"),
        TierOutcome::Error => paint.error("ERROR"),
        TierOutcome::NotTried => paint.dim("-"),
    };
    declaration(out, &word, &t.source, t.line, paint);
    reads(out, &t.reads);
    if let Some(c) = &t.condition {
        parts(out, &c.parts, 0);
        let result = match &c.result {
            Evaluated::Value(Json::Bool(b)) => format!("→ {b}"),
            Evaluated::Missing(why) => format!("→ missing ({why}), which does not hold"),
            other => format!("→ {}", shown(other)),
        };
        let _ = writeln!(out, "{}{}", pad(), printable(&result));
    } else if t.outcome == TierOutcome::NotTried {
        let _ = writeln!(out, "{}not tried: an earlier tier was chosen", pad());
    }
}

/// A result as a person reads it.
fn shown(r: &Evaluated) -> String {
    match r {
        Evaluated::Value(v) => json(v),
        Evaluated::Missing(why) => format!("missing ({why})"),
        Evaluated::Error(e) => format!("error: {e}"),
        Evaluated::Skipped(why) => why.clone(),
    }
}

/// A JSON value as reasons show it, a number with thousands separators.
fn json(v: &Json) -> String {
    match v {
        Json::Null => "missing".to_string(),
        // an integer past 2^53 as written, not as the float nearest it
        Json::Number(n)
            if n.as_f64()
                .is_some_and(|f| f.abs() >= 9_007_199_254_740_992.0) =>
        {
            n.to_string()
        }
        Json::Number(n) => n.as_f64().map_or_else(|| n.to_string(), human::thousands),
        other => Value::from_json(other, Missing::Field(0)).to_string(),
    }
}
