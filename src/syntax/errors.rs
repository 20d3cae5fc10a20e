//! Syntax errors in the words a user types: pest's rule names become tokens
//! (`` `=` ``, "an expression", "a name") and the help says what may come next.

use pest::error::{ErrorVariant, InputLocation};

use super::Rule;
use crate::ast::Span;
use crate::diagnostic::RuleDiagnostic;

/// Rewords a pest error found in `chunk`, which starts at byte `base` of the file.
/// `src` is the whole file, so that the token found after a chunk is named.
pub(super) fn from_pest(src: &str, e: &pest::error::Error<Rule>, base: usize) -> RuleDiagnostic {
    let mut pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<String> = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => positives
            .iter()
            .filter_map(|r| describe(*r))
            .map(str::to_string)
            .collect(),
        ErrorVariant::CustomError { .. } => vec![],
    };
    if let Some(d) = reserved_word(src, base + pos, &expected) {
        return d;
    }
    further_attempt(e, &mut pos, &mut expected);
    let found = found_token(src, base + pos);
    if found == "=>" {
        if let Some(d) = bad_parameter(src, base + pos) {
            return d;
        }
    }
    if word_before(src, base + pos) == "today" {
        return RuleDiagnostic::error(
            "influence::parse",
            Span::new(base + pos, base + pos + found.len().max(1)),
            format!("`today` takes a quoted date, not `{found}`"),
            "expected a date in quotes",
        )
        .with_help("write `today \"2026-12-02\"` (year, month, day)");
    }
    let len = if base + pos < src.len() {
        found.len().max(1)
    } else {
        0
    };
    let span = Span::new(base + pos, base + pos + len);
    tidy(&mut expected);
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    let found_text = if found.is_empty() {
        "the end of the file".to_string()
    } else {
        format!("`{found}`")
    };
    // a long list of everything that could follow helps nobody; the help says more
    let message = if expected.is_empty() || expected.len() > 6 {
        format!("unexpected {found_text}")
    } else {
        format!("expected {}, found {found_text}", join_or(&expected))
    };
    let help = help_for(&expected, found);
    let d = RuleDiagnostic::error("influence::parse", span, message, "unexpected here");
    // `=` where a comparison may stand: `==` is the fix
    match found == "=" && expected.contains(&"a comparison operator") {
        true => d.with_help(help).with_fix("=="),
        false => d.with_help(help),
    }
}

/// A reserved word where a name was expected.
fn reserved_word(src: &str, at: usize, expected: &[String]) -> Option<RuleDiagnostic> {
    let word = found_token(src, at);
    if !RESERVED.contains(&word) || !expected.iter().any(|e| e == "a name") {
        return None;
    }
    Some(
        RuleDiagnostic::error(
            "influence::parse",
            Span::new(at, at + word.len()),
            format!("`{word}` is a reserved word, not a name"),
            "reserved word",
        )
        .with_help(format!(
            "choose another name; a field called `{word}` is read as `creator[\"{word}\"]`"
        )),
    )
}

/// pest places the error at the last *rule* it tried; a literal such as
/// `:` may have been tried further on, which is where the user erred: moves
/// `pos` there and says what was expected.
fn further_attempt(e: &pest::error::Error<Rule>, pos: &mut usize, expected: &mut Vec<String>) {
    if let Some(attempts) = e.parse_attempts() {
        let tokens: Vec<String> = attempts
            .expected_tokens()
            .iter()
            .map(|t| t.to_string())
            .filter(|t| {
                !t.is_empty()
                    && t != "#"
                    && !t.contains("..")
                    && t != "_"
                    && !t.chars().any(|c| c.is_whitespace() || c == '\u{feff}')
            })
            .collect();
        if attempts.max_position > *pos {
            *pos = attempts.max_position;
            expected.clear();
            for stack in attempts.call_stacks() {
                if let Some(d) = stack.parent.and_then(describe) {
                    expected.push(d.to_string());
                }
            }
            expected.extend(tokens.iter().map(|t| format!("`{t}`")));
        } else if attempts.max_position == *pos {
            expected.extend(
                tokens
                    .iter()
                    .filter(|t| t.chars().all(|c| c.is_ascii_punctuation()))
                    .map(|t| format!("`{t}`")),
            );
        }
    }
}

/// Shortens what was expected: operators as one entry, the tokens that
/// open an expression dropped beside it, a long list inside brackets as
/// `,` or the closing bracket; sorted, each once.
fn tidy(expected: &mut Vec<String>) {
    const OPERATORS: [&str; 13] = [
        "`+`", "`-`", "`*`", "`/`", "`??`", "`==`", "`!=`", "`<`", "`<=`", "`>`", "`>=`", "`.`",
        "`[`",
    ];
    if expected.len() > 6 && expected.iter().any(|x| OPERATORS.contains(&x.as_str())) {
        expected.retain(|x| !OPERATORS.contains(&x.as_str()));
        expected.push("an operator".to_string());
    }
    if expected.iter().any(|x| x == "an expression") {
        // the tokens that open an expression say nothing more
        expected.retain(|x| !matches!(x.as_str(), "`\"`" | "`(`" | "`[`" | "`{`" | "`-`"));
    }
    let closing = ["`)`", "`]`", "`}`"]
        .into_iter()
        .find(|c| expected.iter().any(|x| x == c));
    if expected.len() > 6 {
        if let Some(c) = closing {
            *expected = vec!["`,`".to_string(), c.to_string()];
        }
    }
    expected.sort();
    expected.dedup();
}

/// The token that starts at `pos`: a word, a number, a quoted string's
/// opening quote, or one symbol.
fn found_token(src: &str, pos: usize) -> &str {
    let rest = src.get(pos..).unwrap_or("");
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return "";
    };
    if first.is_alphanumeric() || first == '_' {
        let end = rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.' || *c == '%'))
            .map_or(rest.len(), |(i, _)| i);
        return &rest[..end];
    }
    for two in ["==", "!=", "<=", ">=", "=>", "??"] {
        if rest.starts_with(two) {
            return &rest[..2];
        }
    }
    &rest[..first.len_utf8()]
}

/// A `=>` after something that is not a name: a reserved word
/// (`missing => 1`) or a bracketed parameter (`(x) => x`).
fn bad_parameter(src: &str, arrow: usize) -> Option<RuleDiagnostic> {
    let before = src.get(..arrow)?.trim_end();
    let word = word_before(src, arrow);
    let start = before.len() - word.len();
    if RESERVED.contains(&word) {
        return Some(
            RuleDiagnostic::error(
                "influence::parse",
                Span::new(start, before.len()),
                format!("`{word}` is a reserved word, not a name"),
                "reserved word",
            )
            .with_help(format!(
                "name the lambda's parameter otherwise, e.g. `x => ...`; a field called `{word}` is read as `creator[\"{word}\"]`"
            )),
        );
    }
    if word.is_empty() && before.ends_with(')') {
        return Some(
            RuleDiagnostic::error(
                "influence::parse",
                Span::new(arrow, arrow + 2),
                "a lambda's parameter is a bare name, without brackets",
                "after `)`",
            )
            .with_help("write `x => ...`, e.g. `map(recentPosts, p => p.likes)`"),
        );
    }
    None
}

/// The name (or keyword) just before `pos`, spaces skipped; "" if none.
fn word_before(src: &str, pos: usize) -> &str {
    let before = src.get(..pos).unwrap_or("").trim_end();
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &before[start..]
}

/// Words that can never be names.
const RESERVED: [&str; 14] = [
    "and", "or", "not", "in", "between", "contains", "matches", "if", "then", "else", "true",
    "false", "when", "missing",
];

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn help_for(expected: &[&str], found: &str) -> String {
    let has = |s: &str| expected.contains(&s);
    if found == "=" && has("a comparison operator") {
        return "compare with `==`; `=` only follows the name in `let` and `signal`".into();
    }
    if found == "today" && has("`creator`") {
        return "an example starts with its creator; write `today \"YYYY-MM-DD\"` after it".into();
    }
    if has("a declaration") {
        return "each declaration starts with `ruleset`, `let`, `require`, `signal`, `tier`, `rank by`, `limit`, `select` or `example`".into();
    }
    if has("`:`") {
        return "write a requirement as `require NAME: CONDITION`".into();
    }
    if has("a name")
        && matches!(
            found,
            "and"
                | "or"
                | "not"
                | "in"
                | "between"
                | "contains"
                | "matches"
                | "if"
                | "then"
                | "else"
                | "true"
                | "false"
                | "when"
                | "missing"
        )
    {
        return format!("`{found}` is a reserved word; choose another name, or write `creator[\"{found}\"]` for a field of that name");
    }
    if has("`}`") || has("`)`") || has("`]`") {
        return "check that every bracket is closed and list items are separated by `,`".into();
    }
    if has("an expression") {
        return "an expression is a number, a string, a list, a name, a call like `len(x)`, or `(...)`".into();
    }
    if has("`when`") || has("`otherwise`") {
        return "write `tier NAME when CONDITION` or `tier NAME otherwise`".into();
    }
    if has("`expect`") {
        return "an example holds `creator { ... }` then `expect accepted`, `expect rejected by NAME`, `expect review`, `expect tier NAME`, `expect score >= N` or `expect signal NAME >= N`".into();
    }
    "see docs/language.md for the syntax of each declaration".into()
}

/// The words a user would type for a grammar rule; `None` for rules that
/// only restate another.
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI | decl | ruleset_decl | let_decl | require_decl | signal_decl | tier_decl
        | rank_decl | limit_decl | select_decl | example_decl | kw_ruleset | kw_let
        | kw_require | kw_signal | kw_tier | kw_rank | kw_limit | kw_select | kw_example => {
            "a declaration"
        }
        budget_clause | kw_budget => "`budget`",
        per_clause | kw_per => "`per`",
        team_sum | kw_sum => "`sum(...)`",
        kw_at => "`at most` or `at least`",
        kw_most | kw_least => "`most` or `least`",
        ident | field_name => "a name",
        expr | or_expr | and_expr | not_expr | cmp_expr | coalesce | sum | product | unary
        | postfix | number | string | boolean | list | object | if_expr | call | paren | not_op
        | neg | kw_if | kw_true | kw_false | kw_not | lambda | missing_lit => "an expression",
        signed_number => "a number",
        cmp_op | op_tail | chained_cmp => "a comparison operator",
        between_tail | kw_between => "`between`",
        in_tail | not_in_tail | kw_in => "`in`",
        contains_tail | kw_contains => "`contains`",
        matches_tail | kw_matches => "`matches`",
        add_op | mul_op => "an operator",
        dot_field => "`.`",
        index => "`[`",
        else_clause | kw_else => "`else`",
        missing_clause | tier_when | kw_when => "`when`",
        kw_missing => "`missing`",
        missing_mode | kw_fail | kw_pass => "`fail`, `pass` or `review`",
        kw_review => "`review`",
        weight_clause | kw_weight => "`weight`",
        kw_otherwise => "`otherwise`",
        kw_by => "`by`",
        rank_key => "a key to rank by",
        today_clause | kw_today => "`today`",
        order | kw_asc | kw_desc => "`asc` or `desc`",
        creator_block | kw_creator => "`creator`",
        population_block | kw_population => "`population`",
        expect | kw_expect => "`expect`",
        expect_accepted | kw_accepted => "`accepted`",
        expect_rejected | kw_rejected => "`rejected`",
        expect_review => "`review`",
        expect_tier => "`tier`",
        expect_score | kw_score => "`score`",
        expect_signal => "`signal`",
        kw_or => "`or`",
        kw_and => "`and`",
        kw_then => "`then`",
        entry => "a key",
        _ => return None,
    })
}
