//! Every input a fuzz target ever failed on, kept under
//! `tests/regressions/TARGET/` and replayed through the same checks the
//! fuzz targets make (`fuzz/src/checks.rs`), so a fixed bug stays fixed.
//! A new crash from `cargo fuzz` goes in with the fix: copy
//! `fuzz/artifacts/TARGET/crash-*` to `tests/regressions/TARGET/NAME`.

#[allow(dead_code)]
#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // no regressions yet for this target
    };
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        let bytes = std::fs::read(&path).expect("a regression input");
        let name = path.display().to_string();
        if let Err(p) = std::panic::catch_unwind(|| check(&bytes)) {
            let why = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{name}: {why}");
        }
    }
}

#[test]
fn rules_regressions() {
    replay("rules", checks::rules);
}

#[test]
fn records_regressions() {
    replay("records", checks::records);
}

#[test]
fn evaluate_regressions() {
    replay("evaluate", checks::evaluate);
}
