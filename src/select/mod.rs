//! Choosing the team (`select`): among the eligible accepted creators, the
//! team of the asked size with the largest total score that keeps every
//! budget and every `per` bound; among equally good teams, the one first in
//! rank order (the lowest rank at the first place two teams differ).
//!
//! The creators come in rank order, each with its score, its amount for
//! each budget and its group (an id) for each `per` bound. [`reduce`] drops
//! those that can provably never be chosen; [`model`] states the rest as a
//! 0-1 integer program and solves it with microlp (branch and bound over a
//! simplex: exact, or stopped at the time limit with the proven gap).
//! [`tie`] then makes the team the first in rank order among the optimal
//! ones, and [`binding`] re-solves without each constraint to say what it
//! costs.

mod model;
mod reduce;
mod tie;

pub use tie::TIE;

#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

pub use crate::ast::GroupBound;

/// The candidates, in rank order (index 0 ranks best).
#[derive(Clone, Debug, Default)]
pub struct Pool {
    /// Each creator's score.
    pub scores: Vec<f64>,
    /// `budgets` amounts per creator, creator after creator.
    pub amounts: Vec<f64>,
    /// `pers` group ids per creator, creator after creator.
    pub groups: Vec<u32>,
    /// Budgets per creator.
    pub budgets: usize,
    /// `per` bounds per creator.
    pub pers: usize,
}

impl Pool {
    /// An empty pool for `budgets` budgets and `pers` group bounds.
    pub fn new(budgets: usize, pers: usize) -> Pool {
        Pool {
            budgets,
            pers,
            ..Pool::default()
        }
    }

    /// Adds the next creator in rank order.
    pub fn push(&mut self, score: f64, amounts: &[f64], groups: &[u32]) {
        debug_assert_eq!(amounts.len(), self.budgets);
        debug_assert_eq!(groups.len(), self.pers);
        self.scores.push(score);
        self.amounts.extend_from_slice(amounts);
        self.groups.extend_from_slice(groups);
    }

    /// How many creators.
    pub(crate) fn len(&self) -> usize {
        self.scores.len()
    }

    fn amounts_of(&self, i: usize) -> &[f64] {
        &self.amounts[i * self.budgets..(i + 1) * self.budgets]
    }

    fn groups_of(&self, i: usize) -> &[u32] {
        &self.groups[i * self.pers..(i + 1) * self.pers]
    }
}

/// What the team must respect.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// How many creators to pick.
    pub size: usize,
    /// The most each budget's sum may be, in the pool's budget order.
    pub caps: Vec<f64>,
    /// Each `per` bound, in the pool's group order.
    pub pers: Vec<(GroupBound, usize)>,
}

impl Limits {
    /// Per `per` bound: whether it bounds anything.
    fn active(&self) -> Vec<bool> {
        self.pers
            .iter()
            .map(|&(b, k)| match b {
                GroupBound::AtMost => k != usize::MAX,
                GroupBound::AtLeast => k != 0,
            })
            .collect()
    }

    /// The same limits without constraint `c` (budgets first, then `per`
    /// bounds).
    fn without(&self, c: usize) -> Limits {
        let mut l = self.clone();
        if c < l.caps.len() {
            l.caps[c] = f64::INFINITY;
        } else if let Some(p) = l.pers.get_mut(c - self.caps.len()) {
            *p = match p.0 {
                GroupBound::AtMost => (GroupBound::AtMost, usize::MAX),
                GroupBound::AtLeast => (GroupBound::AtLeast, 0),
            };
        }
        l
    }
}

/// The chosen team and how sure it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The team, as indices into the pool, in rank order.
    pub team: Vec<usize>,
    /// Its total score.
    pub total: f64,
    /// Proven: the best total, and the first such team in rank order.
    pub optimal: bool,
    /// When stopped early with a team: the most a team could score, as proven.
    pub bound: Option<f64>,
    /// The best total was proven but the time ran out before the team
    /// first in rank order among the best was.
    pub tie_unproven: bool,
    /// Why there is no team, if there is none.
    pub stopped: Option<Stop>,
    /// `at least K` groups that have fewer than K eligible creators: (the
    /// bound's index among the `per` bounds, group id, how many there are).
    /// Their bound is what they have.
    pub short_groups: Vec<(usize, u32, usize)>,
    /// Creators offered to the solver after [`reduce`].
    pub considered: usize,
    /// How long it took.
    pub elapsed: Duration,
}

/// Why a search gave no team.
#[derive(Clone, Debug, PartialEq)]
pub enum Stop {
    /// No team of any size meets the constraints.
    Infeasible,
    /// The time limit came first.
    TimedOut,
    /// The solver failed (its message).
    Solver(String),
}

impl Choice {
    fn empty(team: Vec<usize>) -> Choice {
        Choice {
            team,
            total: 0.0,
            optimal: false,
            bound: None,
            tie_unproven: false,
            stopped: None,
            short_groups: Vec::new(),
            considered: 0,
            elapsed: Duration::ZERO,
        }
    }

    fn proven(mut self) -> Choice {
        self.optimal = true;
        self
    }
}

/// Picks the team from `pool` under `limits`, within `time` (for the whole
/// search; the tie rule shares it).
pub fn choose(pool: &Pool, limits: &Limits, time: Duration) -> Choice {
    let started = Instant::now();
    let deadline = started + time;
    let kept = reduce::undominated(pool, depth(limits), &limits.active());
    let mut choice = match model::best(pool, &kept, limits, None, deadline) {
        Ok(best) if best.optimal => tie::first_in_rank(pool, &kept, limits, best, deadline),
        Ok(best) => best,
        Err(stop) => Choice {
            stopped: Some(stop),
            ..Choice::empty(Vec::new())
        },
    };
    choice.short_groups = model::short_groups(pool, limits);
    choice.considered = kept.len();
    choice.elapsed = started.elapsed();
    choice
}

/// The creators of `pool` (indices, rank order) that some chosen team
/// could hold: the others never can be (see [`reduce`]).
pub fn undominated(pool: &Pool, limits: &Limits) -> Vec<usize> {
    reduce::undominated(pool, depth(limits), &limits.active())
}

/// The depth of dominance that rules a creator out (see [`reduce`]): no
/// team holds more than this from one cell of groups.
fn depth(limits: &Limits) -> usize {
    limits
        .pers
        .iter()
        .filter(|p| p.0 == GroupBound::AtMost)
        .map(|p| p.1)
        .fold(limits.size, usize::min)
}

/// What one constraint costs: the best total without it (budgets first,
/// then `per` bounds, as in [`Limits`]), starting from `team`, which meets
/// every constraint; `None` when that solve did not finish in `time` or
/// found no team.
pub fn total_without(
    pool: &Pool,
    limits: &Limits,
    c: usize,
    team: &[usize],
    time: Duration,
) -> Option<f64> {
    let limits = limits.without(c);
    let mut kept = reduce::undominated(pool, depth(&limits), &limits.active());
    // the team is a start only if all of it is offered
    for &i in team {
        if let Err(at) = kept.binary_search(&i) {
            kept.insert(at, i);
        }
    }
    let start = (!team.is_empty()).then_some(team);
    let best = model::best(pool, &kept, &limits, start, Instant::now() + time).ok()?;
    best.optimal.then_some(best.total)
}

/// The best total of a team of `limits.size` that holds creator `k`:
/// what leaving them out gained. `None` when no such team meets the constraints or the
/// search did not finish in `time`.
pub fn total_with(pool: &Pool, limits: &Limits, k: usize, time: Duration) -> Option<f64> {
    // every creator set aside stays so with `k` forced in: the team still
    // holds at most `depth` of a cell, so one of the dominators is free
    let mut kept = reduce::undominated(pool, depth(limits), &limits.active());
    if let Err(at) = kept.binary_search(&k) {
        kept.insert(at, k);
    }
    let mut fixed = vec![None; kept.len()];
    fixed[kept.binary_search(&k).ok()?] = Some(true);
    let spec = model::Spec {
        pool,
        kept: &kept,
        limits,
        size: limits.size,
        most: false,
        fixed: &fixed,
        floor: None,
        other_than: None,
        start: None,
        deadline: Instant::now() + time,
    };
    match spec.solve() {
        Ok((team, true, _)) => Some(total_of(pool, &team)),
        _ => None,
    }
}

/// The total score of a team, summed in rank order (so that every caller
/// adds the same numbers in the same order).
pub fn total_of(pool: &Pool, team: &[usize]) -> f64 {
    team.iter().map(|&i| pool.scores[i]).sum()
}
