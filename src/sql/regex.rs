//! `matches` patterns for the engines. The pattern is parsed as the
//! interpreter parses it (regex-syntax), so `(?i)`, `.` and `\d` arrive
//! as explicit character classes; it is then written out again in the
//! engine's syntax with nothing left to interpretation: RE2 for DuckDB,
//! POSIX advanced regular expressions for PostgreSQL, Java's
//! `java.util.regex` for Spark (`RLIKE`, which finds a match anywhere; the
//! end is `\z`, since Java's `$` also matches before a final line break,
//! and `&` is escaped in classes, where `&&` intersects), and for SQLite, which
//! has no regular expressions, a set of GLOB patterns when the pattern
//! matches a finite set of strings. What cannot be written so is refused.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

use super::dialect::Dialect;

/// Most GLOB patterns one `matches` may become in SQLite.
const MAX_GLOBS: usize = 64;

/// The SQL that is true when the text `s` matches `pattern`, or why not.
pub(crate) fn translate(d: Dialect, s: &str, pattern: &str) -> Result<String, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .map_err(|e| format!("it does not parse: {e}"))?;
    match d {
        Dialect::Duckdb => Ok(format!(
            "regexp_matches({s}, {})",
            d.string(&write(&hir, d)?)
        )),
        Dialect::Postgres => Ok(format!("({s} ~ {})", d.string(&write(&hir, d)?))),
        Dialect::Sqlite => {
            let seqs = expand(&hir)?;
            let globs: Result<Vec<String>, String> = seqs.iter().map(|q| glob(q)).collect();
            let tests: Vec<String> = globs?
                .iter()
                .map(|g| format!("{s} GLOB {}", d.string(g)))
                .collect();
            Ok(format!("({})", tests.join(" OR ")))
        }
        Dialect::Spark => Ok(format!("({s} RLIKE {})", d.string(&write(&hir, d)?))),
    }
}

/// One character, escaped for RE2 or PostgreSQL.
fn char_re(c: char, d: Dialect, in_class: bool) -> String {
    let special: &[char] = if in_class {
        &['\\', ']', '[', '^', '-', '&']
    } else {
        &[
            '\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$',
        ]
    };
    if special.contains(&c) && (c != '&' || d == Dialect::Spark) {
        format!("\\{c}")
    } else if c.is_control() || c.is_whitespace() && c != ' ' {
        match d {
            Dialect::Postgres if (c as u32) <= 0xFFFF => format!("\\u{:04X}", c as u32),
            Dialect::Postgres => format!("\\U{:08X}", c as u32),
            _ => format!("\\x{{{:X}}}", c as u32),
        }
    } else {
        c.to_string()
    }
}

/// The pattern written out again for RE2 (DuckDB) or PostgreSQL.
fn write(h: &Hir, d: Dialect) -> Result<String, String> {
    Ok(match h.kind() {
        HirKind::Empty => "(?:)".to_string(),
        HirKind::Literal(lit) => {
            let text = std::str::from_utf8(&lit.0)
                .map_err(|_| "it matches bytes, not text".to_string())?;
            text.chars().map(|c| char_re(c, d, false)).collect()
        }
        HirKind::Class(Class::Unicode(c)) => {
            if c.ranges().is_empty() {
                return Err("it has a class that matches nothing".into());
            }
            let mut out = String::from("[");
            for r in c.ranges() {
                out.push_str(&char_re(r.start(), d, true));
                if r.end() != r.start() {
                    out.push('-');
                    out.push_str(&char_re(r.end(), d, true));
                }
            }
            out.push(']');
            out
        }
        HirKind::Class(Class::Bytes(_)) => return Err("it matches bytes, not text".into()),
        HirKind::Look(Look::Start) => "^".to_string(),
        HirKind::Look(Look::End) if d == Dialect::Spark => "\\z".to_string(),
        HirKind::Look(Look::End) => "$".to_string(),
        HirKind::Look(_) => {
            return Err(
                "it uses line anchors or word boundaries, which the engines read differently"
                    .into(),
            )
        }
        HirKind::Repetition(r) => {
            let sub = write(&r.sub, d)?;
            let q = match (r.min, r.max) {
                (0, None) => "*".to_string(),
                (1, None) => "+".to_string(),
                (0, Some(1)) => "?".to_string(),
                (m, _) if m > 255 => return Err("it repeats more than 255 times".into()),
                (_, Some(n)) if n > 255 => return Err("it repeats more than 255 times".into()),
                (m, None) => format!("{{{m},}}"),
                (m, Some(n)) if m == n => format!("{{{m}}}"),
                (m, Some(n)) => format!("{{{m},{n}}}"),
            };
            format!("(?:{sub}){q}")
        }
        HirKind::Capture(c) => format!("(?:{})", write(&c.sub, d)?),
        HirKind::Concat(xs) => {
            let parts: Result<Vec<String>, String> = xs.iter().map(|x| write(x, d)).collect();
            parts?.concat()
        }
        HirKind::Alternation(xs) => {
            let parts: Result<Vec<String>, String> = xs.iter().map(|x| write(x, d)).collect();
            format!("(?:{})", parts?.join("|"))
        }
    })
}

/// One position of a finite match.
#[derive(Clone, Debug)]
enum Atom {
    Ranges(Vec<(char, char)>),
    Start,
    End,
}

/// Every sequence of positions the pattern matches, when finitely many.
fn expand(h: &Hir) -> Result<Vec<Vec<Atom>>, String> {
    let too_many = || {
        format!("SQLite has no regular expressions, and it stands for more than {MAX_GLOBS} GLOB patterns")
    };
    Ok(match h.kind() {
        HirKind::Empty => vec![vec![]],
        HirKind::Literal(lit) => {
            let text = std::str::from_utf8(&lit.0)
                .map_err(|_| "it matches bytes, not text".to_string())?;
            vec![text.chars().map(|c| Atom::Ranges(vec![(c, c)])).collect()]
        }
        HirKind::Class(Class::Unicode(c)) => {
            vec![vec![Atom::Ranges(
                c.ranges().iter().map(|r| (r.start(), r.end())).collect(),
            )]]
        }
        HirKind::Class(Class::Bytes(_)) => return Err("it matches bytes, not text".into()),
        HirKind::Look(Look::Start) => vec![vec![Atom::Start]],
        HirKind::Look(Look::End) => vec![vec![Atom::End]],
        HirKind::Look(_) => return Err("it uses line anchors or word boundaries".into()),
        HirKind::Repetition(r) => {
            let Some(max) = r.max else {
                return Err("SQLite has no regular expressions, and a repetition without bound (`*`, `+`) has no GLOB equivalent".into());
            };
            let sub = expand(&r.sub)?;
            let mut out = Vec::new();
            for n in r.min..=max {
                let mut seqs = vec![vec![]];
                for _ in 0..n {
                    seqs = product(&seqs, &sub).ok_or_else(too_many)?;
                }
                out.extend(seqs);
                if out.len() > MAX_GLOBS {
                    return Err(too_many());
                }
            }
            out
        }
        HirKind::Capture(c) => expand(&c.sub)?,
        HirKind::Concat(xs) => {
            let mut seqs = vec![vec![]];
            for x in xs {
                seqs = product(&seqs, &expand(x)?).ok_or_else(too_many)?;
            }
            seqs
        }
        HirKind::Alternation(xs) => {
            let mut out = Vec::new();
            for x in xs {
                out.extend(expand(x)?);
                if out.len() > MAX_GLOBS {
                    return Err(too_many());
                }
            }
            out
        }
    })
}

fn product(a: &[Vec<Atom>], b: &[Vec<Atom>]) -> Option<Vec<Vec<Atom>>> {
    if a.len() * b.len() > MAX_GLOBS {
        return None;
    }
    Some(
        a.iter()
            .flat_map(|x| b.iter().map(move |y| [x.clone(), y.clone()].concat()))
            .collect(),
    )
}

/// One sequence as a GLOB pattern (unanchored sides get `*`).
fn glob(seq: &[Atom]) -> Result<String, String> {
    let mut atoms = seq;
    let start = matches!(atoms.first(), Some(Atom::Start));
    if start {
        atoms = &atoms[1..];
    }
    let end = matches!(atoms.last(), Some(Atom::End));
    if end {
        atoms = &atoms[..atoms.len() - 1];
    }
    let mut out = String::new();
    if !start {
        out.push('*');
    }
    for a in atoms {
        match a {
            Atom::Start | Atom::End => return Err("it anchors in the middle of the pattern".into()),
            Atom::Ranges(r) => out.push_str(&glob_class(r)?),
        }
    }
    if !end {
        out.push('*');
    }
    Ok(out)
}

/// A class as GLOB writes it: a character alone, `[...]`, or `[^...]`
/// when the complement is shorter.
fn glob_class(ranges: &[(char, char)]) -> Result<String, String> {
    if let [(a, b)] = ranges {
        if a == b {
            return Ok(match a {
                '*' | '?' | '[' => format!("[{a}]"),
                c => c.to_string(),
            });
        }
    }
    if ranges.is_empty() {
        return Err("it has a class that matches nothing".into());
    }
    let complement = complement(ranges);
    let (negate, list) = if !complement.is_empty() && complement.len() < ranges.len() {
        (true, complement)
    } else {
        (false, ranges.to_vec())
    };
    let mut body = String::new();
    let mut close = false;
    let mut dash = false;
    for (a, b) in &list {
        for c in [a, b] {
            if *c == '\0' {
                return Err("it matches the NUL character".into());
            }
        }
        let (a, b) = (*a, *b);
        let mut lo = a;
        if lo == ']' {
            close = true;
            lo = '^';
        }
        if lo == '-' {
            dash = true;
            lo = '.';
        }
        // keep `]`, `-` and a leading `^` out of the ranges
        if lo > b || (lo == '.' && b < '.') || (lo == '^' && b < '^') {
            continue;
        }
        if lo == b {
            body.push(lo);
        } else if b == ']' || b == '-' {
            return Err("it has a class range ending in `]` or `-`".into());
        } else {
            body.push(lo);
            body.push('-');
            body.push(b);
        }
    }
    let mut out = String::from("[");
    if negate {
        out.push('^');
    }
    if close {
        out.push(']');
    }
    if body.starts_with('^') && !negate && !close {
        // a leading `^` would negate the class
        return Err("it has a class starting with `^`, which GLOB reads as a negation".into());
    }
    out.push_str(&body);
    if dash {
        out.push('-');
    }
    out.push(']');
    Ok(out)
}

/// The characters a class does not hold, as ranges (surrogates left out).
fn complement(ranges: &[(char, char)]) -> Vec<(char, char)> {
    let mut complement = Vec::new();
    let mut next = 0u32;
    for (a, b) in ranges {
        if (*a as u32) > next {
            complement.push((next, *a as u32 - 1));
        }
        next = *b as u32 + 1;
    }
    if next <= 0x10FFFF {
        complement.push((next, 0x10FFFF));
    }
    complement
        .into_iter()
        .filter(|(a, b)| !(*a >= 0xD800 && *b <= 0xDFFF))
        .filter_map(|(a, b)| {
            let a = char::from_u32(a).or_else(|| char::from_u32(0xE000))?;
            let b = char::from_u32(b).or_else(|| char::from_u32(0xD7FF))?;
            Some((a, b))
        })
        .collect()
}
