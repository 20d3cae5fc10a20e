//! Checks a parsed rules file before any record is read: declarations
//! (order, duplicates, weights, limits, tiers, examples), expressions
//! ([`exprs`]: functions, arity, types known without data, regexes) and
//! dependencies ([`cycles`]). Every problem is collected; none stops the pass.

mod cycles;
mod declarations;
mod exprs;
mod names;
mod select;

use std::collections::{HashMap, HashSet};

use crate::ast::*;
use crate::diagnostic::{did_you_mean, RuleDiagnostic};

/// Names that the language gives a meaning of its own.
pub const BUILT_IN_NAMES: [&str; 3] = ["score", "tier", "creator"];

/// The longest shortlist `limit N` or `--top N` may ask for.
pub const MAX_SHORTLIST: u64 = 1_000_000_000;

/// Why a number is not a shortlist length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShortlistError {
    /// `limit 0`, `limit 2.5`, `--top 0`.
    #[error("must be a whole number, at least 1")]
    NotWhole,
    /// `limit 99999999999999999999999`.
    #[error("at most 1,000,000,000 creators")]
    TooLarge,
}

/// A shortlist length, as `limit N` in a rules file and `--top N` take it:
/// one rule for both, so neither rounds or saturates a number quietly.
pub fn shortlist_length(n: f64) -> Result<usize, ShortlistError> {
    if n.is_nan() || n < 1.0 || n.fract() != 0.0 {
        Err(ShortlistError::NotWhole)
    } else if n > MAX_SHORTLIST as f64 {
        Err(ShortlistError::TooLarge)
    } else {
        Ok(n as usize)
    }
}

/// Everything the file declares, by name.
pub(crate) struct Declared<'f> {
    pub lets: Vec<&'f Let>,
    pub signals: Vec<&'f Signal>,
    pub requires: Vec<&'f Require>,
    pub tiers: Vec<&'f Tier>,
    /// Name -> index of the first let / signal of that name. Every name in
    /// every expression is looked up here, so a search through the list
    /// would make a large file quadratic.
    let_names: HashMap<&'f str, usize>,
    signal_names: HashMap<&'f str, usize>,
    pub require_names: HashSet<&'f str>,
    pub tier_names: HashSet<&'f str>,
    /// Lets and signals whose definition reads their own name: meant as
    /// the field of that name ([`cycles::hidden_fields`]), so their kind is
    /// left unknown and the self-reference is no cycle.
    pub hiding: HashSet<&'f str>,
    /// Names of declarations that could not be parsed: an example may
    /// expect them without being told they do not exist.
    pub broken: HashSet<&'f str>,
}

impl<'f> Declared<'f> {
    pub fn collect(file: &'f RulesFile) -> Self {
        let mut d = Declared {
            lets: vec![],
            signals: vec![],
            requires: vec![],
            tiers: vec![],
            let_names: HashMap::new(),
            signal_names: HashMap::new(),
            require_names: HashSet::new(),
            tier_names: HashSet::new(),
            hiding: HashSet::new(),
            broken: HashSet::new(),
        };
        for decl in &file.decls {
            match &decl.kind {
                DeclKind::Let(l) => d.lets.push(l),
                DeclKind::Signal(s) => d.signals.push(s),
                DeclKind::Require(r) => d.requires.push(r),
                DeclKind::Tier(t) => d.tiers.push(t),
                _ => {}
            }
        }
        for (i, l) in d.lets.iter().enumerate().rev() {
            d.let_names.insert(&l.name.name, i);
        }
        for (i, s) in d.signals.iter().enumerate().rev() {
            d.signal_names.insert(&s.name.name, i);
        }
        d.require_names = d.requires.iter().map(|r| r.name.name.as_str()).collect();
        d.tier_names = d.tiers.iter().map(|t| t.name.name.as_str()).collect();
        d
    }

    /// The first `let` of this name.
    pub fn let_index(&self, name: &str) -> Option<usize> {
        self.let_names.get(name).copied()
    }

    /// The first `signal` of this name.
    pub fn signal_index(&self, name: &str) -> Option<usize> {
        self.signal_names.get(name).copied()
    }
}

/// Checks the declarations of a file that could be parsed, when those
/// named `broken` could not (their syntax errors are reported already):
/// nothing is reported for referring to them.
pub fn check_recovered<'f>(
    src: &str,
    file: &'f RulesFile,
    broken: &'f [String],
) -> Vec<RuleDiagnostic> {
    let mut declared = Declared::collect(file);
    declared.broken = broken.iter().map(String::as_str).collect();
    let mut errors = Vec::new();
    declared.hiding = cycles::hidden_fields(&declared, &mut errors);
    declarations::check_declarations(file, &declared, &mut errors);
    let let_order = cycles::check_dependencies(file, &declared, &mut errors);
    exprs::check_expressions(src, file, &declared, &let_order, &mut errors);
    errors
}

/// Warnings about a file that is valid (empty when there is nothing to
/// say): bare names read as fields that look like a typo of a let or signal.
pub fn warnings(file: &RulesFile) -> Vec<RuleDiagnostic> {
    let declared = Declared::collect(file);
    names::fields_close_to_declared(file, &declared)
}

/// Errors after which "did you mean" is no longer worked out: each search
/// goes through every declared name, so a file with thousands of bad
/// expectations would take quadratic time (the CLI shows the first 50).
const SUGGESTIONS: usize = 100;

pub(super) fn check_example(ex: &Example, declared: &Declared, errors: &mut Vec<RuleDiagnostic>) {
    for c in std::iter::once(&ex.creator).chain(&ex.population) {
        literal_only(c, errors);
    }
    check_today(ex, errors);
    let suggest = errors.len() < SUGGESTIONS;
    let unknown = |what: &str, code: &'static str, name: &Ident, known: Vec<&str>| {
        let mut d = RuleDiagnostic::error(
            code,
            name.span,
            format!(
                "this example expects {what} `{}`, which the file does not declare",
                name.name
            ),
            format!("no {what} of this name"),
        );
        let guess = suggest
            .then(|| did_you_mean(&name.name, known.iter().copied()))
            .flatten();
        d = match guess {
            Some(s) => d.with_help(format!("did you mean `{s}`?")).with_fix(s),
            None if known.is_empty() => d.with_help(format!("the file declares no {what}")),
            None if !suggest => d.with_help(format!("declare the {what}, or fix the name")),
            None => {
                let mut names = known.clone();
                names.dedup();
                d.with_help(format!("the file declares: {}", names.join(", ")))
            }
        };
        d
    };
    for e in &ex.expects {
        match &e.kind {
            ExpectKind::Rejected(names) => {
                for n in names {
                    if !declared.require_names.contains(n.name.as_str())
                        && !declared.broken.contains(n.name.as_str())
                    {
                        let known: Vec<&str> = declared
                            .requires
                            .iter()
                            .map(|r| r.name.name.as_str())
                            .collect();
                        errors.push(unknown(
                            "requirement",
                            "influence::unknown-requirement",
                            n,
                            known,
                        ));
                    }
                }
            }
            ExpectKind::Tier(n) => {
                if !declared.tier_names.contains(n.name.as_str())
                    && !declared.broken.contains(n.name.as_str())
                {
                    let known: Vec<&str> = declared
                        .tiers
                        .iter()
                        .map(|t| t.name.name.as_str())
                        .collect();
                    errors.push(unknown("tier", "influence::unknown-tier", n, known));
                }
            }
            ExpectKind::Signal(n, _, _) => {
                if declared.signal_index(&n.name).is_none()
                    && !declared.broken.contains(n.name.as_str())
                {
                    let known: Vec<&str> = declared
                        .signals
                        .iter()
                        .map(|s| s.name.name.as_str())
                        .collect();
                    errors.push(unknown("signal", "influence::unknown-signal", n, known));
                }
            }
            ExpectKind::Accepted | ExpectKind::Review | ExpectKind::Score(..) => {}
        }
    }
}

/// Example creators hold data, not rules: literals, lists and objects only,
/// each key once.
fn literal_only(e: &Expr, errors: &mut Vec<RuleDiagnostic>) {
    if let ExprKind::Object(entries) = &e.kind {
        let mut first_given: HashMap<&str, Span> = HashMap::new();
        for (k, _) in entries {
            if let Some(first) = first_given.get(k.name.as_str()) {
                errors.push(
                    RuleDiagnostic::error(
                        "influence::duplicate",
                        k.span,
                        format!("the key `{}` is given twice", k.name),
                        "given again here",
                    )
                    .with_extra(*first, "first given here")
                    .with_help("give each field of an example creator once"),
                );
            } else {
                first_given.insert(&k.name, k.span);
            }
        }
    }
    match &e.kind {
        ExprKind::Number(_) | ExprKind::String(_) | ExprKind::Bool(_) => {}
        ExprKind::Neg(x) if matches!(x.kind, ExprKind::Number(_)) => {}
        ExprKind::Name(n) if n.name == "null" => {}
        ExprKind::List(xs) => xs.iter().for_each(|x| literal_only(x, errors)),
        ExprKind::Object(entries) => entries.iter().for_each(|(_, x)| literal_only(x, errors)),
        _ => errors.push(
            RuleDiagnostic::error(
                "influence::example",
                e.span,
                "an example creator holds only literal values",
                "not a literal",
            )
            .with_help(
                "write the value itself: a number, a string, true/false, null, a list or an object",
            ),
        ),
    }
}

/// An example's `today "YYYY-MM-DD"`: a real date, given once.
fn check_today(ex: &Example, errors: &mut Vec<RuleDiagnostic>) {
    for (i, t) in ex.today.iter().enumerate() {
        if i > 0 {
            errors.push(
                RuleDiagnostic::error(
                    "influence::example-today",
                    t.span,
                    format!("example {:?} gives `today` twice", ex.name.value),
                    "a second date",
                )
                .with_help("keep one `today \"YYYY-MM-DD\"` per example"),
            );
        } else if crate::language::dates::read_day(&t.value).is_none() {
            errors.push(
                RuleDiagnostic::error(
                    "influence::example-today",
                    t.span,
                    format!("{:?} is not a date", t.value),
                    "not a YYYY-MM-DD date",
                )
                .with_help("write the example's date as `today \"2026-12-02\"` (year, month, day)"),
            );
        }
    }
}
