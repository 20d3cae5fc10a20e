//! What a change of rules does to the results: both rulesets are run over
//! the same creators, and every creator whose status, tier, rank or place on
//! the shortlist differs is listed with the requirement or signal that
//! caused it.

use std::fmt::Write;

use serde::Serialize;

use super::Report;
use crate::eval::value::{fmt_number, printable};
use crate::eval::{Status, Verdict};

/// One side of a change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    /// accepted, review, rejected or error.
    pub status: Status,
    /// The tier, for accepted creators.
    pub tier: Option<String>,
    /// The rank, for accepted creators.
    pub rank: Option<usize>,
    /// On the shortlist (within `limit`).
    pub shortlisted: bool,
    /// The score, for creators without an error.
    pub score: Option<f64>,
}

/// A creator whose result changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// The creator's id.
    pub id: String,
    /// Under the old rules.
    pub old: Side,
    /// Under the new rules.
    pub new: Side,
    /// What caused it: requirements that now fail or pass, signals that moved.
    pub causes: Vec<String>,
}

/// Counts of each kind of change.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DiffCounts {
    /// Creators compared.
    pub evaluated: usize,
    /// Now on the shortlist, not before.
    pub entered: usize,
    /// On the shortlist before, not now.
    pub left: usize,
    /// Status differs.
    pub status_changed: usize,
    /// Tier differs.
    pub tier_changed: usize,
    /// Rank differs.
    pub rank_changed: usize,
}

/// The difference between two runs over the same creators.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    /// The old ruleset's name.
    pub old_ruleset: Option<String>,
    /// The new ruleset's name.
    pub new_ruleset: Option<String>,
    /// The counts.
    pub counts: DiffCounts,
    /// Every creator whose result changed, in input order.
    pub changes: Vec<Change>,
}

fn side(v: &Verdict, shortlist_len: usize) -> Side {
    Side {
        status: v.status,
        tier: v.tier.clone(),
        rank: v.rank,
        shortlisted: v.rank.is_some_and(|r| r <= shortlist_len),
        score: v.score,
    }
}

/// Compares two reports made with `--all` over the same records.
pub fn diff(old: &Report, new: &Report) -> Diff {
    let empty = Vec::new();
    let olds = old.creators.as_ref().unwrap_or(&empty);
    let news = new.creators.as_ref().unwrap_or(&empty);
    let mut counts = DiffCounts {
        evaluated: olds.len().min(news.len()),
        ..Default::default()
    };
    let mut changes = Vec::new();
    for (o, n) in olds.iter().zip(news) {
        let (a, b) = (side(o, old.shortlist.len()), side(n, new.shortlist.len()));
        if a.status == b.status
            && a.tier == b.tier
            && a.rank == b.rank
            && a.shortlisted == b.shortlisted
        {
            continue;
        }
        counts.entered += usize::from(!a.shortlisted && b.shortlisted);
        counts.left += usize::from(a.shortlisted && !b.shortlisted);
        counts.status_changed += usize::from(a.status != b.status);
        counts.tier_changed += usize::from(a.tier != b.tier);
        counts.rank_changed += usize::from(a.rank != b.rank);
        let mut why = causes(o, n);
        if a.shortlisted != b.shortlisted && old.shortlist.len() != new.shortlist.len() {
            let moved = why == ["other creators moved"];
            if moved {
                why.clear();
            }
            why.push(format!(
                "the shortlist holds {} (was {})",
                new.shortlist.len(),
                old.shortlist.len()
            ));
        }
        changes.push(Change {
            id: n.id.clone(),
            causes: why,
            old: a,
            new: b,
        });
    }
    Diff {
        old_ruleset: old.ruleset.clone(),
        new_ruleset: new.ruleset.clone(),
        counts,
        changes,
    }
}

/// Requirements that now fail or now pass, errors, and signals that moved.
fn causes(o: &Verdict, n: &Verdict) -> Vec<String> {
    let mut out = Vec::new();
    if n.status == Status::Error {
        if let Some(f) = n.failed.first() {
            out.push(format!("now in error: {}", f.reason));
        }
    }
    if o.status == Status::Error && n.status != Status::Error {
        out.push("no longer in error".to_string());
    }
    let kind = |v: &Verdict| {
        if v.status == Status::Review {
            "is missing for"
        } else {
            "fails"
        }
    };
    for f in &n.failed {
        if n.status != Status::Error && !o.failed.iter().any(|g| g.rule == f.rule) {
            let k = if f.error {
                "meets an error in"
            } else {
                kind(n)
            };
            out.push(format!("now {k} {}: {}", f.rule, f.reason));
        }
    }
    for f in &o.failed {
        if o.status != Status::Error && !n.failed.iter().any(|g| g.rule == f.rule) {
            out.push(format!("now passes {} (was: {})", f.rule, f.reason));
        }
    }
    for s in &n.signals.0 {
        let before = o.signals.0.iter().find(|x| x.name == s.name);
        match before {
            None if !o.signals.0.is_empty() || o.status != Status::Error => {
                out.push(format!("signal {} added: {}", s.name, show(s.clamped())));
            }
            Some(b) if differs(b.clamped(), s.clamped()) => {
                out.push(format!(
                    "signal {} {} -> {}",
                    s.name,
                    show(b.clamped()),
                    show(s.clamped())
                ));
            }
            _ => {}
        }
    }
    for s in &o.signals.0 {
        if n.status != Status::Error && !n.signals.0.iter().any(|x| x.name == s.name) {
            out.push(format!("signal {} removed", s.name));
        }
    }
    if out.is_empty() && o.tier != n.tier {
        out.push("the tier conditions changed".to_string());
    }
    if out.is_empty() {
        out.push("other creators moved".to_string());
    }
    out
}

fn differs(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() > 1e-12,
        (x, y) => x.is_some() != y.is_some(),
    }
}

fn show(v: Option<f64>) -> String {
    v.map_or("missing".to_string(), |x| {
        fmt_number((x * 1000.0).round() / 1000.0)
    })
}

fn describe(s: &Side) -> String {
    let mut t = s.status.as_str().to_string();
    if let Some(r) = s.rank {
        let _ = write!(t, " #{r}");
    }
    if let Some(tier) = &s.tier {
        let _ = write!(t, " {tier}");
    }
    t
}

/// Renders a diff for a terminal.
pub fn render(d: &Diff, old_file: &str, new_file: &str) -> String {
    let mut out = String::new();
    let c = &d.counts;
    let _ = writeln!(
        out,
        "{} -> {}: {} creators compared",
        printable(old_file),
        printable(new_file),
        c.evaluated
    );
    for (label, n) in [
        ("entered the shortlist", c.entered),
        ("left the shortlist", c.left),
        ("changed status", c.status_changed),
        ("changed tier", c.tier_changed),
        ("changed rank", c.rank_changed),
    ] {
        let _ = writeln!(out, "  {label:<22} {n}");
    }
    type Pick = fn(&Change) -> bool;
    let sections: [(&str, Pick); 4] = [
        ("Entered the shortlist", |x| {
            !x.old.shortlisted && x.new.shortlisted
        }),
        ("Left the shortlist", |x| {
            x.old.shortlisted && !x.new.shortlisted
        }),
        ("Changed status", |x| {
            x.old.shortlisted == x.new.shortlisted && x.old.status != x.new.status
        }),
        ("Changed tier or rank", |x| {
            x.old.shortlisted == x.new.shortlisted && x.old.status == x.new.status
        }),
    ];
    for (title, pick) in sections {
        let picked: Vec<&Change> = d.changes.iter().filter(|x| pick(x)).collect();
        if picked.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}");
        for x in picked {
            let _ = writeln!(
                out,
                "  {}: {} -> {}",
                printable(&x.id),
                describe(&x.old),
                describe(&x.new)
            );
            for cause in &x.causes {
                let _ = writeln!(out, "      {}", printable(cause));
            }
        }
    }
    out
}
