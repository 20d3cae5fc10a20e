//! Binary data is refused in every format alike: a NUL byte is never in a
//! text export (JSON escapes it, and CSV from a spreadsheet has none unless
//! it was saved as UTF-16), so the first one stops the run, whatever the
//! reader. Found here, below the readers, in one pass of `memchr` over each
//! block read, and only then turned into a line and column.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The error a [`NulGuard`] reads as: a NUL byte at this byte offset.
#[derive(Debug)]
pub(super) struct Binary(pub u64);

impl std::fmt::Display for Binary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a NUL byte at byte {}", self.0 + 1)
    }
}

impl std::error::Error for Binary {}

/// Passes bytes through up to the first NUL, then fails with [`Binary`]:
/// every record before it is read whole first.
pub(super) struct NulGuard<R> {
    pub inner: R,
    /// Bytes passed so far.
    pub offset: u64,
    pub found: bool,
    /// False for a gzip stream or a workbook, binary by nature: bytes pass
    /// unchecked.
    pub armed: bool,
    /// The bytes read from the first NUL on, held back: passed on once
    /// disarmed.
    held: Vec<u8>,
}

impl<R: Read> NulGuard<R> {
    /// Reads `inner` through a guard, buffered.
    pub fn buffered(inner: R) -> BufReader<Self> {
        BufReader::with_capacity(
            1 << 16,
            NulGuard {
                inner,
                offset: 0,
                found: false,
                armed: true,
                held: Vec::new(),
            },
        )
    }

    /// Lets every byte through from now on (the first read stopped at a
    /// NUL of a binary format's header).
    pub fn disarm(&mut self) {
        self.armed = false;
        self.found = false;
    }
}

impl<R: Read> Read for NulGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.armed {
            if self.held.is_empty() {
                return self.inner.read(buf);
            }
            let n = self.held.len().min(buf.len());
            buf[..n].copy_from_slice(&self.held[..n]);
            self.held.drain(..n);
            return Ok(n);
        }
        if self.found {
            return Err(std::io::Error::other(Binary(self.offset)));
        }
        let n = self.inner.read(buf)?;
        // memchr: a small fraction of the cost of reading the bytes
        let n = match memchr::memchr(0, &buf[..n]) {
            Some(0) => return Err(std::io::Error::other(Binary(self.offset))),
            Some(i) => {
                self.found = true;
                self.held = buf[i..n].to_vec();
                i
            }
            None => n,
        };
        self.offset += n as u64;
        Ok(n)
    }
}

/// The 1-based line and byte column of byte `offset` of the file.
pub(super) fn line_and_column(path: &Path, offset: u64) -> Option<(usize, usize)> {
    let f = std::fs::File::open(path).ok()?;
    let mut r = BufReader::new(f.take(offset));
    let (mut line, mut col) = (1, 1);
    loop {
        let buf = r.fill_buf().ok()?;
        if buf.is_empty() {
            return Some((line, col));
        }
        for &b in buf {
            if b == b'\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        let n = buf.len();
        r.consume(n);
    }
}

/// Binary by nature: the guard is lifted for them.
pub(super) enum Archive {
    Gzip,
    Workbook,
}

/// Whether the data is gzipped (when `gzip_ok`) or a workbook (when
/// `workbook_ok`: no format given), by its first bytes or extension; the guard against binary data
/// is then lifted, a NUL being part of those formats.
pub(super) fn archive<R: Read>(
    reader: &mut BufReader<NulGuard<R>>,
    ext: Option<&str>,
    gzip_ok: bool,
    workbook_ok: bool,
) -> std::io::Result<Option<Archive>> {
    let head = reader.fill_buf()?;
    let found = if gzip_ok && head.starts_with(&[0x1f, 0x8b]) {
        Some(Archive::Gzip)
    } else if workbook_ok && super::sheet::is_workbook(ext, head) {
        Some(Archive::Workbook)
    } else {
        None
    };
    if found.is_some() {
        reader.get_mut().disarm();
    }
    Ok(found)
}
