//! The run's result: counts, the funnel, independent failure counts, the
//! ranked shortlist, warnings, and (with `--all`) every verdict. [`Tally`]
//! collects verdicts one at a time; [`Report`] is what every output format
//! shows. [`table`] renders it for a terminal; JSON is its serde form.

pub mod diff;
pub mod html;
mod json_line;
pub mod lines;
pub mod rows;
pub mod stream;
pub mod table;
pub mod team;
pub mod xlsx;
pub mod xlsx_team;

use serde::Serialize;

use crate::ast::Order;
use crate::compile::Program;
use crate::eval::{Cause, RankKey, Signals, Status, Verdict};
use crate::explain::Distance;

/// One step of the funnel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FunnelStep {
    /// The requirement.
    pub rule: String,
    /// How many of the creators still remaining it rejected.
    pub removed: usize,
    /// How many remain after it.
    pub remaining: usize,
}

/// One shortlisted creator.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShortlistEntry {
    /// 1 is best.
    pub rank: usize,
    /// The creator's id.
    pub id: String,
    /// The weighted score.
    pub score: f64,
    /// The tier, if any tier matched.
    pub tier: Option<String>,
    /// Clamped signal values (null when missing).
    pub signals: Signals,
}

/// A creator rejected by exactly one requirement: the people a slightly
/// looser rule would let in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NearMiss {
    /// The creator's id.
    pub id: String,
    /// The weighted score.
    pub score: f64,
    /// How far from passing, relative to the bounds (README, "Near
    /// misses"): the list is ordered by it.
    pub gap: f64,
    /// The one requirement that rejected them.
    pub rule: String,
    /// Why, as in `failed`.
    pub reason: String,
    /// Why, as data, as in `failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// What would make them pass.
    pub distance: Vec<Distance>,
}

/// The whole result of a run, with the field names the README ("Output") gives.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The `ruleset` name.
    pub ruleset: Option<String>,
    /// The run's date, `YYYY-MM-DD`, that `days_since` counted to.
    pub today: String,
    /// True when the rules use `days_since`: the table then shows the date.
    #[serde(skip)]
    pub dated: bool,
    /// Records read.
    pub evaluated: usize,
    /// Accepted creators.
    pub accepted: usize,
    /// Rejected creators.
    pub rejected: usize,
    /// Creators in error.
    pub errors: usize,
    /// Creators sent to review.
    pub review: usize,
    /// Requirements in file order, each with how many it removed.
    pub funnel: Vec<FunnelStep>,
    /// Requirement name -> how many creators failed it, each counted independently.
    pub failures: serde_json::Map<String, serde_json::Value>,
    /// The ranked shortlist: with `select`, the chosen team in rank order.
    pub shortlist: Vec<ShortlistEntry>,
    /// With `select`: how the team was chosen, each constraint's value and cost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<team::TeamReport>,
    /// With `--near-misses N`: up to N creators rejected by exactly one
    /// requirement, nearest to passing first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near_misses: Option<Vec<NearMiss>>,
    /// Rows skipped as empty (every cell blank in a CSV or sheet), no
    /// creators; left out when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: usize,
    /// Their lines (sheet rows), the first 1,000 of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped_lines: Vec<usize>,
    /// Warnings about the run (where the records were found in a JSON
    /// object, fields no record has).
    pub warnings: Vec<String>,
    /// The field the ids came from: `--id-field`, else the first of the
    /// default id fields a record had (matched loosely: `Handle` is
    /// `handle`); `None` when every id is a position `#N`.
    pub id_field: Option<String>,
    /// Every verdict in input order, with `--all`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creators: Option<Vec<Verdict>>,
    /// The scores of every accepted creator, binned, and each tier's
    /// count and score range (the HTML report's charts); not in JSON.
    #[serde(skip)]
    pub scores: ScoreSpread,
}

/// How many equal bins [`ScoreSpread`] cuts the scores (0 to 1) into.
pub const SCORE_BINS: usize = 20;

/// The scores of the accepted creators, gathered as they come: a
/// histogram of [`SCORE_BINS`] bins over 0 to 1 (a score is a weighted
/// mean of values clamped to 0..1) and each tier's count and range. Its
/// size does not grow with the number of creators.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScoreSpread {
    /// How many accepted creators scored in each bin; bin `i` holds
    /// scores from `i / SCORE_BINS` up to (not including) the next bin's
    /// start; a score of 1 is in the last bin.
    pub bins: [usize; SCORE_BINS],
    /// Per tier, in file order: accepted creators in it, lowest and
    /// highest score (`None` when it has none).
    pub tiers: Vec<TierSpread>,
    /// Accepted creators in no tier (a ruleset without tiers, or without
    /// `otherwise`), with their range.
    pub untiered: TierSpread,
}

/// One tier's share of the accepted creators.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TierSpread {
    /// How many accepted creators are in it.
    pub count: usize,
    /// Their lowest and highest score.
    pub range: Option<(f64, f64)>,
}

impl TierSpread {
    fn add(&mut self, score: f64) {
        self.count += 1;
        self.range = Some(match self.range {
            None => (score, score),
            Some((lo, hi)) => (lo.min(score), hi.max(score)),
        });
    }
}

impl ScoreSpread {
    /// Notes an accepted creator's score and tier (by its index in file order).
    pub fn add(&mut self, score: f64, tier: Option<usize>) {
        // NaN never comes (values are finite); it would land in bin 0
        let bin = (score.clamp(0.0, 1.0) * SCORE_BINS as f64) as usize;
        self.bins[bin.min(SCORE_BINS - 1)] += 1;
        match tier.and_then(|t| self.tiers.get_mut(t)) {
            Some(t) => t.add(score),
            None => self.untiered.add(score),
        }
    }
}

/// How many skipped lines a report lists.
pub const SKIPPED_LINES: usize = 1000;

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Collects verdicts into a [`Report`]. Holds the accepted creators (to rank
/// them) and, when asked to keep all, every verdict.
pub struct Tally<'p> {
    program: &'p Program,
    top: Option<usize>,
    keep_all: bool,
    evaluated: usize,
    counts: [usize; 4],
    removed: Vec<usize>,
    failures: Vec<usize>,
    accepted: Vec<Verdict>,
    all: Vec<Verdict>,
    near: Option<NearMisses>,
    scores: ScoreSpread,
    /// Which default id field the first id found came from.
    id_from: Option<u8>,
    /// With `select`: the accepted creators' constraint values.
    team: Option<team::TeamTally>,
}

/// The best near misses so far, best first.
struct NearMisses {
    wanted: usize,
    kept: Vec<NearMiss>,
}

impl<'p> Tally<'p> {
    /// A new collection. `top` overrides the ruleset's `limit`; `keep_all`
    /// keeps every verdict for the report.
    pub fn new(program: &'p Program, top: Option<usize>, keep_all: bool) -> Self {
        let n = program.requirements.len();
        Tally {
            program,
            top,
            keep_all,
            evaluated: 0,
            counts: [0; 4],
            removed: vec![0; n],
            failures: vec![0; n],
            accepted: Vec::new(),
            all: Vec::new(),
            near: None,
            scores: ScoreSpread {
                tiers: vec![TierSpread::default(); program.tiers.len()],
                ..ScoreSpread::default()
            },
            id_from: None,
            team: team::TeamTally::new(program, top),
        }
    }

    /// Also lists up to `n` near misses (none when `n` is 0).
    pub fn with_near_misses(mut self, n: usize) -> Self {
        self.near = (n > 0).then(|| NearMisses {
            wanted: n,
            kept: Vec::new(),
        });
        self
    }

    /// The requirement that alone rejected `v`, if `v` may enter the near
    /// misses: rejected by exactly one requirement (an error listed beside
    /// it rules it out). Whether it enters depends on its distance.
    pub fn near_miss(&self, v: &Verdict) -> Option<usize> {
        self.near.as_ref()?;
        if v.status != Status::Rejected || v.failed.len() != 1 || v.failed[0].error {
            return None;
        }
        v.score?;
        v.failed[0].requirement()
    }

    /// Adds `v`, which [`Tally::near_miss`] let in, with its distance
    /// to passing: the nearest first (by [`crate::explain::distance::relative_gap`]),
    /// the better score breaking ties, then input order.
    pub fn add_near_miss(&mut self, v: &Verdict, distance: Vec<Distance>) {
        let Some(near) = self.near.as_mut() else {
            return;
        };
        let score = v.score.unwrap_or(0.0);
        let gap = crate::explain::distance::relative_gap(&distance);
        // verdicts come in input order: a tie goes after those kept
        let at = near
            .kept
            .partition_point(|k| k.gap < gap || (k.gap == gap && k.score >= score));
        if at >= near.wanted {
            return;
        }
        near.kept.insert(
            at,
            NearMiss {
                id: v.id.clone(),
                score,
                gap,
                rule: v.failed[0].rule.clone(),
                reason: v.failed[0].reason.clone(),
                cause: v.failed[0].cause.as_deref().cloned(),
                distance,
            },
        );
        near.kept.truncate(near.wanted);
    }

    /// Adds one verdict (in input order).
    pub fn add(&mut self, v: Verdict) {
        self.evaluated += 1;
        if self.id_from.is_none() {
            self.id_from = v.id_from;
        }
        self.counts[v.status as usize] += 1;
        if v.status == Status::Rejected {
            let mut first = usize::MAX;
            for f in v.failed.iter().filter(|f| !f.review && !f.error) {
                let Some(i) = f.requirement() else { continue };
                self.failures[i] += 1;
                first = first.min(i);
            }
            if first != usize::MAX {
                self.removed[first] += 1;
            }
        }
        if v.status == Status::Accepted {
            // a few tiers: a scan of their names is cheaper than a map
            let tiers = &self.program.tiers;
            let tier = v
                .tier
                .as_deref()
                .and_then(|t| tiers.iter().position(|d| d.name == t));
            self.scores.add(v.score.unwrap_or(0.0), tier);
        }
        let eligible = match (&mut self.team, v.status) {
            (Some(t), Status::Accepted) => Some(t.add(&v)),
            _ => None,
        };
        if self.keep_all {
            self.all.push(v);
        } else if let Some(eligible) = eligible {
            // `select` holds those that may be chosen, and only those
            if let (true, Some(t)) = (eligible, &mut self.team) {
                t.hold(v);
            }
        } else if v.status == Status::Accepted {
            self.accepted.push(v);
            // Without --all only the shortlist is shown: keep the best
            // `limit` (and no more than twice that between trims), so memory
            // stays flat however many creators are accepted.
            if let Some(k) = self.shortlist_len() {
                if self.accepted.len() >= k.max(512).saturating_mul(2) {
                    self.trim_accepted(k);
                }
            }
        }
    }

    fn shortlist_len(&self) -> Option<usize> {
        if self.team.is_some() {
            return None;
        }
        self.top.or(self.program.limit)
    }

    /// Sorts the kept accepted creators best first and keeps `k`. The sort
    /// is stable and they were kept in input order, so ties keep input order.
    fn trim_accepted(&mut self, k: usize) {
        let orders = self.program.rank_orders();
        self.accepted
            .sort_by(|a, b| compare_keys(a.rank_key.as_ref(), b.rank_key.as_ref(), &orders));
        self.accepted.truncate(k);
    }

    /// Ranks the accepted creators and builds the report.
    pub fn finish(mut self) -> Report {
        let orders = self.program.rank_orders();
        let limit = self.shortlist_len().unwrap_or(usize::MAX);
        let mut ranked: Vec<&mut Verdict> = if self.keep_all {
            self.all
                .iter_mut()
                .filter(|v| v.status == Status::Accepted)
                .collect()
        } else {
            self.accepted.iter_mut().collect()
        };
        // stable: ties keep input order
        ranked.sort_by(|a, b| compare_keys(a.rank_key.as_ref(), b.rank_key.as_ref(), &orders));
        let mut shortlist = Vec::new();
        let chosen = self.team.is_some();
        for (i, v) in ranked.into_iter().enumerate() {
            v.rank = Some(i + 1);
            if i < limit && !chosen {
                shortlist.push(ShortlistEntry {
                    rank: i + 1,
                    id: v.id.clone(),
                    score: v.score.unwrap_or(0.0),
                    tier: v.tier.clone(),
                    signals: v.signals.clone(),
                });
            }
        }
        let team = self.team.take().map(|t| {
            let (entries, report) = t.finish(&self.all);
            shortlist = entries;
            report
        });
        let errors = self.counts[Status::Error as usize];
        let mut remaining = self.evaluated - errors;
        let funnel = self
            .program
            .requirements
            .iter()
            .zip(&self.removed)
            .map(|(r, &removed)| {
                remaining -= removed;
                FunnelStep {
                    rule: r.name.clone(),
                    removed,
                    remaining,
                }
            })
            .collect();
        let failures = self
            .program
            .requirements
            .iter()
            .zip(&self.failures)
            .map(|(r, &n)| (r.name.clone(), serde_json::Value::from(n)))
            .collect();
        Report {
            ruleset: self.program.name.clone(),
            today: self.program.today().to_string(),
            dated: self.program.uses_days_since(),
            evaluated: self.evaluated,
            accepted: self.counts[Status::Accepted as usize],
            rejected: self.counts[Status::Rejected as usize],
            errors,
            review: self.counts[Status::Review as usize],
            funnel,
            failures,
            shortlist,
            team,
            near_misses: self.near.map(|n| n.kept),
            skipped: 0,
            skipped_lines: Vec::new(),
            warnings: Vec::new(),
            id_field: self
                .id_from
                .and_then(|i| crate::eval::ID_FIELDS.get(usize::from(i)))
                .map(|f| f.to_string()),
            creators: self.keep_all.then_some(self.all),
            scores: self.scores,
        }
    }
}

/// Best first, by the keys of `rank by` in turn, each in its direction
/// (`orders`, from [`Program::rank_orders`]); a missing key ranks last
/// whatever the order.
pub(crate) fn compare_keys(
    a: Option<&RankKey>,
    b: Option<&RankKey>,
    orders: &[Order],
) -> std::cmp::Ordering {
    let a = a.unwrap_or(&RankKey::Missing);
    let b = b.unwrap_or(&RankKey::Missing);
    let first = orders.first().copied().unwrap_or_default();
    if let (RankKey::Keys(xs), RankKey::Keys(ys)) = (a, b) {
        for ((x, y), o) in xs.iter().zip(ys.iter()).zip(orders) {
            let c = compare_key(x, y, *o);
            if c.is_ne() {
                return c;
            }
        }
        return std::cmp::Ordering::Equal;
    }
    compare_key(a, b, first)
}

/// One key: numbers before dates before text (ascending), missing last.
fn compare_key(a: &RankKey, b: &RankKey, order: Order) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    use RankKey::*;
    let class = |k: &RankKey| match k {
        Number(_) => 0,
        Date(_) => 1,
        Text(_) => 2,
        Keys(_) => 3,
        Missing => 4,
    };
    let asc = match (a, b) {
        (Missing, Missing) => return Equal,
        (Missing, _) => return Greater,
        (_, Missing) => return Less,
        // values are finite; -0 ties with 0
        (Number(x), Number(y)) => x.partial_cmp(y).unwrap_or(Equal),
        (Text(x), Text(y)) => x.cmp(y),
        (Date(x), Date(y)) => x.cmp(y),
        // numbers before dates before text; a creator's keys are all of
        // the same arity, so `Keys` never meets another kind
        _ => class(a).cmp(&class(b)),
    };
    match order {
        Order::Asc => asc,
        Order::Desc => asc.reverse(),
    }
}
