//! Walking the elements of a JSON list: a correlated subquery over the
//! dialect's table function in DuckDB, PostgreSQL and SQLite, and the
//! higher-order functions `exists`, `filter` and `transform` over an
//! `ARRAY<VARIANT>` in Spark, which has no correlated table functions.

use super::dialect::{Dialect, JsonKind};
use super::expr::Scope;

/// The elements of one list, ready to be tested.
pub(crate) struct Walk {
    d: Dialect,
    /// A FROM item (or, in Spark, the array of elements; NULL unless the
    /// value is a list).
    from: String,
    alias: String,
    /// One element as JSON (missing as NULL).
    pub elem: String,
}

impl Walk {
    /// True when an element meets `cond` (never NULL).
    pub fn exists(&self, cond: &str) -> String {
        let (from, a) = (&self.from, &self.alias);
        match self.d {
            Dialect::Spark => {
                format!("COALESCE(exists({from}, {a} -> COALESCE({cond}, FALSE)), FALSE)")
            }
            _ => format!("EXISTS (SELECT 1 FROM {from} WHERE {cond})"),
        }
    }

    /// How many elements meet `cond`, as an integer (0 when none or not a list).
    pub fn count(&self, cond: &str) -> String {
        let (from, a) = (&self.from, &self.alias);
        match self.d {
            Dialect::Spark => format!(
                "CASE WHEN {from} IS NULL THEN 0 ELSE size(filter({from}, {a} -> COALESCE({cond}, FALSE))) END"
            ),
            _ => format!("(SELECT count(*) FROM {from} WHERE {cond})"),
        }
    }

    /// How many distinct values `read` the elements meeting `cond` have
    /// (`read` is never NULL where `cond` holds).
    pub fn count_distinct(&self, read: &str, cond: &str) -> String {
        let (from, a) = (&self.from, &self.alias);
        match self.d {
            Dialect::Spark => format!(
                "CASE WHEN {from} IS NULL THEN 0 ELSE size(array_distinct(transform(filter({from}, {a} -> COALESCE({cond}, FALSE)), {a} -> {read}))) END"
            ),
            _ => format!("(SELECT count(DISTINCT {read}) FROM {from} WHERE {cond})"),
        }
    }
}

impl Scope {
    /// The elements of the JSON list `list` (none unless it is a list).
    pub(crate) fn walk(&mut self, list: &str) -> Walk {
        let d = self.d;
        let alias = self.alias();
        let guarded = format!(
            "CASE WHEN {} THEN {list} END",
            d.is_kind(list, JsonKind::Array)
        );
        let (from, elem) = d.elements(&guarded, &alias);
        Walk {
            d,
            from,
            alias,
            elem,
        }
    }
}
