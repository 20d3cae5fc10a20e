//! Reading a rules file: no more than [`MAX_SOURCE_BYTES`] of it, as UTF-8
//! text, with a [`LoadError`] for a file that cannot be read, is not text,
//! is too large, or holds invalid rules.

use std::path::Path;

use crate::diagnostic::{self, RulesError};
use crate::syntax::{self, MAX_SOURCE_BYTES};

/// A rules file that could not be loaded: unreadable, or invalid.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LoadError {
    /// The file could not be read (`influence-eval check missing.rules`).
    #[error("cannot read rules file {path}: {source}")]
    #[diagnostic(code(influence::io), help("check the path of the rules file"))]
    Io {
        /// The path given.
        path: String,
        /// The system's reason: not found, permission denied, a directory.
        source: std::io::Error,
    },
    /// The file is not valid UTF-8 text.
    #[error("rules file {path} is not UTF-8 text (invalid byte at offset {offset})")]
    #[diagnostic(code(influence::encoding), help("save the file as UTF-8"))]
    Encoding {
        /// The path given.
        path: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The file is larger than [`MAX_SOURCE_BYTES`]
    /// (`influence-eval check creators.json`, a data export given as rules).
    #[error("rules file {path} is {size}, more than the 1 MiB a rules file may hold")]
    #[diagnostic(
        code("influence::too-large"),
        help("a rules file holds criteria, not data: check that this is the rules file and not a data export; keep long lists (of handles, say) in the creator data and test a field there")
    )]
    TooLarge {
        /// The path given.
        path: String,
        /// Its size, as `100.0 MiB`, or `more than 1 MiB` when unknown (a pipe).
        size: String,
    },
    /// The file has errors.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rules(#[from] RulesError),
}

impl LoadError {
    /// Every diagnostic as JSON: one for an unreadable file, one per
    /// problem for an invalid one.
    pub fn to_json(&self) -> Vec<diagnostic::JsonDiagnostic> {
        match self {
            LoadError::Rules(e) => e.to_json(),
            LoadError::Io { path, .. }
            | LoadError::Encoding { path, .. }
            | LoadError::TooLarge { path, .. } => {
                vec![diagnostic::JsonDiagnostic::of(self).in_file(path)]
            }
        }
    }
}

/// Reads a rules file's text, no more than [`MAX_SOURCE_BYTES`] of
/// it: the file may be a huge export given by mistake, or endless
/// (`/dev/zero`). Every command that reads rules (`run`, `check`, `test`,
/// `fmt`, ...) reads them through here, so the limit is the same for all.
pub(crate) fn read_rules_file(path: &Path) -> Result<String, LoadError> {
    use std::io::Read;
    let name = path.display().to_string();
    let io = |source| LoadError::Io {
        path: name.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let known_size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    let mut bytes = Vec::new();
    file.take(MAX_SOURCE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > MAX_SOURCE_BYTES {
        let size = match known_size {
            Some(n) => syntax::human_size(n),
            None => "more than 1 MiB".to_string(),
        };
        return Err(LoadError::TooLarge { path: name, size });
    }
    String::from_utf8(bytes).map_err(|e| LoadError::Encoding {
        path: name.clone(),
        offset: e.utf8_error().valid_up_to(),
    })
}
