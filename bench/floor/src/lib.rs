//! Shared parts of the benchmark programs: the typed creator struct of the
//! parse floor, a streaming splitter that hands out one record's bytes at a
//! time (JSON array or NDJSON), and the data format of a path.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use serde::Deserialize;

/// Every field a generated creator has, decoded into owned Rust types: what a
/// program that "just parses the export" holds. `bin/typed` parses into a
/// `Vec` of these.
#[derive(Debug, Deserialize)]
pub struct TypedCreator {
    pub handle: String,
    pub name: String,
    pub platform: String,
    pub followers: u64,
    pub following: u64,
    pub posts: u64,
    pub avg_likes: u64,
    pub avg_comments: u64,
    pub engagement_rate: f64,
    pub niches: Vec<String>,
    pub country: String,
    pub language: String,
    pub bio: String,
    pub is_customer: bool,
    pub brand_mentions: u32,
    pub sponsored_posts: u32,
    pub link_clicks_30d: u64,
    pub conversions_30d: u64,
    pub posts_last_30d: u32,
    #[serde(default)]
    pub authenticity_score: Option<f64>,
    #[serde(default)]
    pub audience: Option<Audience>,
    #[serde(default)]
    pub email: Option<String>,
    pub joined: String,
}

/// The nested `audience` object.
#[derive(Debug, Deserialize)]
pub struct Audience {
    pub female_share: f64,
    pub top_country: String,
    pub age_18_34_share: f64,
}

/// The two data layouts the benchmark writes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Format {
    /// A JSON array of objects (`.json`).
    Array,
    /// One object per line (`.ndjson`, `.jsonl`).
    Ndjson,
}

impl Format {
    /// From the file name: `.ndjson`/`.jsonl` are NDJSON, anything else an array.
    pub fn of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("ndjson") | Some("jsonl") => Format::Ndjson,
            _ => Format::Array,
        }
    }
}

/// Streams the records of `path`, calling `each` with the bytes of one
/// record at a time, in input order, reading 1 MiB blocks: memory stays flat.
/// NDJSON: every non-blank line. Array: every top-level element, which must
/// be an object (the splitter follows strings and escapes, not layout).
pub fn for_each_record(path: &Path, mut each: impl FnMut(&[u8])) -> io::Result<()> {
    let format = Format::of(path);
    let mut file = File::open(path)?;
    let mut buf: Vec<u8> = Vec::with_capacity(2 << 20);
    let mut block = vec![0u8; 1 << 20];
    // array scanner state, kept across blocks
    let (mut depth, mut in_str, mut esc) = (0usize, false, false);
    let mut start: Option<usize> = None;
    let mut pos = 0usize;
    loop {
        let n = file.read(&mut block)?;
        let at_end = n == 0;
        buf.extend_from_slice(&block[..n]);
        let keep_from = match format {
            Format::Ndjson => {
                let mut line_start = 0;
                while let Some(off) = buf[pos..].iter().position(|&b| b == b'\n') {
                    let end = pos + off;
                    let line = &buf[line_start..end];
                    if line.iter().any(|b| !b.is_ascii_whitespace()) {
                        each(line);
                    }
                    pos = end + 1;
                    line_start = pos;
                }
                if at_end {
                    let line = &buf[line_start..];
                    if line.iter().any(|b| !b.is_ascii_whitespace()) {
                        each(line);
                    }
                    return Ok(());
                }
                line_start
            }
            Format::Array => {
                while pos < buf.len() {
                    let b = buf[pos];
                    if in_str {
                        if esc {
                            esc = false;
                        } else if b == b'\\' {
                            esc = true;
                        } else if b == b'"' {
                            in_str = false;
                        }
                    } else {
                        match b {
                            b'"' => in_str = true,
                            b'{' | b'[' => {
                                if depth == 1 && b == b'{' {
                                    start = Some(pos);
                                } else if depth == 1 {
                                    return Err(not_object(pos));
                                }
                                depth += 1;
                            }
                            b'}' | b']' => {
                                depth = depth.saturating_sub(1);
                                if depth == 1 {
                                    if let Some(s) = start.take() {
                                        each(&buf[s..=pos]);
                                    }
                                }
                            }
                            b' ' | b'\t' | b'\r' | b'\n' | b',' => {}
                            _ if depth == 1 && start.is_none() => return Err(not_object(pos)),
                            _ => {}
                        }
                    }
                    pos += 1;
                }
                if at_end {
                    return Ok(());
                }
                start.unwrap_or(pos)
            }
        };
        buf.drain(..keep_from);
        pos -= keep_from;
        if let Some(s) = start.as_mut() {
            *s -= keep_from;
        }
    }
}

fn not_object(pos: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("an array element that is not an object (near byte {pos} of the block)"),
    )
}

/// The data file named on the command line, or a usage message.
pub fn path_arg(program: &str) -> std::path::PathBuf {
    match std::env::args_os().nth(1) {
        Some(p) => p.into(),
        None => {
            eprintln!("usage: {program} DATA.json|DATA.ndjson");
            std::process::exit(2);
        }
    }
}

/// Each record of an NDJSON slice (whole file in memory).
pub fn ndjson_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
}
