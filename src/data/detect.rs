//! Telling a data file's format (from its extension, else its first
//! bytes), and opening it.

use std::path::Path;

use super::{wrapper, DataError, Format};

pub(super) fn ext(p: &Path) -> String {
    p.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The format from the extension, else from the first bytes.
pub(super) fn detect(path: Option<&Path>, start: &[u8]) -> Result<Format, String> {
    let by_content = || {
        if start.contains(&0) {
            return None; // binary data: no format of ours
        }
        let first = start.iter().copied().find(|b| !b.is_ascii_whitespace());
        match first {
            Some(b'[') => Some(Format::Json),
            Some(b'{') if wrapper::looks_wrapped(start) => Some(Format::Json),
            Some(b'{') => Some(Format::Ndjson),
            Some(_) => Some(Format::Csv),
            None => None,
        }
    };
    let from_ext = match path {
        Some(p) => match ext(p).as_str() {
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "csv" => Some(Format::Csv),
            "tsv" => Some(Format::Tsv),
            // `.json` may hold an array or one object per line
            "json" => Some(match by_content() {
                Some(Format::Ndjson) => Format::Ndjson,
                _ => Format::Json,
            }),
            _ => None,
        },
        None => None,
    };
    match from_ext.or_else(by_content) {
        Some(f) => Ok(f),
        None if !start.contains(&0) => Ok(Format::Json), // empty: the reader says so
        None => Err("the data looks binary; influence-eval reads a JSON array, NDJSON, CSV or TSV (pass --format-in to choose)".to_string()),
    }
}

/// Opens a data file, or says why not.
pub fn open(path: &Path) -> Result<std::fs::File, DataError> {
    let name = path.display().to_string();
    if path.is_dir() {
        return Err(DataError::plain(
            &name,
            "is a directory, not a data file",
            Some("give the path of a .json file".into()),
        ));
    }
    std::fs::File::open(path).map_err(|e| {
        let help = match e.kind() {
            std::io::ErrorKind::NotFound => {
                Some("check the path; it is relative to the current directory".to_string())
            }
            std::io::ErrorKind::PermissionDenied => {
                Some("check the file's permissions".to_string())
            }
            _ => None,
        };
        DataError::plain(&name, format!("cannot read: {e}"), help)
    })
}
