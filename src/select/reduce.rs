//! Dropping creators who can never be in the chosen team, before the
//! integer program sees them.
//!
//! Creator `j` *dominates* `i` when both have the same value in every
//! `per` group, `j` costs no more in every budget, scores at least as much
//! and comes first in rank order. If `i` has at least `t` dominators, where
//! `t` is the least of the team size and every `at most K` (no team holds
//! more than `t` from `i`'s cell of groups), then any team holding `i`
//! leaves one of them out, and swapping it in for `i` keeps every count,
//! spends no more of any budget, loses no score and makes the team earlier
//! in rank order. So the chosen team (the best total, then first in rank
//! order) never holds `i`. Dominance is transitive and strict in rank, so
//! counting only the creators kept so far finds every such `i` (a dropped
//! dominator had `t` dominators of its own, all dominating `i`).

use std::collections::HashMap;

use super::Pool;

/// The indices of the creators of `pool` worth offering the solver, in
/// rank order. `t` is the depth of dominance that rules a creator out;
/// `active` says which group columns bound anything (a bound dropped to
/// find its cost groups nobody).
pub(super) fn undominated(pool: &Pool, t: usize, active: &[bool]) -> Vec<usize> {
    if t == 0 {
        return Vec::new();
    }
    let n = pool.len();
    // best score first, rank order among equals: every dominator of a
    // creator comes before it
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        pool.scores[b]
            .partial_cmp(&pool.scores[a])
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    let mut cells: HashMap<Vec<u32>, Vec<usize>> = HashMap::new();
    let mut kept = Vec::new();
    for i in order {
        let key: Vec<u32> = pool
            .groups_of(i)
            .iter()
            .zip(active)
            .filter(|(_, &a)| a)
            .map(|(&g, _)| g)
            .collect();
        let cell = cells.entry(key).or_default();
        let mut dominators = 0;
        for &j in cell.iter() {
            if j < i && costs_no_more(pool, j, i) {
                dominators += 1;
                if dominators >= t {
                    break;
                }
            }
        }
        if dominators < t {
            cell.push(i);
            kept.push(i);
        }
    }
    kept.sort_unstable();
    kept
}

fn costs_no_more(pool: &Pool, j: usize, i: usize) -> bool {
    pool.amounts_of(j)
        .iter()
        .zip(pool.amounts_of(i))
        .all(|(a, b)| a <= b)
}
