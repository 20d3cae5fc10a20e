//! Completion: keywords, functions with their signature, the lets and
//! signals declared, the lambda parameters around the cursor, requirement
//! and tier names after `expect`, and field names and dotted paths from
//! the sample data (the keys under `audience.` after that dot).

use lsp_types::{CompletionItem, CompletionItemKind, Documentation, MarkupContent, MarkupKind};

use crate::language::human::count;
use crate::language::{path_syntax, Builtin};

use super::analysis::Analysis;
use super::symbols::DefKind;

/// Words that open a declaration, and those inside an example.
const DECLARATIONS: [&str; 13] = [
    "ruleset",
    "let",
    "require",
    "signal",
    "tier",
    "rank by",
    "limit",
    "select",
    "example",
    "creator",
    "population",
    "expect",
    "today",
];

/// Words inside expressions and declarations.
const WORDS: [&str; 24] = [
    "and",
    "or",
    "not",
    "in",
    "between",
    "contains",
    "matches",
    "if",
    "then",
    "else",
    "true",
    "false",
    "missing",
    "null",
    "when",
    "otherwise",
    "weight",
    "asc",
    "desc",
    "accepted",
    "rejected",
    "review",
    "fail",
    "pass",
];

/// The completions at byte `offset` of `text`.
pub(crate) fn complete(a: &Analysis, text: &str, offset: usize) -> Vec<CompletionItem> {
    let before = text.get(..offset).unwrap_or(text);
    let word_start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
    let head = &before[..word_start];
    if let Some(parent) = head.strip_suffix('.').and_then(dotted_path) {
        return fields_under(a, &parent);
    }
    let line = head.rsplit('\n').next().unwrap_or("");
    if let Some(kind) = after_expect(line) {
        return declared(a, kind);
    }
    let mut out = Vec::new();
    for w in DECLARATIONS.iter().chain(WORDS.iter()) {
        out.push(item(w, CompletionItemKind::KEYWORD, None, None));
    }
    for (name, f) in Builtin::ALL {
        out.push(item(
            name,
            CompletionItemKind::FUNCTION,
            Some(f.usage().to_string()),
            Some(super::hover::function(f)),
        ));
    }
    for kind in [DefKind::Let, DefKind::Signal] {
        out.extend(declared(a, kind));
    }
    for b in crate::check::BUILT_IN_NAMES {
        out.push(item(
            b,
            CompletionItemKind::VARIABLE,
            Some("built in".into()),
            None,
        ));
    }
    for p in lambda_parameters(text, offset) {
        out.push(item(
            &p,
            CompletionItemKind::VARIABLE,
            Some("lambda parameter".into()),
            None,
        ));
    }
    out.extend(fields(a));
    out
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: Option<String>,
    doc: Option<String>,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        documentation: doc.map(|value| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            })
        }),
        ..CompletionItem::default()
    }
}

/// `audience` or `creator.audience` before a dot: the path, `creator` dropped.
fn dotted_path(head: &str) -> Option<Vec<String>> {
    let start = head
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .map_or(0, |i| i + 1);
    let text = &head[start..];
    let mut path: Vec<String> = text.split('.').map(str::to_string).collect();
    if path
        .iter()
        .any(|k| k.is_empty() || k.starts_with(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    if path.first().is_some_and(|k| k == "creator") {
        path.remove(0);
    }
    Some(path)
}

/// After `expect rejected by`, `expect tier` or `expect signal` on a line:
/// the kind of name that comes next.
fn after_expect(line: &str) -> Option<DefKind> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().rposition(|w| *w == "expect")?;
    match &words[at + 1..] {
        ["rejected", "by", ..] => Some(DefKind::Requirement),
        ["tier"] => Some(DefKind::Tier),
        ["signal"] => Some(DefKind::Signal),
        _ => None,
    }
}

fn declared(a: &Analysis, kind: DefKind) -> Vec<CompletionItem> {
    let item_kind = match kind {
        DefKind::Let => CompletionItemKind::CONSTANT,
        DefKind::Signal => CompletionItemKind::VARIABLE,
        DefKind::Requirement | DefKind::Tier => CompletionItemKind::ENUM_MEMBER,
    };
    a.symbols
        .defs
        .iter()
        .filter(|d| d.kind == kind)
        .map(|d| item(&d.name, item_kind, Some(kind.word().to_string()), None))
        .collect()
}

/// Every field path of the sample, nested ones dotted.
fn fields(a: &Analysis) -> Vec<CompletionItem> {
    let Some(s) = a.sample() else {
        return Vec::new();
    };
    s.fields
        .iter()
        .map(|(path, f)| {
            let kinds: Vec<&str> = f.kinds().iter().map(|(k, _)| *k).collect();
            let detail = format!(
                "field: {} · in {} of {} records",
                kinds.join(", "),
                count(f.present),
                count(s.records.len())
            );
            item(
                &path_syntax(path),
                CompletionItemKind::FIELD,
                Some(detail),
                None,
            )
        })
        .collect()
}

/// The keys under `parent` in the sample.
fn fields_under(a: &Analysis, parent: &[String]) -> Vec<CompletionItem> {
    let Some(s) = a.sample() else {
        return Vec::new();
    };
    s.keys_under(parent)
        .map(|k| {
            let mut path = parent.to_vec();
            path.push(k.to_string());
            let kinds: Vec<&str> = s
                .field(&path)
                .map(|f| f.kinds().iter().map(|(k, _)| *k).collect())
                .unwrap_or_default();
            item(
                k,
                CompletionItemKind::FIELD,
                Some(format!("field: {}", kinds.join(", "))),
                None,
            )
        })
        .collect()
}

/// The parameters of the lambdas (`x => ...`) whose body the cursor is
/// in, read from the text of the declaration around it, which may not
/// parse yet: a parameter is in scope until the bracket that holds its
/// lambda closes.
pub(crate) fn lambda_parameters(text: &str, offset: usize) -> Vec<String> {
    let before = text.get(..offset).unwrap_or(text);
    // the declaration starts at the last line that starts at column 0
    let start = before
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .rfind(|&i| before[i..].starts_with(|c: char| c.is_ascii_alphabetic()))
        .unwrap_or(0);
    let mut depth = 0usize;
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut word = String::new();
    let mut last_word = String::new();
    let mut chars = before[start..].chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            last_word = std::mem::take(&mut word);
        }
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                open.retain(|(_, d)| *d <= depth);
            }
            '=' if chars.peek() == Some(&'>') && !last_word.is_empty() => {
                open.push((last_word.clone(), depth));
            }
            '"' => {
                // skip a string whole
                while let Some(s) = chars.next() {
                    match s {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '#' => {
                for s in chars.by_ref() {
                    if s == '\n' {
                        break;
                    }
                }
            }
            c if c.is_whitespace() => continue,
            _ => {}
        }
        if c != '=' {
            last_word.clear();
        }
    }
    open.into_iter().map(|(p, _)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_parameters_are_in_scope_until_their_bracket_closes() {
        let text = "signal a = count(posts, p => p.likes > 10 and any(p.tags, t => t == ";
        assert_eq!(lambda_parameters(text, text.len()), ["p", "t"]);
        let text = "signal a = count(posts, p => p.likes) + any(tags, t => t";
        assert_eq!(lambda_parameters(text, text.len()), ["t"]);
        let text = "signal a = count(posts, p => p.likes)\nlet b = ";
        assert!(lambda_parameters(text, text.len()).is_empty());
    }

    #[test]
    fn dotted_paths_and_expectations_are_recognised() {
        assert_eq!(
            dotted_path("require a: audience"),
            Some(vec!["audience".to_string()])
        );
        assert_eq!(
            dotted_path("x creator.a.b"),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(dotted_path("x 1"), None);
        assert_eq!(
            after_expect("  expect rejected by micro, "),
            Some(DefKind::Requirement)
        );
        assert_eq!(after_expect("  expect tier "), Some(DefKind::Tier));
        assert_eq!(after_expect("  expect accepted"), None);
    }
}
