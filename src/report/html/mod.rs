//! `--format html`: the run as one self-contained page for people: the
//! counts, the funnel and the score distribution as SVG charts drawn here,
//! the tiers, the rows as a table sortable by any column (a few lines of
//! inline JavaScript; everything else works without it, and printed), with
//! `select` the team (its constraints and their costs), the near misses, the warnings and the rules file's text. Nothing is fetched
//! from the network: the CSS, the script and the charts are in the file.
//!
//! Every piece of data (ids, names, values, reasons, the rules text) goes
//! through [`esc`], in text and in attributes alike; no data is ever
//! written inside a `<script>` or `<style>`.
//!
//! The page is built from three things, so that any row model can feed it:
//! the run's [`Report`] (counts, funnel, near misses, warnings, the score
//! spread), the table's [`Row`]s, and the [`RulesInfo`] of the rules.

mod page;
mod svg;
mod table;
mod team;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use crate::ast::{CmpOp, DeclKind, ExprKind};
use crate::compile::Program;
use crate::eval::Status;
use crate::report::Report;

pub use page::render;

/// The most rows the table shows. A page with more is slow to open and
/// to sort; past this the page says how many rows were left out.
pub const ROW_CAP: usize = 10_000;

/// One row of the table: a creator with what the page shows of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The creator's id.
    pub id: String,
    /// Their status.
    pub status: Status,
    /// Their rank among the accepted creators (1 is best).
    pub rank: Option<usize>,
    /// The weighted score; `None` for a creator in error.
    pub score: Option<f64>,
    /// The tier, for accepted creators in one.
    pub tier: Option<String>,
    /// Each signal by name with its clamped value (`None`: missing), in
    /// the rules' order.
    pub signals: Vec<(String, Option<f64>)>,
    /// Each failed requirement (or the cause of an error) with its reason.
    pub failed: Vec<(String, String)>,
    /// More columns (a creator's own fields), as (column name, text).
    pub extra: Vec<(String, String)>,
}

/// What the page says about the rules.
#[derive(Clone, Debug, PartialEq)]
pub struct RulesInfo {
    /// The `ruleset` name.
    pub name: Option<String>,
    /// The rules file as given.
    pub file: String,
    /// Its text, shown whole.
    pub text: String,
    /// The signals' names and weights, in file order.
    pub signals: Vec<(String, f64)>,
    /// The tiers, in file order.
    pub tiers: Vec<TierInfo>,
    /// `limit N`.
    pub limit: Option<usize>,
}

/// A tier, and its score cut-off when it has one.
#[derive(Clone, Debug, PartialEq)]
pub struct TierInfo {
    pub name: String,
    /// Its condition as written; `None` for `otherwise`.
    pub condition: Option<String>,
    /// The score threshold, when the condition is nothing else.
    pub cutoff: Option<Cutoff>,
}

/// A tier condition that is a plain score threshold: `score >= 0.5`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cutoff {
    /// `>=`, `>`, `<=` or `<`, with `score` on the left.
    pub op: CmpOp,
    /// The threshold.
    pub score: f64,
}

impl Cutoff {
    /// The operator as people read it: `≥`.
    pub fn op_text(&self) -> &'static str {
        match self.op {
            CmpOp::Ge => "≥",
            CmpOp::Gt => ">",
            CmpOp::Le => "≤",
            CmpOp::Lt => "<",
            // never built (see `cutoff_of`)
            CmpOp::Eq | CmpOp::Ne => "",
        }
    }
}

/// The score threshold `e` is, if it is one: `score >= 0.5`, `score > 0.5`,
/// `0.5 <= score` and the like (parentheses allowed). Tiers are any
/// conditions; only these have a cut-off to draw.
fn cutoff_of(e: &crate::ast::Expr) -> Option<Cutoff> {
    let ExprKind::Compare(op, a, b) = &e.unparen().kind else {
        return None;
    };
    let is_score =
        |x: &crate::ast::Expr| matches!(&x.unparen().kind, ExprKind::Name(n) if n.name == "score");
    let number = |x: &crate::ast::Expr| match &x.unparen().kind {
        ExprKind::Number(n) => Some(n.value),
        _ => None,
    };
    let (op, score) = if is_score(a) {
        (*op, number(b)?)
    } else if is_score(b) {
        // `0.5 <= score` is `score >= 0.5`
        let flipped = match op {
            CmpOp::Ge => CmpOp::Le,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Lt => CmpOp::Gt,
            other => *other,
        };
        (flipped, number(a)?)
    } else {
        return None;
    };
    matches!(op, CmpOp::Ge | CmpOp::Gt | CmpOp::Le | CmpOp::Lt).then_some(Cutoff { op, score })
}

impl RulesInfo {
    /// What the page shows of `program`.
    pub fn of(program: &Program) -> RulesInfo {
        let tiers = program
            .ast
            .decls
            .iter()
            .filter_map(|d| match &d.kind {
                DeclKind::Tier(t) => Some(TierInfo {
                    name: t.name.name.clone(),
                    condition: t
                        .condition
                        .as_ref()
                        .map(|c| program.text(c.span).to_string()),
                    cutoff: t.condition.as_ref().and_then(cutoff_of),
                }),
                _ => None,
            })
            .collect();
        RulesInfo {
            name: program.name.clone(),
            file: program.file.clone(),
            text: program.source.to_string(),
            signals: program
                .signals
                .iter()
                .map(|s| (s.name.clone(), s.weight))
                .collect(),
            tiers,
            limit: program.limit,
        }
    }
}

/// What a page is made of.
pub struct Page<'a> {
    /// The run.
    pub report: &'a Report,
    /// The rules.
    pub rules: &'a RulesInfo,
    /// The data file as given.
    pub data_file: &'a str,
    /// What the rows are, for the table's heading: `Shortlist`.
    pub rows_title: &'a str,
    /// The table's rows (the first [`ROW_CAP`] are shown).
    pub rows: &'a [Row],
    /// How many rows there were before any were left out (at least `rows.len()`).
    pub total_rows: usize,
}

/// `s` with the five characters that mean something in HTML replaced by
/// their references: safe in text and in a double- or single-quoted
/// attribute.
pub fn esc(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

// numbers as people read them are the language's, in every output
pub use crate::language::human::fixed;
