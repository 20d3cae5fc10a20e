//! What a change of rules does to the results: both rulesets are run over
//! the same creators (each record evaluated by both, gathered by
//! [`Differ`]), and every creator whose status, tier, rank or place on the
//! shortlist differs is listed with the requirement or signal that caused
//! it.

use std::fmt::Write;

use serde::Serialize;

use super::stream::Ranking;
use crate::compile::Program;
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
    pub causes: Causes,
}

/// A creator's causes, held in two allocations (their text one after
/// the other, and where each ends) rather than one per cause: a diff
/// holds them for every creator whose result may change.
#[derive(Clone, Debug, PartialEq)]
pub struct Causes {
    text: Box<str>,
    ends: Box<[usize]>,
}

impl Causes {
    /// The causes as held.
    pub fn new(causes: &[String]) -> Self {
        let mut text = String::with_capacity(causes.iter().map(String::len).sum());
        let mut ends = Vec::with_capacity(causes.len());
        for c in causes {
            text.push_str(c);
            ends.push(text.len());
        }
        Causes {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// Each cause, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(a, b)| &self.text[a..b])
    }

    /// The causes, each its own text.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

impl Serialize for Causes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
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

/// One side of a creator as a diff keeps it while the run goes on: what
/// [`Side`] shows, its rank left to the end (it needs every creator). Held
/// for every creator, so in 16 bytes: `NONE` (and a NaN score, which no
/// evaluation gives) for what it does not have.
#[derive(Clone, Copy, Debug)]
struct Kept {
    /// The score; NaN for none.
    score: f64,
    /// Its place among the accepted creators, in input order.
    accepted: u32,
    /// Its tier, by index in the program's tiers.
    tier: u16,
    status: Status,
}

/// What [`Kept`] holds where there is nothing.
const NONE: u32 = u32::MAX;

impl Kept {
    fn accepted(&self) -> Option<usize> {
        (self.accepted != NONE).then_some(self.accepted as usize)
    }
    fn tier(&self) -> Option<usize> {
        (self.tier != NONE as u16).then_some(usize::from(self.tier))
    }
    fn score(&self) -> Option<f64> {
        (!self.score.is_nan()).then_some(self.score)
    }
}

/// One creator as a diff keeps it: a few numbers per side and, only when
/// its result may change, the causes.
#[derive(Debug)]
struct Pair {
    /// Where its id ends in [`Differ::ids`] (it starts where the one
    /// before ends): one text for every id, not an allocation each.
    id_end: usize,
    old: Kept,
    new: Kept,
}

/// One ruleset's side of a diff while it runs.
struct Ruled<'p> {
    program: &'p Program,
    ranking: Ranking,
    accepted: u32,
}

impl<'p> Ruled<'p> {
    fn new(program: &'p Program) -> Self {
        Ruled {
            program,
            ranking: Ranking::new(program),
            accepted: 0,
        }
    }

    fn keep(&mut self, v: &Verdict) -> Kept {
        let mut accepted = NONE;
        if v.status == Status::Accepted {
            self.ranking.add(v.rank_key.clone());
            accepted = self.accepted;
            // 2^32 accepted creators would hold some 160 GB of rank keys
            // first: the count never reaches `NONE`
            self.accepted = self.accepted.saturating_add(1).min(NONE - 1);
        }
        let tiers = &self.program.tiers;
        let tier = v
            .tier
            .as_deref()
            .and_then(|t| tiers.iter().position(|d| d.name == t))
            // a ruleset holds far fewer tiers than that
            .and_then(|i| u16::try_from(i).ok())
            .unwrap_or(NONE as u16);
        Kept {
            status: v.status,
            tier,
            score: v.score.unwrap_or(f64::NAN),
            accepted,
        }
    }

    /// The ranks, in input order of the accepted creators, and the
    /// shortlist's length.
    fn finish(self) -> (Vec<usize>, usize) {
        let ranks = self.ranking.finish();
        let limit = self.program.limit.unwrap_or(usize::MAX);
        let len = ranks.len().min(limit);
        (ranks, len)
    }
}

/// Both rulesets' verdicts over the same creators, gathered as they come
/// (a sink of the run engine), into a [`Diff`]. Memory holds a few numbers
/// per creator and the causes of those whose result may change, never the
/// verdicts.
pub struct Differ<'p> {
    old: Ruled<'p>,
    new: Ruled<'p>,
    pairs: Vec<Pair>,
    /// Every creator's id, one after the other.
    ids: String,
    /// The causes of the creators whose result may change, by place in
    /// `pairs`, in input order; any other: "other creators moved".
    causes: Vec<(usize, Causes)>,
}

impl<'p> Differ<'p> {
    /// A diff of `old` against `new`.
    pub fn new(old: &'p Program, new: &'p Program) -> Self {
        Differ {
            old: Ruled::new(old),
            new: Ruled::new(new),
            pairs: Vec::new(),
            ids: String::new(),
            causes: Vec::new(),
        }
    }

    /// Adds one creator's verdicts (made with reasons), in input order.
    pub fn add(&mut self, o: &Verdict, n: &Verdict) {
        let (a, b) = (self.old.keep(o), self.new.keep(n));
        let may_change = a.status != b.status || a.tier != b.tier || a.accepted != NONE;
        // worked out only for a creator whose result may change: most do not
        let causes = may_change
            .then(|| causes(o, n))
            .filter(|c| c != &["other creators moved"]);
        if let Some(c) = causes {
            self.causes.push((self.pairs.len(), Causes::new(&c)));
        }
        self.ids.push_str(&n.id);
        self.pairs.push(Pair {
            id_end: self.ids.len(),
            old: a,
            new: b,
        });
    }

    /// Ranks both sides and lists every creator whose result changed.
    pub fn finish(self) -> Diff {
        let (old_program, new_program) = (self.old.program, self.new.program);
        let (old_ranks, old_len) = self.old.finish();
        let (new_ranks, new_len) = self.new.finish();
        let side = |k: &Kept, program: &Program, ranks: &[usize], len: usize| {
            let rank = k.accepted().map(|i| ranks[i]);
            Side {
                status: k.status,
                tier: k.tier().map(|t| program.tiers[t].name.clone()),
                rank,
                shortlisted: rank.is_some_and(|r| r <= len),
                score: k.score(),
            }
        };
        let mut counts = DiffCounts {
            evaluated: self.pairs.len(),
            ..Default::default()
        };
        let mut changes = Vec::new();
        let mut id_start = 0;
        let mut causes = self.causes.into_iter().peekable();
        for (i, p) in self.pairs.into_iter().enumerate() {
            let id = &self.ids[id_start..p.id_end];
            id_start = p.id_end;
            let own = causes.next_if(|(at, _)| *at == i).map(|(_, c)| c);
            let a = side(&p.old, old_program, &old_ranks, old_len);
            let b = side(&p.new, new_program, &new_ranks, new_len);
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
            let moved = || Causes::new(&["other creators moved".to_string()]);
            let mut why = own.unwrap_or_else(moved);
            if a.shortlisted != b.shortlisted && old_len != new_len {
                let mut more = why.to_vec();
                if more == ["other creators moved"] {
                    more.clear();
                }
                more.push(format!("the shortlist holds {new_len} (was {old_len})"));
                why = Causes::new(&more);
            }
            changes.push(Change {
                id: id.to_string(),
                causes: why,
                old: a,
                new: b,
            });
        }
        Diff {
            old_ruleset: old_program.name.clone(),
            new_ruleset: new_program.name.clone(),
            counts,
            changes,
        }
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
            for cause in x.causes.iter() {
                let _ = writeln!(out, "      {}", printable(cause));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_given_back_as_held() {
        for causes in [
            vec![],
            vec![String::new()],
            vec![
                "now fails a: x is 1".to_string(),
                String::new(),
                "é ✓".to_string(),
            ],
        ] {
            let held = Causes::new(&causes);
            assert_eq!(held.to_vec(), causes);
            assert_eq!(
                serde_json::to_value(&held).expect("serialises"),
                serde_json::json!(causes)
            );
        }
    }
}
