//! The JSON array splitter on hostile input: strings holding escaped
//! quotes, backslashes and brackets, cut at every byte (as a pipe or a
//! block boundary cuts them), records longer than a block, CRLF line ends
//! and a byte-order mark. Each record read must be exactly the element
//! serde_json finds in the whole array, on the line it starts on.

use std::io::Read;

use serde_json::Value as Json;

use super::json::{Nesting, BLOCK};
use super::{read_from, Format, Record};

/// Records whose strings would end a naive scan early or late.
const HOSTILE: &[&str] = &[
    r#"{"a": "x\"]}[", "b": ["\\", {"c": "\\\"}"}], "d": "\\\\"}"#,
    r#"{"q": "\"", "r": "]]]}}}", "s": "{[{[", "t": "\\\\\"\\"}"#,
    r#"{"nested": {"deeper": [[["\"[", "]\""]], {"k": "}"}]}, "e": "é ☕"}"#,
    r#"{"empty": "", "bs": "\\", "after": "]"}"#,
];

/// A reader that hands out at most `step` bytes per read, so that every
/// piece the scanner sees ends somewhere inside a record.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn read_all(data: &[u8], step: usize) -> Vec<Record> {
    let mut out = Vec::new();
    let reader = Trickle { data, step };
    read_from("test", reader, Some(Format::Json), &mut |r| out.push(r)).expect("the array reads");
    out
}

/// The elements and their starting lines, as serde_json reads the array.
fn expected(text: &str) -> Vec<Json> {
    let text = text.trim_start_matches('\u{feff}');
    match serde_json::from_str::<Json>(text).expect("valid JSON") {
        Json::Array(xs) => xs,
        _ => unreachable!("an array"),
    }
}

#[test]
fn close_in_finds_the_end_wherever_the_record_is_cut() {
    for record in HOSTILE {
        let bytes = record.as_bytes();
        for cut in 0..=bytes.len() {
            let mut at = Nesting::default();
            let first = at.close_in(&bytes[..cut]);
            let end = match first {
                Some(i) => i,
                None => cut + at.close_in(&bytes[cut..]).expect("closes in the rest"),
            };
            assert_eq!(end, bytes.len(), "{record} cut at {cut}");
        }
        // one byte at a time
        let mut at = Nesting::default();
        let mut end = None;
        for (i, b) in bytes.iter().enumerate() {
            if at.close_in(std::slice::from_ref(b)).is_some() {
                end = Some(i + 1);
                break;
            }
        }
        assert_eq!(end, Some(bytes.len()), "{record} byte by byte");
    }
}

#[test]
fn hostile_records_read_alike_in_any_pieces_with_crlf_and_a_bom() {
    let body = HOSTILE.join(",\r\n");
    for text in [
        format!("[\r\n{body}\r\n]\r\n"),
        format!("\u{feff}[{body}]"),
        format!("\u{feff}[\n\n{}\n]", HOSTILE.join(",\n\n")),
    ] {
        let want = expected(&text);
        let lines: Vec<usize> = {
            // the line each element starts on, found by hand
            let mut lines = Vec::new();
            for r in HOSTILE {
                let at = text.find(r).expect("the record is in the text");
                lines.push(1 + text[..at].matches('\n').count());
            }
            lines
        };
        // (a byte-order mark is looked for in the first read: from 3 bytes on)
        let bom = text.starts_with('\u{feff}');
        for step in [1, 2, 3, 5, 7, 13, 64, BLOCK] {
            if bom && step < 3 {
                continue;
            }
            let got = read_all(text.as_bytes(), step);
            let values: Vec<Json> = got
                .iter()
                .map(|r| r.item.clone().expect("not damaged"))
                .collect();
            assert_eq!(values, want, "read {step} bytes at a time: {text:?}");
            let got_lines: Vec<usize> = got.iter().map(|r| r.line).collect();
            assert_eq!(got_lines, lines, "lines, {step} bytes at a time");
        }
    }
}

#[test]
fn a_record_longer_than_a_block_spans_blocks_whole() {
    // strings of escapes and brackets, each longer than a block, with a
    // backslash or quote falling on the block boundaries
    let long = r#"\"]}\\"#.repeat(BLOCK / 3);
    let text = format!(
        "[{{\"a\": \"{long}\", \"b\": [\"{long}\"]}},\n{{\"c\": \"]\"}},\n{{\"d\": \"{long}x\"}}]"
    );
    let want = expected(&text);
    assert_eq!(want.len(), 3);
    for step in [BLOCK, BLOCK - 1, 4093, 1 << 20] {
        let got = read_all(text.as_bytes(), step);
        let values: Vec<Json> = got.iter().map(|r| r.item.clone().unwrap()).collect();
        assert_eq!(values, want, "{step} bytes at a time");
        assert_eq!(got.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 2, 3]);
    }
}

#[test]
fn a_fault_after_hostile_records_has_the_same_place_in_any_pieces() {
    let text = format!(
        "[\r\n{},\r\n  {{\"x\": 1}} {{\"y\": 2}}]",
        HOSTILE.join(",\r\n")
    );
    let places: Vec<Option<(usize, usize)>> = [1, 3, 7, BLOCK]
        .into_iter()
        .map(|step| {
            let reader = Trickle {
                data: text.as_bytes(),
                step,
            };
            let e = read_from("test", reader, Some(Format::Json), &mut |_| {})
                .expect_err("a missing comma");
            assert!(e.message.contains("expected `,` or `]`"), "{}", e.message);
            e.location
        })
        .collect();
    let line = 2 + HOSTILE.len();
    let col = "  {\"x\": 1} ".len() + 1;
    for p in places {
        assert_eq!(p, Some((line, col)));
    }
}

#[test]
fn arrays_and_ndjson_over_many_batches_keep_every_record_and_line() {
    // some 1.4 MB: batches are handed on mid-record, with text kept
    let records: Vec<String> = (0..4000)
        .map(|i| HOSTILE[i % HOSTILE.len()].to_string())
        .collect();
    let array = format!("[\n{}\n]", records.join(",\n"));
    let want = expected(&array);
    for step in [4093, BLOCK, 1 << 20] {
        let got = read_all(array.as_bytes(), step);
        let values: Vec<Json> = got.iter().map(|r| r.item.clone().unwrap()).collect();
        assert_eq!(values, want, "{step} bytes at a time");
        assert!(got.iter().enumerate().all(|(i, r)| r.line == i + 2));
    }
    // NDJSON without a final line end: the last line is a record
    let ndjson = records.join("\n");
    let mut got = Vec::new();
    let reader = Trickle {
        data: ndjson.as_bytes(),
        step: 4093,
    };
    read_from("test", reader, Some(Format::Ndjson), &mut |r| got.push(r)).expect("reads");
    assert_eq!(got.len(), records.len());
    assert_eq!(got.last().map(|r| r.line), Some(records.len()));
    // a number cut by the end of the file, after batches were handed on
    let cut = format!("[\n{},\n12345", records.join(",\n"));
    let reader = Trickle {
        data: cut.as_bytes(),
        step: BLOCK,
    };
    let e = read_from("test", reader, Some(Format::Json), &mut |_| {}).expect_err("no `]`");
    assert!(e.message.contains("ends inside the array"), "{}", e.message);
    assert_eq!(e.location, Some((records.len() + 2, 6)));
}
