//! Function calls: unknown names and arity (with "did you mean"), each
//! argument against what the function takes, lambdas where a function
//! takes one, and what a lambda's body must give.

use super::{is_path, kind_name, Walker};
use crate::ast::*;
use crate::diagnostic::{did_you_mean, RuleDiagnostic};
use crate::language::{Builtin, Kind, Param};

impl Walker<'_, '_, '_> {
    pub(super) fn call(&mut self, e: &Expr, name: &Ident, args: &[Expr]) -> Option<Kind> {
        let Some(f) = Builtin::from_name(&name.name) else {
            self.unknown_function(name);
            for a in args {
                self.arg(a, Param::Any);
            }
            return None;
        };
        self.arity(e, f, args.len());
        let lambda_last = args
            .last()
            .is_some_and(|a| matches!(a.kind, ExprKind::Lambda(..)));
        for (i, a) in args.iter().enumerate() {
            let p = match f {
                // `min(list)` (or one number, returned as is): checked at
                // run time; `min(list, x => e)`; else numbers (below)
                Builtin::Min | Builtin::Max if args.len() == 1 && !lambda_last => Param::Any,
                Builtin::Min | Builtin::Max if lambda_last => {
                    if i == 0 {
                        Param::Is(Kind::List)
                    } else {
                        Param::Lambda
                    }
                }
                _ => f.param(i),
            };
            if p == Param::Lambda {
                self.lambda_arg(f, a);
            } else {
                self.arg(a, p);
            }
        }
        self.constant_args(f, args);
        self.cohort_args(f, args);
        // min/max with one argument take a list, else numbers
        if matches!(f, Builtin::Min | Builtin::Max) && args.len() > 1 && !lambda_last {
            for a in args {
                let t = self.quiet_ty(a);
                self.expect(a, t, Kind::Number, &format!("`{}`", f.name()));
            }
        }
        f.returns()
    }

    fn unknown_function(&mut self, name: &Ident) {
        let names = Builtin::ALL.iter().map(|(n, _)| *n);
        let guess = did_you_mean(&name.name, names);
        let help = match guess {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "the functions are {}",
                Builtin::ALL
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let d = RuleDiagnostic::error(
            "influence::unknown-function",
            name.span,
            format!("unknown function `{}`", name.name),
            "no function of this name",
        )
        .with_help(help);
        self.push(match guess {
            Some(g) => d.with_fix(g),
            None => d,
        });
    }

    /// Too few or too many arguments for `f`.
    fn arity(&mut self, e: &Expr, f: Builtin, given: usize) {
        let (min, max) = f.arity();
        if given >= min && max.is_none_or(|m| given <= m) {
            return;
        }
        let wanted = match max {
            Some(m) if m == min => format!("{min}"),
            Some(m) => format!("{min} or {m}"),
            None => format!("at least {min}"),
        };
        self.push(
            RuleDiagnostic::error(
                "influence::arity",
                e.span,
                format!(
                    "`{}` takes {wanted} argument{}, not {given}",
                    f.name(),
                    if wanted == "1" { "" } else { "s" },
                ),
                format!(
                    "{given} argument{} given",
                    if given == 1 { "" } else { "s" }
                ),
            )
            .with_help(format!("call it as {}", quoted_usage(f.usage()))),
        );
    }

    /// An argument where `f` takes `x => ...`: a lambda, whose body is
    /// checked with its parameter in scope, or an error.
    fn lambda_arg(&mut self, f: Builtin, a: &Expr) {
        let ExprKind::Lambda(param, body) = &a.kind else {
            self.push(
                RuleDiagnostic::error(
                    "influence::lambda",
                    a.span,
                    format!(
                        "the second argument of `{}` must be a function of each element",
                        f.name()
                    ),
                    "expected `x => ...`",
                )
                .with_help(format!("call it as {}", quoted_usage(f.usage()))),
            );
            self.ty(a);
            return;
        };
        if param.name == "creator" {
            // `creator.NAME` always reads the record's field
            self.push(
                RuleDiagnostic::error(
                    "influence::reserved-name",
                    param.span,
                    "`creator` is a built-in name",
                    "cannot name a parameter",
                )
                .with_help("`creator` is the whole record; name the parameter something else, e.g. `c => c.email`"),
            );
        }
        self.scope.push(param.name.clone());
        let t = self.ty(body);
        self.lambda_body(f, body, t);
        self.scope.pop();
    }

    /// The body of a list function's lambda gives what the function needs:
    /// a number to aggregate, a condition to filter by. (`any`, `all` and
    /// `count` are left as they were: their bodies are checked at run time.)
    fn lambda_body(&mut self, f: Builtin, body: &Expr, t: Option<Kind>) {
        use Builtin::*;
        let want = match f {
            Sum | Avg | Min | Max | Median => Kind::Number,
            Filter | First => Kind::Bool,
            _ => return,
        };
        self.expect(body, t, want, &format!("the lambda of `{}`", f.name()));
    }

    pub(super) fn quiet_ty(&mut self, e: &Expr) -> Option<Kind> {
        let q = self.quiet;
        self.quiet = true;
        let t = self.ty(e);
        self.quiet = q;
        t
    }

    fn arg(&mut self, a: &Expr, p: Param) {
        let t = self.ty(a);
        match p {
            Param::Any | Param::Lambda => {}
            Param::Is(k) => self.expect(a, t, k, "this argument"),
            Param::Sized => {
                if let Some(k) = t {
                    if !matches!(k, Kind::String | Kind::List | Kind::Object) {
                        let text = self.text(a).to_string();
                        self.type_error(
                            a,
                            format!(
                                "`len` needs text or a list, but `{text}` is {}",
                                kind_name(k)
                            ),
                            format!("{} here", kind_name(k)),
                            "`len` counts the characters of text or the elements of a list",
                        );
                    }
                }
            }
            Param::Path => {
                if !is_path(a) {
                    self.push(
                        RuleDiagnostic::error(
                            "influence::type",
                            a.span,
                            "`has` takes a field, such as `has(authenticity_score)` or `has(audience.female_share)`",
                            "not a field",
                        )
                        .with_help("to test any other value for missing, use `x ?? default`"),
                    );
                }
            }
        }
    }
}

/// The functions that take `x => ...`, for messages: "any, all, ... or median".
pub(super) fn lambda_functions() -> String {
    let names: Vec<&str> = Builtin::TAKE_LAMBDA.iter().map(|f| f.name()).collect();
    match names.split_last() {
        Some((last, init)) => format!("{} or {last}", init.join(", ")),
        None => String::new(),
    }
}

/// A function's usage with each alternative in backticks:
/// `` `sum(list)` or `sum(list, x => number)` ``; the `or` inside
/// `len(text or list)` is part of its one form.
pub(in crate::check) fn quoted_usage(usage: &str) -> String {
    let mut out = String::from("`");
    let mut depth = 0usize;
    let mut rest = usage;
    while let Some(c) = rest.chars().next() {
        if depth == 0 {
            if let Some(sep) = [", ", " or "].into_iter().find(|sep| rest.starts_with(sep)) {
                out.push('`');
                out.push_str(sep);
                out.push('`');
                rest = &rest[sep.len()..];
                continue;
            }
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.push('`');
    out
}
