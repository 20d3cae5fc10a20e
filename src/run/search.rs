//! Finding one creator for `explain`: records stream by, the one with the
//! wanted id is kept and traced, and its rank among every accepted creator
//! of the run is counted as they pass (keeping only the rank keys of the
//! accepted creators read before it). An id that no record has is an
//! [`UnknownId`] naming the closest ids seen.

use std::borrow::Cow;
use std::fmt;

use miette::Diagnostic;
use serde_json::Value as Json;

use crate::ast::Order;
use crate::eval::{RankKey, Status, Verdict};
use crate::explain::Trace;
use crate::report::compare_keys;
use crate::report::team::TeamTally;
use crate::run::{Evaluated, Finished};
use crate::{Ruleset, RunOptions};

mod closest;
use closest::Closest;

/// An id as `explain --id` compares it: lower case, without a leading `@`.
fn loose(id: &str) -> Cow<'_, str> {
    let id = id.strip_prefix('@').unwrap_or(id);
    // ASCII lowers the same one byte at a time; only other text needs
    // `to_lowercase` (a final sigma lowers by its place)
    if id.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Cow::Owned(id.to_lowercase())
    } else {
        Cow::Borrowed(id)
    }
}

/// True when `id` is the one wanted (`loose_wanted`, made [`loose`]),
/// case ignored and with or without a leading `@` on either.
fn is_wanted(wanted: &str, loose_wanted: &str, id: &str) -> bool {
    if id.is_ascii() {
        // every id of the run passes by (twice): an ASCII one made loose
        // is itself lowered byte by byte, and `loose_wanted` has no
        // upper-case ASCII letter, so it is compared without a copy
        let id = id.strip_prefix('@').unwrap_or(id);
        return id.eq_ignore_ascii_case(loose_wanted);
    }
    id == wanted || loose(id) == loose_wanted
}

/// The explain search, a sink of the run engine: results fed one at a
/// time, in input order, to explain one creator.
pub struct Explaining<'r> {
    ruleset: &'r Ruleset,
    wanted: String,
    /// `wanted` made [`loose`].
    loose_wanted: String,
    /// The `rank by` orders.
    orders: Vec<Order>,
    options: RunOptions,
    position: usize,
    found: Option<Found>,
    /// Other creators with the same id (only the first is explained).
    same_id: usize,
    accepted: usize,
    /// Accepted creators that rank above the one found.
    above: usize,
    /// Rank keys of accepted creators read before the one wanted is found.
    pending: Vec<RankKey>,
    /// The closest ids so far.
    closest: Closest,
    /// With `select`: every accepted creator's constraint values, and the
    /// place among them of the creator explained.
    team: Option<TeamTally>,
    team_place: Option<usize>,
    /// The ruleset with the run's population, when its rules call cohort
    /// functions ([`Finished::populated`]): the trace is made with it.
    populated: Option<Ruleset>,
}

struct Found {
    record: Option<Json>,
    /// 0 for a record in memory, which has no line.
    line: usize,
    verdict: Verdict,
}

impl<'r> Explaining<'r> {
    /// Makes the trace with the run's population (from [`Finished`]), so
    /// that it shows the creator's cohorts.
    pub fn among(&mut self, finished: &Finished) {
        self.populated = finished.populated.clone();
    }

    /// A search for the creator with id `id` among the results of a run
    /// of `ruleset` with `options`.
    pub fn new(ruleset: &'r Ruleset, id: &str, options: &RunOptions) -> Self {
        Explaining {
            ruleset,
            wanted: id.to_string(),
            loose_wanted: loose(id).into_owned(),
            orders: ruleset.program().rank_orders(),
            options: options.clone(),
            position: 0,
            found: None,
            same_id: 0,
            accepted: 0,
            above: 0,
            pending: Vec::new(),
            closest: Closest::new(id),
            team: TeamTally::new(ruleset.program(), options.top),
            team_place: None,
            populated: None,
        }
    }

    /// Which ids are the one wanted ([`crate::Run::keeping`] keeps their
    /// records, which the trace needs).
    pub fn wanted(&self) -> impl Fn(&str) -> bool + Sync {
        let (wanted, loose_wanted) = (self.wanted.clone(), self.loose_wanted.clone());
        move |id: &str| is_wanted(&wanted, &loose_wanted, id)
    }

    /// Takes the next result of the run (its record kept when wanted).
    pub fn add(&mut self, e: Evaluated) {
        let v = e.verdict;
        self.position += 1;
        if v.status == Status::Accepted {
            self.accepted += 1;
            if self.team.is_some() && self.found.is_none() && self.is_wanted(&v.id) {
                self.team_place = Some(self.accepted - 1);
            }
            if let Some(t) = &mut self.team {
                t.add(&v);
            }
        }
        match &self.found {
            Some(f) => {
                // a later creator with the same id is not explained, but
                // it is a creator of the run and ranks like any other
                if self.is_wanted(&v.id) {
                    self.same_id += 1;
                }
                if v.status == Status::Accepted && f.verdict.status == Status::Accepted {
                    // read after the one found: ties rank below it
                    let orders = &self.orders;
                    let ord =
                        compare_keys(v.rank_key.as_ref(), f.verdict.rank_key.as_ref(), orders);
                    if ord.is_lt() {
                        self.above += 1;
                    }
                }
            }
            None if self.is_wanted(&v.id) => {
                let orders = &self.orders;
                if v.status == Status::Accepted {
                    // read before it: ties rank above it
                    self.above = self
                        .pending
                        .iter()
                        .filter(|k| compare_keys(Some(k), v.rank_key.as_ref(), orders).is_le())
                        .count();
                }
                self.pending = Vec::new();
                self.found = Some(Found {
                    record: e.record.map(|r| *r),
                    line: e.line,
                    verdict: v,
                });
            }
            None => {
                if let (Status::Accepted, Some(k)) = (v.status, v.rank_key) {
                    self.pending.push(k);
                }
                self.closest.consider(v.id);
            }
        }
    }

    /// True when `id` is the one wanted, case ignored and with or without
    /// a leading `@` on either (`@Ana` is `ana`).
    fn is_wanted(&self, id: &str) -> bool {
        is_wanted(&self.wanted, &self.loose_wanted, id)
    }

    /// The trace of the creator, with its rank; or the closest ids.
    pub fn finish(self, data_file: &str) -> Result<Explanation, UnknownId> {
        let Some(found) = self.found else {
            return Err(UnknownId {
                id: self.wanted,
                file: data_file.to_string(),
                evaluated: self.position,
                closest: self.closest.ids(),
            });
        };
        let program = self.populated.as_ref().unwrap_or(self.ruleset).program();
        let mut trace = program.trace(found.record.as_ref(), &found.verdict);
        trace.line = (found.line > 0).then_some(found.line);
        trace.accepted = Some(self.accepted);
        if found.verdict.status == Status::Accepted {
            let rank = self.above + 1;
            let limit = self.options.top.or(program.limit).unwrap_or(usize::MAX);
            trace.rank = Some(rank);
            trace.shortlisted = Some(rank <= limit);
            if let (Some(team), Some(place)) = (self.team, self.team_place) {
                let (chosen, why) = team.explain(&found.verdict, place);
                trace.shortlisted = Some(chosen);
                trace.team = Some(why);
            }
        }
        Ok(Explanation {
            trace,
            same_id: self.same_id,
        })
    }
}

/// A creator's trace and what the search learnt around it.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The creator's whole evaluation.
    pub trace: Trace,
    /// How many later creators share its id (only the first is explained).
    pub same_id: usize,
}

/// `explain --id ID` names a creator that no record has
/// (`influence-eval explain brand.rules creators.json --id nobody`).
#[derive(Debug, Clone)]
pub struct UnknownId {
    /// The id asked for.
    pub id: String,
    /// The data file.
    pub file: String,
    /// How many records were read.
    pub evaluated: usize,
    /// The closest ids in the data, closest first.
    pub closest: Vec<String>,
}

impl fmt::Display for UnknownId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no creator in {} has the id `{}` ({} records read)",
            self.file, self.id, self.evaluated
        )
    }
}

impl std::error::Error for UnknownId {}

impl Diagnostic for UnknownId {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("influence::unknown-id"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let ids: Vec<String> = self.closest.iter().map(|c| format!("`{c}`")).collect();
        Some(Box::new(match ids.len() {
            0 => "no creator has an id like it: ids come from --id-field, else the first of handle, id, username, name, profile.username (case, spaces and underscores ignored), else #N (the record's place)".to_string(),
            _ => format!(
                "the closest ids: {}; ids come from --id-field, else the first of handle, id, username, name, profile.username (case, spaces and underscores ignored), else #N (the record's place)",
                ids.join(", ")
            ),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_ids_are_wanted_as_made_loose() {
        let ids = [
            "ana", "Ana", "@ana", "@@ana", "@ANA", "ana ", "an", "anna", "", "@", "\u{212a}", "k",
            "K", "@K", "Straße", "STRASSE", "straße", "#3", "ǅ", "ǆ", "İ", "i̇",
        ];
        for wanted in ids {
            let loose_wanted = loose(wanted);
            for id in ids {
                let made_loose = id == wanted || loose(id) == loose_wanted;
                assert_eq!(
                    is_wanted(wanted, &loose_wanted, id),
                    made_loose,
                    "{wanted:?} {id:?}"
                );
            }
        }
    }
}
