//! Any bytes as creator data, in each format: the readers never panic, hand
//! on every record exactly once in order (damaged ones as errors), and the
//! report counts each once.
#![no_main]

use std::sync::OnceLock;

use influence_eval::data::{read_from, Format};
use influence_eval::{Ruleset, RunOptions};
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static Ruleset {
    static RULES: OnceLock<Ruleset> = OnceLock::new();
    RULES.get_or_init(|| {
        let src = include_str!("../../tests/fixtures/every_construct.rules");
        Ruleset::compile("every_construct.rules", src).expect("the fixture is valid")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let format = match selector % 5 {
        0 => None,
        1 => Some(Format::Json),
        2 => Some(Format::Ndjson),
        3 => Some(Format::Csv),
        _ => Some(Format::Tsv),
    };
    let options = RunOptions {
        all: true,
        ..Default::default()
    };
    let mut screening = rules().screening(&options);
    let mut seen = 0usize;
    let mut last_line = 0usize;
    let result = read_from("fuzz", bytes, format, &mut |record| {
        assert_eq!(record.position, seen, "records come in order, each once");
        assert!(
            record.line >= 1 && record.line >= last_line,
            "lines never go back"
        );
        seen += 1;
        last_line = record.line;
        screening.add_record(&record);
    });
    let report = screening.finish();
    if let Ok(n) = result {
        assert_eq!(n, seen);
    }
    assert_eq!(report.evaluated, seen);
    assert_eq!(
        report.accepted + report.rejected + report.errors + report.review,
        seen
    );
    assert_eq!(report.creators.as_ref().map_or(0, Vec::len), seen);
    serde_json::to_string(&report).expect("a report serialises");
    if let Err(e) = result {
        let _ = influence_eval::diagnostic::render(&e, false, Some(80));
    }
});
