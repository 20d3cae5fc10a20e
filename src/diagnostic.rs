//! Diagnostics about a rules file: one data type for every stage (syntax,
//! check), each with a stable code, a span, a label and computed help, and
//! the collection of them that the library returns as a `miette::Diagnostic`.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, Severity, SourceCode};

use crate::ast::Span;

/// One problem found in a rules file.
#[derive(Clone, Debug)]
pub struct RuleDiagnostic {
    /// Stable code, such as `influence::parse`.
    pub code: &'static str,
    /// What is wrong, one sentence.
    pub message: String,
    /// Where.
    pub span: Span,
    /// The text under the underline.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Error or warning.
    pub severity: Severity,
    /// Further places worth pointing at (the first definition of a duplicate).
    pub extra: Vec<(Span, String)>,
    /// Text that fixes the problem when it replaces the text under `span`:
    /// the name a "did you mean" offers, `==` for `=`, `and` for `AND`.
    /// Editors offer it as a quick fix (`influence-eval lsp`).
    pub fix: Option<String>,
    /// The file this is about, attached when the diagnostic leaves the library.
    pub source: Option<Arc<NamedSource<String>>>,
}

impl RuleDiagnostic {
    /// An error with a code, a message, a place and a label.
    pub(crate) fn error(
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        RuleDiagnostic {
            code,
            message: message.into(),
            span,
            label: label.into(),
            help: None,
            severity: Severity::Error,
            extra: Vec::new(),
            fix: None,
            source: None,
        }
    }

    /// Adds the replacement for the text under the span that fixes it.
    pub(crate) fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    /// Adds help text.
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a second labelled place.
    pub(crate) fn with_extra(mut self, span: Span, label: impl Into<String>) -> Self {
        self.extra.push((span, label.into()));
        self
    }

    /// Makes it a warning.
    pub(crate) fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// 1-based line and column of the start of the span in `src`.
    pub fn line_col(&self, src: &str) -> (usize, usize) {
        line_col(src, self.span.start)
    }
}

/// 1-based line and column (in characters) of byte `offset` in `src`.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..floor_char_boundary(src, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for RuleDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuleDiagnostic {}

impl Diagnostic for RuleDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_deref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let main = LabeledSpan::new_primary_with_span(Some(self.label.clone()), self.span);
        let extra = self
            .extra
            .iter()
            .map(|(s, l)| LabeledSpan::new_with_span(Some(l.clone()), *s));
        Some(Box::new(std::iter::once(main).chain(extra)))
    }
}

/// Every problem found in a rules file, in source order. Returned when a
/// ruleset cannot be compiled; each entry is also a `miette::Diagnostic`.
#[derive(Debug, Clone)]
pub struct RulesError {
    /// The file name shown in reports.
    pub file: String,
    /// The rules source.
    pub source_text: Arc<NamedSource<String>>,
    /// The problems, errors first in source order, then warnings.
    pub diagnostics: Vec<RuleDiagnostic>,
}

impl RulesError {
    /// Wraps diagnostics about `src`, attaching the source to each.
    pub(crate) fn new(file: &str, src: &str, mut diagnostics: Vec<RuleDiagnostic>) -> Self {
        let source_text = Arc::new(NamedSource::new(file, src.to_string()));
        diagnostics.sort_by_key(|d| (d.severity != Severity::Error, d.span.start));
        for d in &mut diagnostics {
            d.source = Some(source_text.clone());
        }
        RulesError {
            file: file.to_string(),
            source_text,
            diagnostics,
        }
    }

    /// The number of errors (not warnings).
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.error_count();
        write!(
            f,
            "{} has {} error{}",
            self.file,
            n,
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for RulesError {}

impl Diagnostic for RulesError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("influence::rules"))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(
            self.diagnostics.iter().map(|d| d as &dyn Diagnostic),
        ))
    }
}

/// A diagnostic as one JSON object, for `--error-format json`: what CI
/// scripts and editors read. Lines and columns are 1-based; columns count
/// characters.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct JsonDiagnostic {
    /// Stable code, such as `influence::parse`.
    pub code: String,
    /// `error`, `warning` or `advice`.
    pub severity: &'static str,
    /// What is wrong.
    pub message: String,
    /// The file it is about, when there is one.
    pub file: Option<String>,
    /// Where in the file, when known.
    pub line: Option<usize>,
    /// Where on the line, when known.
    pub column: Option<usize>,
    /// The places underlined in the human form, each with its text.
    pub labels: Vec<JsonLabel>,
    /// How to fix it.
    pub help: Option<String>,
}

/// One underlined place of a [`JsonDiagnostic`].
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct JsonLabel {
    /// The text under the underline.
    pub message: Option<String>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset in the file.
    pub offset: usize,
    /// Length in bytes.
    pub length: usize,
}

impl JsonDiagnostic {
    /// Any diagnostic's code, severity, message and help, without a place.
    pub fn of(d: &dyn Diagnostic) -> Self {
        JsonDiagnostic {
            code: d
                .code()
                .map_or_else(|| "influence::error".to_string(), |c| c.to_string()),
            severity: match d.severity().unwrap_or(Severity::Error) {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Advice => "advice",
            },
            message: d.to_string(),
            file: None,
            line: None,
            column: None,
            labels: Vec::new(),
            help: d.help().map(|h| h.to_string()),
        }
    }

    /// The same, about `file`.
    pub(crate) fn in_file(mut self, file: &str) -> Self {
        self.file = Some(file.to_string());
        self
    }

    /// The same, at `line` and `column` of its file.
    pub(crate) fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

impl RuleDiagnostic {
    /// This diagnostic as JSON, placed in the file attached to it.
    pub fn to_json(&self) -> JsonDiagnostic {
        let mut j = JsonDiagnostic::of(self);
        let Some(source) = &self.source else {
            return j;
        };
        let src = source.inner();
        let label = |span: Span, message: &str| {
            let (line, column) = line_col(src, span.start);
            JsonLabel {
                message: Some(message.to_string()),
                line,
                column,
                offset: span.start,
                length: span.len(),
            }
        };
        j.labels.push(label(self.span, &self.label));
        j.labels
            .extend(self.extra.iter().map(|(span, l)| label(*span, l)));
        let (line, column) = self.line_col(src);
        j.in_file(source.name()).at(line, column)
    }
}

impl RulesError {
    /// Every diagnostic as JSON.
    pub fn to_json(&self) -> Vec<JsonDiagnostic> {
        self.diagnostics
            .iter()
            .map(RuleDiagnostic::to_json)
            .collect()
    }
}

/// Renders a diagnostic as miette's graphical report: with colour or
/// without, at a fixed width when given (tests use 80 columns).
pub fn render(d: &dyn Diagnostic, colour: bool, width: Option<usize>) -> String {
    let theme = if colour {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let mut handler = miette::GraphicalReportHandler::new_themed(theme);
    if let Some(w) = width {
        handler = handler.with_width(w);
    }
    let mut out = String::new();
    if handler.render_report(&mut out, d).is_err() {
        out = format!("error: {d}\n");
    }
    out
}

/// The closest of `candidates` to `name`, for "did you mean": case is
/// ignored first; then at most one edit for names of up to two letters,
/// else two, a swap of two neighbouring letters counting one (`beuaty`,
/// `lenght`); then, failing that, a candidate of three letters or more
/// that begins `name` (`lenght` -> `len`), or that `name` begins
/// (`medi` -> `median`).
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = name.to_lowercase();
    let max = if name.chars().count() <= 2 { 1 } else { 2 };
    // (rank, candidate): the edit distance, or max + 1 for a prefix
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let lc = c.to_lowercase();
        let d = if lc == lower {
            0
        } else {
            edit_distance(&lower, &lc)
        };
        let prefix =
            |short: &str, long: &str| short.chars().count() >= 3 && long.starts_with(short);
        let rank = if d <= max {
            d
        } else if prefix(&lc, &lower) || prefix(&lower, &lc) {
            max + 1
        } else {
            continue;
        };
        if best.is_none_or(|(br, _)| rank < br) {
            best = Some((rank, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance over characters, a swap of two neighbouring characters
/// counting one edit (optimal string alignment); used for "did you mean"
/// and for the closest ids `explain` offers.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    edit_distance_within(&a, &b, usize::MAX).unwrap_or(usize::MAX)
}

/// [`edit_distance`] of `a` and `b`, if it is at most `max`; `None`, found
/// early (often after a few rows), when it is more. Exact: the least value
/// of a row never falls from one row to the next (each cell is at least
/// the least of the row before, or for a swap of the row two before plus
/// one, which is at least the least of the row before), so once a row's
/// least is over `max`, so is the distance.
pub fn edit_distance_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // three rows: two back for a swap
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut least = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            let mut d = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                d = d.min(before[j - 1] + 1);
            }
            cur[j + 1] = d;
            least = least.min(d);
        }
        if least > max {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|&d| d <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_within_two_edits() {
        let names = ["engagement_rate", "followers", "niches"];
        assert_eq!(
            did_you_mean("engagment_rate", names),
            Some("engagement_rate")
        );
        assert_eq!(did_you_mean("Followers", names), Some("followers"));
        assert_eq!(did_you_mean("country", names), None);
        assert_eq!(did_you_mean("ab", ["xy", "ac"]), Some("ac"));
    }

    #[test]
    fn within_agrees_with_the_whole_distance() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "acb",
            "lashfinds_99",
            "lashfinds_999",
            "helloclub_9",
            "héllo",
            "hello",
            "olleh",
            "kitten",
            "sitting",
            "ca",
            "abc_",
        ];
        for a in words {
            for b in words {
                let d = edit_distance(a, b);
                let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                for max in 0..16 {
                    let within = edit_distance_within(&ca, &cb, max);
                    assert_eq!(within, (d <= max).then_some(d), "{a:?} {b:?} within {max}");
                }
            }
        }
    }

    #[test]
    fn swaps_count_one_edit_and_prefixes_are_tried_last() {
        assert_eq!(edit_distance("beuaty", "beauty"), 1);
        assert_eq!(edit_distance("lenght", "length"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        let functions = ["len", "lower", "log", "median", "max"];
        assert_eq!(did_you_mean("lenght", functions), Some("len"));
        assert_eq!(did_you_mean("lenn", functions), Some("len"));
        assert_eq!(did_you_mean("medi", functions), Some("median"));
        // two letters are no prefix to go by
        assert_eq!(did_you_mean("mxyzw", ["mx"]), None);
        // an edit beats a prefix
        assert_eq!(did_you_mean("lowr", ["low_tide", "lower"]), Some("lower"));
    }

    #[test]
    fn line_and_column_count_characters() {
        let src = "ab\nçd e";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        assert_eq!(line_col(src, 7), (2, 4));
    }
}
