//! One version of a rules file, analysed: its diagnostics from the same
//! check pass `influence-eval check` runs (same codes, spans and help),
//! the tree (what could be read of it, when it has errors), the compiled
//! ruleset when it is valid, what every name refers to, and the sample
//! data's fields checked against the fields the rules read.

use std::path::PathBuf;

use crate::ast::{DeclKind, RulesFile, Span};
use crate::diagnostic::{did_you_mean, RuleDiagnostic};
use crate::examples::{undated, undated_warning};
use crate::language::path_syntax;
use crate::Ruleset;

use super::sample::{Sample, Shared};
use super::symbols::{Symbols, Target};

/// The sample data of a document: the file, and what reading it gave.
pub(crate) type SampleRef = Option<(PathBuf, Shared)>;

/// What is known about one version of a document.
pub(crate) struct Analysis {
    /// The tree; only the declarations that could be read when the file
    /// has syntax errors.
    pub ast: RulesFile,
    /// The ruleset, when the file is valid.
    pub rules: Option<Ruleset>,
    /// Every error, or when there is none every warning, in source order.
    pub diagnostics: Vec<RuleDiagnostic>,
    pub symbols: Symbols,
    pub sample: SampleRef,
}

impl Analysis {
    /// Analyses `text`, named `file` in messages, with its sample.
    pub fn of(file: &str, text: &str, sample: SampleRef) -> Analysis {
        // parsed once: the tree is kept whether or not the file is valid
        let parsed = crate::syntax::parse_recovering(text);
        let ast = parsed.file.clone().unwrap_or_default();
        let (rules, mut diagnostics) = match Ruleset::compile_parsed(file, text, parsed) {
            Ok(rules) => {
                let warnings = warnings(&rules, &ast, sample_of(&sample));
                (Some(rules), warnings)
            }
            Err(e) => (None, e.diagnostics),
        };
        let symbols = Symbols::of(&ast);
        if let Some(s) = sample_of(&sample) {
            diagnostics.extend(unknown_fields(&ast, &symbols, s));
        }
        diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
        Analysis {
            ast,
            rules,
            diagnostics,
            symbols,
            sample,
        }
    }

    /// The sample, when it could be read and holds records.
    pub fn sample(&self) -> Option<&Sample> {
        sample_of(&self.sample)
    }
}

fn sample_of(sample: &SampleRef) -> Option<&Sample> {
    sample
        .as_ref()
        .and_then(|(_, s)| s.as_ref().as_ref().ok())
        .filter(|s| !s.records.is_empty())
}

/// The warnings of a valid file, as `check --data` gives them: a bare
/// name read as a field that looks like a typo of a let, unless the
/// sample's records have that field; an example without `today` in rules
/// that use `days_since`.
fn warnings(rules: &Ruleset, ast: &RulesFile, sample: Option<&Sample>) -> Vec<RuleDiagnostic> {
    let mut out: Vec<RuleDiagnostic> = rules
        .warnings()
        .iter()
        .filter(|w| {
            let name = rules.program().text(w.span).to_string();
            !sample.is_some_and(|s| s.has(&[name]))
        })
        .cloned()
        .collect();
    for name in undated(rules) {
        let span = ast.decls.iter().find_map(|d| match &d.kind {
            DeclKind::Example(ex) if ex.name.value == name => Some(ex.name.span),
            _ => None,
        });
        if let Some(span) = span {
            out.push(
                RuleDiagnostic::error(
                    "influence::example-today",
                    span,
                    undated_warning(&name),
                    "no `today`",
                )
                .warning(),
            );
        }
    }
    out
}

/// A warning for each place the rules read a field that no record of the
/// sample has (at the first key missing along its path), with the
/// closest key the records do have there: `check --data`'s warning, at
/// its place.
fn unknown_fields(ast: &RulesFile, symbols: &Symbols, sample: &Sample) -> Vec<RuleDiagnostic> {
    let examples: Vec<Span> = ast
        .decls
        .iter()
        .filter(|d| matches!(d.kind, DeclKind::Example(_)))
        .map(|d| d.span)
        .collect();
    let mut out = Vec::new();
    for o in &symbols.occurrences {
        let Target::Field(path) = &o.target else {
            continue;
        };
        let in_example = examples
            .iter()
            .any(|s| s.start <= o.span.start && o.span.end <= s.end);
        let parent = &path[..path.len().saturating_sub(1)];
        let parent_is_object = parent.is_empty()
            || sample
                .field(parent)
                .is_some_and(|f| f.kinds[4] > 0 && f.kinds[3] == 0);
        if in_example || path.is_empty() || sample.has(path) || !parent_is_object {
            continue;
        }
        out.push(unknown_field(o.span, o.plain, path, sample));
    }
    out
}

fn unknown_field(span: Span, plain: bool, path: &[String], sample: &Sample) -> RuleDiagnostic {
    let (parent, last) = path.split_at(path.len() - 1);
    let keys: Vec<&str> = sample.keys_under(parent).collect();
    let close = did_you_mean(&last[0], keys.iter().copied());
    let shown = path_syntax(path);
    let d = RuleDiagnostic::error(
        "influence::unknown-field",
        span,
        format!(
            "`{shown}` appears in no record of the sample ({})",
            sample.describe()
        ),
        "no record has this field",
    )
    .warning();
    match close {
        Some(c) => {
            let mut p = parent.to_vec();
            p.push(c.to_string());
            let d = d.with_help(format!("did you mean `{}`?", path_syntax(&p)));
            if plain {
                d.with_fix(c)
            } else {
                d
            }
        }
        None => {
            let some: Vec<&str> = keys.iter().take(12).copied().collect();
            d.with_help(match some.is_empty() {
                true => "the records have no fields there".to_string(),
                false => format!("the records' fields there include {}", some.join(", ")),
            })
        }
    }
}
