//! The `select` declaration: the team's size and its constraints.

use super::{Expr, NumberLit, Span};

/// `select N` followed by its constraints, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    /// How many creators the team holds.
    pub count: NumberLit,
    /// `budget ...` and `per ...`, as written.
    pub constraints: Vec<TeamConstraint>,
}

impl Select {
    /// The per-creator expressions its constraints read, in file order.
    pub fn expressions(&self) -> impl Iterator<Item = &Expr> {
        self.constraints.iter().map(|c| match &c.kind {
            TeamConstraintKind::Budget { value, .. } => value,
            TeamConstraintKind::Per { group, .. } => group,
        })
    }
}

/// One constraint of `select`.
#[derive(Clone, Debug, PartialEq)]
pub struct TeamConstraint {
    /// What it bounds.
    pub kind: TeamConstraintKind,
    /// The whole clause.
    pub span: Span,
}

/// The kinds of team constraint.
#[derive(Clone, Debug, PartialEq)]
pub enum TeamConstraintKind {
    /// `budget sum(VALUE) <= CAP`: the team's sum of a per-creator number.
    Budget {
        /// The per-creator value summed.
        value: Expr,
        /// The most the sum may be.
        cap: NumberLit,
    },
    /// `per GROUP at most K` / `at least K`: a bound on the count of each
    /// value of a per-creator expression.
    Per {
        /// The per-creator value that groups creators.
        group: Expr,
        /// `at most` or `at least`.
        bound: GroupBound,
        /// K.
        count: NumberLit,
    },
}

/// `at most` or `at least`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBound {
    /// No more than K per value.
    AtMost,
    /// No fewer than K per value.
    AtLeast,
}

impl GroupBound {
    /// As written: `at most`, `at least`.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBound::AtMost => "at most",
            GroupBound::AtLeast => "at least",
        }
    }
}
