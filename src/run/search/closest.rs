//! The ids closest to the one `explain --id` wants, offered when no record
//! has it. Every id read before the creator is found passes by, on the
//! thread that takes the results in order (of the last record: all of
//! them), so most are turned away by a bound that costs a few instructions
//! a character before any edit distance is worked out.

use super::loose;
use crate::diagnostic::edit_distance_within;

/// How many close ids are offered.
const CLOSEST: usize = 3;

/// The closest ids seen so far, best first; ties go to the first read.
pub(super) struct Closest {
    /// The id wanted, made [`loose`], as characters.
    wanted: Vec<char>,
    /// How many of its characters have each low seven bits ([`Closest::bound`]).
    bag: [u32; 128],
    /// True when the id wanted is a position (`#3`): only then are
    /// positions (records without an id) offered.
    positions: bool,
    /// Reused for each id compared.
    chars: Vec<char>,
    /// (edit distance, id), best first.
    best: Vec<(usize, String)>,
}

/// True for an id that is a record's position (`#3`).
fn is_position(id: &str) -> bool {
    id.starts_with('#') && id[1..].bytes().all(|b| b.is_ascii_digit())
}

impl Closest {
    /// The closest ids to `wanted` (as given), none seen yet.
    pub fn new(wanted: &str) -> Self {
        let chars: Vec<char> = loose(wanted).chars().collect();
        let mut bag = [0; 128];
        for &c in &chars {
            bag[c as usize & 127] += 1;
        }
        Closest {
            wanted: chars,
            bag,
            positions: wanted.starts_with('#'),
            chars: Vec::new(),
            best: Vec::new(),
        }
    }

    /// Keeps `id` if it is among the closest to the one wanted (and is not
    /// a position, unless a position is wanted).
    pub fn consider(&mut self, id: String) {
        if !self.positions && is_position(&id) {
            return;
        }
        // only an id closer than the farthest of a full list is kept: the
        // distance is worked out only that far, and only when the bound
        // does not already exceed it
        let max = match self.best.last() {
            Some((far, _)) if self.best.len() == CLOSEST => far.saturating_sub(1),
            _ => usize::MAX,
        };
        let loose_id = loose(&id);
        if max < usize::MAX && self.bound(&loose_id) > max {
            return;
        }
        self.chars.clear();
        self.chars.extend(loose_id.chars());
        let Some(d) = edit_distance_within(&self.wanted, &self.chars, max) else {
            return;
        };
        if self.best.iter().any(|(_, c)| *c == id) {
            return;
        }
        let at = self.best.partition_point(|(cd, _)| *cd <= d);
        self.best.insert(at, (d, id));
        self.best.truncate(CLOSEST);
    }

    /// At most the edit distance between the id wanted and `id` (both made
    /// [`loose`]): how many characters one has that the other lacks,
    /// whichever has more. An insertion, a deletion or a substitution
    /// changes each count by at most one, a swap changes neither. The
    /// characters are told apart by their low seven bits alone, which can
    /// only lower the counts.
    fn bound(&self, id: &str) -> usize {
        let mut left = self.bag;
        let (mut len, mut extra) = (0, 0);
        for c in id.chars() {
            let n = &mut left[c as usize & 127];
            if *n > 0 {
                *n -= 1;
            } else {
                extra += 1;
            }
            len += 1;
        }
        let missing = self.wanted.len() - (len - extra);
        extra.max(missing)
    }

    /// The closest ids, closest first.
    pub fn ids(self) -> Vec<String> {
        self.best.into_iter().map(|(_, id)| id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::edit_distance;

    /// The list as it was made before the bound: every id's distance
    /// worked out.
    fn plainly(wanted: &str, ids: &[&str]) -> Vec<String> {
        let mut best: Vec<(usize, String)> = Vec::new();
        for id in ids {
            if !wanted.starts_with('#') && is_position(id) {
                continue;
            }
            let d = edit_distance(&loose(wanted), &loose(id));
            if best.len() == CLOSEST && d > best[CLOSEST - 1].0.saturating_sub(1) {
                continue;
            }
            if best.iter().any(|(_, c)| c == id) {
                continue;
            }
            let at = best.partition_point(|(cd, _)| *cd <= d);
            best.insert(at, (d, id.to_string()));
            best.truncate(CLOSEST);
        }
        best.into_iter().map(|(_, id)| id).collect()
    }

    fn closest(wanted: &str, ids: &[&str]) -> Vec<String> {
        let mut c = Closest::new(wanted);
        for id in ids {
            c.consider(id.to_string());
        }
        c.ids()
    }

    #[test]
    fn the_bound_never_exceeds_the_distance() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "acb",
            "cab",
            "@Ana",
            "ana",
            "anna",
            "héllo",
            "hello",
            "olleh",
            "HÉLLO",
            "K",
            "k",
            "\u{212a}",
            "ǅ",
            "lashfinds_99",
            "lashfinds_999",
            "sdnifhsal_99",
            "ĀĀ",
            "\u{181}",
            "A",
            "\u{1}",
            "#3",
            "#12",
        ];
        for a in words {
            let c = Closest::new(a);
            for b in words {
                let d = edit_distance(&loose(a), &loose(b));
                let bound = c.bound(&loose(b));
                assert!(bound <= d, "{a:?} {b:?}: bound {bound} > distance {d}");
            }
        }
    }

    #[test]
    fn keeps_the_same_ids_as_every_distance_worked_out() {
        let ids = [
            "lashfinds_1",
            "lashfinds_10",
            "lashfinds_19",
            "glowup_9",
            "lashfinds_91",
            "lashfinds_19",
            "#4",
            "LASHFINDS_9",
            "@lashfinds_8",
            "lashfind_9",
            "sdnifhsal_9",
            "lashfinds_99",
            "a",
            "lashfinds_9x",
            "ĺashfinds_9",
            "lashfinds_09",
        ];
        for wanted in [
            "lashfinds_9",
            "@LashFinds_9",
            "#4",
            "glow",
            "",
            "zzzz",
            "ĺash",
        ] {
            for n in 0..=ids.len() {
                let (ids, _) = ids.split_at(n);
                assert_eq!(
                    closest(wanted, ids),
                    plainly(wanted, ids),
                    "{wanted} {ids:?}"
                );
            }
        }
    }

    #[test]
    fn ties_go_to_the_first_read() {
        let ids = ["ab", "ba", "ac", "ad", "ae"];
        assert_eq!(closest("aa", &ids), ["ab", "ba", "ac"]);
    }
}
