//! A data file that changes while it is read: its length and modification
//! time are noted when it is opened and compared once it has been read.

use super::DataError;

/// A regular file's length and modification time when it was opened. A
/// file still being written (an export in progress, a file rewritten in
/// place) would give records of two versions, or lose some: reading it is
/// refused. Pipes and terminals have no length to compare, and are read
/// once anyway.
pub(super) struct Snapshot {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Snapshot {
    pub(super) fn of(file: &std::fs::File) -> Option<Snapshot> {
        let m = file.metadata().ok().filter(|m| m.is_file())?;
        Some(Snapshot {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }

    /// The error for `file` (named `name`) if it changed since: its length
    /// or modification time now, or the bytes `read` from it (when it was
    /// read to its end; any count past the length at open is a change
    /// anyway).
    pub(super) fn changed(
        &self,
        file: &std::fs::File,
        read: u64,
        to_the_end: bool,
        name: &str,
    ) -> Option<DataError> {
        let now = Snapshot::of(file);
        // exact: a few bytes appended are a change too
        let size = |n: u64| format!("{} bytes", crate::language::human::count(n as usize));
        let detail = match now {
            Some(n) if n.len != self.len => format!(
                "it was {} when opened and is {} now",
                size(self.len),
                size(n.len)
            ),
            Some(n) if n.modified != self.modified => format!(
                "it was written to while it was read (still {})",
                size(n.len)
            ),
            None => "it can no longer be examined".to_string(),
            Some(_) if read > self.len || (to_the_end && read < self.len) => format!(
                "it was {} when opened, and {} were read",
                size(self.len),
                size(read)
            ),
            Some(_) => return None,
        };
        let help = format!(
            "{detail}: an export still being written, or a file rewritten in place; wait until it is finished, copy it, and run on the copy"
        );
        Some(DataError::plain(name, CHANGED, Some(help)))
    }
}

/// The message of a file that changed while it was read.
pub(super) const CHANGED: &str =
    "changed while it was read; run again on a copy that is not being written";
