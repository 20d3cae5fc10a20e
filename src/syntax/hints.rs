//! Syntax errors that a user makes often enough to deserve their own words:
//! `AND`/`OR`/`NOT` in capitals, a second comparison with no left side
//! (`followers >= 1k and <= 10k`), and a string whose closing quote is
//! missing, reported at its opening quote rather than where the parser
//! gave up. Each looks at the source around the place pest failed.

use crate::ast::Span;
use crate::diagnostic::RuleDiagnostic;

/// A better diagnostic than pest's for the error pest placed at byte
/// `pos` of `src` (between `start` and `end`, the part that was parsed),
/// when it is one of the common slips this module knows.
pub(super) fn common_slip(
    src: &str,
    start: usize,
    end: usize,
    pos: usize,
) -> Option<RuleDiagnostic> {
    capital_operator(src, start, pos)
        .or_else(|| comparison_without_left_side(src, start, pos))
        .or_else(|| unclosed_string(src, start, end, pos))
}

/// The word (a name or a number) that starts at `from`, after whitespace,
/// with its place.
fn word_at(src: &str, from: usize) -> Option<(usize, &str)> {
    let rest = src.get(from..)?;
    let skip = rest.len() - rest.trim_start().len();
    let at = from + skip;
    let word = &src[at..];
    let len = word
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '%' || c == '.'))
        .unwrap_or(word.len());
    (len > 0).then(|| (at, &word[..len]))
}

/// The word that ends just before `pos` (whitespace between allowed).
fn word_before(src: &str, start: usize, pos: usize) -> Option<(usize, &str)> {
    let before = src.get(start..pos)?.trim_end();
    let end = start + before.len();
    let begin = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
        .map_or(start, |(i, c)| start + i + c.len_utf8());
    (begin < end).then(|| (begin, &src[begin..end]))
}

/// `AND`, `Or`, `NOT`: the operators are written in lower case.
fn capital_operator(src: &str, start: usize, pos: usize) -> Option<RuleDiagnostic> {
    let is_capital = |w: &str| {
        matches!(w.to_lowercase().as_str(), "and" | "or" | "not") && w != w.to_lowercase()
    };
    // pest stops at `AND` (read as a name after a complete operand), or
    // after `NOT` (read as a name, followed by another)
    let (at, word) = word_at(src, pos)
        .filter(|(_, w)| is_capital(w))
        .or_else(|| word_before(src, start, pos).filter(|(_, w)| is_capital(w)))?;
    let lower = word.to_lowercase();
    Some(
        RuleDiagnostic::error(
            "influence::parse",
            Span::new(at, at + word.len()),
            format!("`{word}` is not an operator: write `{lower}`"),
            format!("write `{lower}`"),
        )
        .with_help(format!(
            "`and`, `or` and `not` are written in lower case; `{word}` reads as a name"
        ))
        .with_fix(lower),
    )
}

const COMPARISONS: [&str; 6] = ["<=", ">=", "==", "!=", "<", ">"];

/// `followers >= 1k and <= 10k`: a comparison right after `and` or `or`.
fn comparison_without_left_side(src: &str, start: usize, pos: usize) -> Option<RuleDiagnostic> {
    let rest = src.get(pos..)?;
    let op = COMPARISONS.into_iter().find(|o| rest.starts_with(o))?;
    let (joint_at, joint) = word_before(src, start, pos)?;
    if !matches!(joint, "and" | "or") {
        return None;
    }
    // the comparison before the joint, on the same line: `followers >= 1k`
    let line_start = src[..joint_at].rfind('\n').map_or(0, |i| i + 1).max(start);
    let before = src[line_start..joint_at].trim_end();
    let left = COMPARISONS
        .into_iter()
        .filter_map(|o| before.rfind(o).map(|i| (i, o)))
        .max_by_key(|&(i, o)| (i, o.len()));
    let bound_after = word_at(src, pos + op.len()).map(|(_, w)| w);
    let mut help = "repeat the left side of the comparison after `and`".to_string();
    if let Some((i, first_op)) = left {
        // the operand: back from the operator to the `:`, `=`, `(` or word
        // `and`/`or`/`when` that opens it
        let lhs_all = before[..i].trim_end();
        let cut = [": ", "= ", "(", " and ", " or ", " when ", " not "]
            .iter()
            .filter_map(|s| lhs_all.rfind(s).map(|k| k + s.len()))
            .max()
            .unwrap_or(0);
        let lhs = lhs_all[cut..].trim();
        let low = before[i + first_op.len()..].trim();
        if !lhs.is_empty() {
            help = format!("repeat the left side: `{lhs} {first_op} {low} {joint} {lhs} {op} ...`");
            if let (Some(high), ">=", "<=", "and") = (bound_after, first_op, op, joint) {
                help = format!(
                    "repeat the left side (`{lhs} >= {low} and {lhs} <= {high}`), or write `{lhs} between {low} and {high}`"
                );
            }
        }
    }
    Some(
        RuleDiagnostic::error(
            "influence::parse",
            Span::new(pos, pos + op.len()),
            format!("`{op}` after `{joint}` has no left side"),
            "compares nothing",
        )
        .with_help(help),
    )
}

/// A string whose closing quote is missing runs on into the next lines
/// (strings may span lines), and pest fails far from the mistake: at the
/// end of the file, or after a later string's opening quote closed it.
/// Reported at its opening quote: a string never closed, or one that spans
/// lines and holds the failure or closes on the line where it happened.
fn unclosed_string(src: &str, start: usize, end: usize, pos: usize) -> Option<RuleDiagnostic> {
    let bytes = src.as_bytes();
    let end = end.min(src.len());
    let mut i = start;
    while i < end {
        match bytes[i] {
            b'#' => {
                while i < end && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                let open = i;
                i += 1;
                while i < end && bytes[i] != b'"' {
                    // skip an escaped character whole, whatever its length
                    i += if bytes[i] == b'\\' {
                        1 + src[i + 1..].chars().next().map_or(0, char::len_utf8)
                    } else {
                        1
                    };
                }
                let i_end = i.min(end);
                let close = (i < end).then_some(i);
                let spans_lines = src[open..i_end].contains('\n');
                let failure_line_start = src[..pos.min(src.len())].rfind('\n').map_or(0, |k| k + 1);
                let suspect = match close {
                    None => true,
                    Some(c) => spans_lines && open < pos && c + 1 >= failure_line_start,
                };
                if suspect {
                    let line = src[open..].lines().next().unwrap_or("");
                    let help = match close {
                        None => "end it with `\"` on its line".to_string(),
                        Some(_) => "end it with `\"` on its line; strings may span lines, so the next `\"` closed it instead".to_string(),
                    };
                    return Some(
                        RuleDiagnostic::error(
                            "influence::parse",
                            Span::new(open, open + 1),
                            format!(
                                "the string `{}` is not closed",
                                crate::syntax::shorten(line.trim_end())
                            ),
                            "opened here",
                        )
                        .with_help(help),
                    );
                }
                if close.is_some_and(|c| c > pos) {
                    return None;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}
