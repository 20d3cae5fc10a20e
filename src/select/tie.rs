//! The tie rule: among the teams with the best total, the one first in
//! rank order. One solve asks whether any other team reaches the best
//! total (the team found must lose a member); usually none does, and the
//! team stands. Otherwise, going down the creators offered in rank order, each is
//! fixed in when some best team (keeping the choices above it) holds it,
//! else out; the best team found so far answers for its own members
//! without a solve, so only a creator left out of it is tried. A team is
//! first in rank order exactly when it holds each creator that some best
//! team with the same choices above could hold, so this is exact. Totals
//! within one part in a billion (`TIE`) count as equal: scores are
//! floating-point sums, and the same team summed in another order can
//! differ in the last bits.

use std::time::Instant;

use super::model::Spec;
use super::{total_of, Choice, Limits, Pool, Stop};

/// Totals closer than this, relative to the total, are a tie.
pub const TIE: f64 = 1e-9;

pub(super) fn first_in_rank(
    pool: &Pool,
    kept: &[usize],
    limits: &Limits,
    best: Choice,
    deadline: Instant,
) -> Choice {
    let size = best.team.len();
    let floor = best.total - TIE * best.total.abs().max(1.0);
    if size == 0 {
        return best.proven();
    }
    // first, is there another best team at all? Usually not: one solve
    match another_best(pool, kept, limits, &best.team, floor, deadline) {
        Err(Stop::Infeasible) => return best.proven(),
        Ok(()) => {}
        Err(_) => {
            return Choice {
                tie_unproven: true,
                ..best
            }
        }
    }
    let mut fixed: Vec<Option<bool>> = vec![None; kept.len()];
    let mut team = best.team.clone();
    let mut chosen = 0;
    for (k, &i) in kept.iter().enumerate() {
        if chosen == size {
            break;
        }
        fixed[k] = Some(true);
        if team.binary_search(&i).is_ok() {
            chosen += 1;
            continue;
        }
        let spec = Spec {
            pool,
            kept,
            limits,
            size,
            most: false,
            fixed: &fixed,
            floor: Some(floor),
            other_than: None,
            start: None,
            deadline,
        };
        match spec.solve() {
            Ok((found, _, _)) if total_of(pool, &found) >= floor - 1e-12 => {
                team = found;
                chosen += 1;
            }
            Ok(_) | Err(Stop::Infeasible) => fixed[k] = Some(false),
            Err(_) => {
                // out of time: the best total stands, the order among
                // equally good teams is not proven
                return Choice {
                    tie_unproven: true,
                    ..best
                };
            }
        }
    }
    let total = total_of(pool, &team);
    Choice {
        total,
        ..Choice::empty(team)
    }
    .proven()
}

/// Whether a team other than `team` reaches `floor`: `Ok` if one does,
/// `Err(Stop::Infeasible)` if none.
fn another_best(
    pool: &Pool,
    kept: &[usize],
    limits: &Limits,
    team: &[usize],
    floor: f64,
    deadline: Instant,
) -> Result<(), Stop> {
    Spec {
        pool,
        kept,
        limits,
        size: team.len(),
        most: false,
        fixed: &[],
        floor: Some(floor),
        other_than: Some(team),
        start: None,
        deadline,
    }
    .solve()
    .map(|_| ())
}
