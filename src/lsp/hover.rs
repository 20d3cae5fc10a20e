//! Hover text: a function's signature and doc (from the builtins table
//! the checker reads), a declaration's source (a signal with its share of
//! the score), a field's kinds and range in the sample, a number's value.

use crate::language::human::{count, thousands};
use crate::language::{path_syntax, Builtin};

use super::analysis::Analysis;
use super::symbols::{DefKind, Definition, Target};

/// Lines of a declaration shown in a hover; a longer one is cut.
const SHOWN_LINES: usize = 12;

/// The hover text (Markdown) for the place at `offset`, if any.
pub(crate) fn hover(a: &Analysis, text: &str, offset: usize) -> Option<(String, crate::Span)> {
    let o = a.symbols.at(offset)?;
    let md = match &o.target {
        Target::Function(f) => function(*f),
        Target::Def(i) => definition(a, text, &a.symbols.defs[*i]),
        Target::Field(path) => field(a, path),
        Target::Param(name, _) => {
            format!("`{name}`: the lambda's parameter, each element of the list in turn")
        }
        Target::Number(value, raw) => number(*value, raw),
        Target::BuiltIn(name) => built_in(name).to_string(),
    };
    Some((md, o.span))
}

/// A function's signature, doc and result, for hover and completion.
pub(crate) fn function(f: Builtin) -> String {
    let returns = match f.returns() {
        Some(k) => format!("\n\nGives {}.", k.article()),
        None => "\n\nGives an element of the list.".to_string(),
    };
    format!("```influence\n{}\n```\n{}{returns}", f.usage(), f.doc())
}

fn definition(a: &Analysis, text: &str, d: &Definition) -> String {
    let source = text.get(d.decl_span.start..d.decl_span.end).unwrap_or("");
    let mut lines: Vec<&str> = source.lines().take(SHOWN_LINES).collect();
    if source.lines().count() > SHOWN_LINES {
        lines.push("...");
    }
    let mut md = format!("```influence\n{}\n```", lines.join("\n"));
    if d.kind == DefKind::Signal {
        let total: f64 = a
            .symbols
            .defs
            .iter()
            .filter_map(|s| s.weight.filter(|_| s.kind == DefKind::Signal))
            .sum();
        let w = d.weight.unwrap_or(1.0);
        if total > 0.0 {
            md.push_str(&format!(
                "\n\nweight {} of {}: {:.0}% of the score",
                thousands(w),
                thousands(total),
                100.0 * w / total
            ));
        }
    }
    let uses = a
        .symbols
        .references(&Target::Def(
            a.symbols.find(d.kind, &d.name).unwrap_or(usize::MAX),
        ))
        .count()
        .saturating_sub(1);
    md.push_str(&format!(
        "\n\n{} `{}`: {} reference{}",
        d.kind.word(),
        d.name,
        uses,
        if uses == 1 { "" } else { "s" }
    ));
    md
}

fn field(a: &Analysis, path: &[String]) -> String {
    let name = if path.is_empty() {
        "creator".to_string()
    } else {
        path_syntax(path)
    };
    let mut md = format!("field `{name}` of the creator record");
    let Some(sample) = a.sample() else {
        md.push_str(&match &a.sample {
            Some((p, s)) => match s.as_ref() {
                Err(e) => format!("\n\nthe sample {} cannot be read: {e}", p.display()),
                Ok(_) => format!("\n\nthe sample {} holds no records", p.display()),
            },
            None => {
                "\n\nno sample data: add `# data: FILE` at the top of the file to see its values"
                    .to_string()
            }
        });
        return md;
    };
    let n = sample.records.len();
    let Some(f) = sample.field(path) else {
        md.push_str(&format!("\n\nin no record of {}", sample.describe()));
        return md;
    };
    md.push_str(&format!(
        "\n\nin {} of {} ({}){}",
        count(f.present),
        sample.describe(),
        percent(f.present, n),
        match f.null {
            0 => String::new(),
            k => format!("; null in {}", count(k)),
        }
    ));
    for (kind, k) in f.kinds() {
        md.push_str(&format!("\n- {kind}: {}", count(k)));
        if kind == "number" {
            if let Some((lo, hi)) = f.range {
                md.push_str(&format!(", from {} to {}", thousands(lo), thousands(hi)));
            }
        }
        if kind == "string" && !f.strings.is_empty() {
            let shown: Vec<String> = f.strings.iter().map(|s| format!("{s:?}")).collect();
            md.push_str(&format!(", such as {}", shown.join(", ")));
        }
    }
    md
}

fn percent(k: usize, n: usize) -> String {
    match n {
        0 => "0%".to_string(),
        _ => format!("{:.0}%", 100.0 * k as f64 / n as f64),
    }
}

fn number(value: f64, raw: &str) -> String {
    let mut md = format!("`{raw}` = {}", thousands(value));
    if raw.ends_with('%') {
        md.push_str(&format!(
            " ({} as a fraction)",
            crate::language::human::fmt_number(value)
        ));
    }
    md
}

fn built_in(name: &str) -> &'static str {
    match name {
        "score" => "`score`: the weighted mean of the signals' clamped values, in [0, 1]; 1 with no signals",
        "tier" => "`tier`: the name of the first tier whose condition holds, for accepted creators",
        _ => "`creator`: the whole record; `creator.followers`, `creator[\"odd key\"]`",
    }
}
