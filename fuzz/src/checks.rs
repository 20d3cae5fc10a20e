//! What each fuzz target checks, shared with `tests/fuzz_regressions.rs`,
//! which replays every input a fuzzer ever crashed on (kept under
//! `tests/regressions/TARGET/`). Each function takes the fuzzer's bytes and
//! panics when an invariant breaks.

use std::sync::OnceLock;

use influence_eval::testing::{self, read_from, read_from_records, Format, RecordsPath};
use influence_eval::{render_diagnostic, Ruleset, RunOptions};

/// Steps one fuzzed creator may take: small, so that no input runs long,
/// and every evaluation, trace and distance must stop within it.
const FUZZ_STEPS: u64 = 200_000;

/// Text for a terminal holds no control character but newlines.
fn printable(what: &str, text: &str) {
    let bad = text.chars().find(|c| c.is_control() && *c != '\n');
    assert!(bad.is_none(), "{what} holds {bad:?}:\n{text}");
}

/// Any text as a rules file: parse, check and compile never panic, every
/// diagnostic points inside the file (on character boundaries) and renders,
/// and a valid ruleset evaluates a few fixed creators with a score in [0, 1].
pub fn rules(data: &[u8]) {
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
                let _ = render_diagnostic(d, false, Some(80));
            }
        }
        Ok(rules) => {
            let _ = rules.summary();
            // `limit` is a whole number from 1 to the maximum, never saturated
            if let Some(n) = testing::limit(&rules) {
                assert!(n >= 1 && n as u64 <= testing::MAX_SHORTLIST, "limit {n}");
            }
            let rules = rules.with_max_steps(FUZZ_STEPS);
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
}

fn every_construct() -> &'static Ruleset {
    static RULES: OnceLock<Ruleset> = OnceLock::new();
    RULES.get_or_init(|| {
        let src = include_str!("../../tests/fixtures/every_construct.rules");
        Ruleset::compile("every_construct.rules", src).expect("the fixture is valid")
    })
}

/// Any bytes as creator data, the first byte choosing the format (sniffed,
/// JSON array, NDJSON, CSV, TSV): the readers never panic, hand on every
/// record exactly once, in order, with lines that never go back, and the
/// report counts each once; a NUL byte is an error in every format, and a
/// table without quotes gives one record for each line of data.
/// The selectors of [`records`] that gzip the bytes.
fn selector_gz(selector: u8) -> bool {
    (250..=252).contains(&selector)
}

pub fn records(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    // 250 and up: the same bytes gzipped (any format inside), or taken as
    // a workbook (a zip archive's magic bytes before them)
    let wrapped;
    let plain = bytes;
    let (selector, bytes) = match selector {
        s if selector_gz(s) => {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(bytes).expect("gzip in memory");
            wrapped = e.finish().expect("gzip in memory");
            (0, &wrapped[..])
        }
        253..=255 => {
            wrapped = [&b"PK\x03\x04"[..], bytes].concat();
            (0, &wrapped[..])
        }
        s => (s, bytes),
    };
    let format = match selector % 5 {
        0 => None,
        1 => Some(Format::Json),
        2 => Some(Format::Ndjson),
        3 => Some(Format::Csv),
        _ => Some(Format::Tsv),
    };
    // the list inside a wrapping object, by path, or found (None)
    let records = match (selector / 5) % 3 {
        0 => None,
        1 => RecordsPath::parse("directs").ok(),
        _ => RecordsPath::parse("/data/items").ok(),
    };
    let options = RunOptions {
        all: true,
        ..Default::default()
    };
    // the fast decoder of the fields rules read agrees with the full one on
    // every line, for a filter that keeps some fields (and the id keys)
    if let Ok(text) = std::str::from_utf8(bytes) {
        let filter = testing::FieldFilter::only(["followers", "niches", "audience"]).with_id_keys();
        for line in text.lines() {
            testing::fast_path_agrees(line.trim(), &filter);
        }
    }
    let mut read = Vec::new();
    let mut seen = 0usize;
    let mut last_line = 0usize;
    let result = read_from_records("fuzz", bytes, format, records.as_ref(), &mut |record| {
        assert_eq!(record.position, seen, "records come in order, each once");
        assert!(
            record.line >= 1 && record.line >= last_line,
            "lines never go back"
        );
        seen += 1;
        last_line = record.line;
        read.push(record);
    });
    let report = every_construct().screen(read, &options);
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
    // binary data stops the run, in every format (gzip and zip archives
    // hold NUL bytes of their own: it is what they hold that counts)
    // (a workbook is looked for only when no format is given; gzip always,
    // but once: gzip inside gzip is binary data)
    let (inner, gz) = if selector_gz(data[0]) {
        (plain, true)
    } else {
        (bytes, false)
    };
    let archive = (!gz && inner.starts_with(&[0x1f, 0x8b]))
        || (format.is_none() && inner.starts_with(b"PK\x03\x04"));
    if !archive && inner.contains(&0) {
        assert!(result.is_err(), "a NUL byte is binary data");
    }
    // a table without quotes: one record for each line of data, never fewer
    let table = matches!(format, Some(Format::Csv | Format::Tsv));
    if table && result.is_ok() && !bytes.iter().any(|b| matches!(b, b'"' | b'\r' | 0)) {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut lines = bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.trim_ascii().is_empty());
        lines.next(); // the header
                      // a row of empty cells (`,,,`) is skipped: only such lines may be
        let (mut all, mut blank_rows) = (0, 0);
        for l in lines {
            all += 1;
            blank_rows += usize::from(l.iter().all(|b| b" ,;\t|\x0b\x0c".contains(b)));
        }
        assert!(
            seen <= all && seen + blank_rows >= all,
            "every line of data is a record, or a row of empty cells"
        );
    }
    if let Err(e) = result {
        let _ = render_diagnostic(&e, false, Some(80));
    }
}

/// Rules and records together: the bytes before the first NUL are a rules
/// file, the rest NDJSON creators. Evaluation never panics, a score stays in
/// [0, 1], and a creator evaluated twice gets the same verdict.
pub fn evaluate(data: &[u8]) {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let Ok(src) = std::str::from_utf8(&data[..split]) else {
        return;
    };
    let Ok(rules) = Ruleset::compile("fuzz.rules", src) else {
        return;
    };
    let rules = rules.with_max_steps(FUZZ_STEPS);
    let records = data.get(split + 1..).unwrap_or(&[]);
    let mut read = Vec::new();
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
            // the trace and its distances stay within the budget and bounded
            let trace = rules.explain(value);
            for r in &trace.requirements {
                assert!(r.distance.len() <= 21, "{} distances", r.distance.len());
            }
            printable("explain", &trace.to_string());
        }
        read.push(record);
    });
    let options = RunOptions {
        all: true,
        ..Default::default()
    };
    let report = rules.screen(read, &options);
    serde_json::to_string(&report).expect("a report serialises");
    printable("the table", &testing::table(&report));
}
