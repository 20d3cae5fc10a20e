//! What each name in a rules file refers to: the declarations (lets,
//! signals, requirements, tiers) and every place a name, field, function
//! or number is written, resolved as the language resolves names (a
//! lambda parameter, then a let, then a signal, then `score`, `tier` and
//! `creator`, then a field of the record). Hover, go to definition, find
//! references and the sample's field checks all read this one table.

use crate::ast::*;
use crate::language::Builtin;

/// The kinds of declaration a name can refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DefKind {
    Let,
    Signal,
    Requirement,
    Tier,
}

impl DefKind {
    pub fn word(self) -> &'static str {
        match self {
            DefKind::Let => "let",
            DefKind::Signal => "signal",
            DefKind::Requirement => "requirement",
            DefKind::Tier => "tier",
        }
    }
}

/// One declaration with a name.
#[derive(Clone, Debug)]
pub(crate) struct Definition {
    pub kind: DefKind,
    pub name: String,
    /// Where the name is written.
    pub name_span: Span,
    /// The whole declaration.
    pub decl_span: Span,
    /// A signal's weight (1 when not written).
    pub weight: Option<f64>,
}

/// What a written name or literal refers to.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Target {
    /// A declaration, by its index in [`Symbols::defs`].
    Def(usize),
    /// A field path of the creator record (`["audience", "female_share"]`).
    Field(Vec<String>),
    /// A lambda parameter, with the span of its declaration.
    Param(String, Span),
    /// A built-in function.
    Function(Builtin),
    /// A number literal: its value and the text as written.
    Number(f64, String),
    /// `score`, `tier` or `creator`.
    BuiltIn(&'static str),
}

/// A place where a [`Target`] is written.
#[derive(Clone, Debug)]
pub(crate) struct Occurrence {
    pub span: Span,
    pub target: Target,
    /// True when `span` is a plain name (a quick fix may replace it with
    /// another name); false for `creator["key"]`.
    pub plain: bool,
}

/// Every declaration and every resolved place of a file.
#[derive(Clone, Debug, Default)]
pub(crate) struct Symbols {
    pub defs: Vec<Definition>,
    /// In source order.
    pub occurrences: Vec<Occurrence>,
}

impl Symbols {
    /// Collects a file's declarations, then resolves every place.
    pub fn of(file: &RulesFile) -> Symbols {
        let mut s = Symbols::default();
        for d in &file.decls {
            let (kind, name, weight) = match &d.kind {
                DeclKind::Let(l) => (DefKind::Let, &l.name, None),
                DeclKind::Signal(x) => (
                    DefKind::Signal,
                    &x.name,
                    Some(x.weight.as_ref().map_or(1.0, |w| w.value)),
                ),
                DeclKind::Require(r) => (DefKind::Requirement, &r.name, None),
                DeclKind::Tier(t) => (DefKind::Tier, &t.name, None),
                _ => continue,
            };
            s.defs.push(Definition {
                kind,
                name: name.name.clone(),
                name_span: name.span,
                decl_span: d.span,
                weight,
            });
        }
        for d in &file.decls {
            s.decl(d);
        }
        s.occurrences.sort_by_key(|o| (o.span.start, o.span.end));
        s
    }

    /// The first declaration of `kind` named `name`.
    pub fn find(&self, kind: DefKind, name: &str) -> Option<usize> {
        self.defs
            .iter()
            .position(|d| d.kind == kind && d.name == name)
    }

    /// The innermost place at byte `offset` (a place ending there counts,
    /// so that a cursor just after a name finds it).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .filter(|o| o.span.start <= offset && offset <= o.span.end)
            .min_by_key(|o| o.span.len())
    }

    /// Every place that refers to the same thing as `target`.
    pub fn references<'a>(&'a self, target: &'a Target) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences.iter().filter(move |o| &o.target == target)
    }

    fn push(&mut self, span: Span, target: Target, plain: bool) {
        self.occurrences.push(Occurrence {
            span,
            target,
            plain,
        });
    }

    fn def_named(&mut self, kind: DefKind, name: &Ident) {
        if let Some(i) = self.find(kind, &name.name) {
            self.push(name.span, Target::Def(i), true);
        }
    }

    fn decl(&mut self, d: &Decl) {
        match &d.kind {
            DeclKind::Let(l) => {
                self.def_named(DefKind::Let, &l.name);
                self.expr(&l.value, &mut Vec::new());
            }
            DeclKind::Signal(x) => {
                self.def_named(DefKind::Signal, &x.name);
                if let Some(w) = &x.weight {
                    self.push(w.span, Target::Number(w.value, w.raw.clone()), false);
                }
                self.expr(&x.value, &mut Vec::new());
            }
            DeclKind::Require(r) => {
                self.def_named(DefKind::Requirement, &r.name);
                self.expr(&r.condition, &mut Vec::new());
            }
            DeclKind::Tier(t) => {
                self.def_named(DefKind::Tier, &t.name);
                if let Some(c) = &t.condition {
                    self.expr(c, &mut Vec::new());
                }
            }
            DeclKind::Rank(r) => {
                self.expr(&r.key, &mut Vec::new());
                for b in &r.then {
                    self.expr(&b.key, &mut Vec::new());
                }
            }
            DeclKind::Limit(n) => self.push(n.span, Target::Number(n.value, n.raw.clone()), false),
            DeclKind::Select(s) => {
                let n = &s.count;
                self.push(n.span, Target::Number(n.value, n.raw.clone()), false);
                for e in s.expressions() {
                    self.expr(e, &mut Vec::new());
                }
            }
            DeclKind::Example(ex) => self.example(ex),
            DeclKind::Ruleset(_) => {}
        }
    }

    fn example(&mut self, ex: &Example) {
        if let ExprKind::Object(entries) = &ex.creator.kind {
            for (k, v) in entries {
                self.push(k.span, Target::Field(vec![k.name.clone()]), true);
                self.literals(v);
            }
        }
        for e in &ex.expects {
            match &e.kind {
                ExpectKind::Rejected(names) => {
                    names
                        .iter()
                        .for_each(|n| self.def_named(DefKind::Requirement, n));
                }
                ExpectKind::Tier(n) => self.def_named(DefKind::Tier, n),
                ExpectKind::Signal(n, _, v) => {
                    self.def_named(DefKind::Signal, n);
                    self.push(v.span, Target::Number(v.value, v.raw.clone()), false);
                }
                ExpectKind::Score(_, v) => {
                    self.push(v.span, Target::Number(v.value, v.raw.clone()), false)
                }
                ExpectKind::Accepted | ExpectKind::Review => {}
            }
        }
    }

    /// The numbers of an example's values.
    fn literals(&mut self, e: &Expr) {
        if let ExprKind::Number(n) = &e.kind {
            self.push(n.span, Target::Number(n.value, n.raw.clone()), false);
        }
        e.children().into_iter().for_each(|c| self.literals(c));
    }

    /// What a bare name means where `scope` holds the lambda parameters.
    fn resolve(&self, name: &str, scope: &[(String, Span)]) -> Target {
        if let Some((p, span)) = scope.iter().rev().find(|(p, _)| p == name) {
            return Target::Param(p.clone(), *span);
        }
        if let Some(i) = self
            .find(DefKind::Let, name)
            .or_else(|| self.find(DefKind::Signal, name))
        {
            return Target::Def(i);
        }
        match crate::check::BUILT_IN_NAMES.iter().find(|b| **b == name) {
            Some(b) => Target::BuiltIn(b),
            None => Target::Field(vec![name.to_string()]),
        }
    }

    /// The field path `e` reads, when it is one: a bare field name,
    /// `creator`, and `.key` or `["key"]` of a path.
    fn path(&self, e: &Expr, scope: &[(String, Span)]) -> Option<Vec<String>> {
        match &e.kind {
            ExprKind::Name(n) => match self.resolve(&n.name, scope) {
                Target::Field(p) => Some(p),
                Target::BuiltIn("creator") => Some(Vec::new()),
                _ => None,
            },
            ExprKind::Field(base, key) => {
                let mut p = self.path(base, scope)?;
                p.push(key.name.clone());
                Some(p)
            }
            ExprKind::Index(base, key) => match &key.kind {
                ExprKind::String(k) => {
                    let mut p = self.path(base, scope)?;
                    p.push(k.clone());
                    Some(p)
                }
                _ => None,
            },
            _ => None,
        }
    }

    fn expr(&mut self, e: &Expr, scope: &mut Vec<(String, Span)>) {
        match &e.kind {
            ExprKind::Name(n) => {
                let target = self.resolve(&n.name, scope);
                self.push(n.span, target, true);
            }
            ExprKind::Number(n) => self.push(n.span, Target::Number(n.value, n.raw.clone()), false),
            ExprKind::Field(base, key) => {
                if let Some(p) = self.path(e, scope).filter(|p| !p.is_empty()) {
                    self.push(key.span, Target::Field(p), true);
                }
                self.expr(base, scope);
            }
            ExprKind::Index(base, key) => {
                if let Some(p) = self.path(e, scope).filter(|p| !p.is_empty()) {
                    self.push(key.span, Target::Field(p), false);
                }
                self.expr(base, scope);
                self.expr(key, scope);
            }
            ExprKind::Call(name, args) => {
                if let Some(f) = Builtin::from_name(&name.name) {
                    self.push(name.span, Target::Function(f), true);
                }
                args.iter().for_each(|a| self.expr(a, scope));
            }
            ExprKind::Lambda(p, body) => {
                self.push(p.span, Target::Param(p.name.clone(), p.span), true);
                scope.push((p.name.clone(), p.span));
                self.expr(body, scope);
                scope.pop();
            }
            _ => e.children().into_iter().for_each(|c| self.expr(c, scope)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symbols(src: &str) -> Symbols {
        Symbols::of(&crate::syntax::parse(src).expect("valid"))
    }

    fn target_at(s: &Symbols, src: &str, needle: &str, nth: usize) -> Target {
        let at = src.match_indices(needle).nth(nth).expect("found").0;
        s.at(at).expect("a place").target.clone()
    }

    #[test]
    fn names_resolve_as_the_language_resolves_them() {
        let src = "let x = 2\nsignal s = any(tags, x => x == \"a\") \nrequire r: x > 1 and audience.share >= 10k and creator[\"odd key\"] > s\n";
        let s = symbols(src);
        assert_eq!(target_at(&s, src, "x", 0), Target::Def(0));
        // the lambda's parameter hides the let
        assert!(matches!(target_at(&s, src, "x ==", 0), Target::Param(..)));
        assert_eq!(target_at(&s, src, "x >", 0), Target::Def(0));
        assert_eq!(
            target_at(&s, src, "share", 0),
            Target::Field(vec!["audience".into(), "share".into()])
        );
        assert_eq!(
            target_at(&s, src, "10k", 0),
            Target::Number(10_000.0, "10k".into())
        );
        assert_eq!(
            target_at(&s, src, "\"odd key\"", 0),
            Target::Field(vec!["odd key".into()])
        );
        assert_eq!(target_at(&s, src, "any", 0), Target::Function(Builtin::Any));
        assert_eq!(target_at(&s, src, "s\n", 0), Target::Def(1));
    }

    #[test]
    fn expectations_refer_to_requirements_tiers_and_signals() {
        let src = "require micro: followers > 1\nsignal e = 1\ntier gold when score > 0.5\nexample \"a\" {\n  creator { followers: 5 }\n  expect rejected by micro\n  expect tier gold\n  expect signal e >= 0.5\n}\n";
        let s = symbols(src);
        let micro = s.find(DefKind::Requirement, "micro").expect("micro");
        assert_eq!(s.references(&Target::Def(micro)).count(), 2);
        let gold = s.find(DefKind::Tier, "gold").expect("gold");
        assert_eq!(s.references(&Target::Def(gold)).count(), 2);
        let e = s.find(DefKind::Signal, "e").expect("e");
        assert_eq!(s.references(&Target::Def(e)).count(), 2);
    }
}
