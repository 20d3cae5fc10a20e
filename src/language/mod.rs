//! What the language *is*, below every stage that reads or runs it: the
//! built-in functions and their signatures, values and their kinds, dates,
//! `matches` patterns, field paths, which fields name a creator, and how
//! numbers read to people. The checker, the compiler, the
//! evaluator and the renderers all take these from here, so that none of
//! them imports a later stage to learn them (see `scripts/check_structure.py`).

pub mod builtins;
pub mod cohort;
pub mod dates;
pub mod human;
pub mod ids;
pub mod kind;
pub mod paths;
pub mod regex;
pub mod sets;
pub mod value;

pub use builtins::{Builtin, Param};
pub use kind::Kind;
pub use paths::path_syntax;
