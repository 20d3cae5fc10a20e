//! The solver against brute force on small random instances: the same best
//! total, every constraint kept, the same team under the tie rule.

use std::time::Duration;

use super::tie::TIE;
use super::*;

/// A small deterministic generator (xorshift64*), so failures replay.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn instance(rng: &mut Rng) -> (Pool, Limits) {
    let n = 1 + rng.below(20) as usize;
    let budgets = rng.below(3) as usize;
    let pers = rng.below(3) as usize;
    // coarse scores make ties common; fine ones make them rare
    let coarse = rng.below(2) == 0;
    let mut pool = Pool::new(budgets, pers);
    for _ in 0..n {
        let score = if coarse {
            rng.below(5) as f64 / 4.0
        } else {
            rng.below(1_000_000) as f64 / 1e6
        };
        let amounts: Vec<f64> = (0..budgets)
            .map(|_| (1 + rng.below(9)) as f64 * 100.0)
            .collect();
        let groups: Vec<u32> = (0..pers).map(|_| rng.below(4) as u32).collect();
        pool.push(score, &amounts, &groups);
    }
    let size = 1 + rng.below(6) as usize;
    let caps = (0..budgets)
        .map(|_| (1 + rng.below(size as u64 * 6)) as f64 * 100.0)
        .collect();
    let pers = (0..pers)
        .map(|_| {
            if rng.below(2) == 0 {
                (GroupBound::AtMost, rng.below(4) as usize)
            } else {
                (GroupBound::AtLeast, rng.below(3) as usize)
            }
        })
        .collect();
    (pool, Limits { size, caps, pers })
}

/// Every constraint holds for `team` (with `at least K` asking no more
/// than a group has in the pool).
fn feasible(pool: &Pool, limits: &Limits, team: &[usize]) -> bool {
    for (b, &cap) in limits.caps.iter().enumerate() {
        let used: f64 = team.iter().map(|&i| pool.amounts_of(i)[b]).sum();
        if used > cap {
            return false;
        }
    }
    for (p, &(bound, k)) in limits.pers.iter().enumerate() {
        let mut values: Vec<u32> = (0..pool.len()).map(|i| pool.groups_of(i)[p]).collect();
        values.sort_unstable();
        values.dedup();
        for g in values {
            let in_team = team.iter().filter(|&&i| pool.groups_of(i)[p] == g).count();
            let in_pool = (0..pool.len())
                .filter(|&i| pool.groups_of(i)[p] == g)
                .count();
            let ok = match bound {
                GroupBound::AtMost => in_team <= k,
                GroupBound::AtLeast => in_team >= k.min(in_pool),
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// Every team of `m` in lexicographic (rank) order.
fn each_team(n: usize, m: usize, f: &mut dyn FnMut(&[usize])) {
    fn go(start: usize, n: usize, m: usize, team: &mut Vec<usize>, f: &mut dyn FnMut(&[usize])) {
        if team.len() == m {
            f(team);
            return;
        }
        for i in start..n {
            team.push(i);
            go(i + 1, n, m, team, f);
            team.pop();
        }
    }
    go(0, n, m, &mut Vec::new(), f);
}

/// The largest size with a feasible team, the best total and the first
/// best team in rank order; `None` when no team is feasible.
fn brute(pool: &Pool, limits: &Limits) -> Option<(f64, Vec<usize>)> {
    for m in (0..=limits.size.min(pool.len())).rev() {
        let mut best: Option<f64> = None;
        each_team(pool.len(), m, &mut |t| {
            if feasible(pool, limits, t) {
                let total = total_of(pool, t);
                best = Some(best.map_or(total, |b: f64| b.max(total)));
            }
        });
        let Some(best) = best else { continue };
        let floor = best - TIE * best.abs().max(1.0);
        let mut first = None;
        each_team(pool.len(), m, &mut |t| {
            if first.is_none() && feasible(pool, limits, t) && total_of(pool, t) >= floor {
                first = Some(t.to_vec());
            }
        });
        return first.map(|t| (best, t));
    }
    None
}

#[test]
fn the_solver_agrees_with_brute_force() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut ties = 0;
    for case in 0..400 {
        let (pool, limits) = instance(&mut rng);
        let got = choose(&pool, &limits, Duration::from_secs(30));
        let want = brute(&pool, &limits);
        let context = format!("case {case}: {pool:?} {limits:?} -> {got:?}");
        match want {
            None => assert_eq!(got.stopped, Some(Stop::Infeasible), "{context}"),
            Some((best, team)) => {
                assert!(got.optimal, "{context}");
                assert!((got.total - best).abs() <= 1e-9, "{context}: want {best}");
                assert!(feasible(&pool, &limits, &got.team), "{context}");
                assert_eq!(got.team, team, "{context}: the tie rule");
                let others = pool.len() > team.len();
                ties += usize::from(others && team.iter().enumerate().any(|(k, &i)| k != i));
            }
        }
    }
    // the instances reach past the first creators, where the tie rule bites
    assert!(ties > 50, "only {ties} instances skipped a creator");
}

#[test]
fn a_creator_with_enough_better_cheaper_peers_is_dropped() {
    // one cell; creator 3 is dominated by 0, 1 and 2 (cheaper, better,
    // earlier); with a team of 2, two dominators are enough
    let mut pool = Pool::new(1, 1);
    for (s, a) in [(0.9, 1.0), (0.8, 2.0), (0.7, 3.0), (0.6, 4.0), (0.95, 9.0)] {
        pool.push(s, &[a], &[0]);
    }
    assert_eq!(reduce::undominated(&pool, 2, &[true]), vec![0, 1, 4]);
    assert_eq!(reduce::undominated(&pool, 5, &[true]).len(), 5);
}

#[test]
fn a_constraint_that_binds_costs_score() {
    let mut pool = Pool::new(1, 0);
    for (s, a) in [(0.9, 10.0), (0.8, 10.0), (0.5, 1.0), (0.4, 1.0)] {
        pool.push(s, &[a], &[]);
    }
    let limits = Limits {
        size: 2,
        caps: vec![11.0],
        pers: vec![],
    };
    let got = choose(&pool, &limits, Duration::from_secs(10));
    assert_eq!(got.team, vec![0, 2]);
    let free = total_without(&pool, &limits, 0, &got.team, Duration::from_secs(10));
    assert_eq!(free, Some(0.9 + 0.8));
}

#[test]
fn fewer_than_asked_when_the_constraints_allow_no_more() {
    let mut pool = Pool::new(0, 1);
    for g in [0, 0, 0, 1] {
        pool.push(0.5, &[], &[g]);
    }
    let limits = Limits {
        size: 4,
        caps: vec![],
        pers: vec![(GroupBound::AtMost, 1)],
    };
    let got = choose(&pool, &limits, Duration::from_secs(10));
    assert_eq!(got.team, vec![0, 3]);
    assert!(got.optimal);
}
