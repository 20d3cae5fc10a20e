//! The rows of a file for people (`--rows`, `--columns`): which creators a
//! csv, ndjson, xlsx or html report lists, in which order, and how each
//! cell is written. [`Picker`] chooses the rows while the verdicts stream
//! by; [`Row`] is one of them; the cell helpers ([`round`], [`cell_text`],
//! [`reasons`], [`defuse`]) make their values readable and safe.
//!
//! - `shortlist`: the ranked shortlist, `limit` / `--top` applied, in rank
//!   order. With a length, only that many candidates are held, however
//!   many creators are accepted.
//! - `accepted`: every accepted creator in rank order, then those sent to
//!   review in input order (held in memory).
//! - `all`: every record in input order, accepted ones with their rank.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value as Json;

use super::{compare_keys, ShortlistEntry};
use crate::ast::Order;
use crate::compile::Program;
use crate::data::Rec;
use crate::eval::{Failure, RankKey, Signals, Status, Verdict};

/// Which creators a report lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowSet {
    /// The ranked shortlist, `limit` / `--top` applied.
    Shortlist,
    /// Accepted creators in rank order, then review in input order.
    Accepted,
    /// Every record in input order.
    All,
}

impl RowSet {
    /// The name `--rows` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            RowSet::Shortlist => "shortlist",
            RowSet::Accepted => "accepted",
            RowSet::All => "all",
        }
    }
}

/// One of the creator's own fields a report adds (`--columns`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The column's header: the name as given.
    pub name: String,
    /// The keys from the record down to the value.
    pub path: Vec<String>,
    /// A dotted name given without brackets is first tried as one key
    /// (a CSV header `profile.email`), as `--id-field` is.
    pub whole: Option<String>,
}

impl Column {
    /// The columns of `--columns`: names separated by commas, each a key,
    /// a dotted path (`profile.email`), or keys in brackets for names that
    /// hold a comma, a dot or a bracket (`["Follower Count"]`,
    /// `profile["e-mail"]`).
    pub fn parse_list(text: &str) -> Result<Vec<Column>, String> {
        let mut columns = Vec::new();
        let mut chars = text.chars().peekable();
        loop {
            let mut path = Vec::new();
            let mut name = String::new();
            let mut key = String::new();
            let mut bracketed = false;
            let mut closed = false;
            while let Some(&c) = chars.peek() {
                match c {
                    ',' => break,
                    '.' => {
                        chars.next();
                        name.push(c);
                        // `a..b`, `.a`: an empty key (after `]` a dot is fine)
                        if key.trim().is_empty() && !closed {
                            path.push(String::new());
                        } else if !key.trim().is_empty() {
                            path.push(std::mem::take(&mut key).trim().to_string());
                        }
                        closed = false;
                    }
                    '[' => {
                        chars.next();
                        name.push(c);
                        bracketed = true;
                        if !key.trim().is_empty() {
                            path.push(std::mem::take(&mut key).trim().to_string());
                        }
                        path.push(bracket_key(&mut chars, &mut name)?);
                        closed = true;
                    }
                    _ => {
                        chars.next();
                        name.push(c);
                        key.push(c);
                        closed = false;
                    }
                }
            }
            let key = key.trim();
            if !key.is_empty() {
                path.push(key.to_string());
            } else if name.trim_end().ends_with('.') {
                // `profile.`: a path ending in a dot names no field
                path.push(String::new());
            }
            let name = name.trim().to_string();
            if path.is_empty() || path.iter().any(String::is_empty) {
                return Err(if name.is_empty() {
                    "an empty column name: give names separated by commas, as `followers,profile.email`".to_string()
                } else {
                    format!("`{name}` is not a field name: give a key, a dotted path (`profile.email`) or a key in brackets (`[\"Follower Count\"]`)")
                });
            }
            if columns.iter().any(|c: &Column| c.name == name) {
                // ndjson would write the same key twice in one object
                return Err(format!("`{name}` is given twice: give each column once"));
            }
            let whole = (!bracketed && path.len() > 1).then(|| name.clone());
            columns.push(Column { name, path, whole });
            if chars.next().is_none() {
                return Ok(columns);
            }
        }
    }

    /// This column's value in `record`, if it has one.
    pub fn value<'j>(&self, record: Rec<'j>) -> Option<&'j Json> {
        if let Some(w) = &self.whole {
            if let Some(v) = record.get(w) {
                return Some(v);
            }
        }
        record.at(&self.path)
    }

    /// The record's values for `columns` (null for one it lacks).
    pub fn values(columns: &[Column], record: Rec) -> Vec<Json> {
        columns
            .iter()
            .map(|c| c.value(record).cloned().unwrap_or(Json::Null))
            .collect()
    }
}

/// The key inside `[...]`, after the `[`: quoted (`"a \"b\""`) or as written.
fn bracket_key(
    chars: &mut std::iter::Peekable<std::str::Chars>,
    name: &mut String,
) -> Result<String, String> {
    let mut key = String::new();
    let quoted = chars.peek() == Some(&'"');
    if quoted {
        name.push('"');
        chars.next();
    }
    loop {
        let Some(c) = chars.next() else {
            return Err(format!(
                "`{name}` has no closing {}: write a bracketed name as [\"Follower Count\"]",
                if quoted { "quote" } else { "`]`" }
            ));
        };
        name.push(c);
        match c {
            '\\' if quoted => {
                if let Some(n) = chars.next() {
                    name.push(n);
                    key.push(n);
                }
            }
            '"' if quoted => {
                if chars.next() != Some(']') {
                    return Err(format!(
                        "`{name}`: a quoted name ends with `\"]`, as [\"Follower Count\"]"
                    ));
                }
                name.push(']');
                return Ok(key);
            }
            ']' if !quoted => return Ok(key.trim().to_string()),
            _ => key.push(c),
        }
    }
}

/// One row of a report: a creator's verdict and the values of the
/// `--columns` asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The creator's id.
    pub id: String,
    /// accepted, review, rejected or error.
    pub status: Status,
    /// Rank among accepted creators (1 is best).
    pub rank: Option<usize>,
    /// The weighted score; `None` for errors.
    pub score: Option<f64>,
    /// The tier, for accepted creators.
    pub tier: Option<String>,
    /// Signal values (clamped with [`crate::eval::SignalValue::clamped`]).
    pub signals: Signals,
    /// Failed requirements with their reasons (for review: those that came
    /// out missing; for errors: the cause).
    pub failed: Vec<Failure>,
    /// The `--columns` values, in the order asked; null where missing.
    pub columns: Vec<Json>,
    /// 0-based position in the input.
    pub position: usize,
    rank_key: Option<RankKey>,
}

impl Row {
    /// The row of `v`, with its column values.
    pub fn new(v: &Verdict, columns: &[Json]) -> Row {
        Row {
            id: v.id.clone(),
            status: v.status,
            rank: v.rank,
            score: v.score,
            tier: v.tier.clone(),
            signals: v.signals.clone(),
            failed: v.failed.clone(),
            columns: columns.to_vec(),
            position: v.position,
            rank_key: v.rank_key.clone(),
        }
    }

    /// The row of `v`, taken whole.
    pub fn from_verdict(v: Verdict, columns: Vec<Json>) -> Row {
        Row {
            id: v.id,
            status: v.status,
            rank: v.rank,
            score: v.score,
            tier: v.tier,
            signals: v.signals,
            failed: v.failed,
            columns,
            position: v.position,
            rank_key: v.rank_key,
        }
    }

    /// The key the row is ranked by (taken: it is needed once).
    pub fn take_rank_key(&mut self) -> Option<RankKey> {
        self.rank_key.take()
    }

    /// The row as the JSON object of ndjson: the verdict's fields in the
    /// verdict's order, `columns` (name to value as read) when asked, and
    /// `rank` last.
    pub fn json<'a>(&'a self, columns: &'a [Column]) -> RowJson<'a> {
        RowJson {
            id: &self.id,
            status: self.status,
            failed: &self.failed,
            score: self.score,
            tier: self.tier.as_deref(),
            signals: &self.signals,
            columns: Named {
                columns,
                values: &self.columns,
            },
            rank: self.rank,
        }
    }
}

/// A row in ndjson's shape (see [`Row::json`]).
#[derive(serde::Serialize)]
pub struct RowJson<'a> {
    /// The id.
    pub id: &'a str,
    /// The status.
    pub status: Status,
    /// Failed requirements with reasons.
    pub failed: &'a [Failure],
    /// The score.
    pub score: Option<f64>,
    /// The tier.
    pub tier: Option<&'a str>,
    /// The signals.
    pub signals: &'a Signals,
    /// The `--columns` values, left out without `--columns`.
    #[serde(skip_serializing_if = "Named::is_empty")]
    pub columns: Named<'a>,
    /// Last: the line writers put it in place once ranks are known.
    pub rank: Option<usize>,
}

/// Column names with their values, serialised as one object.
pub struct Named<'a> {
    columns: &'a [Column],
    values: &'a [Json],
}

impl<'a> Named<'a> {
    fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }
}

impl Serialize for Named<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.columns.len()))?;
        for (i, c) in self.columns.iter().enumerate() {
            m.serialize_entry(&c.name, self.values.get(i).unwrap_or(&Json::Null))?;
        }
        m.end()
    }
}

/// Chooses the rows of a report from verdicts given in input order.
pub struct Picker {
    set: RowSet,
    /// Each rank key's direction.
    order: Vec<Order>,
    /// The shortlist's length (`--top`, else `limit`), if any.
    limit: Option<usize>,
    /// Accepted rows (every row for `all`), in input order until
    /// [`Picker::finish`]; for a shortlist with a length, the best so far.
    kept: Vec<Row>,
    /// Review rows, for `accepted`.
    review: Vec<Row>,
    /// Once the shortlist is full and trimmed: the key a row must beat.
    cut: Option<Option<RankKey>>,
}

impl Picker {
    /// Rows of `set` for `program`'s ranking; `top` overrides its `limit`.
    /// With `select`, a shortlist keeps every accepted row: the team may
    /// hold any of them, and [`team_rows`] keeps its own once chosen.
    pub fn new(program: &Program, set: RowSet, top: Option<usize>) -> Self {
        let limit = match program.select {
            Some(_) => None,
            None => top.or(program.limit),
        };
        Picker {
            set,
            order: program.rank_orders(),
            limit,
            kept: Vec::new(),
            review: Vec::new(),
            cut: None,
        }
    }

    /// True when `v` would be kept: callers that must copy the record's
    /// values for it do so only then.
    pub fn wants(&self, v: &Verdict) -> bool {
        match (self.set, v.status) {
            (RowSet::All, _) => true,
            (RowSet::Accepted, Status::Review) => true,
            (_, Status::Accepted) => match &self.cut {
                // a later row must rank strictly better: ties keep input order
                Some(cut) => compare_keys(v.rank_key.as_ref(), cut.as_ref(), &self.order).is_lt(),
                None => true,
            },
            _ => false,
        }
    }

    /// Notes one verdict (in input order) with its column values.
    pub fn add(&mut self, v: &Verdict, columns: &[Json]) {
        if !self.wants(v) {
            return;
        }
        let row = Row::new(v, columns);
        if row.status == Status::Review && self.set == RowSet::Accepted {
            self.review.push(row);
            return;
        }
        self.kept.push(row);
        if self.set != RowSet::Shortlist {
            return;
        }
        // held: at most twice the shortlist (and 1024) between trims
        if let Some(k) = self.limit {
            if self.kept.len() >= k.max(512).saturating_mul(2) {
                self.trim(k);
            }
        }
    }

    /// Best first, `k` kept; the sort is stable and rows came in input
    /// order, so ties keep input order.
    fn trim(&mut self, k: usize) {
        let order = &self.order;
        self.kept
            .sort_by(|a, b| compare_keys(a.rank_key.as_ref(), b.rank_key.as_ref(), order));
        self.kept.truncate(k);
        if self.kept.len() == k {
            self.cut = self.kept.last().map(|r| r.rank_key.clone());
        }
    }

    /// The rows, ranks filled in, in the order of the row set.
    pub fn finish(mut self) -> Vec<Row> {
        let order = &self.order;
        match self.set {
            RowSet::All => {
                let mut accepted: Vec<&mut Row> = self
                    .kept
                    .iter_mut()
                    .filter(|r| r.status == Status::Accepted)
                    .collect();
                accepted
                    .sort_by(|a, b| compare_keys(a.rank_key.as_ref(), b.rank_key.as_ref(), order));
                for (i, r) in accepted.into_iter().enumerate() {
                    r.rank = Some(i + 1);
                }
                self.kept
            }
            RowSet::Shortlist | RowSet::Accepted => {
                let k = match self.set {
                    RowSet::Shortlist => self.limit.unwrap_or(usize::MAX),
                    _ => usize::MAX,
                };
                self.trim(k);
                for (i, r) in self.kept.iter_mut().enumerate() {
                    r.rank = Some(i + 1);
                }
                self.kept.append(&mut self.review);
                self.kept
            }
        }
    }
}

/// With `select`, the shortlist rows (every accepted creator, ranked)
/// cut to the team's, in rank order: `team` is the report's shortlist,
/// whose ranks are among every accepted creator, as the rows' are.
pub fn team_rows(rows: Vec<Row>, team: &[ShortlistEntry]) -> Vec<Row> {
    let ranks: std::collections::HashSet<usize> = team.iter().map(|e| e.rank).collect();
    rows.into_iter()
        .filter(|r| r.status == Status::Accepted && r.rank.is_some_and(|k| ranks.contains(&k)))
        .collect()
}

/// The header of a table of rows: id, status, rank, score, tier, the
/// `--columns`, one column per signal, failed, reasons. A `--columns` name
/// that is also one of the report's own columns (`--columns id`, or a
/// signal's name) is headed `columns.NAME`, as ndjson nests it, so that no
/// two columns share a name.
pub fn header(program: &Program, columns: &[Column]) -> Vec<String> {
    const OWN: [&str; 7] = ["id", "status", "rank", "score", "tier", "failed", "reasons"];
    let signals = program.signals.iter().map(|s| s.name.clone());
    let taken: std::collections::HashSet<String> = OWN
        .iter()
        .map(|s| s.to_string())
        .chain(signals.clone())
        .collect();
    let mut names: Vec<String> = OWN[..5].iter().map(|s| s.to_string()).collect();
    names.extend(columns.iter().map(|c| {
        let mut name = c.name.clone();
        while taken.contains(&name) {
            name.insert_str(0, "columns.");
        }
        name
    }));
    names.extend(signals);
    names.extend(OWN[5..].iter().map(|s| s.to_string()));
    names
}

mod cells;
pub use cells::{cell_text, cells, defuse, failed_names, reasons, round};

#[cfg(test)]
mod tests;
