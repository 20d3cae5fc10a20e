//! `select` in the report: the accepted creators' constraint values are
//! gathered as they come (compact: rank key, score, amounts, group ids),
//! the verdicts of those that could still be chosen are held, and at the
//! end the team is chosen ([`crate::select`]), each constraint's value
//! worked out and each binding constraint's cost found by solving again
//! without it.

use std::collections::HashMap;

use serde::Serialize;

use super::{compare_keys, ShortlistEntry};
use crate::ast::Order;
use crate::compile::{Program, TeamLimitKind, TeamRule};
use crate::eval::{RankKey, TeamValue, Verdict};
use crate::language::human;
use crate::select::{self, Choice, GroupBound, Limits, Pool, Stop};

/// How many creators that cannot join the team the report names.
const INELIGIBLE_SHOWN: usize = 20;

/// What `select` chose and why, as the report shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TeamReport {
    /// How many creators were asked for (`select N`, or `--top N`).
    pub size: usize,
    /// How many were chosen.
    pub chosen: usize,
    /// The team's total score.
    pub total_score: f64,
    /// `optimal`, `stopped early` (the best team found by the time
    /// limit, with `bound` and `gap`) or `no team`.
    pub status: &'static str,
    /// When stopped early: the most any team could score, as proven.
    pub bound: Option<f64>,
    /// When stopped early: `bound` less the total.
    pub gap: Option<f64>,
    /// Accepted creators whose every constraint value is usable.
    pub eligible: usize,
    /// Accepted creators left out because a constraint value is missing
    /// or of the wrong kind.
    pub ineligible: usize,
    /// The first of them, with why.
    pub ineligible_creators: Vec<Ineligible>,
    /// Creators left for the solver once those that can provably never be
    /// chosen were set aside.
    pub considered: usize,
    /// Seconds the search for the team took: not in the json or the table,
    /// whose bytes must not depend on the machine's speed.
    #[serde(skip)]
    pub seconds: f64,
    /// Each constraint, in file order, with its value for the team.
    pub constraints: Vec<ConstraintReport>,
    /// What a reader must know (fewer chosen than asked, a time limit).
    pub notes: Vec<String>,
}

/// An accepted creator who cannot join the team.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ineligible {
    /// The creator's id.
    pub id: String,
    /// Which value is unusable, in words.
    pub reason: String,
}

/// One constraint's value for the chosen team.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConstraintReport {
    /// As written (`budget sum(fee) <= 20k`, `per country at most 10`).
    pub constraint: String,
    /// A budget: the team's sum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used: Option<f64>,
    /// A budget: its cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
    /// A `per` bound: the team's count of each value, most first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupCount>,
    /// True when the best total without it is higher.
    pub binding: bool,
    /// The best total without it (`None` when that solve did not finish).
    pub total_without: Option<f64>,
    /// What it costs: `total_without` less the team's total.
    pub cost: Option<f64>,
}

/// How many of the team have one value of a group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupCount {
    /// The value, as text.
    pub value: String,
    /// Members of the team with it.
    pub count: usize,
}

/// One eligible creator: its place among the accepted ones (input order)
/// and in the input, and its score.
struct Member {
    ordinal: usize,
    position: usize,
    score: f64,
}

/// The constraint values of the accepted creators, gathered in input order.
pub struct TeamTally {
    rule: TeamRule,
    size: usize,
    orders: Vec<Order>,
    /// Every accepted creator's rank key, in input order.
    keys: Vec<RankKey>,
    members: Vec<Member>,
    amounts: Vec<f64>,
    groups: Vec<u32>,
    /// Per `per` bound: value -> id, and the values by id.
    names: Vec<(HashMap<String, u32>, Vec<String>)>,
    /// The verdicts that may still be chosen, by index in `members` (none
    /// with `--all`, which keeps every verdict).
    held: HashMap<usize, Verdict>,
    next_trim: usize,
    ineligible: usize,
    shown: Vec<Ineligible>,
}

impl TeamTally {
    /// A tally for `program`'s `select` (`None` without one); `top`
    /// overrides the team's size.
    pub fn new(program: &Program, top: Option<usize>) -> Option<TeamTally> {
        let rule = program.select.clone()?;
        let pers = rule
            .constraints
            .iter()
            .filter(|c| matches!(c.kind, TeamLimitKind::Per { .. }))
            .count();
        Some(TeamTally {
            size: top.unwrap_or(rule.size),
            rule,
            orders: program.rank_orders(),
            keys: Vec::new(),
            members: Vec::new(),
            amounts: Vec::new(),
            groups: Vec::new(),
            names: vec![(HashMap::new(), Vec::new()); pers],
            held: HashMap::new(),
            next_trim: 4096,
            ineligible: 0,
            shown: Vec::new(),
        })
    }

    /// Notes an accepted creator; true when it may join the team.
    pub fn add(&mut self, v: &Verdict) -> bool {
        let ordinal = self.keys.len();
        self.keys
            .push(v.rank_key.clone().unwrap_or(RankKey::Missing));
        if let Some(reason) = v.team.iter().find_map(|t| match t {
            TeamValue::Unusable(why) => Some(why),
            _ => None,
        }) {
            self.ineligible += 1;
            if self.shown.len() < INELIGIBLE_SHOWN {
                self.shown.push(Ineligible {
                    id: v.id.clone(),
                    reason: reason.clone(),
                });
            }
            return false;
        }
        let mut p = 0;
        for t in &v.team {
            match t {
                TeamValue::Amount(a) => self.amounts.push(*a),
                TeamValue::Group(g) => {
                    let (ids, values) = &mut self.names[p];
                    let next = values.len() as u32;
                    let id = *ids.entry(g.clone()).or_insert_with(|| {
                        values.push(g.clone());
                        next
                    });
                    self.groups.push(id);
                    p += 1;
                }
                TeamValue::Unusable(_) => {}
            }
        }
        self.members.push(Member {
            ordinal,
            position: v.position,
            score: v.score.unwrap_or(0.0),
        });
        true
    }

    /// Holds the verdict of the creator just added, as one that may be
    /// chosen; sets aside, now and then, those that never can be.
    pub fn hold(&mut self, v: Verdict) {
        self.held.insert(self.members.len() - 1, v);
        if self.held.len() >= self.next_trim {
            let mut held: Vec<usize> = self.held.keys().copied().collect();
            self.sort_by_rank(&mut held);
            let pool = self.pool(&held);
            let keep = select::undominated(&pool, &self.limits());
            let keep: std::collections::HashSet<usize> =
                keep.into_iter().map(|k| held[k]).collect();
            self.held.retain(|m, _| keep.contains(m));
            self.next_trim = (self.held.len() * 2).max(4096);
        }
    }

    fn sort_by_rank(&self, members: &mut [usize]) {
        members.sort_by(|&a, &b| {
            let (a, b) = (&self.members[a], &self.members[b]);
            compare_keys(
                Some(&self.keys[a.ordinal]),
                Some(&self.keys[b.ordinal]),
                &self.orders,
            )
            .then(a.ordinal.cmp(&b.ordinal))
        });
    }

    /// The members listed, in that order, as the solver's pool.
    fn pool(&self, members: &[usize]) -> Pool {
        let (b, p) = (self.budgets(), self.names.len());
        let mut pool = Pool::new(b, p);
        for &m in members {
            pool.push(
                self.members[m].score,
                &self.amounts[m * b..(m + 1) * b],
                &self.groups[m * p..(m + 1) * p],
            );
        }
        pool
    }

    fn budgets(&self) -> usize {
        self.rule.constraints.len() - self.names.len()
    }

    fn limits(&self) -> Limits {
        let mut caps = Vec::new();
        let mut pers = Vec::new();
        for c in &self.rule.constraints {
            match c.kind {
                TeamLimitKind::Budget { cap } => caps.push(cap),
                TeamLimitKind::Per { bound, count } => pers.push((bound, count)),
            }
        }
        Limits {
            size: self.size,
            caps,
            pers,
        }
    }
}

impl TeamTally {
    /// Chooses the team: its shortlist entries (in rank order, each with
    /// its rank among every accepted creator) and the team's report. With
    /// `--all`, `all` holds every verdict in input order.
    pub fn finish(mut self, all: &[Verdict]) -> (Vec<ShortlistEntry>, TeamReport) {
        let mut order: Vec<usize> = (0..self.members.len()).collect();
        self.sort_by_rank(&mut order);
        let pool = self.pool(&order);
        let limits = self.limits();
        let choice = select::choose(&pool, &limits, self.rule.timeout);
        let mut entries = Vec::new();
        for &k in &choice.team {
            let m = &self.members[order[k]];
            let verdict = match all.binary_search_by_key(&m.position, |v| v.position) {
                Ok(i) => all.get(i),
                Err(_) => self.held.get(&order[k]),
            };
            if let Some(v) = verdict {
                entries.push(ShortlistEntry {
                    rank: self.rank_of(m.ordinal),
                    id: v.id.clone(),
                    score: v.score.unwrap_or(0.0),
                    tier: v.tier.clone(),
                    signals: v.signals.clone(),
                });
            }
        }
        let constraints = self.constraint_values(&pool, &limits, &choice, &order);
        let report = TeamReport {
            size: self.size,
            chosen: choice.team.len(),
            total_score: choice.total,
            status: match (&choice.stopped, choice.optimal) {
                (Some(_), _) => "no team",
                (None, true) => "optimal",
                (None, false) if choice.tie_unproven => "optimal",
                (None, false) => "stopped early",
            },
            bound: choice.bound,
            gap: choice.bound.map(|b| (b - choice.total).max(0.0)),
            eligible: self.members.len(),
            ineligible: self.ineligible,
            considered: choice.considered,
            seconds: choice.elapsed.as_secs_f64(),
            notes: self.notes(&choice),
            ineligible_creators: std::mem::take(&mut self.shown),
            constraints,
        };
        self.held.clear();
        (entries, report)
    }

    /// 1 plus the accepted creators ranked before `ordinal` (a tie goes
    /// to the earlier in the input, as in the shortlist).
    fn rank_of(&self, ordinal: usize) -> usize {
        let key = &self.keys[ordinal];
        1 + self
            .keys
            .iter()
            .enumerate()
            .filter(|&(o, k)| {
                let c = compare_keys(Some(k), Some(key), &self.orders);
                c.is_lt() || (c.is_eq() && o < ordinal)
            })
            .count()
    }

    /// Each constraint in file order: its value for the team, and what it
    /// costs (the best total without it).
    fn constraint_values(
        &self,
        pool: &Pool,
        limits: &Limits,
        choice: &Choice,
        order: &[usize],
    ) -> Vec<ConstraintReport> {
        let tie = crate::select::TIE * choice.total.abs().max(1.0);
        let (mut b, mut p) = (0, 0);
        let budgets = limits.caps.len();
        self.rule
            .constraints
            .iter()
            .map(|c| {
                let (index, used, cap, groups) = match c.kind {
                    TeamLimitKind::Budget { cap } => {
                        let used = choice
                            .team
                            .iter()
                            .map(|&k| pool.amounts[k * budgets + b])
                            .sum();
                        b += 1;
                        (b - 1, Some(used), Some(cap), Vec::new())
                    }
                    TeamLimitKind::Per { .. } => {
                        let groups = self.group_counts(p, choice, order);
                        p += 1;
                        (budgets + p - 1, None, None, groups)
                    }
                };
                let without = if choice.stopped.is_none() && choice.optimal {
                    select::total_without(pool, limits, index, &choice.team, self.rule.timeout)
                } else {
                    None
                };
                let cost = without.map(|w| (w - choice.total).max(0.0));
                ConstraintReport {
                    constraint: c.text.clone(),
                    used,
                    cap,
                    groups,
                    binding: cost.is_some_and(|c| c > tie),
                    total_without: without,
                    cost,
                }
            })
            .collect()
    }

    /// The team's count of each value of `per` bound `p`, most first.
    fn group_counts(&self, p: usize, choice: &Choice, order: &[usize]) -> Vec<GroupCount> {
        let width = self.names.len();
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for &k in &choice.team {
            let m = order[k];
            *counts.entry(self.groups[m * width + p]).or_default() += 1;
        }
        let mut out: Vec<GroupCount> = counts
            .into_iter()
            .map(|(g, count)| GroupCount {
                value: self.names[p].1[g as usize].clone(),
                count,
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        out
    }

    fn notes(&self, choice: &Choice) -> Vec<String> {
        let mut notes = Vec::new();
        let seconds = self.rule.timeout.as_secs_f64();
        match &choice.stopped {
            Some(Stop::Infeasible) => notes.push(
                "no team meets the constraints: loosen an `at least` or a budget".to_string(),
            ),
            Some(Stop::TimedOut) => notes.push(format!(
                "no team was found within the time limit ({seconds} s): raise --select-timeout"
            )),
            Some(Stop::Solver(e)) => notes.push(format!("the solver failed: {e}")),
            None => {}
        }
        if choice.stopped.is_none() && choice.team.len() < self.size {
            notes.push(format!(
                "only {} of the {} asked for can be chosen under the constraints",
                choice.team.len(),
                self.size
            ));
        }
        if let (None, Some(bound)) = (&choice.stopped, choice.bound) {
            notes.push(format!(
                "stopped at the time limit ({seconds} s): the best team found scores {:.3}; no team scores more than {bound:.3}, a gap of {:.3}",
                choice.total,
                (bound - choice.total).max(0.0)
            ));
        }
        if choice.tie_unproven {
            notes.push(format!(
                "the best total is proven, but the time limit ({seconds} s) came before the tie rule was: a team with the same total may come earlier in rank order"
            ));
        }
        let pers: Vec<&crate::compile::TeamLimit> = self
            .rule
            .constraints
            .iter()
            .filter(|c| matches!(c.kind, TeamLimitKind::Per { .. }))
            .collect();
        for &(p, g, have) in &choice.short_groups {
            let value = &self.names[p].1[g as usize];
            notes.push(format!(
                "`{}`: {value:?} has only {have} eligible creator{}, all of whom the team must hold",
                pers[p].text,
                if have == 1 { "" } else { "s" }
            ));
        }
        if self.ineligible > 0 {
            notes.push(format!(
                "{} accepted creator{} cannot join the team: a value the constraints read is missing or unusable (listed under ineligible)",
                self.ineligible,
                if self.ineligible == 1 { "" } else { "s" }
            ));
        }
        notes
    }
}

impl TeamTally {
    /// For `explain`: whether the accepted creator `v`, the `ordinal`-th
    /// accepted one, is in the team, and why in words.
    pub fn explain(self, v: &Verdict, ordinal: usize) -> (bool, String) {
        if let Some(why) = v.team.iter().find_map(|t| match t {
            TeamValue::Unusable(why) => Some(why),
            _ => None,
        }) {
            return (false, format!("cannot join the `select` team: {why}"));
        }
        let mut order: Vec<usize> = (0..self.members.len()).collect();
        self.sort_by_rank(&mut order);
        let pool = self.pool(&order);
        let limits = self.limits();
        let choice = select::choose(&pool, &limits, self.rule.timeout);
        let Some(k) = order
            .iter()
            .position(|&m| self.members[m].ordinal == ordinal)
        else {
            return (
                false,
                "not among the creators `select` chose from".to_string(),
            );
        };
        if choice.team.contains(&k) {
            return (true, "in the team `select` chose".to_string());
        }
        let mut why = Vec::new();
        if choice.team.len() == limits.size {
            why.push(format!(
                "the team is full ({} of {})",
                choice.team.len(),
                limits.size
            ));
        }
        why.extend(self.blocking(&pool, &choice, k));
        let with = Limits {
            size: choice.team.len(),
            ..limits
        };
        match select::total_with(&pool, &with, k, self.rule.timeout) {
            Some(t) if choice.stopped.is_none() => why.push(format!(
                "the best team with them scores {}, {} less than the team's {}",
                human::score(t),
                human::score((choice.total - t).max(0.0)),
                human::score(choice.total)
            )),
            None if choice.stopped.is_none() => {
                why.push("no team that holds them meets the constraints".to_string())
            }
            _ => {}
        }
        (
            false,
            format!("left out of the `select` team: {}", why.join("; ")),
        )
    }

    /// The constraints that adding creator `k` (of the pool) to the team
    /// would break, in words.
    fn blocking(&self, pool: &Pool, choice: &Choice, k: usize) -> Vec<String> {
        let (budgets, width) = (pool.budgets, pool.pers);
        let (mut b, mut p) = (0, 0);
        let mut out = Vec::new();
        for c in &self.rule.constraints {
            match c.kind {
                TeamLimitKind::Budget { cap } => {
                    let used: f64 = choice
                        .team
                        .iter()
                        .map(|&m| pool.amounts[m * budgets + b])
                        .sum();
                    let theirs = pool.amounts[k * budgets + b];
                    if used + theirs > cap {
                        out.push(format!(
                            "`{}`: the team uses {}, and their {} would make it {}",
                            c.text,
                            human::thousands(used),
                            human::thousands(theirs),
                            human::thousands(used + theirs)
                        ));
                    }
                    b += 1;
                }
                TeamLimitKind::Per { bound, count } => {
                    let g = pool.groups[k * width + p];
                    let have = choice
                        .team
                        .iter()
                        .filter(|&&m| pool.groups[m * width + p] == g)
                        .count();
                    if bound == GroupBound::AtMost && have >= count {
                        let value = &self.names[p].1[g as usize];
                        out.push(format!(
                            "`{}`: the team already has {have} with {value:?}",
                            c.text
                        ));
                    }
                    p += 1;
                }
            }
        }
        out
    }
}
