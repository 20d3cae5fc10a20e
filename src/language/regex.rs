//! `matches` patterns: built the same way for the checker, which reports
//! a bad or too-large pattern, and for the compiled program.

use regex::Regex;

/// Regexes bigger than this (compiled) are refused with a diagnostic.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Compiles a `matches` pattern the same way for the checker and the program.
pub fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}
