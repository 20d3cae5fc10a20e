//! The answers that map an analysis onto the protocol's types:
//! diagnostics, quick fixes, the outline, go to definition, references,
//! formatting and the code lenses.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeLens, Command, Diagnostic,
    DiagnosticRelatedInformation, DiagnosticSeverity, DocumentSymbol, Location, NumberOrString,
    Range, SymbolKind, TextEdit, Uri, WorkspaceEdit,
};
use miette::Severity;

use crate::ast::{DeclKind, Span};
use crate::diagnostic::RuleDiagnostic;
use crate::examples::describe_verdict;
use crate::language::human::count;
use crate::RunOptions;

use super::analysis::Analysis;
use super::position::LineIndex;
use super::symbols::Target;

/// Where the source of every diagnostic says it came from.
pub(crate) const SOURCE: &str = "influence-eval";

/// A text, with the index of its lines: what every answer maps spans with.
pub(crate) struct Text<'t> {
    pub text: &'t str,
    pub index: &'t LineIndex,
    pub uri: &'t Uri,
}

impl Text<'_> {
    pub fn range(&self, span: Span) -> Range {
        self.index.range(self.text, span)
    }
}

/// A check diagnostic as the protocol's: the same code, range, message
/// and help (on a line of its own), the other places it points at.
pub(crate) fn diagnostic(t: &Text, d: &RuleDiagnostic) -> Diagnostic {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .extra
        .iter()
        .map(|(span, label)| DiagnosticRelatedInformation {
            location: Location::new(t.uri.clone(), t.range(*span)),
            message: label.clone(),
        })
        .collect();
    Diagnostic {
        range: t.range(d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Advice => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

/// A quick fix for each diagnostic with a fix whose range meets `range`.
pub(crate) fn quick_fixes(t: &Text, a: &Analysis, range: Range) -> Vec<CodeActionOrCommand> {
    let meets = |r: Range| r.start <= range.end && range.start <= r.end;
    a.diagnostics
        .iter()
        .filter(|d| meets(t.range(d.span)))
        .filter_map(|d| {
            let fix = d.fix.as_ref()?;
            let was = t.text.get(d.span.start..d.span.end).unwrap_or("");
            let edit = TextEdit::new(t.range(d.span), fix.clone());
            // lsp-types keys a workspace edit by `Uri`, whose hash is its
            // text: the cell inside it that clippy sees never changes that
            #[allow(clippy::mutable_key_type)]
            let changes = HashMap::from([(t.uri.clone(), vec![edit])]);
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Replace `{was}` with `{fix}`"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic(t, d)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }))
        })
        .collect()
}

/// The outline: every declaration, examples included.
pub(crate) fn outline(t: &Text, a: &Analysis) -> Vec<DocumentSymbol> {
    a.ast
        .decls
        .iter()
        .map(|d| {
            let (name, kind, detail, at) = match &d.kind {
                DeclKind::Ruleset(n) => (n.value.clone(), SymbolKind::MODULE, "ruleset", n.span),
                DeclKind::Let(l) => (
                    l.name.name.clone(),
                    SymbolKind::CONSTANT,
                    "let",
                    l.name.span,
                ),
                DeclKind::Require(r) => (
                    r.name.name.clone(),
                    SymbolKind::BOOLEAN,
                    "require",
                    r.name.span,
                ),
                DeclKind::Signal(s) => (
                    s.name.name.clone(),
                    SymbolKind::NUMBER,
                    "signal",
                    s.name.span,
                ),
                DeclKind::Tier(x) => (
                    x.name.name.clone(),
                    SymbolKind::ENUM_MEMBER,
                    "tier",
                    x.name.span,
                ),
                DeclKind::Rank(r) => (
                    t.text
                        .get(r.key.span.start..r.key.span.end)
                        .unwrap_or("")
                        .to_string(),
                    SymbolKind::OPERATOR,
                    "rank by",
                    r.key.span,
                ),
                DeclKind::Limit(n) => (n.raw.clone(), SymbolKind::NUMBER, "limit", n.span),
                DeclKind::Select(s) => (
                    s.count.raw.clone(),
                    SymbolKind::NUMBER,
                    "select",
                    s.count.span,
                ),
                DeclKind::Example(e) => (
                    e.name.value.clone(),
                    SymbolKind::EVENT,
                    "example",
                    e.name.span,
                ),
            };
            #[allow(deprecated)] // `deprecated` is a field the type requires
            DocumentSymbol {
                name: if name.is_empty() {
                    detail.to_string()
                } else {
                    name
                },
                detail: Some(detail.to_string()),
                kind,
                tags: None,
                deprecated: None,
                range: t.range(d.span),
                selection_range: t.range(at),
                children: None,
            }
        })
        .collect()
}

/// Where the thing at `offset` is declared: a let, signal, requirement or
/// tier, or a lambda parameter.
pub(crate) fn definition(t: &Text, a: &Analysis, offset: usize) -> Option<Location> {
    let span = match &a.symbols.at(offset)?.target {
        Target::Def(i) => a.symbols.defs[*i].name_span,
        Target::Param(_, span) => *span,
        _ => return None,
    };
    Some(Location::new(t.uri.clone(), t.range(span)))
}

/// Every place that refers to what is at `offset`; the declaration itself
/// only when asked for.
pub(crate) fn references(
    t: &Text,
    a: &Analysis,
    offset: usize,
    declaration: bool,
) -> Vec<Location> {
    let Some(o) = a.symbols.at(offset) else {
        return Vec::new();
    };
    let decl = match &o.target {
        Target::Def(i) => Some(a.symbols.defs[*i].name_span),
        Target::Param(_, span) => Some(*span),
        _ => None,
    };
    a.symbols
        .references(&o.target)
        .filter(|r| declaration || Some(r.span) != decl)
        .map(|r| Location::new(t.uri.clone(), t.range(r.span)))
        .collect()
}

/// The whole text in the canonical layout, as `fmt` writes it: one edit,
/// none when it is already so; `None` when the text does not parse.
pub(crate) fn format(t: &Text) -> Option<Vec<TextEdit>> {
    let formatted = crate::formatter::format_source(t.text).ok()?;
    if formatted == t.text {
        return Some(Vec::new());
    }
    let whole = Span::new(0, t.text.len());
    Some(vec![TextEdit::new(t.range(whole), formatted)])
}

/// A lens that only shows text: clicking it does nothing.
fn lens(range: Range, title: String) -> CodeLens {
    CodeLens {
        range,
        command: Some(Command::new(title, String::new(), None)),
        data: None,
    }
}

/// A lens above each example with what it came to, and one above the
/// ruleset with what screening the sample gives.
pub(crate) fn lenses(t: &Text, a: &Analysis) -> Vec<CodeLens> {
    let mut out = Vec::new();
    let top = a
        .ast
        .decls
        .iter()
        .find(|d| matches!(d.kind, DeclKind::Ruleset(_)))
        .or(a.ast.decls.first())
        .map_or(Span::new(0, 0), |d| d.span);
    out.push(lens(
        t.range(Span::new(top.start, top.start)),
        screen_title(a),
    ));
    let examples = a
        .ast
        .decls
        .iter()
        .filter(|d| matches!(d.kind, DeclKind::Example(_)));
    let results = a.rules.as_ref().map(|r| r.run_examples());
    for (i, d) in examples.enumerate() {
        let title = match results.as_ref().and_then(|r| r.get(i)) {
            None => "run: fix the rules' errors first".to_string(),
            Some(r) if r.passed() => format!("run: ✓ passes ({})", describe_verdict(&r.verdict)),
            Some(r) => format!(
                "run: ✗ {} ({})",
                r.failures.first().map_or("fails", |f| f.message.as_str()),
                describe_verdict(&r.verdict)
            ),
        };
        out.push(lens(t.range(Span::new(d.span.start, d.span.start)), title));
    }
    out
}

fn screen_title(a: &Analysis) -> String {
    let Some((path, sample)) = &a.sample else {
        return "screen the sample: no data (add `# data: FILE` at the top, or set influenceEval.dataFile)".to_string();
    };
    let sample = match sample.as_ref() {
        Ok(s) => s,
        Err(e) => return format!("screen the sample: cannot read {}: {e}", path.display()),
    };
    let Some(rules) = &a.rules else {
        return format!(
            "screen the sample ({}): fix the rules' errors first",
            sample.describe()
        );
    };
    let report = rules.screen(sample.records.iter().cloned(), &RunOptions::default());
    let mut title = format!(
        "screen the sample ({}): {} accepted · {} review · {} rejected",
        sample.describe(),
        count(report.accepted),
        count(report.review),
        count(report.rejected),
    );
    if report.errors + sample.damaged > 0 {
        title.push_str(&format!(
            " · {} errors",
            count(report.errors + sample.damaged)
        ));
    }
    if let Some(note) = &sample.note {
        title.push_str(&format!(" (reading stopped early: {note})"));
    }
    title
}
