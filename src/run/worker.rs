//! What one thread of a run does with a batch of records: decodes each
//! (only the fields the rules read), notes its fields in the census, and
//! evaluates it, working out only what the run's sinks asked for. This is
//! the one place that calls the decoder ([`RawBatch::decode`]), the
//! evaluator ([`crate::Ruleset::verdict_of`]), the distance to passing
//! ([`crate::Program::distance`]), the census ([`FieldCensus::observe`]) and
//! the `--columns` values ([`Column::values`]).

use serde_json::Value as Json;

use super::{Asked, Evaluated};
use crate::data::sparse::FieldFilter;
use crate::data::{Fault, RawBatch, Rec, Shape, Slots, View};
use crate::eval::cohort;
use crate::eval::{Status, Verdict};
use crate::language::cohort::Population;
use crate::report::rows::Column;
use crate::report::stream::{LineMaker, LineSpec};
use crate::run::census::FieldCensus;

/// What a worker made of one batch.
pub(super) struct Done {
    /// How many records were decoded (also when none was evaluated).
    pub records: usize,
    /// One per record, in input order, when the run evaluates.
    pub evaluated: Vec<Evaluated>,
    /// A syntax error inside a JSON array, after the records above.
    pub fault: Option<Fault>,
}

/// Decodes and evaluates batches; keeps its own census of fields seen.
pub(super) struct Worker<'r> {
    asked: &'r Asked<'r>,
    filter: &'r FieldFilter,
    pub census: FieldCensus,
    /// Top-level keys the decoder skipped, for the census.
    unread: Vec<String>,
    /// Every record's fields, by slot, in buffers reused from record to
    /// record; none when every field is decoded (a rule reads `creator`).
    slots: Option<Slots>,
    /// The populations this worker collected, one per ruleset, in a run's
    /// first pass (else empty).
    pub populations: Vec<Population>,
    /// Makes the lines, when the run asked for them.
    maker: Option<LineMaker>,
}

impl<'r> Worker<'r> {
    pub fn new(asked: &'r Asked<'r>, filter: &'r FieldFilter) -> Self {
        let slots = (!filter.keeps_all()).then(|| {
            let rulesets = std::iter::once(asked.ruleset).chain(asked.other);
            let paths: Vec<_> = rulesets.map(|r| &r.program().fields[..]).collect();
            Slots::new(filter, &paths)
        });
        Worker {
            asked,
            filter,
            census: asked.census(),
            unread: Vec::new(),
            slots,
            populations: if asked.collect {
                asked.populations()
            } else {
                Vec::new()
            },
            maker: asked.lines.map(LineSpec::maker),
        }
    }

    /// Splits `batch` when it is a block of NDJSON lines (first thing,
    /// as [`RawBatch::split`] asks), then decodes and evaluates every
    /// record of it; stops at a fault.
    pub fn work(&mut self, batch: &mut RawBatch) -> Done {
        batch.split();
        let mut done = Done {
            records: 0,
            evaluated: Vec::with_capacity(if self.asked.evaluate { batch.len() } else { 0 }),
            fault: None,
        };
        for i in 0..batch.len() {
            match self.one(batch, i) {
                Ok(Some(mut e)) => {
                    if let Some(maker) = &mut self.maker {
                        let columns = std::mem::take(&mut e.columns);
                        e.rendered = maker.make(&mut e.verdict, columns);
                    }
                    done.evaluated.push(e);
                }
                Ok(None) => {}
                Err(fault) => {
                    done.fault = Some(fault);
                    return done;
                }
            }
            done.records += 1;
        }
        done
    }

    /// Decodes record `i` of `batch` (into the slots, when the run has
    /// them) and takes it.
    fn one(&mut self, batch: &RawBatch, i: usize) -> Result<Option<Evaluated>, Fault> {
        self.unread.clear();
        let keys = self.census.wants_keys().then_some(&mut self.unread);
        let Some(slots) = &mut self.slots else {
            let record = batch.decode(i, self.filter, keys)?;
            let (view, line) = (record.view(), Some(record.line));
            let pops = &mut self.populations;
            return Ok(self
                .asked
                .take(&mut self.census, view, line, &self.unread, pops));
        };
        let (position, line, shape) = batch.decode_slots(i, self.filter, slots, keys)?;
        let item = match &shape {
            Ok(Shape::Slots) => Ok(slots.rec(0)),
            Ok(Shape::Other(json)) => Ok(Rec::Json(json)),
            Err(damage) => Err(damage),
        };
        let view = View {
            position,
            line,
            item,
        };
        let pops = &mut self.populations;
        Ok(self
            .asked
            .take(&mut self.census, view, Some(line), &self.unread, pops))
    }
}

impl Asked<'_> {
    /// Notes one record's fields in `census` (with the top-level keys the
    /// decoder skipped, `unread`) and, unless the run only takes the
    /// census, evaluates it ([`Asked::evaluate`]). In a first pass, adds
    /// it (unless damaged) to each ruleset's population instead.
    pub(super) fn take(
        &self,
        census: &mut FieldCensus,
        record: View,
        line: Option<usize>,
        unread: &[String],
        populations: &mut [Population],
    ) -> Option<Evaluated> {
        if let Ok(r) = record.item {
            census.observe(r);
            census.observe_unread(unread);
            for (k, (ruleset, p)) in self.rulesets().zip(populations).enumerate() {
                cohort::collect(ruleset.program(), r.for_program(k), p);
            }
        }
        self.evaluate.then(|| self.evaluate(record, line))
    }

    /// Evaluates one record as read, with what the sinks asked for: its
    /// verdict (and the second ruleset's), its distance to passing when it
    /// may be a near miss, its `--columns` values, the record itself when
    /// [`Asked::keep`] wants it. A record not an object says on which
    /// `line` it starts, when it has one (records in memory have none).
    fn evaluate(&self, record: View, line: Option<usize>) -> Evaluated {
        let options = self.options;
        let id_field = options.id_field.as_deref();
        let mut verdict = self
            .ruleset
            .verdict_of(&record, line, id_field, self.reasons);
        let kept = self.keep.is_some_and(|keep| keep(&verdict.id));
        if kept && !self.reasons {
            // the creator explained is shown with its reasons, which the
            // others (only counted and ranked) are spared
            verdict = self.ruleset.verdict_of(&record, line, id_field, true);
        }
        let other = self.other.map(|o| {
            let record = record.for_program(1);
            Box::new(o.verdict_of(&record, line, id_field, self.reasons))
        });
        let mut distance = None;
        // a damaged record has no values: one null per column
        let mut columns = vec![Json::Null; options.columns.len()];
        if let Ok(r) = record.item {
            if !options.columns.is_empty() {
                columns = Column::values(&options.columns, r);
            }
            // a creator rejected by one requirement (not an error) may be a near miss
            if let Some(i) = self.near_miss(&verdict) {
                distance = Some(self.ruleset.program().distance(r, i));
            }
        }
        Evaluated {
            verdict,
            other,
            distance,
            columns,
            line: record.line,
            record: if kept {
                record.item.ok().map(|r| Box::new(r.to_json()))
            } else {
                None
            },
            rendered: None,
        }
    }
    /// True when `v` may be a near miss (rejected by exactly one
    /// requirement): only then is its distance to passing worked out.
    fn near_miss(&self, v: &Verdict) -> Option<usize> {
        if self.options.near_misses > 0 && v.status == Status::Rejected && v.failed.len() == 1 {
            v.failed[0].requirement()
        } else {
            None
        }
    }
}
