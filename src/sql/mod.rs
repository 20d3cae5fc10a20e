//! The rules as SQL (`influence-eval sql`) and creator data as a table
//! (`influence-eval load`): one query over a table of creators that gives
//! every creator the verdict the interpreter gives (README, "Running in
//! your warehouse"). A construct that a dialect cannot express with the
//! same meaning is refused before anything is written, with the
//! diagnostic `influence::sql-unsupported`.

mod assemble;
mod bulk;
mod calls;
mod cohort;
mod dialect;
mod expr;
mod load;
mod membership;
mod numbers;
mod regex;
mod value;
mod verdict;
mod walk;

pub use dialect::Dialect;
pub use load::{load_script, LoadOptions};
pub use verdict::{columns_read, query, QueryOptions, Rows};

use crate::ast::Span;
use crate::diagnostic::RuleDiagnostic;

/// A construct refused for a dialect, and why.
#[derive(Clone, Debug)]
pub(crate) struct Refusal {
    pub span: Span,
    pub construct: String,
    pub why: String,
}

impl Refusal {
    /// The diagnostic users see: `influence::sql-unsupported`.
    fn diagnostic(&self, d: Dialect) -> RuleDiagnostic {
        RuleDiagnostic::error(
            "influence::sql-unsupported",
            self.span,
            format!(
                "{} cannot be translated to {} SQL with the same meaning: {}",
                self.construct,
                d.name(),
                self.why
            ),
            "not translated",
        )
        .with_help("run these rules with the interpreter (`influence-eval run`), or rewrite this part with the constructs README \"Running in your warehouse\" lists for this dialect")
    }
}
