//! Verdicts written one per record, in input order, as they are evaluated:
//! `ndjson` (one verdict object per line, the shape of `--all`'s
//! `creators`) and `csv` (id, status, rank, score, tier, one column per
//! signal, failed requirements joined by `;`).
//!
//! A creator's rank is known only once every creator is read, so the CLI
//! reads its input twice: a first pass keeps just the rank key of each
//! accepted creator ([`Ranking`], fed by `Program::accepted_key`, which
//! gives up on a creator at the first requirement that does not pass), and
//! the second writes each verdict with its rank as it is evaluated
//! ([`Ranks`]). Memory holds one key per accepted creator, never the
//! verdicts.

use std::io::{self, Write};

use super::compare_keys;
use crate::compile::Program;
use crate::eval::{RankKey, Verdict};

/// The rank keys of the accepted creators of a run, from a first pass.
pub struct Ranking {
    order: crate::ast::Order,
    keys: Vec<(RankKey, usize)>,
}

impl Ranking {
    /// An empty ranking for `program`'s `rank by`.
    pub fn new(program: &Program) -> Self {
        Ranking {
            order: program.order,
            keys: Vec::new(),
        }
    }

    /// Notes the creator at `position` (in input order) with its rank key
    /// when it is accepted (from `Program::accepted_key`).
    pub fn add(&mut self, position: usize, key: Option<RankKey>) {
        if let Some(key) = key {
            self.keys.push((key, position));
        }
    }

    /// Every accepted creator's rank, ties in input order.
    pub fn finish(mut self) -> Ranks {
        let order = self.order;
        // stable: ties keep input order
        self.keys
            .sort_by(|(a, _), (b, _)| compare_keys(Some(a), Some(b), order));
        let mut ranks: Vec<(usize, usize)> = self
            .keys
            .into_iter()
            .enumerate()
            .map(|(i, (_, position))| (position, i + 1))
            .collect();
        ranks.sort_unstable();
        Ranks { ranks, next: 0 }
    }
}

/// Ranks by input position, read back in input order.
pub struct Ranks {
    ranks: Vec<(usize, usize)>,
    next: usize,
}

impl Ranks {
    /// The rank of the creator at `position`, if accepted. Positions must
    /// be asked for in increasing order.
    pub fn rank_of(&mut self, position: usize) -> Option<usize> {
        while self
            .ranks
            .get(self.next)
            .is_some_and(|(p, _)| *p < position)
        {
            self.next += 1;
        }
        match self.ranks.get(self.next) {
            Some((p, rank)) if *p == position => Some(*rank),
            _ => None,
        }
    }
}

/// A CSV error as the I/O error under it (a closed pipe stays one).
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// The line formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFormat {
    /// One JSON verdict per line.
    Ndjson,
    /// One CSV row per verdict, after a header.
    Csv,
}

/// Writes verdicts one at a time.
pub enum VerdictWriter<W: Write> {
    /// NDJSON.
    Ndjson(W),
    /// CSV, with the number of signal columns.
    Csv(Box<csv::Writer<W>>, usize),
}

impl<W: Write> VerdictWriter<W> {
    /// A writer in `format`; CSV starts with its header row.
    pub fn new(format: LineFormat, out: W, program: &Program) -> io::Result<Self> {
        Ok(match format {
            LineFormat::Ndjson => VerdictWriter::Ndjson(out),
            LineFormat::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::Any(b'\n'))
                    .from_writer(out);
                let mut header = vec!["id", "status", "rank", "score", "tier"];
                header.extend(program.signals.iter().map(|s| s.name.as_str()));
                header.push("failed");
                w.write_record(&header).map_err(csv_io)?;
                VerdictWriter::Csv(Box::new(w), program.signals.len())
            }
        })
    }

    /// Writes one verdict.
    pub fn write(&mut self, v: &Verdict) -> io::Result<()> {
        match self {
            VerdictWriter::Ndjson(out) => {
                serde_json::to_writer(&mut *out, v)?;
                out.write_all(b"\n")
            }
            VerdictWriter::Csv(w, signals) => {
                let number = |x: Option<f64>| {
                    x.and_then(serde_json::Number::from_f64)
                        .map_or_else(String::new, |n| n.to_string())
                };
                let mut row = vec![
                    v.id.clone(),
                    v.status.as_str().to_string(),
                    v.rank.map_or_else(String::new, |r| r.to_string()),
                    number(v.score),
                    v.tier.clone().unwrap_or_default(),
                ];
                // a creator in error has no signal values
                row.extend(
                    (0..*signals).map(|i| number(v.signals.0.get(i).and_then(|s| s.clamped()))),
                );
                let failed: Vec<&str> = v.failed.iter().map(|f| f.rule.as_str()).collect();
                row.push(failed.join(";"));
                w.write_record(&row).map_err(csv_io)
            }
        }
    }

    /// Flushes what is buffered.
    pub fn finish(self) -> io::Result<()> {
        match self {
            VerdictWriter::Ndjson(mut out) => out.flush(),
            VerdictWriter::Csv(mut w, _) => w.flush(),
        }
    }
}
