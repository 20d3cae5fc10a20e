//! Lowering a checked AST: names resolved to slots (lets, signals, lambda
//! parameters), field paths to indices into one table, regexes compiled,
//! constants folded as each node is made.

use std::collections::HashMap;
use std::sync::Arc;

use super::{
    fold, CohortInput, Folder, LetDef, ListSite, Node, Op, Pattern, Program, Requirement,
    SignalDef, TeamLimit, TeamLimitKind, TeamRule, TierDef,
};
use crate::ast::{self, DeclKind, Expr, ExprKind, Order};
use crate::check::Declared;
use crate::language::regex::build_regex;
use crate::language::value::{Missing, Value};
use crate::language::Builtin;

/// Lowers a file that the checker accepted, folding constant operations
/// with `fold`.
pub(crate) fn compile(file_name: &str, src: &str, file: ast::RulesFile, fold: Folder) -> Program {
    let declared = Declared::collect(&file);
    let mut c = Lowering {
        src,
        fold,
        sites: Vec::new(),
        declared: &declared,
        fields: Vec::new(),
        field_index: HashMap::new(),
        scope: Vec::new(),
        lets: vec![None; declared.lets.len()],
        in_progress: vec![false; declared.lets.len()],
        cohorts: Vec::new(),
        cohort_index: HashMap::new(),
    };
    for i in 0..declared.lets.len() {
        c.lower_let(i);
    }
    let parts = lower_decls(&mut c, &file);
    let mut lets: Vec<LetDef> = c
        .lets
        .into_iter()
        .zip(&declared.lets)
        .map(|(node, l)| LetDef {
            name: l.name.name.clone(),
            value: node.expect("every let was lowered"),
            fast: None,
        })
        .collect();
    let fields = c.fields;
    let sites = c.sites;
    let cohorts = c.cohorts;
    let Parts {
        name,
        mut requirements,
        signals,
        tiers,
        rank,
        order,
        tie_breaks,
        limit,
        select,
    } = parts;
    super::fast::plan(&mut lets, &mut requirements);
    Program {
        name,
        file: file_name.to_string(),
        source: Arc::from(src),
        requirements,
        signals,
        tiers,
        lets,
        rank,
        order,
        tie_breaks,
        limit,
        select,
        fields,
        ast: file,
        max_steps: super::DEFAULT_MAX_STEPS,
        sites,
        // read once per compiled ruleset: the date does not change mid-run
        today: crate::language::dates::day_number(crate::language::dates::today_utc()),
        cohorts,
        population: None,
    }
}

/// The declarations of a file, lowered (the lets are lowered first, apart).
struct Parts {
    name: Option<String>,
    requirements: Vec<Requirement>,
    signals: Vec<SignalDef>,
    tiers: Vec<TierDef>,
    rank: Option<Node>,
    order: Order,
    tie_breaks: Vec<(Node, Order)>,
    limit: Option<usize>,
    select: Option<TeamRule>,
}

fn lower_decls(c: &mut Lowering, file: &ast::RulesFile) -> Parts {
    let mut requirements = Vec::new();
    let mut signals = Vec::new();
    let mut tiers = Vec::new();
    let mut rank = None;
    let mut order = Order::Desc;
    let mut tie_breaks = Vec::new();
    let mut limit = None;
    let mut select = None;
    let mut name = None;
    for decl in &file.decls {
        match &decl.kind {
            DeclKind::Ruleset(s) => name = Some(s.value.clone()),
            DeclKind::Require(r) => requirements.push(Requirement {
                name: r.name.name.clone(),
                condition: c.lower(&r.condition),
                message: r.message.as_ref().map(|m| m.value.clone()),
                when_missing: r.when_missing.map(|(m, _)| m).unwrap_or_default(),
                span: decl.span,
                fast: None,
            }),
            DeclKind::Signal(s) => signals.push(SignalDef {
                name: s.name.name.clone(),
                weight: s.weight.as_ref().map_or(1.0, |w| w.value),
                value: c.lower(&s.value),
                span: decl.span,
            }),
            DeclKind::Tier(t) => tiers.push(TierDef {
                name: t.name.name.clone(),
                condition: t.condition.as_ref().map(|e| c.lower(e)),
            }),
            DeclKind::Rank(r) => {
                rank = Some(c.lower(&r.key));
                order = r.order.unwrap_or_default();
                tie_breaks = r
                    .then
                    .iter()
                    .map(|k| (c.lower(&k.key), k.order.unwrap_or_default()))
                    .collect();
            }
            // the checker refused any other number
            DeclKind::Limit(n) => limit = crate::check::shortlist_length(n.value).ok(),
            DeclKind::Select(s) => select = Some(c.team_rule(s)),
            DeclKind::Let(_) | DeclKind::Example(_) => {}
        }
    }
    Parts {
        name,
        requirements,
        signals,
        tiers,
        rank,
        order,
        tie_breaks,
        limit,
        select,
    }
}

struct Lowering<'d, 'f> {
    src: &'d str,
    fold: Folder,
    sites: Vec<ListSite>,
    declared: &'d Declared<'f>,
    fields: Vec<Vec<String>>,
    /// Path -> index in `fields`, so that a file reading many fields
    /// compiles in linear time.
    field_index: HashMap<Vec<String>, u32>,
    scope: Vec<String>,
    lets: Vec<Option<Node>>,
    in_progress: Vec<bool>,
    cohorts: Vec<CohortInput>,
    /// (x, group) as written -> index in `cohorts`.
    cohort_index: HashMap<(Option<String>, Option<String>), u32>,
}

impl Lowering<'_, '_> {
    /// `select`: the checker refused a size or a bound that is not a whole
    /// number, so the fallbacks are never taken.
    fn team_rule(&mut self, s: &ast::Select) -> TeamRule {
        use ast::TeamConstraintKind as K;
        let constraints = s
            .constraints
            .iter()
            .map(|c| {
                let text = |e: &Expr| self.src.get(e.span.start..e.span.end).unwrap_or("?");
                match &c.kind {
                    K::Budget { value, cap } => TeamLimit {
                        text: format!("budget sum({}) <= {}", text(value), cap.raw),
                        value: self.lower(value),
                        kind: TeamLimitKind::Budget { cap: cap.value },
                    },
                    K::Per {
                        group,
                        bound,
                        count,
                    } => TeamLimit {
                        text: format!("per {} {} {}", text(group), bound.as_str(), count.raw),
                        value: self.lower(group),
                        kind: TeamLimitKind::Per {
                            bound: *bound,
                            count: count.value as usize,
                        },
                    },
                }
            })
            .collect();
        TeamRule {
            size: crate::check::shortlist_length(s.count.value).unwrap_or(1),
            constraints,
            timeout: super::DEFAULT_SELECT_TIMEOUT,
        }
    }

    fn lower_let(&mut self, i: usize) {
        if self.lets[i].is_some() || self.in_progress[i] {
            return;
        }
        self.in_progress[i] = true;
        let saved = std::mem::take(&mut self.scope);
        let node = self.lower(&self.declared.lets[i].value);
        self.scope = saved;
        self.lets[i] = Some(node);
        self.in_progress[i] = false;
    }

    fn field(&mut self, path: Vec<String>) -> Op {
        let next = self.fields.len() as u32;
        let i = *self.field_index.entry(path.clone()).or_insert(next);
        if i == next {
            self.fields.push(path);
        }
        Op::Field(i)
    }

    fn lower(&mut self, e: &Expr) -> Node {
        let node = Node {
            op: self.lower_op(e),
            span: e.span,
        };
        fold(node, self.fold)
    }

    fn bx(&mut self, e: &Expr) -> Box<Node> {
        Box::new(self.lower(e))
    }

    fn lower_op(&mut self, e: &Expr) -> Op {
        use ExprKind as E;
        match &e.kind {
            E::Number(n) => Op::Const(Value::Number(n.value)),
            E::String(s) => Op::Const(Value::Str(s.clone().into())),
            E::Bool(b) => Op::Const(Value::Bool(*b)),
            E::List(xs) => Op::List(xs.iter().map(|x| self.lower(x)).collect()),
            E::Object(_) => unreachable!("the checker allows objects only in examples"),
            E::Paren(x) => self.lower_op(x),
            E::Name(n) => self.name(&n.name),
            E::Field(base, key) => {
                let b = self.lower(base);
                self.extend_path(b, &key.name)
            }
            E::Index(base, index) => {
                let b = self.lower(base);
                if let E::String(key) = &index.unparen().kind {
                    return self.extend_path(b, key);
                }
                Op::Index(Box::new(b), self.bx(index))
            }
            E::Call(name, args) => self.call(&name.name, args),
            E::Lambda(..) => unreachable!("the checker allows lambdas only in list functions"),
            E::Missing => Op::Const(Value::Missing(Missing::Written(e.span))),
            E::Not(x) => Op::Not(self.bx(x)),
            E::Neg(x) => Op::Neg(self.bx(x)),
            E::And(a, b) => Op::And(self.bx(a), self.bx(b)),
            E::Or(a, b) => Op::Or(self.bx(a), self.bx(b)),
            E::Arith(op, a, b) => Op::Arith(*op, self.bx(a), self.bx(b)),
            E::Coalesce(a, b) => Op::Coalesce(self.bx(a), self.bx(b)),
            E::Compare(op, a, b) => Op::Compare(*op, self.bx(a), self.bx(b)),
            E::Between(x, lo, hi) => Op::Between(self.bx(x), self.bx(lo), self.bx(hi)),
            E::In {
                item,
                list,
                negated,
            } => Op::In(self.bx(item), self.bx(list), *negated),
            E::Contains(a, b) => Op::Contains(self.bx(a), self.bx(b)),
            E::Matches(a, pattern) => {
                let a = self.bx(a);
                let p = self.lower(pattern);
                let Op::Const(Value::Str(text)) = &p.op else {
                    unreachable!("the checker requires a constant pattern")
                };
                let re = build_regex(text).expect("the checker compiled this pattern");
                Op::Matches(a, Arc::new(Pattern::new(re)))
            }
            E::If(c, a, b) => Op::If(self.bx(c), self.bx(a), self.bx(b)),
        }
    }

    /// A name: a lambda's parameter, a let (its value when constant), a
    /// signal, `score`, `tier`, `creator`, else a field of the record.
    fn name(&mut self, name: &str) -> Op {
        if let Some(p) = self.scope.iter().rposition(|p| p == name) {
            return Op::Param(p as u32);
        }
        if let Some(i) = self.declared.let_index(name) {
            self.lower_let(i);
            return match &self.lets[i] {
                Some(Node {
                    op: Op::Const(v), ..
                }) => Op::Const(v.clone()),
                _ => Op::Let(i as u32),
            };
        }
        if let Some(i) = self.declared.signal_index(name) {
            return Op::Signal(i as u32);
        }
        match name {
            "score" => Op::Score,
            "tier" => Op::Tier,
            "creator" => Op::Creator,
            _ => self.field(vec![name.to_string()]),
        }
    }

    /// A call of a built-in function.
    fn call(&mut self, name: &str, args: &[Expr]) -> Op {
        let f = Builtin::from_name(name).expect("the checker knows every function");
        match f {
            Builtin::Has => Op::Has(self.bx(&args[0])),
            Builtin::Any | Builtin::All | Builtin::Count => {
                let list = self.bx(&args[0]);
                let ExprKind::Lambda(param, body) = &args[1].kind else {
                    unreachable!("the checker requires a lambda")
                };
                self.scope.push(param.name.clone());
                let body = self.bx(body);
                self.scope.pop();
                Op::Lambda(f, list, body)
            }
            _ if f.is_cohort() => self.cohort(f, args),
            _ if is_list_form(f, args) => self.each(f, args),
            _ => Op::Call(f, args.iter().map(|a| self.lower(a)).collect()),
        }
    }

    /// A cohort function's call, its input shared with every call that
    /// reads the same `x` and group, as written.
    fn cohort(&mut self, f: Builtin, args: &[Expr]) -> Op {
        let lowered: Vec<Node> = args.iter().map(|a| self.lower(a)).collect();
        let (x, group) = match f {
            Builtin::CohortSize => (None, lowered.first()),
            _ => (lowered.first(), lowered.get(1)),
        };
        let text = |n: Option<&Node>| {
            n.map(|n| {
                self.src
                    .get(n.span.start..n.span.end)
                    .unwrap_or("?")
                    .to_string()
            })
        };
        let key = (text(x), text(group));
        let next = self.cohorts.len() as u32;
        let i = *self.cohort_index.entry(key).or_insert(next);
        if i == next {
            self.cohorts.push(CohortInput {
                x: x.cloned(),
                group: group.cloned(),
            });
        }
        Op::Cohort(f, lowered, i)
    }

    /// A list function's call: the list, the lambda's body under its
    /// parameter, and a site that names its elements in reasons.
    fn each(&mut self, f: Builtin, args: &[Expr]) -> Op {
        let list = self.bx(&args[0]);
        let (lambda, body, path) = match args.get(1).map(|a| (a, &a.kind)) {
            Some((a, ExprKind::Lambda(param, body))) => {
                self.scope.push(param.name.clone());
                let node = self.bx(body);
                self.scope.pop();
                let path = param_path(self.src, &param.name, body);
                (Some(a.span), Some(node), path)
            }
            _ => (None, None, None),
        };
        self.sites.push(ListSite {
            list: args[0].span,
            lambda,
            body: body.as_ref().map(|b| b.span),
            path,
        });
        Op::Each(f, list, body, (self.sites.len() - 1) as u32)
    }

    /// `x.key`: a longer field path when `x` is one, else a lookup.
    fn extend_path(&mut self, base: Node, key: &str) -> Op {
        match base.op {
            Op::Field(i) => {
                let mut path = self.fields[i as usize].clone();
                path.push(key.to_string());
                self.field(path)
            }
            Op::Creator => self.field(vec![key.to_string()]),
            _ => Op::Get(Box::new(base), key.to_string()),
        }
    }
}

/// True for a call that `Op::Each` runs: `map`, `filter`, `first`, and an
/// aggregate over one list, with or without a lambda (`min(a, b)` of two
/// numbers stays a plain call).
fn is_list_form(f: Builtin, args: &[Expr]) -> bool {
    use Builtin::*;
    let lambda_last = args
        .last()
        .is_some_and(|a| matches!(a.kind, ExprKind::Lambda(..)));
    match f {
        Map | Filter | First => true,
        Sum | Avg | Median => true,
        Min | Max => args.len() == 1 || (args.len() == 2 && lambda_last),
        _ => false,
    }
}

/// What follows the parameter when `body` is a field path on it:
/// `.likes` for `p => p.likes`, `["Like Count"]` for `p => p["Like Count"]`.
fn param_path(src: &str, param: &str, body: &Expr) -> Option<String> {
    let mut e = body.unparen();
    loop {
        match &e.kind {
            ExprKind::Name(n) if n.name == param => break,
            ExprKind::Field(base, _) => e = base.unparen(),
            ExprKind::Index(base, i)
                if matches!(i.unparen().kind, ExprKind::String(_) | ExprKind::Number(_)) =>
            {
                e = base.unparen()
            }
            _ => return None,
        }
    }
    let body = body.unparen();
    let text = src.get(body.span.start..body.span.end)?;
    let rest = text.strip_prefix(param)?;
    (!rest.is_empty()).then(|| rest.trim().to_string())
}
