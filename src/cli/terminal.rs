//! Terminal manners: colour only for a terminal and never under
//! `NO_COLOR`; tables as wide as the terminal; the default output format.

use std::io::IsTerminal;

/// Whether to colour a stream: not when `NO_COLOR` is set (and not
/// empty); always when `CLICOLOR_FORCE` is set (and not `0`); otherwise
/// only a terminal, and not a `TERM=dumb` one.
pub fn colour(is_terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("NO_COLOR") {
        return false;
    }
    if set("CLICOLOR_FORCE") && std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    is_terminal && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// Whether standard output is a terminal.
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Whether `--output PATH` names a terminal (`/dev/tty`, or `/dev/stdout`
/// when that is one). Only a character device is opened to ask, for
/// writing, never created or truncated.
#[cfg(unix)]
pub fn path_is_terminal(path: &std::path::Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(path).is_ok_and(|m| m.file_type().is_char_device())
        && std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .is_ok_and(|f| f.is_terminal())
}

/// Elsewhere a terminal is not named by a path the same way.
#[cfg(not(unix))]
pub fn path_is_terminal(_path: &std::path::Path) -> bool {
    false
}

/// The width to fit tables to: `COLUMNS` when set, else the terminal's
/// width when standard output is one; none for pipes and files.
pub fn width() -> Option<usize> {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return Some(c);
    }
    if !stdout_is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}
