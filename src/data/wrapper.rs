//! A JSON document: an array of records, or an object wrapping one (an
//! API response saved to a file, `{"total": 40, "directs": [...]}`). The
//! list is found with `--records PATH`, or, without it, as the one member
//! of the top-level object that is an array of objects. Either way the
//! list is streamed element by element as a top-level array is, and the
//! rest of the object is scanned past, never built or held.

use std::io::Read;

use super::batch::Batcher;
use super::json::{elements, Scanner, BLOCK};
use super::nesting::Nesting;
use super::{Fault, Note};

/// Where the records are inside a top-level JSON object: `--records
/// directs`, `--records data.items` or the JSON pointer `/data/items`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordsPath {
    text: String,
    keys: Vec<String>,
}

impl RecordsPath {
    /// Parses a dotted path (`data.items`, also written `.data.items[]` as
    /// jq would) or a JSON pointer (`/data/items`, `~1` for `/`, `~0` for `~`).
    pub fn parse(text: &str) -> Result<RecordsPath, String> {
        let keys: Vec<String> = if let Some(pointer) = text.strip_prefix('/') {
            pointer
                .split('/')
                .map(|k| k.replace("~1", "/").replace("~0", "~"))
                .collect()
        } else {
            let t = text.strip_prefix('.').unwrap_or(text);
            let t = t.strip_suffix("[]").unwrap_or(t);
            t.split('.').map(str::to_string).collect()
        };
        if keys.iter().any(String::is_empty) {
            return Err(format!(
                "`{text}` has an empty key: give the keys from the top-level object to the list, as `directs`, `data.items` or `/data/items`"
            ));
        }
        Ok(RecordsPath {
            text: text.to_string(),
            keys,
        })
    }
}

impl std::fmt::Display for RecordsPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// True when data starting with `{` is one JSON object over several lines
/// (a pretty-printed wrapper), not one object per line (NDJSON): a line
/// break inside the first object, or a first line that is the whole
/// input (or longer than `start`) with an array of objects as a member.
pub(super) fn looks_wrapped(start: &[u8]) -> bool {
    let Some(from) = start.iter().position(|&b| b == b'{') else {
        return false;
    };
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    // an array of objects directly in the top-level object
    let mut array_of_objects = false;
    let mut after_open_array = false;
    for (i, &b) in start.iter().enumerate().skip(from) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if after_open_array && !b.is_ascii_whitespace() {
            array_of_objects |= b == b'{';
            after_open_array = false;
        }
        match b {
            b'\n' if depth > 0 => return true,
            b'"' => in_string = true,
            b'[' => {
                depth += 1;
                after_open_array = depth == 2;
            }
            b'{' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    // the whole input, on one line
                    let rest_blank = start[i + 1..].iter().all(u8::is_ascii_whitespace);
                    return array_of_objects && rest_blank && start.len() < BLOCK;
                }
            }
            _ => {}
        }
    }
    array_of_objects
}

/// Reads a JSON document that is not a plain top-level array (the scanner
/// at its first byte, `{` or `[`): the list inside a top-level object (at
/// `records`, else the one array of objects among its members, with a note
/// naming it); a top-level array with `records` is an error.
pub(super) fn read_wrapped<R: Read>(
    mut s: Scanner<R>,
    records: Option<&RecordsPath>,
    out: &mut Batcher,
    notes: &mut Vec<Note>,
) -> Result<usize, Fault> {
    let n = match (s.peek()?, records) {
        (Some(b'{'), Some(path)) => {
            s.bump();
            let mut n = 0;
            walk(&mut s, &path.keys, 0, out, &mut n)?;
            n
        }
        (Some(b'{'), None) => {
            s.bump();
            find_records(&mut s, out, notes)?
        }
        (_, Some(path)) => {
            return Err(s
                .fault(format!(
                    "--records {path} looks inside an object, but the data is an array"
                ))
                .with_help("drop --records: the array's elements are the records"))
        }
        (_, None) => return Err(s.fault("expected a JSON object")),
    };
    if out.stopped {
        return Ok(out.count());
    }
    if s.skip_ws()?.is_some() {
        return Err(s.fault("unexpected data after the end of the JSON object"));
    }
    Ok(n)
}

/// Reads the array at `keys[at..]` inside the object whose `{` was just
/// read, then scans past the rest of the object.
fn walk<R: Read>(
    s: &mut Scanner<R>,
    keys: &[String],
    at: usize,
    out: &mut Batcher,
    n: &mut usize,
) -> Result<(), Fault> {
    let mut found = false;
    let mut names = Vec::new();
    members(s, &mut |s, key| {
        if found || key != keys[at] {
            if names.len() < MAX_NAMES {
                names.push(key);
            }
            skip_value(s)?;
            return Ok(true);
        }
        found = true;
        let here = keys[..=at].join(".");
        let last = at + 1 == keys.len();
        match (s.peek()?, last) {
            (Some(b'['), true) => {
                s.bump();
                *n = elements(s, out)?;
                Ok(!out.stopped)
            }
            (Some(b'{'), false) => {
                s.bump();
                walk(s, keys, at + 1, out, n)?;
                Ok(!out.stopped)
            }
            (b, _) => Err(s
                .fault(format!(
                    "`{here}` is {}, not {}",
                    kind(b),
                    if last {
                        "a list of records"
                    } else {
                        "an object"
                    }
                ))
                .with_help("point --records at the array that holds the creators")),
        }
    })?;
    if out.stopped || found {
        return Ok(());
    }
    let inside = match at {
        0 => "the top-level object".to_string(),
        _ => format!("`{}`", keys[..at].join(".")),
    };
    let mut help = format!("its members are {}", list(&names));
    if let Some(close) =
        crate::diagnostic::did_you_mean(&keys[at], names.iter().map(String::as_str))
    {
        help = format!("did you mean `{close}`? {help}");
    }
    Err(Fault::plain(format!("{inside} has no member `{}`", keys[at])).with_help(help))
}

/// Without `--records`: the one member of the top-level object (whose `{`
/// was just read) that is an array of objects is read as the records.
fn find_records<R: Read>(
    s: &mut Scanner<R>,
    out: &mut Batcher,
    notes: &mut Vec<Note>,
) -> Result<usize, Fault> {
    let (mut lists, mut empty, mut names) = (Vec::new(), Vec::new(), Vec::new());
    let mut n = 0;
    members(s, &mut |s, key| {
        if names.len() < MAX_NAMES {
            names.push(key.clone());
        }
        if s.peek()? != Some(b'[') {
            skip_value(s)?;
            return Ok(true);
        }
        s.bump();
        match s.skip_ws()? {
            Some(b'{') if lists.is_empty() => {
                lists.push(key);
                n = elements(s, out)?;
                return Ok(!out.stopped);
            }
            Some(b'{') => lists.push(key),
            Some(b']') => empty.push(key),
            _ => {}
        }
        skip_nested(s, 1)?;
        Ok(true)
    })?;
    if out.stopped {
        return Ok(n);
    }
    let path = match (lists.as_slice(), empty.as_slice()) {
        ([one], _) | ([], [one]) => one,
        ([], _) => {
            return Err(Fault::plain(format!(
                "found one JSON object, not a list of creators: no member of it is an array of objects (its members are {})",
                list(&names)
            ))
            .with_help(
                "a list deeper inside is read with --records PATH (`--records data.items`); one creator object per line is NDJSON (name the file .ndjson or pass --format-in ndjson); several creators in a JSON file are an array `[{...}, ...]`",
            ))
        }
        (several, _) => {
            let choices: Vec<String> = several.iter().map(|k| format!("--records {}", quoted(k))).collect();
            return Err(Fault::plain(format!(
                "the top-level object holds several lists of objects: {}",
                list(several)
            ))
            .with_help(format!("say which holds the creators: {}?", choices.join(" or "))));
        }
    };
    notes.push(Note {
        code: RECORDS_NOTE_CODE,
        message: format!(
            "{RECORDS_NOTE}: its records were read from `{path}`, its one list of objects (pass --records {} to say so)",
            quoted(path)
        ),
    });
    Ok(n)
}

/// The code of the note on where the records were found.
pub const RECORDS_NOTE_CODE: &str = "influence::records-path";

/// How the note on where the records were found begins.
pub const RECORDS_NOTE: &str = "the data is an object";

/// Names listed in messages, at most.
const MAX_NAMES: usize = 20;

fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".to_string();
    }
    let shown: Vec<String> = names.iter().map(|k| format!("`{k}`")).collect();
    shown.join(", ")
}

/// A key as `--records` takes it: a JSON pointer when it holds a `.`.
fn quoted(key: &str) -> String {
    if key.contains(['.', '/', '~']) || key.is_empty() {
        format!("/{}", key.replace('~', "~0").replace('/', "~1"))
    } else {
        key.to_string()
    }
}

fn kind(b: Option<u8>) -> &'static str {
    match b {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(_) => "a number",
        None => "missing (the file ends)",
    }
}

/// What [`members`] calls for each member: false stops reading.
type Member<'m, R> = dyn FnMut(&mut Scanner<R>, String) -> Result<bool, Fault> + 'm;

/// Calls `member` with each key of the object whose `{` was just read,
/// the scanner at the value, which `member` reads; stops (leaving the
/// object unfinished) when it returns false, else reads the closing `}`.
fn members<R: Read>(s: &mut Scanner<R>, member: &mut Member<'_, R>) -> Result<(), Fault> {
    if s.skip_ws()? == Some(b'}') {
        s.bump();
        return Ok(());
    }
    loop {
        if s.skip_ws()? != Some(b'"') {
            return Err(s.fault("expected a key `\"...\"` in the object"));
        }
        let key = read_key(s)?;
        if s.skip_ws()? != Some(b':') {
            return Err(s.fault("expected `:` after the key"));
        }
        s.bump();
        if s.skip_ws()?.is_none() {
            return Err(s.fault("the file ends inside the object (a `}` is missing)"));
        }
        if !member(s, key)? {
            return Ok(());
        }
        match s.skip_ws()? {
            Some(b',') => {
                s.bump();
            }
            Some(b'}') => {
                s.bump();
                return Ok(());
            }
            Some(_) => return Err(s.fault("expected `,` or `}` after a member of the object")),
            None => return Err(s.fault("the file ends inside the object (a `}` is missing)")),
        }
    }
}

/// Longest key of a wrapper object read, in bytes.
const MAX_KEY_BYTES: usize = 4096;

fn read_key<R: Read>(s: &mut Scanner<R>) -> Result<String, Fault> {
    let (line, col) = (s.line, s.col);
    let mut raw = Vec::new();
    s.scan(&mut |bytes: &[u8]| {
        let room = (MAX_KEY_BYTES + 1).saturating_sub(raw.len());
        raw.extend_from_slice(&bytes[..bytes.len().min(room)]);
    })?;
    serde_json::from_slice(&raw).map_err(|_| {
        Fault::at(
            "a key of the object is not a valid JSON string (or is over 4 KiB)",
            line,
            col,
        )
    })
}

/// Scans past one value without keeping it.
fn skip_value<R: Read>(s: &mut Scanner<R>) -> Result<(), Fault> {
    match s.peek()? {
        Some(b'{' | b'[' | b'"') => s.scan(&mut |_: &[u8]| {}),
        _ => {
            // a number, true, false or null: up to the next delimiter
            while let Some(b) = s.peek()? {
                if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n') {
                    break;
                }
                s.bump();
            }
            Ok(())
        }
    }
}

/// Scans past the rest of an array or object `depth` levels deep (its
/// opening bracket already read).
fn skip_nested<R: Read>(s: &mut Scanner<R>, depth: usize) -> Result<(), Fault> {
    if s.scan_nested(Nesting::inside(depth), &mut |_: &[u8]| {})? {
        return Ok(());
    }
    Err(s.fault("the file ends inside the object (a `}` or `]` is missing)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_dotted_or_pointers() {
        let keys = |t: &str| RecordsPath::parse(t).map(|p| p.keys);
        assert_eq!(keys("directs"), Ok(vec!["directs".to_string()]));
        assert_eq!(keys("data.items"), keys("/data/items"));
        assert_eq!(keys(".data.items[]"), keys("/data/items"));
        assert_eq!(
            keys("/a~1b/c~0d"),
            Ok(vec!["a/b".to_string(), "c~d".to_string()])
        );
        assert!(keys("").is_err());
        assert!(keys("a..b").is_err());
        assert!(keys("/").is_err());
    }

    #[test]
    fn a_wrapper_is_told_from_ndjson() {
        assert!(looks_wrapped(b"{\n  \"directs\": []\n}\n"));
        assert!(looks_wrapped(b"{\"total\": 2,\n \"directs\": [{}]}"));
        assert!(looks_wrapped(b"{\"total\": 1, \"items\": [ {\"a\": 1}]}\n"));
        assert!(!looks_wrapped(b"{\"a\": 1}\n{\"a\": 2}\n"));
        assert!(!looks_wrapped(b"{\"a\": \"x\\n}\"}\n"));
        // one line that is not the whole input: NDJSON, whatever it holds
        assert!(!looks_wrapped(
            b"{\"posts\": [{\"n\": 1}]}\n{\"posts\": []}\n"
        ));
        assert!(!looks_wrapped(b"{\"a\": 1}"));
    }
}
