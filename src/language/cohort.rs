//! The run's population, as the cohort functions (`percentile`,
//! `cohort_median`, `cohort_size`) see it, and `band`'s labels.
//!
//! A first pass over the data collects, for each distinct cohort input of
//! the rules (an `x` and a group, or a group alone), every undamaged
//! creator's `x` (an f64, 8 bytes) in the list of its group; a group's key
//! is kept once, however many creators share it. Sorted, the lists answer
//! each creator's question in the second pass by binary search: exact, and
//! the same whatever order the records were collected in (so for any
//! `--threads`).

use std::collections::HashMap;
use std::fmt::Write;

use super::value::Value;

/// A group value made hashable: equal keys for values `==` calls equal
/// (`1` and `1.0`; `0` and `-0`), distinct keys across kinds, and a
/// missing value a key of its own, alone or inside a list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey(Box<str>);

impl GroupKey {
    /// The key of the whole run (a cohort function without a group).
    pub fn everyone() -> GroupKey {
        GroupKey("".into())
    }

    /// The key of a group value.
    pub fn of(v: &Value<'_>) -> GroupKey {
        let mut s = String::new();
        encode(v, &mut s);
        GroupKey(s.into())
    }
}

fn encode(v: &Value<'_>, out: &mut String) {
    match v {
        Value::Missing(_) => out.push_str("m;"),
        Value::Number(n) => {
            let n = if *n == 0.0 { 0.0 } else { *n };
            let _ = write!(out, "n{:x};", n.to_bits());
        }
        Value::Bool(b) => out.push_str(if *b { "b1;" } else { "b0;" }),
        Value::Str(s) => {
            let _ = write!(out, "s{}:{s}", s.len());
        }
        Value::Date(d) => {
            let _ = write!(out, "d{d};");
        }
        Value::List(xs) => {
            let _ = write!(out, "l{}[", xs.len());
            for x in xs.iter() {
                encode(&x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let text = serde_json::to_string(m).unwrap_or_default();
            let _ = write!(out, "o{}:{text}", text.len());
        }
    }
}

/// One cohort: its creators' `x` values, sorted (empty for `cohort_size`,
/// which needs the count alone), and how many creators it holds.
#[derive(Clone, Debug, Default)]
pub struct Cohort {
    values: Vec<f64>,
    size: usize,
}

impl Cohort {
    /// How many creators the cohort holds.
    pub fn size(&self) -> usize {
        self.size
    }

    /// SQL's `percent_rank()` of `x`: the creators whose value is smaller,
    /// over the size less one; 0 for a cohort of one (or none).
    pub fn percentile(&self, x: f64) -> f64 {
        let below = self.values.partition_point(|v| *v < x);
        if self.size <= 1 {
            0.0
        } else {
            below as f64 / (self.size - 1) as f64
        }
    }

    /// How many of the cohort's values are smaller than `x`.
    pub fn below(&self, x: f64) -> usize {
        self.values.partition_point(|v| *v < x)
    }

    /// The middle value (the mean of the two middle ones for an even
    /// count); `None` for an empty cohort.
    pub fn median(&self) -> Option<f64> {
        let n = self.values.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(self.values[n / 2]),
            // halves first: two values near f64::MAX do not overflow
            _ => Some(self.values[n / 2 - 1] / 2.0 + self.values[n / 2] / 2.0),
        }
    }

    /// The cohort of a creator evaluated alone: its own value, or a count
    /// of one.
    pub fn alone(x: Option<f64>) -> Cohort {
        Cohort {
            values: x.into_iter().collect(),
            size: 1,
        }
    }
}

/// The cohorts of one cohort input, by group.
#[derive(Clone, Debug, Default)]
pub struct Cohorts {
    groups: HashMap<GroupKey, Cohort>,
}

impl Cohorts {
    /// Adds one creator: its `x` (`None` for `cohort_size`, which counts
    /// every undamaged creator) in `group`.
    pub fn add(&mut self, group: GroupKey, x: Option<f64>) {
        let c = self.groups.entry(group).or_default();
        c.size += 1;
        if let Some(x) = x {
            c.values.push(x);
        }
    }

    /// Takes in the creators `other` collected (another thread's share).
    pub fn merge(&mut self, other: Cohorts) {
        for (k, c) in other.groups {
            let mine = self.groups.entry(k).or_default();
            mine.size += c.size;
            mine.values.extend(c.values);
        }
    }

    /// Sorts every cohort's values, ready to be asked.
    pub fn finish(&mut self) {
        for c in self.groups.values_mut() {
            c.values.sort_unstable_by(f64::total_cmp);
            c.values.shrink_to_fit();
        }
    }

    /// The cohort of `group`, if any creator was in it.
    pub fn get(&self, group: &GroupKey) -> Option<&Cohort> {
        self.groups.get(group)
    }
}

/// The run's population: one [`Cohorts`] per cohort input of the rules,
/// in the program's order.
#[derive(Clone, Debug, Default)]
pub struct Population {
    /// By cohort input.
    pub inputs: Vec<Cohorts>,
    /// How many creators were collected (undamaged records).
    pub creators: usize,
}

impl Population {
    /// An empty population for `inputs` cohort inputs.
    pub fn new(inputs: usize) -> Population {
        Population {
            inputs: vec![Cohorts::default(); inputs],
            creators: 0,
        }
    }

    /// Takes in another thread's share.
    pub fn merge(&mut self, other: Population) {
        self.creators += other.creators;
        for (mine, theirs) in self.inputs.iter_mut().zip(other.inputs) {
            mine.merge(theirs);
        }
    }

    /// Sorts every cohort, ready to be asked.
    pub fn finish(&mut self) {
        for c in &mut self.inputs {
            c.finish();
        }
    }
}

/// `band`'s label for `x` among `bounds` (strictly increasing, which the
/// checker makes sure of): `"<1k"` below the first, `"1k-10k"` from a
/// bound up to (not including) the next, `">=50k"` from the last up.
pub fn band_label(x: f64, bounds: &[f64]) -> String {
    let above = bounds.partition_point(|b| *b <= x);
    match above {
        0 => format!("<{}", bound_text(bounds[0])),
        i if i == bounds.len() => format!(">={}", bound_text(bounds[i - 1])),
        i => format!("{}-{}", bound_text(bounds[i - 1]), bound_text(bounds[i])),
    }
}

/// A bound as a label writes it: `1k` for 1000, `2.5M` for 2,500,000,
/// `0.03` for 3%; thousands and millions only when they are whole in
/// the shorter form's shortest text.
pub fn bound_text(b: f64) -> String {
    let a = b.abs();
    if a >= 1e6 && a % 1e3 == 0.0 {
        format!("{}M", b / 1e6)
    } else if a >= 1e3 && a % 1.0 == 0.0 {
        format!("{}k", b / 1e3)
    } else {
        format!("{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cohort(xs: &[f64]) -> Cohort {
        let mut c = Cohorts::default();
        for x in xs {
            c.add(GroupKey::everyone(), Some(*x));
        }
        c.finish();
        c.get(&GroupKey::everyone()).unwrap().clone()
    }

    #[test]
    fn percent_rank_counts_smaller_values_ties_share_the_lowest_rank() {
        let c = cohort(&[3.0, 1.0, 2.0, 2.0]);
        assert_eq!(c.percentile(1.0), 0.0);
        assert_eq!(c.percentile(2.0), 1.0 / 3.0);
        assert_eq!(c.percentile(3.0), 1.0);
        assert_eq!(cohort(&[5.0]).percentile(5.0), 0.0);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(cohort(&[3.0, 1.0, 2.0]).median(), Some(2.0));
        assert_eq!(cohort(&[4.0, 1.0, 2.0, 3.0]).median(), Some(2.5));
        assert_eq!(Cohort::default().median(), None);
    }

    #[test]
    fn band_labels_hold_their_lower_bound() {
        let b = [1e3, 1e4, 5e4];
        assert_eq!(band_label(999.0, &b), "<1k");
        assert_eq!(band_label(1e3, &b), "1k-10k");
        assert_eq!(band_label(9999.0, &b), "1k-10k");
        assert_eq!(band_label(1e4, &b), "10k-50k");
        assert_eq!(band_label(5e4, &b), ">=50k");
        assert_eq!(band_label(0.5, &[0.03, 2.5e6]), "0.03-2.5M");
        assert_eq!(bound_text(1500.0), "1.5k");
        assert_eq!(bound_text(0.0), "0");
    }

    #[test]
    fn group_keys_equal_for_equal_values_distinct_across_kinds() {
        let k = |v: Value<'static>| GroupKey::of(&v);
        assert_eq!(k(Value::Number(0.0)), k(Value::Number(-0.0)));
        assert_ne!(k(Value::Number(1.0)), k(Value::Str("1".into())));
        assert_ne!(
            k(Value::Str("a".into())),
            k(Value::Missing(crate::language::value::Missing::Field(0)))
        );
    }
}
