//! A progress line on standard error for runs that take over a second:
//! records read, records per second and the share of the input's bytes
//! read. Only when standard error is a terminal and `CI` is not set: never
//! in pipes, files or CI logs. It is cleared when the run ends.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::language::human;

/// How long a run goes before the line appears.
const DELAY: Duration = Duration::from_secs(1);
/// The least time between two redraws.
const REDRAW: Duration = Duration::from_millis(120);

/// Whether to show progress: on a terminal's standard error, outside CI,
/// and not on a `TERM=dumb` terminal.
fn wanted(stderr_is_terminal: bool, ci: bool, term: Option<&str>) -> bool {
    stderr_is_terminal && !ci && term != Some("dumb")
}

/// The progress of reading one input.
pub struct Progress {
    enabled: bool,
    label: String,
    total: Option<u64>,
    bytes: Arc<AtomicU64>,
    start: Instant,
    last: Instant,
    records: u64,
    shown: bool,
}

impl Progress {
    /// Progress for reading an input of `total` bytes (unknown for a pipe).
    pub fn new(label: &str, total: Option<u64>) -> Self {
        let enabled = wanted(
            std::io::stderr().is_terminal(),
            std::env::var_os("CI").is_some(),
            std::env::var("TERM").ok().as_deref(),
        );
        let now = Instant::now();
        Progress {
            enabled,
            label: label.to_string(),
            total: total.filter(|&t| t > 0),
            bytes: Arc::new(AtomicU64::new(0)),
            start: now,
            last: now,
            records: 0,
            shown: false,
        }
    }

    /// The counter the reader adds the bytes it reads to.
    pub fn bytes(&self) -> Arc<AtomicU64> {
        self.bytes.clone()
    }

    /// `n` more records read (a batch).
    pub fn advance(&mut self, n: usize) {
        self.records += n as u64;
        self.show();
    }

    fn show(&mut self) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if now - self.start < DELAY || now - self.last < REDRAW {
            return;
        }
        self.last = now;
        self.shown = true;
        let secs = (now - self.start).as_secs_f64();
        let mut line = format!(
            "{}: {} records",
            self.label,
            human::compact(self.records as f64)
        );
        line.push_str(&format!(
            ", {} records/s",
            human::compact(self.records as f64 / secs)
        ));
        if let Some(total) = self.total {
            let read = self.bytes.load(Ordering::Relaxed) as f64;
            line.push_str(&format!(
                ", {:.0}% read",
                (100.0 * read / total as f64).min(100.0)
            ));
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\u{1b}[2K{line}");
        let _ = err.flush();
    }

    /// Clears the line, if it was shown.
    pub fn finish(self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\u{1b}[2K");
            let _ = err.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wanted;

    #[test]
    fn only_on_a_terminal_outside_ci() {
        assert!(wanted(true, false, Some("xterm-256color")));
        assert!(wanted(true, false, None));
        assert!(
            !wanted(false, false, Some("xterm")),
            "never in a pipe or a file"
        );
        assert!(!wanted(true, true, Some("xterm")), "never in CI");
        assert!(!wanted(true, false, Some("dumb")));
    }
}
