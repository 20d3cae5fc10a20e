//! The temporary file where `run` keeps lines until every creator is
//! ranked (ndjson and csv, json with `--all`): created beside the output
//! (else in the temporary folder), and gone however the process ends.

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{output_name, write_failed, Reporter, EXIT_DATA};

/// A spool for a report going to `output` (standard output when `None`).
pub(super) fn open(output: Option<&Path>, rep: &Reporter) -> Result<Spool, ExitCode> {
    let dir = spool_dir(output);
    spool_file(&dir).map_err(|e| match output {
        // beside the output: what fails here would fail for the output
        // (a missing folder, no permission), and is said so
        Some(_) => write_failed(&e, &output_name(output), rep).unwrap_or(ExitCode::SUCCESS),
        None => failed(output, "cannot create", &e, rep),
    })
}

/// Says that the spool of a report going to `output` could not be
/// created, written or read back (`what`); exit 2.
pub(super) fn failed(output: Option<&Path>, what: &str, e: &io::Error, rep: &Reporter) -> ExitCode {
    // beside the output: what fails there (a full disk, a file size
    // limit) would fail for the output, and is said so
    if output.is_some() {
        return write_failed(e, &output_name(output), rep).unwrap_or(ExitCode::from(EXIT_DATA));
    }
    let dir = spool_dir(output);
    let message = format!("{what} a temporary file in {}: {e}", dir.display());
    let help = "the lines wait there, about the size of the output, until every creator is ranked; set TMPDIR to a folder with room";
    rep.error("influence::output", &message, None, Some(help));
    ExitCode::from(EXIT_DATA)
}

/// Where the spool goes: beside the output file (where there is room for
/// the output), else the temporary folder; also for an output that is not
/// a regular file (`--output /dev/null`, a FIFO), whose folder is no place
/// for files.
fn spool_dir(output: Option<&Path>) -> PathBuf {
    let Some(path) = output else {
        return std::env::temp_dir();
    };
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return std::env::temp_dir();
    }
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A new temporary file in `dir`, read and written, that no exit path
/// leaves behind: on Unix its name is removed as soon as it is created, so
/// the file goes with the process however it ends (an error, Ctrl-C, a
/// kill); where an open file cannot be removed, it is removed when dropped.
fn spool_file(dir: &Path) -> io::Result<Spool> {
    let (file, path) = crate::data::stdin_copy::unlinked_file(dir, "spool")?;
    Ok(Spool { file, path })
}

/// The spool's file, and its name while it still has one.
pub(super) struct Spool {
    file: std::fs::File,
    path: Option<PathBuf>,
}

impl io::Read for Spool {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.read(buf)
    }
}

impl io::Write for Spool {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl io::Seek for Spool {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        self.file.seek(to)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}
