//! Expression checks: unknown functions and arity (with "did you mean"),
//! lambdas outside `any`/`all`/`count`, object literals outside examples,
//! `has` of something that is not a field, invalid regexes, and types that
//! are wrong whatever the data (`"US" > 3`, `len(5)`).

use std::collections::HashMap;

use super::Declared;
use crate::ast::*;
use crate::diagnostic::RuleDiagnostic;
use crate::language::Kind;

mod calls;
mod cohort;
mod constant_args;

use calls::lambda_functions;
pub(super) use calls::quoted_usage;

/// Where an expression stands, for messages and for what it must yield.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Let,
    Require,
    Signal,
    Tier,
    Rank,
    Budget,
    Group,
}

pub(super) fn check_expressions(
    src: &str,
    file: &RulesFile,
    declared: &Declared,
    let_order: &[usize],
    errors: &mut Vec<RuleDiagnostic>,
) {
    let mut w = Walker {
        src,
        declared,
        let_types: HashMap::new(),
        errors: Vec::new(),
        quiet: true,
        scope: Vec::new(),
    };
    // Let types first, quietly, in dependency order, so that each let's
    // type is known before the lets that read it; one pass settles them.
    // Only lets in a cycle (an error of its own) could change on a later
    // pass, so a few passes are enough, and keep a large file linear.
    for _ in 0..3 {
        let before = w.let_types.clone();
        for &i in let_order {
            let l = declared.lets[i];
            let t = w.ty(&l.value);
            w.let_types.insert(l.name.name.clone(), t);
        }
        if before == w.let_types {
            break;
        }
    }
    w.quiet = false;
    for decl in &file.decls {
        match &decl.kind {
            DeclKind::Let(l) => w.top(&l.value, Place::Let),
            DeclKind::Require(r) => w.top(&r.condition, Place::Require),
            DeclKind::Signal(s) => w.top(&s.value, Place::Signal),
            DeclKind::Tier(Tier {
                condition: Some(c), ..
            }) => w.top(c, Place::Tier),
            DeclKind::Rank(r) => {
                w.top(&r.key, Place::Rank);
                for k in &r.then {
                    w.top(&k.key, Place::Rank);
                }
            }
            DeclKind::Select(s) => {
                for c in &s.constraints {
                    match &c.kind {
                        TeamConstraintKind::Budget { value, .. } => w.top(value, Place::Budget),
                        TeamConstraintKind::Per { group, .. } => w.top(group, Place::Group),
                    }
                }
            }
            _ => {}
        }
    }
    errors.append(&mut w.errors);
}

struct Walker<'s, 'd, 'f> {
    src: &'s str,
    declared: &'d Declared<'f>,
    let_types: HashMap<String, Option<Kind>>,
    errors: Vec<RuleDiagnostic>,
    quiet: bool,
    scope: Vec<String>,
}

fn kind_name(k: Kind) -> &'static str {
    k.article()
}

impl Walker<'_, '_, '_> {
    fn text(&self, e: &Expr) -> &str {
        self.src.get(e.span.start..e.span.end).unwrap_or("?")
    }

    fn push(&mut self, d: RuleDiagnostic) {
        if !self.quiet {
            self.errors.push(d);
        }
    }

    fn type_error(&mut self, e: &Expr, message: String, label: String, help: &str) {
        let d = RuleDiagnostic::error("influence::type", e.span, message, label).with_help(help);
        self.push(d);
    }

    fn top(&mut self, e: &Expr, place: Place) {
        let t = self.ty(e);
        let (want, what): (&[Kind], &str) = match place {
            Place::Let => return,
            Place::Require => (&[Kind::Bool], "a requirement must be true or false"),
            Place::Tier => (&[Kind::Bool], "a tier condition must be true or false"),
            Place::Signal => (&[Kind::Number], "a signal must be a number"),
            Place::Rank => (
                &[Kind::Number, Kind::String, Kind::Date],
                "`rank by` needs a number, a string or a date",
            ),
            Place::Budget => (&[Kind::Number], "a budget sums a number per creator"),
            Place::Group => (
                &[Kind::Number, Kind::String, Kind::Bool, Kind::Date],
                "`per` groups creators by one value: a string, a number, true/false or a date",
            ),
        };
        if let Some(k) = t {
            if !want.contains(&k) {
                let help = match place {
                    Place::Signal => "turn it into a number, e.g. `if CONDITION then 1 else 0`",
                    Place::Rank => "rank by a number such as `score` or `followers`",
                    Place::Budget => {
                        "sum a number field such as `fee`, e.g. `budget sum(fee) <= 20k`"
                    }
                    Place::Group => {
                        "group by a field with one value per creator, e.g. `per country at most 10`"
                    }
                    _ => "compare it, e.g. `followers >= 1k`, or test it with `has(...)`",
                };
                self.type_error(
                    e,
                    what.to_string(),
                    format!("this is {}", kind_name(k)),
                    help,
                );
            }
        }
    }

    /// Expects kind `want` (when the operand's kind is known).
    fn expect(&mut self, e: &Expr, t: Option<Kind>, want: Kind, role: &str) {
        if let Some(k) = t {
            if k != want {
                let text = self.text(e).to_string();
                self.type_error(
                    e,
                    format!(
                        "{role} needs {}, but `{text}` is {}",
                        kind_name(want),
                        kind_name(k)
                    ),
                    format!("{} here", kind_name(k)),
                    "whatever the data, this can never work; check the operands",
                );
            }
        }
    }

    /// The kind an expression yields, when known without data.
    fn ty(&mut self, e: &Expr) -> Option<Kind> {
        use ExprKind::*;
        match &e.kind {
            Number(_) => Some(Kind::Number),
            String(_) => Some(Kind::String),
            Bool(_) => Some(Kind::Bool),
            // missing has no kind; `if`, `??` take the other side's
            Missing => None,
            List(xs) => {
                for x in xs {
                    self.ty(x);
                }
                Some(Kind::List)
            }
            Object(entries) => self.object_literal(e, entries),
            Name(n) => self.name_type(&n.name),
            Paren(x) => self.ty(x),
            Field(base, key) => self.field_type(e, base, key),
            Index(base, index) => self.index_type(base, index),
            Call(name, args) => self.call(e, name, args),
            Lambda(param, body) => self.stray_lambda(e, param, body),
            Not(x) => {
                let t = self.ty(x);
                self.expect(x, t, Kind::Bool, "`not`");
                Some(Kind::Bool)
            }
            Neg(x) => {
                let t = self.ty(x);
                self.expect(x, t, Kind::Number, "`-`");
                Some(Kind::Number)
            }
            And(a, b) => self.logic(a, b, "`and`"),
            Or(a, b) => self.logic(a, b, "`or`"),
            Arith(op, a, b) => {
                let (ta, tb) = (self.ty(a), self.ty(b));
                let role = format!("`{}`", op.as_str());
                self.expect(a, ta, Kind::Number, &role);
                self.expect(b, tb, Kind::Number, &role);
                Some(Kind::Number)
            }
            Coalesce(a, b) => {
                let (ta, tb) = (self.ty(a), self.ty(b));
                either(a, ta, b, tb)
            }
            Compare(op, a, b) => self.comparison_type(e, *op, a, b),
            Between(x, lo, hi) => {
                let (tx, tl, th) = (self.ty(x), self.ty(lo), self.ty(hi));
                self.compare(e, "between", &[(x, tx), (lo, tl), (hi, th)], true);
                Some(Kind::Bool)
            }
            In { item, list, .. } => {
                self.ty(item);
                let tl = self.ty(list);
                self.expect(list, tl, Kind::List, "`in`");
                Some(Kind::Bool)
            }
            Contains(a, b) => self.contains_type(a, b),
            Matches(a, pattern) => {
                let ta = self.ty(a);
                self.expect(a, ta, Kind::String, "`matches`");
                self.ty(pattern);
                self.regex(pattern);
                Some(Kind::Bool)
            }
            If(c, a, b) => {
                let tc = self.ty(c);
                self.expect(c, tc, Kind::Bool, "`if`");
                let (ta, tb) = (self.ty(a), self.ty(b));
                either(a, ta, b, tb)
            }
        }
    }

    /// `a and b`, `a or b`: both sides true/false values.
    fn logic(&mut self, a: &Expr, b: &Expr, op: &str) -> Option<Kind> {
        let (ta, tb) = (self.ty(a), self.ty(b));
        self.expect(a, ta, Kind::Bool, op);
        self.expect(b, tb, Kind::Bool, op);
        Some(Kind::Bool)
    }

    /// `a < b`, `a == b`: ordering needs comparable kinds, equality any.
    fn comparison_type(&mut self, e: &Expr, op: CmpOp, a: &Expr, b: &Expr) -> Option<Kind> {
        let (ta, tb) = (self.ty(a), self.ty(b));
        let ordered = !matches!(op, CmpOp::Eq | CmpOp::Ne);
        self.compare(e, op.as_str(), &[(a, ta), (b, tb)], ordered);
        Some(Kind::Bool)
    }

    /// An object literal outside an example: refused, its values still checked.
    fn object_literal(&mut self, e: &Expr, entries: &[(Ident, Expr)]) -> Option<Kind> {
        self.push(
            RuleDiagnostic::error(
                "influence::object",
                e.span,
                "object literals only appear in example creators",
                "not allowed here",
            )
            .with_help("read fields of the record with `creator.name` or `creator[\"odd key\"]`"),
        );
        for (_, x) in entries {
            self.ty(x);
        }
        None
    }

    /// `base.key`: `base` must be an object (or unknown).
    fn field_type(&mut self, e: &Expr, base: &Expr, key: &Ident) -> Option<Kind> {
        let t = self.ty(base);
        if let Some(k) = t {
            if k != Kind::Object {
                let text = self.text(base).to_string();
                let help = match k {
                    // the message says it is a list
                    Kind::List => crate::language::paths::each_element_help(&text, &key.name),
                    _ => {
                        "`.name` reads a field of an object such as `creator` or `audience`".into()
                    }
                };
                self.type_error(
                    e,
                    format!("`{text}` is {}, which has no fields", kind_name(k)),
                    "no field here".into(),
                    &help,
                );
            }
        }
        None
    }

    /// `base[index]`: a list by number, an object by key.
    fn index_type(&mut self, base: &Expr, index: &Expr) -> Option<Kind> {
        let tb = self.ty(base);
        let ti = self.ty(index);
        match tb {
            Some(Kind::List) => self.expect(index, ti, Kind::Number, "a list index"),
            Some(Kind::Object) => self.expect(index, ti, Kind::String, "an object key"),
            Some(k) => {
                let text = self.text(base).to_string();
                self.type_error(
                    base,
                    format!("`{text}` is {}, which cannot be indexed", kind_name(k)),
                    "cannot be indexed".into(),
                    "index a list with `xs[0]` or an object with `creator[\"key\"]`",
                );
            }
            None => {}
        }
        None
    }

    /// `x => ...` anywhere but the last argument of a list function.
    fn stray_lambda(&mut self, e: &Expr, param: &Ident, body: &Expr) -> Option<Kind> {
        self.push(
            RuleDiagnostic::error(
                "influence::lambda",
                e.span,
                format!(
                    "`{} => ...` is only allowed as the last argument of {}",
                    param.name,
                    lambda_functions()
                ),
                "not allowed here",
            )
            .with_help("write e.g. `any(niches, n => n in beauty)` or `sum(recentPosts, p => p.likes ?? 0)`"),
        );
        self.scope.push(param.name.clone());
        self.ty(body);
        self.scope.pop();
        None
    }

    /// `a contains b`: text in text, or anything in a list.
    fn contains_type(&mut self, a: &Expr, b: &Expr) -> Option<Kind> {
        let (ta, tb) = (self.ty(a), self.ty(b));
        match ta {
            Some(Kind::String) => self.expect(b, tb, Kind::String, "`contains` on text"),
            Some(Kind::List) | None => {}
            Some(k) => {
                let text = self.text(a).to_string();
                self.type_error(
                    a,
                    format!("`contains` needs text or a list, but `{text}` is {}", kind_name(k)),
                    format!("{} here", kind_name(k)),
                    "use `contains` on text (`bio contains \"vegan\"`) or a list (`niches contains \"yoga\"`)",
                );
            }
        }
        Some(Kind::Bool)
    }

    fn name_type(&self, name: &str) -> Option<Kind> {
        // a let or signal hiding the field it reads: its kind is moot
        if self.scope.iter().any(|p| p == name) || self.declared.hiding.contains(name) {
            return None;
        }
        if let Some(t) = self.let_types.get(name) {
            return *t;
        }
        if self.declared.signal_index(name).is_some() {
            return Some(Kind::Number);
        }
        match name {
            "score" => Some(Kind::Number),
            "tier" => Some(Kind::String),
            "creator" => Some(Kind::Object),
            _ => None,
        }
    }

    /// Ordering needs numbers with numbers or text with text; equality of
    /// two different kinds is always false, which is a mistake too.
    fn compare(&mut self, e: &Expr, op: &str, operands: &[(&Expr, Option<Kind>)], ordering: bool) {
        let known: Vec<(&Expr, Kind)> = operands
            .iter()
            .filter_map(|(x, t)| t.map(|k| (*x, k)))
            .collect();
        if ordering {
            if let Some((x, k)) = known
                .iter()
                .find(|(_, k)| !matches!(k, Kind::Number | Kind::String | Kind::Date))
            {
                let text = self.text(x).to_string();
                self.type_error(
                    x,
                    format!(
                        "`{op}` compares numbers, text or dates, but `{text}` is {}",
                        kind_name(*k)
                    ),
                    format!("{} here", kind_name(*k)),
                    "compare numbers with numbers and text with text",
                );
                return;
            }
        }
        if let (Some((_, k0)), Some((x, k))) =
            (known.first(), known.iter().find(|(_, k)| *k != known[0].1))
        {
            let text = self
                .src
                .get(e.span.start..e.span.end)
                .unwrap_or("")
                .to_string();
            let first = self.text(known[0].0).to_string();
            let other = self.text(x).to_string();
            let d = RuleDiagnostic::error(
                "influence::type",
                e.span,
                format!("`{text}` compares {} with {}", kind_name(*k0), kind_name(*k)),
                format!("`{first}` is {}, `{other}` is {}", kind_name(*k0), kind_name(*k)),
            )
            .with_help(if *k == Kind::Date || *k0 == Kind::Date {
                "compare a date with a date, e.g. `date(posted_at) >= date(\"2026-01-01\")`, or count days with `days_since(posted_at) <= 30`"
            } else if *k == Kind::String || *k0 == Kind::String {
                "quote both sides or neither: `\"US\" == country`, `followers > 3`; `number(...)` reads text such as \"3.3k\" as a number"
            } else {
                "compare values of the same kind"
            });
            self.push(d);
        }
    }

    /// The pattern of `matches` must be a constant string that compiles.
    fn regex(&mut self, pattern: &Expr) {
        let Some(text) = self.constant_string(pattern) else {
            self.push(
                RuleDiagnostic::error(
                    "influence::regex",
                    pattern.span,
                    "the pattern of `matches` must be a constant string",
                    "not a constant string",
                )
                .with_help("write the pattern as a string literal, e.g. `bio matches \"(?i)vegan|cruelty.free\"`"),
            );
            return;
        };
        if let Err(err) = crate::language::regex::build_regex(&text) {
            let msg = err.to_string();
            let detail = msg
                .lines()
                .last()
                .unwrap_or("invalid pattern")
                .trim()
                .to_string();
            self.push(
                RuleDiagnostic::error("influence::regex", pattern.span, "invalid regular expression", detail)
                    .with_help("the pattern uses Rust regex syntax; escape special characters with `\\\\` (a backslash in a string is written `\\\\`)"),
            );
        }
    }

    /// The string an expression always has: a literal, or a `let` of one.
    pub fn constant_string(&self, e: &Expr) -> Option<String> {
        match &e.unparen().kind {
            ExprKind::String(s) => Some(s.clone()),
            ExprKind::Name(n) if !self.scope.contains(&n.name) => {
                let i = self.declared.let_index(&n.name)?;
                let l = self.declared.lets[i];
                match &l.value.unparen().kind {
                    ExprKind::String(s) => Some(s.clone()),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// The kind of `a ?? b` or of the branches of an `if`: the same kind on
/// both sides, or one side's when the other is the literal `missing`.
fn either(a: &Expr, ta: Option<Kind>, b: &Expr, tb: Option<Kind>) -> Option<Kind> {
    let is_missing = |e: &Expr| matches!(e.unparen().kind, ExprKind::Missing);
    if is_missing(a) {
        tb
    } else if is_missing(b) || ta == tb {
        ta
    } else {
        None
    }
}

/// A field path: a name, `x.key`, or `x["key"]` with a string literal.
pub(crate) fn is_path(e: &Expr) -> bool {
    match &e.unparen().kind {
        ExprKind::Name(_) => true,
        ExprKind::Field(base, _) => is_path(base),
        ExprKind::Index(base, i) => matches!(i.kind, ExprKind::String(_)) && is_path(base),
        _ => false,
    }
}
