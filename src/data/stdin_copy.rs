//! A copy of standard input in a temporary file, for a run that reads its
//! data twice (rules with cohort functions): standard input can be read
//! only once. The file is unlinked as soon as it is made, so it is gone
//! however the process ends; it takes the size of the input on disk.

use std::io::{self, Seek, SeekFrom};
use std::sync::Arc;

use super::{DataError, Input};

impl Input {
    /// This input, with standard input copied to a temporary file first
    /// (a file is returned as is).
    pub fn readable_twice(&self) -> Result<Input, DataError> {
        if self.file.is_some() || self.copy.is_some() {
            return Ok(self.clone());
        }
        let fail = |e: io::Error| {
            DataError::plain(
                "<stdin>",
                format!(
                    "cannot copy standard input to a temporary file in {}: {e}",
                    std::env::temp_dir().display()
                ),
                Some("rules with cohort functions read the data twice, so standard input is kept in a temporary file; set TMPDIR to a folder with room, or give the data as a file".into()),
            )
        };
        // where the name cannot be removed while open, it stays behind
        let (mut file, _) = unlinked_file(&std::env::temp_dir(), "stdin").map_err(fail)?;
        io::copy(&mut io::stdin().lock(), &mut file).map_err(fail)?;
        Ok(Input {
            copy: Some(Arc::new(file)),
            ..self.clone()
        })
    }

    /// The copy of standard input, from its start, when there is one.
    pub(super) fn copy_from_start(&self) -> Option<io::Result<std::fs::File>> {
        let copy = self.copy.as_ref()?;
        Some(copy.try_clone().and_then(|mut f| {
            f.seek(SeekFrom::Start(0))?;
            Ok(f)
        }))
    }
}

/// A new file in `dir`, read and written, named `.influence-eval-...`
/// with `stem`: on Unix its name is removed as soon as it is created, so
/// the file goes with the process however it ends. With it, its name
/// where the system could not remove it (the caller removes it later).
pub fn unlinked_file(
    dir: &std::path::Path,
    stem: &str,
) -> io::Result<(std::fs::File, Option<std::path::PathBuf>)> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut attempt = 0;
    loop {
        let name = format!(
            ".influence-eval-{}-{nanos}-{attempt}.{stem}",
            std::process::id()
        );
        let path = dir.join(name);
        let opened = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path);
        match opened {
            Ok(file) => {
                let path = std::fs::remove_file(&path).err().map(|_| path);
                return Ok((file, path));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}
