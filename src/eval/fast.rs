//! Runs a requirement's fast path ([`Test`], planned in `compile/fast.rs`)
//! on the record's values: no `Value` tree walked, no `Result` moved per
//! node, constant sets and needles prepared once. A test counts the steps
//! the general evaluator would for the same condition, so the budget runs
//! out alike. When it cannot decide (a value missing or of another kind,
//! an error, the budget spent) it gives up and puts the frame back as it
//! found it (steps, and the lets it worked out), and the general evaluator
//! runs the condition from the start, with every message and cause its own.

use std::borrow::Cow;

use super::budget;
use super::functions;
use super::value::{Missing, Value};
use super::{Eval, Frame};
use crate::ast::{ArithOp, CmpOp, Span};
use crate::compile::{Operand, Set, Test, SCAN_AT_MOST};

/// How many lets' fast paths may run one inside another.
const FAST_LET_DEPTH: u32 = 4;

/// `x op y` of two numbers, as the general comparison gives it.
fn compare(op: CmpOp, x: f64, y: f64) -> bool {
    match op {
        CmpOp::Eq => x == y,
        CmpOp::Ne => x != y,
        _ => op.holds(x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)),
    }
}

/// Whether `x` is in `set`, as `x in [...]` says; `None` when that is
/// unknown (a missing element, or `x` missing) or `x` is a list or an object.
fn found(set: &Set, x: &Value<'_>) -> Option<bool> {
    let found = match x {
        Value::Str(s) if set.texts.len() <= SCAN_AT_MOST => set.texts.iter().any(|t| **t == **s),
        Value::Number(n) if set.numbers.len() <= SCAN_AT_MOST => set.numbers.iter().any(|k| k == n),
        _ => return set.list.find_scalar(x)?.ok(),
    };
    (found || !set.has_missing).then_some(found)
}

impl<'a> Frame<'a> {
    /// What test `t` gives, or `None` (the frame as it was) when the
    /// general evaluator must decide.
    pub(super) fn test(&mut self, t: &'a Test) -> Option<bool> {
        let (steps, filled) = (self.steps, self.filled.len());
        let decided = self.run_test(t).filter(|_| self.steps <= self.budget);
        if decided.is_none() {
            self.forget(steps, filled);
        }
        decided
    }

    /// Counts `work` steps; checked against the budget once the test is
    /// done, or by [`Frame::afford`] before a scan.
    fn tick(&mut self, work: u64) {
        self.steps = self.steps.saturating_add(work);
    }

    /// Counts `work` steps of a scan, `None` when they are more than the
    /// budget has left (the scan is not begun).
    fn afford(&mut self, work: u64) -> Option<()> {
        self.tick(work);
        (self.steps <= self.budget).then_some(())
    }

    fn run_test(&mut self, t: &'a Test) -> Option<bool> {
        // the test's own node
        self.tick(1);
        Some(match t {
            Test::Compare(op, a, b) => match (self.value(a)?, self.value(b)?) {
                (Value::Number(x), Value::Number(y)) => compare(*op, x, y),
                (Value::Date(x), Value::Date(y)) => op.holds(x.cmp(&y)),
                _ => return None,
            },
            Test::TextEq { x, text, ne } => {
                // and the constant's node
                self.tick(1);
                let k = budget::text(text);
                self.with_text(x, |s| budget::text(s).min(k), |s| (s == &**text) != *ne)?
            }
            Test::Between(x, lo, hi) => {
                let v = self.number(x)?;
                let (l, h) = (self.number(lo)?, self.number(hi)?);
                compare(CmpOp::Ge, v, l) && compare(CmpOp::Le, v, h)
            }
            Test::InSet { item, set, negated } => {
                self.tick(1);
                let x = self.value(item)?;
                self.tick(set.len());
                found(set, &x)? != *negated
            }
            Test::Member {
                text,
                list,
                negated,
            } => self.member(text, list)? != *negated,
            Test::Contains(x, needle) => {
                self.tick(1);
                self.with_text(x, budget::text, |s| {
                    needle.finder.find(s.as_bytes()).is_some()
                })?
            }
            Test::Affix { x, needle, start } => {
                self.tick(1);
                let k = budget::text(&needle.text);
                let test = |s: &str| match start {
                    true => s.starts_with(&*needle.text),
                    false => s.ends_with(&*needle.text),
                };
                self.with_text(x, |s| budget::text(s) + k, test)?
            }
            Test::Matches(x, re) => {
                let states = re.states;
                self.with_text(x, |s| budget::regex(s, states), |s| re.is_match(s))?
            }
            Test::AnyIn {
                list,
                set,
                negated,
                all,
            } => self.any_in(list, set, *negated, *all)?,
            Test::Not(x) => !self.run_test(x)?,
            Test::And(a, b) => self.run_test(a)? && self.run_test(b)?,
            Test::Or(a, b) => self.run_test(a)? || self.run_test(b)?,
            Test::Eval(n) => {
                // the general evaluator counts this node itself
                self.steps -= 1;
                match self.eval(n).ok()? {
                    Value::Bool(b) => b,
                    _ => return None,
                }
            }
        })
    }

    /// The value of an operand; missing is a value here (`??` decides on it).
    fn value(&mut self, o: &'a Operand) -> Option<Value<'a>> {
        Some(match o {
            Operand::Number(k) => {
                self.tick(1);
                Value::Number(*k)
            }
            Operand::Field(i) => {
                self.tick(1);
                match &self.fields[*i as usize] {
                    Some(v) => v.clone(),
                    None => self.read_field(*i, Span::default()).ok()?,
                }
            }
            Operand::Arith(op, a, b, span) => self.arith(*op, a, b, *span)?,
            Operand::Let(i) => {
                self.let_value(*i)?;
                self.lets[*i as usize].clone()?
            }
            Operand::Date(d) => {
                self.tick(1);
                Value::Date(*d)
            }
            Operand::Len(x) => {
                // the call's node, then its argument's
                self.tick(1);
                match self.value(x)? {
                    Value::Str(s) => {
                        self.tick(budget::text(&s));
                        Value::Number(s.chars().count() as f64)
                    }
                    Value::List(xs) => {
                        self.tick(xs.len() as u64);
                        Value::Number(xs.len() as f64)
                    }
                    _ => return None,
                }
            }
            Operand::CountIn { list, set, negated } => self.count_in(list, set, *negated)?,
            Operand::Lower(_) | Operand::Trim(_) => Value::Str(self.text_of(o)?),
            Operand::Default(a, b) => {
                self.tick(1);
                match self.value(a)? {
                    Value::Missing(_) => self.value(b)?,
                    v => v,
                }
            }
            Operand::Eval(n) => self.eval(n).ok()?,
        })
    }

    /// `"k" in list`: whether the list holds the text, `None` when an
    /// element leaves it undecided.
    fn member(&mut self, text: &'a str, list: &'a Operand) -> Option<bool> {
        self.tick(1);
        let Value::List(items) = self.value(list)? else {
            return None;
        };
        self.tick(items.len() as u64);
        let x = Value::Str(Cow::Borrowed(text));
        for y in items.iter() {
            if x.equals(&y)? {
                return Some(true);
            }
        }
        Some(false)
    }

    /// `any(xs, x => x in [...])` (or `all`, or `not in`).
    fn any_in(
        &mut self,
        list: &'a Operand,
        set: &'a Set,
        negated: bool,
        all: bool,
    ) -> Option<bool> {
        let Value::List(items) = self.value(list)? else {
            return None;
        };
        for x in items.iter() {
            // `x in [...]`: its node, the parameter's, the list's
            self.tick(3 + set.len());
            if (found(set, &x)? != negated) != all {
                return Some(!all);
            }
        }
        Some(all)
    }

    /// `a op b` over numbers; missing passes through.
    fn arith(
        &mut self,
        op: ArithOp,
        a: &'a Operand,
        b: &'a Operand,
        span: Span,
    ) -> Option<Value<'a>> {
        self.tick(1);
        let (x, y) = (self.value(a)?, self.value(b)?);
        Some(match (x, y) {
            (Value::Number(x), Value::Number(y)) => match op {
                ArithOp::Add => Value::number(x + y, span),
                ArithOp::Sub => Value::number(x - y, span),
                ArithOp::Mul => Value::number(x * y, span),
                ArithOp::Div if y == 0.0 => Value::Missing(Missing::DivByZero(span)),
                ArithOp::Div => Value::number(x / y, span),
            },
            // the first missing, once both are numbers or missing
            (m @ Value::Missing(_), Value::Number(_) | Value::Missing(_))
            | (Value::Number(_), m @ Value::Missing(_)) => m,
            _ => return None,
        })
    }

    /// `count(xs, x => x in [...])` (or `not in`).
    fn count_in(&mut self, list: &'a Operand, set: &'a Set, negated: bool) -> Option<Value<'a>> {
        self.tick(1);
        let Value::List(items) = self.value(list)? else {
            return None;
        };
        let mut count = 0usize;
        for x in items.iter() {
            // `x in [...]`: its node, the parameter's, the list's,
            // and the list's elements unless `x` is missing
            self.tick(3);
            match x {
                Value::Missing(_) => continue,
                Value::Number(_) | Value::Str(_) | Value::Bool(_) | Value::Date(_) => {}
                // compared element by element: left to the evaluator
                _ => return None,
            }
            self.tick(set.len());
            // unknown (a missing element might have matched) counts not
            if let Some(found) = found(set, &x) {
                count += usize::from(found != negated);
            }
        }
        Some(Value::Number(count as f64))
    }

    /// The value of let `i`'s expression: by its fast path when that
    /// decides, else by the general evaluator.
    pub(super) fn let_body(&mut self, i: usize) -> Eval<'a> {
        let prog = self.prog;
        let def = &prog.lets[i];
        // a let read by a let's fast path recurses without growing the
        // stack: a chain of them goes to the general evaluator, which does
        if let (Some(o), true) = (&def.fast, self.fast_lets < FAST_LET_DEPTH) {
            let (steps, filled) = (self.steps, self.filled.len());
            self.fast_lets += 1;
            let v = self.value(o);
            self.fast_lets -= 1;
            match v {
                Some(v) if self.steps <= self.budget => return Ok(v),
                _ => self.forget(steps, filled),
            }
        }
        self.eval(&def.value)
    }

    /// Puts the frame back as it was before a fast path gave up: its steps,
    /// and the lets worked out since.
    fn forget(&mut self, steps: u64, filled: usize) {
        self.steps = steps;
        for i in self.filled.drain(filled..) {
            self.lets[i as usize] = None;
        }
    }

    /// An operand that must be text.
    fn text_of(&mut self, o: &'a Operand) -> Option<Cow<'a, str>> {
        let (Operand::Lower(x) | Operand::Trim(x)) = o else {
            return match self.value(o)? {
                Value::Str(s) => Some(s),
                _ => None,
            };
        };
        self.tick(1);
        let s = self.text_of(x)?;
        self.tick(budget::text(&s));
        Some(match o {
            Operand::Lower(_) => functions::lower(s),
            _ => functions::trim(s),
        })
    }

    /// An operand that must be a number.
    fn number(&mut self, o: &'a Operand) -> Option<f64> {
        match self.value(o)? {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// Works out let `i` when not yet known, as reading its name does.
    fn let_value(&mut self, i: u32) -> Option<()> {
        self.tick(1);
        let i = i as usize;
        if self.lets[i].is_none() {
            let v = self.let_body(i).ok()?;
            self.lets[i] = Some(v);
            self.filled.push(i as u32);
        }
        Some(())
    }

    /// `f` of an operand that must be text, once the `cost` of scanning it
    /// is counted; a let's text is read where it is kept, not copied.
    fn with_text<R>(
        &mut self,
        o: &'a Operand,
        cost: impl FnOnce(&str) -> u64,
        f: impl FnOnce(&str) -> R,
    ) -> Option<R> {
        if let Operand::Let(i) = o {
            self.let_value(*i)?;
            let Some(Value::Str(s)) = &self.lets[*i as usize] else {
                return None;
            };
            self.steps = self.steps.saturating_add(cost(s));
            return (self.steps <= self.budget).then(|| f(s));
        }
        let s = self.text_of(o)?;
        self.afford(cost(&s))?;
        Some(f(&s))
    }
}

#[cfg(test)]
mod tests {
    //! The fast paths against the general evaluator: the same verdict,
    //! reasons and all, for values of every kind, missing or not, and for
    //! every step budget (so both count the same steps, and run out at the
    //! same place).

    use std::sync::OnceLock;

    use proptest::prelude::*;
    use proptest::sample::select;
    use serde_json::{json, Map, Value as Json};

    use crate::compile::Program;
    use crate::Ruleset;

    /// A condition of each shape that has a fast path, and some that have
    /// one only in part.
    const RULES: &str = r#"
let half  = a ?? 0.5
let ratio = b / max(c, 1)
let t     = lower(trim(s))
let big   = a * 2 + b - c
require r1:  a between 1 and 10
require r2:  a >= 2.5
require r3:  b < a
require r4:  s == "x"
require r5:  s != "Ab"
require r6:  s in ["x", "Ab", "é", ""]
require r7:  a not in [1, 2, 0]
require r8:  "x" in l
require r9:  "x" not in l
require r10: any(l, v => v in ["x", 1])
require r11: all(l, v => v not in ["y"])
require r25: count(l, v => v in ["x", 2, missing]) >= 1 and count(l, v => v not in ["y"]) < 2
require r12: t contains "ab"
require r13: starts_with(s, "A") or ends_with(s, "b")
require r14: not (s matches "(?i)a.b")
require r15: len(trim(s)) >= 2 and len(l) < 3
require r16: half >= 0.25 when missing pass
require r17: ratio <= 0.5 when missing review
require r18: date(d) < date("2026-01-01")
require r19: a ?? 1 >= 0.55
require r20: big > 3 and not (a == 2)
require r21: n.k >= 1 else "n.k is small"
require r22: t == "ab" or len(t) > 3
require r23: a / b >= 1 or a - b <= -1
require r24: lower(s) contains "k"
signal s1 = half
signal s2 = ratio
"#;

    fn config() -> ProptestConfig {
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1024);
        ProptestConfig {
            cases,
            ..ProptestConfig::default()
        }
    }

    /// The rules with their fast paths, and the same rules without.
    fn programs() -> &'static (Program, Program) {
        static PROGRAMS: OnceLock<(Program, Program)> = OnceLock::new();
        PROGRAMS.get_or_init(|| {
            let rules = Ruleset::compile("fast.rules", RULES).expect("valid");
            let fast = rules.program().clone();
            assert!(fast.requirements.iter().all(|r| r.fast.is_some()));
            let mut general = fast.clone();
            general.requirements.iter_mut().for_each(|r| r.fast = None);
            general.lets.iter_mut().for_each(|l| l.fast = None);
            (fast, general)
        })
    }

    fn leaf() -> impl Strategy<Value = Json> {
        prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            select(vec![
                json!(0),
                json!(-0.0),
                json!(1),
                json!(2),
                json!(2.5),
                json!(3),
                json!(-7),
                json!(1e308),
                json!(-1e308),
                json!(u64::MAX),
                json!(0.25),
            ]),
            select(vec![
                "x",
                "Ab",
                "AB",
                "aXb",
                " Ab ",
                "é",
                "",
                "ǅ",
                "K",
                "İx",
                "y",
                "ab",
                "Kab",
                "2020-01-02",
                "2027-05-01T10:00:00Z",
                "1",
                "  ",
            ])
            .prop_map(|s| Json::String(s.into())),
        ]
    }

    fn field() -> impl Strategy<Value = Option<Json>> {
        let value = leaf().prop_recursive(2, 8, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
                prop::collection::vec((select(vec!["k", "j"]), inner), 0..2).prop_map(|kv| {
                    Json::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
                }),
            ]
        });
        // plain values mostly: those are what the fast paths decide on
        prop::option::weighted(0.9, prop_oneof![3 => leaf(), 1 => value])
    }

    fn record() -> impl Strategy<Value = Json> {
        let names = ["a", "b", "c", "s", "l", "d", "n"];
        prop::collection::vec(field(), names.len()).prop_map(move |values| {
            let mut m = Map::new();
            for (name, v) in names.iter().zip(values) {
                if let Some(v) = v {
                    m.insert(name.to_string(), v);
                }
            }
            Json::Object(m)
        })
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn fast_paths_give_the_general_verdict(
            record in record(),
            budget in prop_oneof![Just(None), (0u64..120).prop_map(Some)],
            reasons in any::<bool>(),
        ) {
            let (fast, general) = programs();
            let (mut fast, mut general) = (fast.clone(), general.clone());
            if let Some(steps) = budget {
                fast.set_max_steps(steps);
                general.set_max_steps(steps);
            }
            let f = fast.evaluate_with(&record, 0, None, reasons);
            let g = general.evaluate_with(&record, 0, None, reasons);
            prop_assert_eq!(format!("{f:?}"), format!("{g:?}"));
        }
    }

    /// Records chosen by hand for the cases a fast path gives up on.
    #[test]
    fn fast_paths_give_the_general_verdict_at_the_edges() {
        let (fast, general) = programs();
        let records = [
            json!({}),
            json!({"a": 2, "b": 1, "c": 1, "s": "Ab", "l": ["x"], "d": "2020-01-01", "n": {"k": 2}}),
            json!({"a": "2", "b": [1], "c": {"k": 1}, "s": 5, "l": "x", "d": 7, "n": 5}),
            json!({"a": null, "b": 0, "c": 0, "s": null, "l": [null, "x"], "n": {"k": null}}),
            json!({"a": 1e308, "b": -1e308, "c": 1e-308, "s": "ΣΑΣ", "l": [[], {}], "n": []}),
            json!({"s": "x".repeat(5000), "l": vec!["y"; 300]}),
        ];
        for record in &records {
            for reasons in [false, true] {
                let f = fast.evaluate_with(record, 0, None, reasons);
                let g = general.evaluate_with(record, 0, None, reasons);
                assert_eq!(format!("{f:?}"), format!("{g:?}"), "{record}");
            }
        }
    }
}
