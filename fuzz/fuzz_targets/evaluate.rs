//! Rules and records together: the bytes before the first NUL are a rules
//! file, the rest NDJSON creators. Evaluation never panics, a score stays in
//! [0, 1], and a creator evaluated twice gets the same verdict.
#![no_main]

use influence_eval::data::{read_from, Format};
use influence_eval::{Ruleset, RunOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let Ok(src) = std::str::from_utf8(&data[..split]) else {
        return;
    };
    let Ok(rules) = Ruleset::compile("fuzz.rules", src) else {
        return;
    };
    let records = data.get(split + 1..).unwrap_or(&[]);
    let mut screening = rules.screening(&RunOptions {
        all: true,
        ..Default::default()
    });
    let _ = read_from("fuzz", records, Some(Format::Ndjson), &mut |record| {
        if let Ok(value) = &record.item {
            let once = rules.evaluate_at(value, record.position, None);
            let twice = rules.evaluate_at(value, record.position, None);
            assert_eq!(
                serde_json::to_string(&once).expect("serialises"),
                serde_json::to_string(&twice).expect("serialises"),
                "evaluation is deterministic"
            );
            if let Some(s) = once.score {
                assert!((0.0..=1.0).contains(&s), "score {s} out of [0, 1]");
            }
        }
        screening.add_record(&record);
    });
    let report = screening.finish();
    serde_json::to_string(&report).expect("a report serialises");
});
