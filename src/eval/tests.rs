//! Evaluator tests.

/// The list functions' reasons (`Missing::AtElement`) point into a table
/// rather than carrying spans, so that a value stays as small as before:
/// every record's evaluation copies values around.
#[test]
fn values_stay_small() {
    use super::value::{Missing, Value};
    assert_eq!(std::mem::size_of::<Missing>(), 24);
    assert_eq!(std::mem::size_of::<Value<'_>>(), 32);
}
