//! Any text as a rules file: parse, check and compile never panic, every
//! diagnostic points inside the file and renders, and a valid ruleset
//! evaluates a few fixed creators with a score in [0, 1].
#![no_main]

use influence_eval::{diagnostic, Ruleset};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    match Ruleset::compile("fuzz.rules", &src) {
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "an error without a diagnostic");
            for d in &e.diagnostics {
                for span in std::iter::once(d.span).chain(d.extra.iter().map(|(s, _)| *s)) {
                    assert!(span.start <= span.end && span.end <= src.len(), "{d:?}");
                    assert!(src.is_char_boundary(span.start), "{d:?}");
                    assert!(src.is_char_boundary(span.end), "{d:?}");
                }
                let _ = d.line_col(&src);
                let _ = diagnostic::render(d, false, Some(80));
            }
        }
        Ok(rules) => {
            let _ = rules.summary();
            for record in [
                serde_json::json!({}),
                serde_json::json!({"handle": "ana", "followers": 5000, "engagement_rate": 0.05,
                    "niches": ["beauty", "skincare"], "country": "US", "bio": "skincare, daily",
                    "audience": {"female_share": 0.6}, "is_customer": true}),
            ] {
                let v = rules.evaluate(&record);
                if let Some(s) = v.score {
                    assert!((0.0..=1.0).contains(&s), "score {s} out of [0, 1]");
                }
                serde_json::to_string(&v).expect("a verdict serialises");
            }
        }
    }
});
