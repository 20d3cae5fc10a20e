//! Colour for human output, or none: ANSI styles applied only when the
//! caller decided colour is wanted (a terminal, `NO_COLOR` unset). Text
//! reads the same without it.

/// Paints text with ANSI styles when `colour` is on; else leaves it plain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Paint {
    /// Whether to colour at all.
    pub colour: bool,
}

impl Paint {
    /// Plain text.
    pub const PLAIN: Paint = Paint { colour: false };

    fn wrap(self, code: &str, s: &str) -> String {
        if self.colour && !s.is_empty() {
            format!("\u{1b}[{code}m{s}\u{1b}[0m")
        } else {
            s.to_string()
        }
    }

    /// Headings.
    pub fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }
    /// Secondary text: line numbers, `-`.
    pub fn dim(self, s: &str) -> String {
        self.wrap("2", s)
    }
    /// Passed, accepted.
    pub fn good(self, s: &str) -> String {
        self.wrap("32", s)
    }
    /// Failed, rejected.
    pub fn bad(self, s: &str) -> String {
        self.wrap("31", s)
    }
    /// Review, missing.
    pub fn warn(self, s: &str) -> String {
        self.wrap("33", s)
    }
    /// Errors.
    pub fn error(self, s: &str) -> String {
        self.wrap("35", s)
    }

    /// A status word in its colour.
    pub fn status(self, s: crate::eval::Status) -> String {
        use crate::eval::Status::*;
        match s {
            Accepted => self.good(s.as_str()),
            Review => self.warn(s.as_str()),
            Rejected => self.bad(s.as_str()),
            Error => self.error(s.as_str()),
        }
    }
}
