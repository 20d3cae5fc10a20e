//! The JSON array splitter on hostile input: strings holding escaped
//! quotes, backslashes and brackets, cut at every byte (as a pipe or a
//! block boundary cuts them), records longer than a block, CRLF line ends
//! and a byte-order mark. Each record read must be exactly the element
//! serde_json finds in the whole array, on the line it starts on. And
//! NDJSON read in blocks of any size, split on any thread.

use std::io::Read;

use serde_json::Value as Json;

use super::json::BLOCK;
use super::nesting::Nesting;
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

/// NDJSON lines around every block boundary: blank and whitespace-only
/// lines, CRLF, damage (not JSON, not UTF-8), lines longer than a block.
fn ndjson_sample() -> Vec<u8> {
    let mut text = Vec::new();
    for i in 0..60 {
        let line: Vec<u8> = match i % 10 {
            0 => format!("{{\"i\": {i}, \"pad\": \"{}\"}}", "x".repeat(i * 7)).into(),
            1 => b"".to_vec(),
            2 => format!("  {{\"i\": {i}}}\r").into(),
            3 => b" \t \r".to_vec(),
            4 => format!("{{\"i\": {i}, \"broken\": ").into(),
            5 => b"{\"bad\": \"\xff\xfe\"}".to_vec(),
            6 => format!("{{\"long\": \"{}\"}}", HOSTILE[i % 4].replace('"', "'")).into(),
            7 => format!("[{i}]").into(),
            8 => format!("{{\"i\": {i}, \"s\": \"{}\"}}", "é☕".repeat(i)).into(),
            _ => HOSTILE[i % HOSTILE.len()].as_bytes().to_vec(),
        };
        text.extend_from_slice(&line);
        text.push(b'\n');
    }
    text
}

/// Reads NDJSON `text` in blocks of `block` bytes, `step` bytes per read,
/// handing each block to `split` (which splits it, on any thread).
fn ndjson_blocks(text: &[u8], block: usize, step: usize) -> Vec<super::RawBatch> {
    let mut batches = Vec::new();
    let mut emit = |b| {
        batches.push(b);
        true
    };
    let mut out = super::batch::Batcher::new(&mut emit);
    let reader = Trickle { data: text, step };
    super::ndjson::read_lines(reader, &mut out, block).expect("reads");
    batches
}

/// The records of split batches: position, line, and value or damage.
fn ndjson_records(batches: &[super::RawBatch]) -> Vec<(usize, usize, String)> {
    let all = super::sparse::FieldFilter::all();
    let mut got = Vec::new();
    for b in batches {
        for i in 0..b.len() {
            let r = b.decode(i, &all, None).expect("no fault in NDJSON");
            let item = match r.item {
                Ok(v) => v.to_string(),
                Err(d) => format!("damaged: {d}"),
            };
            got.push((r.position, r.line, item));
        }
    }
    got
}

/// The records of NDJSON `text`, found line by line.
fn ndjson_expected(text: &[u8]) -> Vec<(usize, usize, String)> {
    let all = super::sparse::FieldFilter::all();
    let mut want = Vec::new();
    let lines = text
        .strip_suffix(b"\n")
        .unwrap_or(text)
        .split(|&b| b == b'\n');
    for (k, line) in lines.enumerate() {
        let body = line.trim_ascii();
        if body.is_empty() {
            continue;
        }
        let item = match std::str::from_utf8(body) {
            Err(e) => format!("damaged: {}", super::Damage::invalid_utf8(e.valid_up_to())),
            Ok(t) => match super::sparse::decode(t, &all, None) {
                Ok(v) => v.to_string(),
                Err(e) => format!("damaged: {}", super::Damage::not_json(&e)),
            },
        };
        want.push((want.len(), k + 1, item));
    }
    want
}

#[test]
fn ndjson_blocks_split_alike_at_every_boundary() {
    let mut text = ndjson_sample();
    let want = ndjson_expected(&text);
    assert_eq!(want.len(), 48);
    for block in [1, 2, 3, 17, 64, 100, 333, 4096, 1 << 20] {
        for step in [1, 2, 5, 64, 999, 1 << 16] {
            let mut batches = ndjson_blocks(&text, block, step);
            for b in &mut batches {
                b.split();
            }
            assert_eq!(ndjson_records(&batches), want, "block {block}, step {step}");
        }
    }
    // the last line without its line end, and a line exactly one block long
    text.pop();
    let exact = b"{\"fills\": \"the block\"}\n".to_vec();
    let mut whole = exact.clone();
    whole.extend_from_slice(&text);
    let want = ndjson_expected(&whole);
    for step in [1, 7, exact.len(), 1 << 16] {
        let mut batches = ndjson_blocks(&whole, exact.len(), step);
        for b in &mut batches {
            b.split();
        }
        assert_eq!(ndjson_records(&batches), want, "step {step}");
    }
}

#[test]
fn ndjson_blocks_split_on_other_threads_in_any_order() {
    let text = ndjson_sample();
    let want = ndjson_expected(&text);
    let mut batches = ndjson_blocks(&text, 64, 100);
    assert!(batches.len() > 10, "{}", batches.len());
    // each block knows where it starts: split last first, all at once
    std::thread::scope(|s| {
        for b in batches.iter_mut().rev() {
            s.spawn(move || b.split());
        }
    });
    assert_eq!(ndjson_records(&batches), want);
}

#[test]
fn ndjson_lines_too_long_to_hold_keep_their_length_and_line() {
    use super::MAX_RECORD_BYTES as MAX;
    let held = format!("\"{}\"", "y".repeat(MAX - 2));
    let long = format!("{{\"a\": \"{}\"}}", "z".repeat(MAX));
    let text = format!("{{\"i\": 1}}\n{held}\n\n{long}\n{{\"i\": 2}}\n{long}");
    let batches_of = |block: usize, step: usize| {
        let mut batches = ndjson_blocks(text.as_bytes(), block, step);
        for b in &mut batches {
            b.split();
        }
        ndjson_records(&batches)
    };
    let long_damage = |bytes: usize| {
        let d = super::Damage::too_long("line", bytes as u64);
        format!("damaged: {d}")
    };
    let value = |v: &str| serde_json::from_str::<Json>(v).unwrap().to_string();
    let want = vec![
        (0, 1, value("{\"i\": 1}")),
        // exactly MAX bytes before its line end: held
        (1, 2, value(&held)),
        (2, 4, long_damage(long.len() + 1)),
        (3, 5, value("{\"i\": 2}")),
        // the last, without a line end
        (4, 6, long_damage(long.len())),
    ];
    for (block, step) in [(1 << 20, 1 << 16), (100, 4093), (1 << 16, 1 << 20)] {
        assert_eq!(batches_of(block, step), want, "block {block}, step {step}");
    }
}

#[test]
fn ndjson_of_blank_lines_only_holds_no_records() {
    for text in ["", "\n", " \r\n\t\n\n", "   "] {
        let mut emit = |_| true;
        let mut out = super::batch::Batcher::new(&mut emit);
        let reader = Trickle {
            data: text.as_bytes(),
            step: 1,
        };
        let e = super::ndjson::read_lines(reader, &mut out, 2).expect_err("empty");
        assert!(e.message.contains("holds no records"), "{}", e.message);
    }
}

#[test]
fn ndjson_blocks_count_their_lines_and_records_as_split() {
    let sample = ndjson_sample();
    let texts: [&[u8]; 9] = [
        b"",
        b"\n",
        b"{}",
        b"{}\n",
        b"\n\n",
        b" \r\n{}\n \t\n",
        b"{}\n\x0c\n  {}",
        b"\n{}\n\n",
        &sample,
    ];
    for text in texts {
        let lines: Vec<&[u8]> = match text.strip_suffix(b"\n") {
            Some(rest) => rest.split(|&b| b == b'\n').collect(),
            None if text.is_empty() => Vec::new(),
            None => text.split(|&b| b == b'\n').collect(),
        };
        let records = lines.iter().filter(|l| !l.trim_ascii().is_empty()).count();
        let want = (lines.len(), records);
        assert_eq!(super::batch::count_lines(text), want, "{text:?}");
    }
}

#[test]
fn ndjson_blocks_read_into_buffers_handed_back_keep_every_record() {
    let text = ndjson_sample();
    let want = ndjson_expected(&text);
    for (block, step) in [(1, 1), (17, 5), (64, 100), (333, 64)] {
        let mut got = Vec::new();
        let mut emit = |mut b: super::RawBatch| {
            b.split();
            got.extend(ndjson_records(std::slice::from_ref(&b)));
            // its buffer is read into again by the next blocks
            b.recycle();
            true
        };
        let mut out = super::batch::Batcher::new(&mut emit);
        let reader = Trickle { data: &text, step };
        super::ndjson::read_lines(reader, &mut out, block).expect("reads");
        assert_eq!(got, want, "block {block}, step {step}");
    }
}

/// The hostile records, each after a pad of every length from 0 to 129
/// bytes, so that their quotes, escapes and brackets fall on every byte
/// of the scanner's 64-byte blocks (and of 64-byte reads).
fn shifted_hostile() -> Vec<String> {
    (0..130)
        .map(|k| {
            let record = HOSTILE[k % HOSTILE.len()];
            format!("{{\"pad\": \"{}\", {}", "x".repeat(k), &record[1..])
        })
        .collect()
}

#[test]
fn records_at_every_block_offset_read_alike_compact_pretty_or_spaced() {
    let records = shifted_hostile();
    let pretty = {
        let values: Vec<Json> = records
            .iter()
            .map(|r| serde_json::from_str(r).unwrap())
            .collect();
        serde_json::to_string_pretty(&values).unwrap()
    };
    for (text, by_line) in [
        (format!("[\n{}\n]\n", records.join(",\n")), true),
        (format!("[{}]", records.join(",")), true),
        (
            format!(" [ \t\r\n{} \r\n ]\r\n", records.join(" \t,\r\n\n  ")),
            true,
        ),
        (pretty, false),
    ] {
        let want = expected(&text);
        assert_eq!(want.len(), records.len());
        for step in [7, 61, 64, 65, 1000, BLOCK] {
            let got = read_all(text.as_bytes(), step);
            let values: Vec<Json> = got.iter().map(|r| r.item.clone().unwrap()).collect();
            assert_eq!(values, want, "read {step} bytes at a time");
            if by_line {
                // each record starts on the line its own text does
                for (r, record) in got.iter().zip(&records) {
                    let at = text.find(record.as_str()).unwrap();
                    assert_eq!(r.line, 1 + text[..at].matches('\n').count());
                }
            }
        }
    }
}

#[test]
fn an_array_cut_short_anywhere_fails_alike_in_any_pieces() {
    let records = shifted_hostile();
    let text = format!("[\n{}\n]", records[60..64].join(",\n"));
    for cut in 0..text.len() {
        let outcome = |step| {
            let reader = Trickle {
                data: &text.as_bytes()[..cut],
                step,
            };
            read_from("test", reader, Some(Format::Json), &mut |_| {})
                .map_err(|e| (e.message, e.location))
        };
        let whole = outcome(BLOCK);
        assert!(whole.is_err(), "cut at {cut}");
        for step in [7, 64] {
            assert_eq!(outcome(step), whole, "cut at {cut}, {step} bytes at a time");
        }
    }
}
