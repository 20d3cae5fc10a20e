//! Helpers shared by the tests that run the built binary.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_influence-eval");

/// A fresh scratch folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("influence-eval-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes a fixture file.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write fixture");
    p
}

/// Runs the binary from the repository root, without colour.
pub fn run(args: &[&str]) -> Output {
    run_with_stdin(args, None)
}

/// Runs the binary with `input` on standard input.
pub fn run_with_stdin(args: &[&str], input: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the binary");
    if let Some(bytes) = input {
        child
            .stdin
            .take()
            .expect("piped")
            .write_all(bytes)
            .expect("write stdin");
    }
    child.wait_with_output().expect("wait for the binary")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

pub fn p(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// Writes `total` bytes made of `unit` repeated, in 1 MiB chunks.
pub fn write_repeated(path: &Path, head: &[u8], unit: &[u8], total: usize, tail: &[u8]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    f.write_all(head).expect("write");
    let chunk: Vec<u8> = unit
        .iter()
        .copied()
        .cycle()
        .take((1 << 20) / unit.len() * unit.len())
        .collect();
    let mut written = 0;
    while written + chunk.len() <= total {
        f.write_all(&chunk).expect("write");
        written += chunk.len();
    }
    while written + unit.len() <= total {
        f.write_all(unit).expect("write");
        written += unit.len();
    }
    f.write_all(tail).expect("write");
    f.flush().expect("flush");
}
