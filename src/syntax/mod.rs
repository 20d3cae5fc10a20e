//! From source text to the [`crate::ast`] tree. pest's types never leave
//! this module: each grammar rule has one function here that turns its pairs
//! into AST nodes, and syntax errors are reworded in [`errors`].

mod build;
mod errors;
mod hints;

use pest::Parser as _;

use crate::ast::*;
use crate::diagnostic::RuleDiagnostic;
// the size limits of rules and records are reported in the same words
pub use crate::language::human::size as human_size;

mod grammar {
    //! The parser pest derives from `grammar/rules.pest`.
    #![allow(missing_docs)]
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/rules.pest"]
    pub struct RulesParser;
}
pub(crate) use build::shorten;
use build::Builder;
use grammar::{Rule, RulesParser};

/// Deepest nesting of brackets and operators the parser accepts; deeper
/// input gets a diagnostic instead of exhausting the stack.
pub const MAX_NESTING: usize = 100;

/// Deepest expression tree accepted (a long chain `a + a + ... + a` nests
/// one level per operator); evaluation recurses this deep at most, counting
/// the lets and signals an expression reads (see `check`).
pub const MAX_DEPTH: usize = 500;

/// Largest rules file accepted, in bytes. A ruleset is criteria, not data:
/// the sample files are under 16 KiB, and 1 MiB still holds a list of some
/// 50,000 handles. The parser takes about a second and 60 MB per MiB, so a
/// bound keeps a runaway file (a data export passed as the rules) from
/// taking minutes and gigabytes before it is refused.
pub const MAX_SOURCE_BYTES: usize = 1 << 20;

/// Stack for parsing, checking and compiling: pest and the tree walks
/// recurse as deep as the input nests (bounded by the limits above), and a
/// debug build needs several MiB at the limits. Committed lazily.
const DEEP_STACK: usize = 256 << 20;
const DEEP_THREAD: &str = "influence-eval-deep-stack";

/// Runs `f` on a thread with [`DEEP_STACK`] bytes of stack (inline when
/// already on one), so that no caller's stack size matters.
pub fn on_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if std::thread::current().name() == Some(DEEP_THREAD) {
        return f();
    }
    // `f` is taken by whichever runs it: the thread, or this one when no
    // thread can be had (the limits still keep a release build safe)
    let slot = std::sync::Mutex::new(Some(f));
    let take = || {
        slot.lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
            .expect("run once")
    };
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name(DEEP_THREAD.into())
            .stack_size(DEEP_STACK)
            .spawn_scoped(scope, || take()())
        {
            Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Err(_) => take()(),
        }
    })
}

/// The result of parsing: a tree when the file's structure could be read,
/// and the errors found on the way.
#[derive(Debug)]
pub struct Parsed {
    /// The tree; `None` when the file's structure could not be read.
    pub file: Option<RulesFile>,
    /// Every syntax error. With a tree, they are local (an invalid escape, a
    /// number too large, a chained comparison), or the tree holds only the
    /// declarations that could be read ([`Parsed::broken`] names the others);
    /// either way it can still be checked, so that all of a file's errors
    /// are reported in one pass.
    pub errors: Vec<RuleDiagnostic>,
    /// The names of declarations left out of the tree because they could
    /// not be read (`require micro followers > 1` gives `micro`): what
    /// refers to them is not reported as referring to nothing.
    pub broken: Vec<String>,
}

/// Parses a whole rules file; any syntax error is an `Err`.
pub fn parse(src: &str) -> Result<RulesFile, Vec<RuleDiagnostic>> {
    let parsed = parse_recovering(src);
    match parsed.file {
        Some(file) if parsed.errors.is_empty() => Ok(file),
        _ => Err(parsed.errors),
    }
}

/// Parses a whole rules file, recovering what it can. When the structure
/// cannot be read, every later declaration is parsed on its own to find
/// their errors too.
///
/// pest's recursive descent needs a deep stack for nested input, so the
/// parse runs on a thread with 256 MiB of (lazily committed) stack.
pub fn parse_recovering(src: &str) -> Parsed {
    on_deep_stack(|| parse_here(src))
}

fn parse_here(src: &str) -> Parsed {
    let fatal = |errors| Parsed {
        file: None,
        errors,
        broken: Vec::new(),
    };
    if src.len() > MAX_SOURCE_BYTES {
        return fatal(vec![too_large(src.len())]);
    }
    if let Some(d) = nesting_error(src) {
        return fatal(vec![d]);
    }
    // pest's record of every attempt (for the words of an error) costs
    // more than the parse itself: a file is parsed without it (pest's
    // default), and again with it only when it has an error. The switch is
    // process-wide: the detailed parses (the file's, then each
    // declaration's) hold a lock and turn it off after, so no thread's
    // error message depends on another's (another thread's first parse
    // meanwhile is only slower)
    match RulesParser::parse(Rule::file, src) {
        Ok(pairs) => build(src, pairs),
        Err(_) => {
            static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
            let _held = DETAIL.lock().unwrap_or_else(|e| e.into_inner());
            pest::set_error_detail(true);
            let parsed = match RulesParser::parse(Rule::file, src) {
                Ok(pairs) => build(src, pairs),
                Err(e) => recover(src, syntax_error(src, &e, 0, src.len())),
            };
            pest::set_error_detail(false);
            parsed
        }
    }
}

/// The tree of a file that parsed.
fn build(src: &str, mut pairs: pest::iterators::Pairs<'_, Rule>) -> Parsed {
    let fatal = |errors| Parsed {
        file: None,
        errors,
        broken: Vec::new(),
    };
    let file = pairs.next().expect("the file rule always yields one pair");
    let mut b = Builder {
        src,
        errors: Vec::new(),
        base: 0,
    };
    let decls = file
        .into_inner()
        .filter(|p| p.as_rule() != Rule::EOI)
        .map(|p| b.decl(p, 0))
        .collect();
    let file = RulesFile { decls };
    if let Some(d) = too_deep(&file) {
        // later stages recurse over the tree: stop here
        b.errors.push(d);
        return fatal(b.errors);
    }
    Parsed {
        file: Some(file),
        errors: b.errors,
        broken: Vec::new(),
    }
}

/// After a syntax error (`first`), parses each declaration on its own (from
/// a line that begins with a declaration keyword to the next), so that the
/// errors of every broken declaration are found, and the others make a
/// tree that is checked too: one pass shows every problem of the file.
fn recover(src: &str, first: RuleDiagnostic) -> Parsed {
    let mut errors = vec![first];
    let mut b = Builder {
        src,
        errors: Vec::new(),
        base: 0,
    };
    let mut decls = Vec::new();
    let mut broken = Vec::new();
    let starts = decl_starts(src);
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(src.len());
        let chunk = &src[start..end];
        match RulesParser::parse(Rule::single_decl, chunk) {
            Ok(mut pairs) => {
                let decl = pairs
                    .next()
                    .and_then(|p| p.into_inner().find(|p| p.as_rule() != Rule::EOI));
                if let Some(p) = decl {
                    decls.push(b.decl(p, start));
                }
            }
            Err(e) => {
                // the chunk holding the first error finds it again
                let d = syntax_error(src, &e, start, end);
                let known = errors
                    .iter()
                    .any(|k| k.span.start == d.span.start && k.message == d.message);
                if !known {
                    errors.push(d);
                }
                broken.extend(declared_name(chunk));
            }
        }
    }
    let file = RulesFile { decls };
    if let Some(d) = too_deep(&file) {
        errors.push(d);
        return Parsed {
            file: None,
            errors,
            broken,
        };
    }
    errors.append(&mut b.errors);
    Parsed {
        file: Some(file),
        errors,
        broken,
    }
}

/// The diagnostic for a syntax error pest found in `src[start..end]`: in
/// the words of a common slip when it is one ([`hints`]), else pest's
/// reworded.
fn syntax_error(
    src: &str,
    e: &pest::error::Error<Rule>,
    start: usize,
    end: usize,
) -> RuleDiagnostic {
    let d = errors::from_pest(src, e, start);
    hints::common_slip(src, start, end, d.span.start).unwrap_or(d)
}

/// The name a declaration that could not be read gives (`micro` in
/// `require micro followers > 1`), when it gets that far.
fn declared_name(chunk: &str) -> Option<String> {
    let mut words = chunk.split(|c: char| !(c.is_alphanumeric() || c == '_'));
    let keyword = words.find(|w| !w.is_empty())?;
    if !matches!(keyword, "let" | "require" | "signal" | "tier") {
        return None;
    }
    let name = words.find(|w| !w.is_empty())?;
    Some(name.to_string())
}

/// The diagnostic for a source of `len` bytes, over [`MAX_SOURCE_BYTES`].
pub fn too_large(len: usize) -> RuleDiagnostic {
    RuleDiagnostic::error(
        "influence::too-large",
        Span::new(0, 0),
        format!(
            "the rules file is {}, more than the {} a rules file may hold",
            human_size(len as u64),
            human_size(MAX_SOURCE_BYTES as u64)
        ),
        "the file starts here",
    )
    .with_help("a rules file holds criteria, not data: check that this is the rules file and not a data export; keep long lists (of handles, say) in the creator data and test a field there")
}

/// Byte offsets where a line begins with a declaration keyword: the places
/// where parsing can start again after an error.
fn decl_starts(src: &str) -> Vec<usize> {
    const KEYWORDS: [&str; 9] = [
        "ruleset", "let", "require", "signal", "tier", "rank", "limit", "select", "example",
    ];
    let mut out = Vec::new();
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        for kw in KEYWORDS {
            if let Some(rest) = trimmed.strip_prefix(kw) {
                if rest.starts_with([' ', '\t']) {
                    out.push(offset + indent);
                }
            }
        }
        offset += line.len();
    }
    out
}

/// Rejects input nested deeper than [`MAX_NESTING`] before pest recurses
/// into it: open brackets, and runs of prefix operators (`not not -x`),
/// counted outside strings and comments.
fn nesting_error(src: &str) -> Option<RuleDiagnostic> {
    let bytes = src.as_bytes();
    let mut depth: usize = 0;
    let mut run: usize = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                run = 0;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                run += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                run = 0;
            }
            b'-' => run += 1,
            _ if b.is_ascii_whitespace() => {}
            _ if is_ident_byte(b) => {
                while i + 1 < bytes.len() && is_ident_byte(bytes[i + 1]) {
                    i += 1;
                }
                if &src[start..=i] == "not" {
                    run += 1;
                } else {
                    run = 0;
                }
            }
            _ => run = 0,
        }
        if depth > MAX_NESTING || run > MAX_NESTING {
            let end = (start + 1).min(src.len());
            return Some(
                RuleDiagnostic::error(
                    "influence::too-deep",
                    Span::new(start, end),
                    format!("expression nested more than {MAX_NESTING} levels deep"),
                    "nesting gets too deep here",
                )
                .with_help("split the expression into `let` declarations"),
            );
        }
        i += 1;
    }
    None
}

/// The first expression whose tree is deeper than [`MAX_DEPTH`].
fn too_deep(file: &RulesFile) -> Option<RuleDiagnostic> {
    fn depth(e: &Expr) -> usize {
        1 + e.children().into_iter().map(depth).max().unwrap_or(0)
    }
    let exprs = file.decls.iter().flat_map(|d| match &d.kind {
        DeclKind::Let(l) => vec![&l.value],
        DeclKind::Require(r) => vec![&r.condition],
        DeclKind::Signal(s) => vec![&s.value],
        DeclKind::Tier(t) => t.condition.iter().collect(),
        DeclKind::Rank(r) => std::iter::once(&r.key)
            .chain(r.then.iter().map(|k| &k.key))
            .collect(),
        DeclKind::Example(ex) => std::iter::once(&ex.creator).chain(&ex.population).collect(),
        DeclKind::Select(s) => s.expressions().collect(),
        _ => vec![],
    });
    for e in exprs {
        if depth(e) > MAX_DEPTH {
            return Some(
                RuleDiagnostic::error(
                    "influence::too-deep",
                    e.span,
                    format!("expression nested more than {MAX_DEPTH} levels deep"),
                    "this expression is too deep",
                )
                .with_help("split the expression into `let` declarations"),
            );
        }
    }
    None
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests;
