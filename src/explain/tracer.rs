//! Builds a [`Trace`]: evaluates each declaration's expression and its
//! sub-expressions again through one [`Frame`] (lets and signals are
//! cached there), records the values read and the outcomes. Only `explain`
//! asks for it: a plain run never pays for it.

use serde_json::Value as Json;

use super::distance::distances;
use super::trace::*;
use crate::ast::{DeclKind, Span};
use crate::compile::{Node, Op, Program};
use crate::data::Rec;
use crate::diagnostic::line_col;
use crate::eval::lists::element_name;
use crate::eval::{Frame, Outcome, Status, Verdict};
use crate::language::value::{one_line, unit, Value};

/// How deep `parts` go below a declaration's expression.
const MAX_DEPTH: usize = 6;

/// Elements of a list whose lambda's results `explain` shows.
const ELEMENTS_SHOWN: usize = 10;

/// How many times a run's step budget one trace may take: it evaluates
/// expressions again to show their parts (lets and signals are cached, so
/// only lambdas cost much more), and adds reasons and distances. A creator
/// near the run's budget may show a part stopped by this one.
const TRACE_BUDGET: u64 = 2;

impl Program {
    /// Traces the evaluation of `record` that gave `verdict` (from
    /// [`Program::evaluate`]). `record` is `None` for a record that could
    /// not be read; then only the verdict is known.
    pub fn trace(&self, record: Option<&Json>, verdict: &Verdict) -> Trace {
        let mut t = Trace {
            id: verdict.id.clone(),
            today: self.uses_days_since().then(|| self.today().to_string()),
            record: verdict.position + 1,
            line: None,
            status: verdict.status,
            failed: verdict.failed.clone(),
            score: verdict.score,
            tier: verdict.tier.clone(),
            rank: None,
            accepted: None,
            shortlisted: None,
            team: None,
            lets: Vec::new(),
            requirements: Vec::new(),
            signals: Vec::new(),
            tiers: Vec::new(),
            rank_by: None,
            cohorts: Vec::new(),
        };
        let Some(record) = record.filter(|r| r.is_object()) else {
            return t;
        };
        let mut frame = Frame::new(self, Rec::Json(record));
        frame.budget = self.max_steps.saturating_mul(TRACE_BUDGET);
        let mut tracer = Tracer { frame };
        let tr = &mut tracer;
        t.lets = (0..self.lets.len()).map(|i| tr.let_(i)).collect();
        t.requirements = (0..self.requirements.len())
            .map(|i| tr.requirement(i))
            .collect();
        t.signals = (0..self.signals.len()).map(|i| tr.signal(i)).collect();
        t.tiers = tr.tiers(verdict.status == Status::Accepted);
        if verdict.status == Status::Accepted {
            t.rank_by = Some(tr.rank());
        }
        t.cohorts = (0..self.cohorts.len())
            .filter_map(|i| tr.cohort(i))
            .collect();
        t
    }

    /// The whole declaration that `matches` picks out, on one line.
    fn declaration(&self, matches: impl Fn(&DeclKind) -> bool) -> (String, usize) {
        self.ast
            .decls
            .iter()
            .find(|d| matches(&d.kind))
            .map_or((String::new(), 0), |d| self.source_of(d.span))
    }

    fn source_of(&self, span: Span) -> (String, usize) {
        let text = one_line(self.text(span)).into_owned();
        (text, line_col(&self.source, span.start).0)
    }
}

struct Tracer<'a> {
    frame: Frame<'a>,
}

impl<'a> Tracer<'a> {
    fn prog(&self) -> &'a Program {
        self.frame.prog
    }

    /// The creator's cohort for cohort input `i`, and its place in it.
    fn cohort(&mut self, i: usize) -> Option<CohortTrace> {
        let prog = self.prog();
        let input = &prog.cohorts[i];
        let (group, x, cohort, alone) = self.frame.cohort_place(i)?;
        let text = |n: &Option<Node>| n.as_ref().map(|n| one_line(prog.text(n.span)).into_owned());
        let measured = input.x.is_some();
        let below = x.filter(|_| measured).map(|x| cohort.below(x));
        Some(CohortTrace {
            value: text(&input.x),
            group: text(&input.group),
            group_value: if input.group.is_some() {
                group.to_json()
            } else {
                Json::Null
            },
            size: cohort.size(),
            median: if measured { cohort.median() } else { None },
            x,
            below,
            percentile: x.filter(|_| measured).map(|x| cohort.percentile(x)),
            alone,
        })
    }

    fn eval(&mut self, n: &'a Node) -> Evaluated {
        let r = self.frame.eval(n);
        Evaluated::of(self.prog(), r)
    }

    fn step(&mut self, n: &'a Node, depth: usize) -> Step {
        let result = self.eval(n);
        let parts = if depth < MAX_DEPTH {
            self.parts(n, depth + 1)
        } else {
            Vec::new()
        };
        self.step_with(n, result, parts)
    }

    fn step_with(&self, n: &Node, result: Evaluated, parts: Vec<Step>) -> Step {
        let (line, column) = line_col(&self.prog().source, n.span.start);
        Step {
            source: one_line(self.prog().text(n.span)).into_owned(),
            line,
            column,
            result,
            parts,
        }
    }

    /// The computed operands of `n`, evaluated as the evaluator does:
    /// the side of `and`/`or` that is not needed, the branch of `if` not
    /// taken and the fallback of `??` that is not needed are left out.
    fn parts(&mut self, n: &'a Node, depth: usize) -> Vec<Step> {
        let mut out = Vec::new();
        match &n.op {
            Op::And(a, b) | Op::Or(a, b) => {
                let decisive = Evaluated::Value(Json::Bool(matches!(n.op, Op::Or(..))));
                let left = self.step(a, depth);
                let decided = left.result == decisive;
                self.push(&mut out, a, left);
                if decided {
                    let why = Evaluated::Skipped("not needed: the left side decides".into());
                    let right = self.step_with(b, why, Vec::new());
                    self.push(&mut out, b, right);
                } else {
                    let right = self.step(b, depth);
                    self.push(&mut out, b, right);
                }
            }
            Op::If(c, a, b) => {
                let cond = self.step(c, depth);
                let branch = match &cond.result {
                    Evaluated::Value(Json::Bool(true)) => Some(a),
                    Evaluated::Value(Json::Bool(false)) => Some(b),
                    _ => None,
                };
                self.push(&mut out, c, cond);
                if let Some(x) = branch {
                    let s = self.step(x, depth);
                    self.push(&mut out, x, s);
                }
            }
            Op::Coalesce(a, b) => {
                let left = self.step(a, depth);
                let needed = matches!(left.result, Evaluated::Missing(_));
                self.push(&mut out, a, left);
                if needed {
                    let s = self.step(b, depth);
                    self.push(&mut out, b, s);
                }
            }
            // the body runs once per element: the list, then what the body
            // gave for its first elements
            Op::Lambda(_, list, body) => {
                let s = self.step(list, depth);
                self.push(&mut out, list, s);
                self.elements(&mut out, list, body, None);
            }
            Op::Each(_, list, Some(body), site) => {
                let s = self.step(list, depth);
                self.push(&mut out, list, s);
                self.elements(&mut out, list, body, Some(*site));
            }
            _ => {
                for x in n.children() {
                    let s = self.step(x, depth);
                    self.push(&mut out, x, s);
                }
            }
        }
        out
    }

    /// What a lambda's body gave for each of the first [`ELEMENTS_SHOWN`]
    /// elements of its list, one step each (`recentPosts[0].likes = 120`),
    /// then the first missing or wrong value past them, which decides an
    /// aggregate, and how many more there are: a long list is never shown
    /// whole.
    fn elements(&mut self, out: &mut Vec<Step>, list: &'a Node, body: &'a Node, site: Option<u32>) {
        let Ok(Value::List(xs)) = self.frame.eval(list) else {
            return;
        };
        let prog = self.prog();
        let mut shown = 0;
        let mut odd_shown = false;
        for (i, item) in xs.iter().enumerate() {
            let r = self.frame.with_param(body, item.in_list(list.span));
            let result = Evaluated::of(prog, r);
            let odd = matches!(result, Evaluated::Missing(_) | Evaluated::Error(_));
            if i >= ELEMENTS_SHOWN && (odd_shown || !odd) {
                continue;
            }
            odd_shown |= odd;
            shown += 1;
            let mut step = self.step_with(body, result, Vec::new());
            step.source = match site {
                Some(site) => element_name(prog, site, i as u32),
                None => format!(
                    "{} for {}[{i}]",
                    one_line(prog.text(body.span)),
                    one_line(prog.text(list.span))
                ),
            };
            out.push(step);
            // nothing past the first odd element beyond the shown ones is needed
            if i >= ELEMENTS_SHOWN {
                break;
            }
        }
        if xs.len() > shown {
            let more = xs.len() - shown;
            let why = format!(
                "{more} more element{} of {}, not shown",
                if more == 1 { "" } else { "s" },
                one_line(prog.text(list.span))
            );
            let mut step = self.step_with(body, Evaluated::Skipped(why), Vec::new());
            step.source = "…".into();
            out.push(step);
        }
    }

    /// Keeps a part unless it is a literal or a plain read (shown as reads).
    fn push(&self, out: &mut Vec<Step>, n: &Node, s: Step) {
        if !is_leaf(n) {
            out.push(s);
        }
    }

    /// The fields, lets, signals, `score` and `tier` that `n` reads, in the
    /// order they first appear; lets are shown on their own, so their
    /// fields are not repeated here.
    fn reads(&mut self, n: &'a Node) -> Vec<Read> {
        let mut leaves: Vec<&'a Node> = Vec::new();
        collect_reads(n, &mut leaves);
        let prog = self.prog();
        leaves
            .into_iter()
            .map(|leaf| {
                let (name, kind) = match &leaf.op {
                    Op::Field(i) => (
                        crate::language::path_syntax(&prog.fields[*i as usize]),
                        "field",
                    ),
                    Op::Let(i) => (prog.lets[*i as usize].name.clone(), "let"),
                    Op::Signal(i) => (prog.signals[*i as usize].name.clone(), "signal"),
                    Op::Score => ("score".to_string(), "score"),
                    _ => ("tier".to_string(), "tier"),
                };
                let mut result = self.eval(leaf);
                // an integer field is shown as written: past 2^53 the
                // float it is read as would show another number
                if let (Op::Field(i), Evaluated::Value(Json::Number(_))) = (&leaf.op, &result) {
                    if let Some(raw @ Json::Number(n)) = self.frame.lookup(*i) {
                        if n.is_i64() || n.is_u64() {
                            result = Evaluated::Value(raw.clone());
                        }
                    }
                }
                Read { name, kind, result }
            })
            .collect()
    }

    fn let_(&mut self, i: usize) -> LetTrace {
        let prog = self.prog();
        let def = &prog.lets[i];
        let (source, line) =
            prog.declaration(|d| matches!(d, DeclKind::Let(l) if l.name.name == def.name));
        LetTrace {
            name: def.name.clone(),
            source,
            line,
            reads: self.reads(&def.value),
            value: self.step(&def.value, 0),
        }
    }

    fn requirement(&mut self, i: usize) -> RequirementTrace {
        let prog = self.prog();
        let req = &prog.requirements[i];
        let (source, line) = prog.source_of(req.span);
        let condition = self.step(&req.condition, 0);
        let (outcome, reason) = match prog.requirement(&mut self.frame, i, true) {
            Err(e) => (RequirementOutcome::Error, Some(e.message())),
            Ok(Outcome::Fail(c)) => (RequirementOutcome::Fail, c.map(|c| c.to_string())),
            Ok(Outcome::Review(c)) => (RequirementOutcome::Review, c.map(|c| c.to_string())),
            Ok(Outcome::Pass) => match &condition.result {
                Evaluated::Missing(why) => (RequirementOutcome::PassMissing, Some(why.clone())),
                _ => (RequirementOutcome::Pass, None),
            },
        };
        let distance = match outcome {
            RequirementOutcome::Fail | RequirementOutcome::Review => {
                distances(&mut self.frame, &req.condition)
            }
            _ => Vec::new(),
        };
        RequirementTrace {
            name: req.name.clone(),
            source,
            line,
            when_missing: req.when_missing,
            reads: self.reads(&req.condition),
            condition,
            outcome,
            reason,
            distance,
        }
    }

    fn signal(&mut self, i: usize) -> SignalTrace {
        let prog = self.prog();
        let def = &prog.signals[i];
        let (source, line) = prog.source_of(def.span);
        let value = self.step(&def.value, 0);
        let raw = match self.frame.signal(i) {
            Ok(Value::Number(n)) => Some(n),
            _ => None,
        };
        let clamped = raw.map(unit);
        let total: f64 = prog.signals.iter().map(|s| s.weight).sum();
        SignalTrace {
            name: def.name.clone(),
            source,
            line,
            weight: def.weight,
            reads: self.reads(&def.value),
            value,
            raw,
            clamped,
            contribution: def.weight * clamped.unwrap_or(0.0) / total,
        }
    }

    fn tiers(&mut self, accepted: bool) -> Vec<TierTrace> {
        let prog = self.prog();
        let mut chosen = !accepted;
        let mut out = Vec::new();
        for t in &prog.tiers {
            let (source, line) =
                prog.declaration(|d| matches!(d, DeclKind::Tier(x) if x.name.name == t.name));
            let mut trace = TierTrace {
                name: t.name.clone(),
                source,
                line,
                reads: Vec::new(),
                condition: None,
                outcome: TierOutcome::NotTried,
            };
            if !chosen {
                trace.outcome = match &t.condition {
                    None => TierOutcome::Chosen,
                    Some(c) => {
                        trace.reads = self.reads(c);
                        let step = self.step(c, 0);
                        let outcome = match &step.result {
                            Evaluated::Value(Json::Bool(true)) => TierOutcome::Chosen,
                            Evaluated::Value(Json::Bool(false)) => TierOutcome::No,
                            Evaluated::Missing(_) | Evaluated::Skipped(_) => TierOutcome::Missing,
                            _ => TierOutcome::Error,
                        };
                        trace.condition = Some(step);
                        outcome
                    }
                };
                chosen = matches!(trace.outcome, TierOutcome::Chosen | TierOutcome::Error);
            }
            out.push(trace);
        }
        out
    }

    fn rank(&mut self) -> RankTrace {
        let prog = self.prog();
        let order = prog.order;
        match &prog.rank {
            Some(key) => {
                let (source, line) = prog.declaration(|d| matches!(d, DeclKind::Rank(_)));
                RankTrace {
                    source,
                    line,
                    order,
                    reads: self.reads(key),
                    key: self.step(key, 0),
                    then: prog
                        .tie_breaks
                        .iter()
                        .map(|(k, _)| self.step(k, 0))
                        .collect(),
                }
            }
            None => {
                let score = Evaluated::of(prog, self.frame.score().map(Value::Number));
                RankTrace {
                    source: "rank by score desc".into(),
                    line: 0,
                    order,
                    reads: Vec::new(),
                    key: Step {
                        source: "score".into(),
                        line: 0,
                        column: 0,
                        result: score,
                        parts: Vec::new(),
                    },
                    then: Vec::new(),
                }
            }
        }
    }
}

/// A literal, or a value shown among the reads: nothing to break down.
fn is_leaf(n: &Node) -> bool {
    n.children().is_empty()
}

/// The read leaves of `n`, each once, in order of first appearance.
fn collect_reads<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
    let same = |a: &Op, b: &Op| match (a, b) {
        (Op::Field(x), Op::Field(y))
        | (Op::Let(x), Op::Let(y))
        | (Op::Signal(x), Op::Signal(y)) => x == y,
        (Op::Score, Op::Score) | (Op::Tier, Op::Tier) => true,
        _ => false,
    };
    match &n.op {
        Op::Field(_) | Op::Let(_) | Op::Signal(_) | Op::Score | Op::Tier => {
            if !out.iter().any(|m| same(&m.op, &n.op)) {
                out.push(n);
            }
        }
        _ => n.children().into_iter().for_each(|x| collect_reads(x, out)),
    }
}
