//! The team as a 0-1 integer program for microlp: one binary variable per
//! creator offered, the objective their total score; one row for the
//! team's size, one per budget, one per group value of each `per` bound.

use std::collections::HashMap;
use std::time::Instant;

use microlp::{
    ComparisonOp, OptimizationDirection, Problem, SolutionStatus, SolveOptions, SolveOutcome,
    Variable,
};

use super::{Choice, GroupBound, Limits, Pool, Stop};

/// The score row of [`Spec::floor`] is scaled by this, so that the
/// solver's absolute feasibility tolerance (1e-7) is 1e-13 of a score.
const SCORE_SCALE: f64 = 1e6;

/// `at least K` bounds of groups with fewer than K creators in the whole
/// pool: (bound index, group id, creators). Their bound becomes what the
/// group has.
pub(super) fn short_groups(pool: &Pool, limits: &Limits) -> Vec<(usize, u32, usize)> {
    let mut out = Vec::new();
    for (p, &(bound, k)) in limits.pers.iter().enumerate() {
        if bound != GroupBound::AtLeast || k == 0 {
            continue;
        }
        let counts = group_counts(pool, p);
        let mut short: Vec<(usize, u32, usize)> = counts
            .into_iter()
            .filter(|&(_, c)| c < k)
            .map(|(g, c)| (p, g, c))
            .collect();
        short.sort_unstable();
        out.extend(short);
    }
    out
}

fn group_counts(pool: &Pool, p: usize) -> HashMap<u32, usize> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for i in 0..pool.len() {
        *counts.entry(pool.groups_of(i)[p]).or_default() += 1;
    }
    counts
}

/// One program to solve.
pub(super) struct Spec<'a> {
    pub pool: &'a Pool,
    /// The creators offered, in rank order.
    pub kept: &'a [usize],
    pub limits: &'a Limits,
    /// The team's size; with `most`, its largest size, the count maximised.
    pub size: usize,
    pub most: bool,
    /// Per offered creator: forced in (`Some(true)`) or out.
    pub fixed: &'a [Option<bool>],
    /// The least total score a team may have.
    pub floor: Option<f64>,
    /// A team (pool indices) the answer must differ from in one member at least.
    pub other_than: Option<&'a [usize]>,
    /// A team (pool indices) that meets the constraints, to start from.
    pub start: Option<&'a [usize]>,
    pub deadline: Instant,
}

impl Spec<'_> {
    fn problem(&self) -> Option<(Problem, Vec<Variable>)> {
        let mut p = Problem::new(OptimizationDirection::Maximize);
        let vars: Vec<Variable> = self
            .kept
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let obj = if self.most { 1.0 } else { self.pool.scores[i] };
                let (lo, hi) = match self.fixed.get(k).copied().flatten() {
                    Some(true) => (1, 1),
                    Some(false) => (0, 0),
                    None => (0, 1),
                };
                p.add_integer_var(obj, (lo, hi))
            })
            .collect();
        let all: Vec<(Variable, f64)> = vars.iter().map(|&v| (v, 1.0)).collect();
        let op = if self.most {
            ComparisonOp::Le
        } else {
            ComparisonOp::Eq
        };
        p.add_constraint(&all[..], op, self.size as f64);
        for (b, &cap) in self.limits.caps.iter().enumerate() {
            if cap.is_finite() {
                let row: Vec<(Variable, f64)> = self
                    .kept
                    .iter()
                    .zip(&vars)
                    .map(|(&i, &v)| (v, self.pool.amounts_of(i)[b]))
                    .collect();
                p.add_constraint(&row[..], ComparisonOp::Le, cap);
            }
        }
        if !self.group_rows(&mut p, &vars) {
            return None;
        }
        if let Some(floor) = self.floor {
            let row: Vec<(Variable, f64)> = self
                .kept
                .iter()
                .zip(&vars)
                .map(|(&i, &v)| (v, self.pool.scores[i] * SCORE_SCALE))
                .collect();
            p.add_constraint(&row[..], ComparisonOp::Ge, floor * SCORE_SCALE);
        }
        if let Some(team) = self.other_than {
            let row: Vec<(Variable, f64)> = self
                .kept
                .iter()
                .zip(&vars)
                .filter(|(i, _)| team.binary_search(i).is_ok())
                .map(|(_, &v)| (v, 1.0))
                .collect();
            p.add_constraint(&row[..], ComparisonOp::Le, team.len() as f64 - 1.0);
        }
        Some((p, vars))
    }

    /// A row per group value of each `per` bound; `at least K` asks no
    /// more than the group has in the whole pool. False when a bound
    /// cannot be met whatever the solver does.
    fn group_rows(&self, p: &mut Problem, vars: &[Variable]) -> bool {
        for (b, &(bound, k)) in self.limits.pers.iter().enumerate() {
            let mut rows: HashMap<u32, Vec<(Variable, f64)>> = HashMap::new();
            for (&i, &v) in self.kept.iter().zip(vars) {
                rows.entry(self.pool.groups_of(i)[b])
                    .or_default()
                    .push((v, 1.0));
            }
            let counts = group_counts(self.pool, b);
            if bound == GroupBound::AtLeast && k > 0 && counts.keys().any(|g| !rows.contains_key(g))
            {
                // a group none of whose creators is offered cannot meet it
                return false;
            }
            let mut rows: Vec<(u32, Vec<(Variable, f64)>)> = rows.into_iter().collect();
            rows.sort_unstable_by_key(|r| r.0);
            for (g, row) in rows {
                match bound {
                    GroupBound::AtMost if k < row.len() => {
                        p.add_constraint(&row[..], ComparisonOp::Le, k as f64)
                    }
                    GroupBound::AtLeast => {
                        let need = k.min(counts.get(&g).copied().unwrap_or(0));
                        if need > 0 {
                            p.add_constraint(&row[..], ComparisonOp::Ge, need as f64);
                        }
                    }
                    GroupBound::AtMost => {}
                }
            }
        }
        true
    }

    /// Solves it: the team found (indices into the pool, rank order),
    /// whether it is proven optimal, and the proven bound.
    pub fn solve(&self) -> Result<(Vec<usize>, bool, Option<f64>), Stop> {
        let now = Instant::now();
        if now >= self.deadline {
            return Err(Stop::TimedOut);
        }
        let (p, vars) = self.problem().ok_or(Stop::Infeasible)?;
        let mut options = SolveOptions::default();
        options.time_limit = Some(self.deadline - now);
        if let Some(team) = self.start {
            let hint = self
                .kept
                .iter()
                .zip(&vars)
                .map(|(i, &v)| {
                    (
                        v,
                        if team.binary_search(i).is_ok() {
                            1.0
                        } else {
                            0.0
                        },
                    )
                })
                .collect();
            options.warm_start = Some(hint);
        }
        match p.solve_with(options) {
            Ok(SolveOutcome::Solution(s)) => {
                let team = self
                    .kept
                    .iter()
                    .zip(&vars)
                    .filter(|(_, &v)| s.var_value(v) > 0.5)
                    .map(|(&i, _)| i)
                    .collect();
                let optimal = s.status() == SolutionStatus::Optimal;
                Ok((team, optimal, s.stats().best_bound))
            }
            Ok(SolveOutcome::Interrupted(_)) => Err(Stop::TimedOut),
            Err(microlp::Error::Infeasible) => Err(Stop::Infeasible),
            Err(e) => Err(Stop::Solver(e.to_string())),
        }
    }
}

/// The best team of the largest size up to `limits.size` that some team
/// meeting the constraints has.
/// `start`, when given, is a team that meets the constraints.
pub(super) fn best(
    pool: &Pool,
    kept: &[usize],
    limits: &Limits,
    start: Option<&[usize]>,
    deadline: Instant,
) -> Result<Choice, Stop> {
    let mut spec = Spec {
        pool,
        kept,
        limits,
        size: limits.size.min(kept.len()),
        most: false,
        fixed: &[],
        floor: None,
        other_than: None,
        start,
        deadline,
    };
    let (team, optimal, bound) = match spec.solve() {
        Err(Stop::Infeasible) => {
            // fewer creators than asked meet the constraints: as many as can
            spec.most = true;
            let (team, optimal, _) = spec.solve()?;
            if !optimal {
                return Err(Stop::TimedOut);
            }
            spec.most = false;
            spec.size = team.len();
            spec.solve()?
        }
        other => other?,
    };
    let total = super::total_of(pool, &team);
    Ok(Choice {
        total,
        optimal,
        bound: if optimal { None } else { bound },
        ..Choice::empty(team)
    })
}
