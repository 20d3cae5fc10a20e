//! Files the tool writes (a report with `--output`, a rules file `fmt`
//! rewrites) are never left half-written and never destroy an input. Each
//! is written to a temporary file beside its target, in the same folder so
//! that the final rename is atomic, and renamed over the target only when
//! complete and synced: the target holds either its old bytes or all the
//! new ones. A failed write removes the temporary file; a killed process
//! (Ctrl-C, SIGKILL) may leave one, named `.NAME.influence-eval-PID-N.tmp`,
//! but never a cut file at NAME.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// How many symbolic links in a row are followed to the real target, as
/// the kernel's own limit (ELOOP).
const MAX_LINKS: usize = 40;

/// A file being written: renamed into place by [`AtomicFile::commit`];
/// dropped without a commit, it is removed and the target is untouched.
pub struct AtomicFile {
    out: BufWriter<File>,
    /// The temporary file, or none for a target that cannot be replaced
    /// (a device such as `/dev/null`, a named pipe): written in place.
    temp: Option<PathBuf>,
    target: PathBuf,
}

impl AtomicFile {
    /// Starts writing `path`. A symbolic link is followed, so the real
    /// file is replaced and the link kept; an existing file's permissions
    /// are kept. Fails at once for a folder or a folder that does not
    /// exist, before any work is done.
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        // a device or pipe is written in place through the path as given:
        // `/dev/stdout` on a pipe links, through /proc, to a name
        // (`pipe:[123]`) that only the kernel can follow
        if let Ok(m) = fs::metadata(path) {
            if !m.is_file() && !m.is_dir() {
                let file = OpenOptions::new().write(true).open(path)?;
                return Ok(AtomicFile {
                    out: BufWriter::new(file),
                    temp: None,
                    target: path.to_path_buf(),
                });
            }
        }
        let target = resolve_links(path)?;
        let keep = match fs::metadata(&target) {
            Ok(m) if m.is_dir() => {
                return Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "it is a directory",
                ))
            }
            Ok(m) if !m.is_file() => {
                let file = OpenOptions::new().write(true).open(&target)?;
                return Ok(AtomicFile {
                    out: BufWriter::new(file),
                    temp: None,
                    target,
                });
            }
            Ok(m) => Some(m.permissions()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let (temp, file) = create_temp(&target)?;
        // from here on, dropping `me` removes the temporary file
        let me = AtomicFile {
            out: BufWriter::new(file),
            temp: Some(temp),
            target,
        };
        if let Some(permissions) = keep {
            me.out.get_ref().set_permissions(permissions)?;
        }
        Ok(me)
    }

    /// Flushes, syncs (a full disk may only say so now) and renames the
    /// file over its target.
    pub fn commit(mut self) -> io::Result<()> {
        self.out.flush()?;
        let Some(temp) = self.temp.take() else {
            return Ok(());
        };
        // until the rename succeeds the temporary file is removed on error
        let result = self
            .out
            .get_ref()
            .sync_all()
            .and_then(|()| fs::rename(&temp, &self.target));
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(temp) = &self.temp {
            let _ = fs::remove_file(temp);
        }
    }
}

/// `path` with symbolic links in its last part followed, however many,
/// to the file they name (which need not exist yet).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&at)?;
                // a relative link is read from the link's folder
                at = match at.parent() {
                    Some(dir) => dir.join(to),
                    None => to,
                };
            }
            _ => return Ok(at),
        }
    }
    Err(io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links in a row"
    )))
}

/// A new, empty file beside `target`, with a name no other file has.
fn create_temp(target: &Path) -> io::Result<(PathBuf, File)> {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    loop {
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let mut temp = OsString::from(".");
        temp.push(name);
        temp.push(format!(".influence-eval-{}-{n}.tmp", std::process::id()));
        let temp = dir.join(temp);
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            // left by an earlier process of the same id: try the next name
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => continue,
            Err(e) => return Err(e),
        }
    }
}

/// A file's identity: its device and inode, the same through every path,
/// symbolic link and hard link to it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FileId(u64, u64);

impl FileId {
    /// The file at `path` (links followed), if it exists.
    pub fn of_path(path: &Path) -> Option<FileId> {
        fs::metadata(path).ok().map(|m| FileId(m.dev(), m.ino()))
    }

    /// The regular file open as standard input or output (`< file`,
    /// `>> file`), if it is one; not a terminal, a pipe or a device.
    pub fn of_stream(fd: std::os::fd::BorrowedFd<'_>) -> Option<FileId> {
        let file = File::from(fd.try_clone_to_owned().ok()?);
        let m = file.metadata().ok()?;
        m.is_file().then(|| FileId(m.dev(), m.ino()))
    }
}
