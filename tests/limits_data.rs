//! Hostile creator data at and past every limit ends with a diagnostic and
//! a documented exit status, never a crash or a hang (README, "Limits"):
//! JSON nested 10,000 deep, numbers past f64, a 1 GB NDJSON line, array
//! elements, CSV lines and quoted cells over the record limit, a CSV with 100,000
//! columns, empty files, directories. Large files are generated at test
//! time, in chunks, and removed afterwards.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{json_of, p, run, scratch, stderr, write, write_repeated};
use serde_json::Value;

const EXIT_RULES: i32 = 1;
const EXIT_DATA: i32 = 2;

const RULES: &str = "require micro: followers between 1k and 10k\n";

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Runs RULES over `data` with `--all --format json`: the status, the report.
fn screen(data: &Path, extra: &[&str]) -> (i32, Option<Value>, String) {
    let dir = data.parent().expect("in a folder");
    let rules = write(dir, "limits.rules", "require r: has(handle)\n");
    let mut args = vec![p(&rules), p(data), "--format", "json", "--all"];
    args.extend_from_slice(extra);
    let o = run(&args);
    let report = serde_json::from_slice(&o.stdout).ok();
    (o.status.code().expect("exited"), report, stderr(&o))
}

fn reason(report: &Value, i: usize) -> &str {
    report["creators"][i]["failed"][0]["reason"]
        .as_str()
        .unwrap_or("")
}

#[test]
fn json_nested_ten_thousand_deep_is_a_damaged_record() {
    let dir = scratch("limits-deep-json");
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!("{}1{}", "{\"a\": ".repeat(10_000), "}".repeat(10_000));
    let ok = "{\"handle\": \"ana\"}";
    for (name, text) in [
        (
            "deep.json",
            format!("[\n{ok},\n{{\"handle\": \"ben\", \"x\": {deep}}},\n{ok}\n]\n"),
        ),
        (
            "deep.ndjson",
            format!("{ok}\n{{\"handle\": \"ben\", \"x\": {deep_object}}}\n{ok}\n"),
        ),
        // the whole array nested: its one element is too deep
        ("whole.json", format!("[{deep}]")),
    ] {
        let data = write(&dir, name, &text);
        let (code, report, e) = screen(&data, &[]);
        assert_eq!(code, 0, "{name}: {e}");
        let report = report.expect("a report");
        let n = report["creators"].as_array().expect("--all").len();
        let i = if n == 1 { 0 } else { 1 };
        assert_eq!(report["creators"][i]["status"], "error", "{name}");
        assert!(
            reason(&report, i).contains("nested more than 127 levels deep"),
            "{name}: {}",
            reason(&report, i)
        );
        if n == 3 {
            assert_eq!(report["accepted"], 2, "{name}: the rest is read");
        }
        // --strict turns a creator in error into exit 2, after the report
        let (code, _, e) = screen(&data, &["--strict"]);
        assert_eq!(code, EXIT_DATA, "{name}: {e}");
        assert!(e.contains("in error (--strict)"), "{e}");
    }
}

#[test]
fn numbers_past_f64_in_data_are_damaged_records() {
    let dir = scratch("limits-data-numbers");
    let text =
        "[{\"handle\": \"a\"}, {\"handle\": \"b\", \"followers\": 1e400}, {\"handle\": \"c\"}]";
    for name in ["n.json", "n.ndjson"] {
        let text = if name.ends_with("ndjson") {
            text.trim_matches(['[', ']'])
                .replace("}, {", "}\n{")
                .to_string()
        } else {
            text.to_string()
        };
        let data = write(&dir, name, text);
        let (code, report, e) = screen(&data, &[]);
        assert_eq!(code, 0, "{e}");
        let report = report.expect("a report");
        assert_eq!(report["accepted"], 2, "{name}");
        assert!(
            reason(&report, 1).contains("a number is too large for a 64-bit float"),
            "{name}: {}",
            reason(&report, 1)
        );
    }
}

#[test]
fn a_one_gigabyte_ndjson_line_is_skipped_unread() {
    let dir = scratch("limits-1gb");
    let data = dir.join("huge.ndjson");
    // a record whose `bio` runs for 1 GiB, between two good ones
    write_repeated(
        &data,
        b"{\"handle\": \"ana\"}\n{\"handle\": \"ben\", \"bio\": \"",
        b"spam ",
        1 << 30,
        b"\"}\n{\"handle\": \"cat\"}\n",
    );
    let start = Instant::now();
    let (code, report, e) = screen(&data, &[]);
    let elapsed = start.elapsed();
    std::fs::remove_file(&data).expect("clean up");
    assert_eq!(code, 0, "{e}");
    let report = report.expect("a report");
    assert_eq!(report["evaluated"], 3);
    assert_eq!(report["accepted"], 2);
    assert_eq!(report["creators"][2]["id"], "cat");
    assert!(
        reason(&report, 1).starts_with(
            "line 2: the line is 1.0 GiB long, more than the 16.0 MiB a record may hold"
        ),
        "{}",
        reason(&report, 1)
    );
    assert!(elapsed < secs(60), "took {elapsed:?}");
}

#[test]
fn a_json_element_over_the_record_limit_is_skipped() {
    let dir = scratch("limits-big-element");
    let data = dir.join("big.json");
    write_repeated(
        &data,
        b"[{\"handle\": \"ana\"},\n {\"handle\": \"ben\", \"bio\": \"",
        b"spam ",
        20 << 20,
        b"\"},\n {\"handle\": \"cat\"}]\n",
    );
    let (code, report, e) = screen(&data, &[]);
    assert_eq!(code, 0, "{e}");
    let report = report.expect("a report");
    assert_eq!(report["accepted"], 2);
    assert!(
        reason(&report, 1).starts_with("line 2: the record is 20.0 MiB long"),
        "{}",
        reason(&report, 1)
    );
}

#[test]
fn a_csv_quote_running_past_the_record_limit_damages_one_row() {
    let dir = scratch("limits-big-row");
    let data = dir.join("big.csv");
    // an unclosed quote runs on over 20 MiB of lines that read as no row
    // (one cell where the header has two): the row it opens in is damaged
    // and each line after it is read as a row of its own
    let mut unit = vec![b's'; 1023];
    unit.push(b'\n');
    write_repeated(
        &data,
        b"handle,bio\nana,hi\nben,\"",
        &unit,
        20 << 20,
        b"cat,ok\n",
    );
    let start = Instant::now();
    let (code, report, e) = screen(&data, &[]);
    assert_eq!(code, 0, "{e}");
    let report = report.expect("a report");
    assert!(
        reason(&report, 1).starts_with(
            "line 3: the quote that opens cell `bio` runs on for more than 16.0 MiB without closing"
        ),
        "{}",
        reason(&report, 1)
    );
    // the first unit is on ben's line
    let lines = (20 << 10) - 1;
    assert_eq!(report["evaluated"], lines + 3, "every line is a record");
    assert_eq!(
        reason(&report, 2),
        "line 4: the row has 1 cell, the header has 2"
    );
    assert_eq!(report["creators"][lines + 2]["id"], "cat");
    assert!(start.elapsed() < secs(60), "took {:?}", start.elapsed());
}

#[test]
fn a_csv_line_over_the_record_limit_is_skipped() {
    let dir = scratch("limits-long-line");
    let data = dir.join("long.csv");
    write_repeated(
        &data,
        b"handle,bio\nana,hi\nben,",
        b"spam ",
        20 << 20,
        b"\ncat,ok\n",
    );
    let (code, report, e) = screen(&data, &[]);
    assert_eq!(code, 0, "{e}");
    let report = report.expect("a report");
    assert!(
        reason(&report, 1).starts_with("line 3: the row is 20.0 MiB long"),
        "{}",
        reason(&report, 1)
    );
    assert_eq!(report["creators"][2]["id"], "cat");
}

#[test]
fn a_csv_with_100000_columns() {
    let dir = scratch("limits-wide");
    let n = 100_000;
    let mut header: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    header[0] = "handle".into();
    header[n - 1] = "followers".into();
    // repeated names get suffixes, in linear time
    for h in header.iter_mut().skip(1).take(50_000) {
        *h = "dup".into();
    }
    let row = |h: &str, f: u32| {
        let mut cells = vec!["1"; n];
        cells[0] = h;
        let f = f.to_string();
        cells[n - 1] = &f;
        cells.join(",")
    };
    let text = format!(
        "{}\n{}\n{}\n",
        header.join(","),
        row("ana", 5000),
        row("ben", 50)
    );
    let data = write(&dir, "wide.csv", &text);
    let rules = write(
        &dir,
        "wide.rules",
        "require micro: followers between 1k and 10k\nrequire dup: creator[\"dup_50000\"] == 1\n",
    );
    let start = Instant::now();
    let o = run(&[p(&rules), p(&data), "--format", "json", "--all"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = json_of(&o);
    assert_eq!(report["accepted"], 1);
    assert_eq!(report["rejected"], 1);
    assert_eq!(report["warnings"], serde_json::json!([]));
    let elapsed = start.elapsed();
    assert!(elapsed < secs(30), "took {elapsed:?}");
}

#[test]
fn empty_data_files_and_directories_exit_2() {
    let dir = scratch("limits-empty");
    let rules = write(&dir, "r.rules", RULES);
    for name in ["e.json", "e.ndjson", "e.jsonl", "e.csv", "e.tsv", "e.txt"] {
        for bytes in [&b""[..], b"\n\n  \n", b"\xEF\xBB\xBF"] {
            let data = write(&dir, name, bytes);
            let o = run(&[p(&rules), p(&data)]);
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(EXIT_DATA), "{name} {bytes:?}: {e}");
            assert!(
                e.contains("holds no records: the file is empty") && e.contains("influence::data"),
                "{name}: {e}"
            );
        }
    }
    let o = common::run_with_stdin(&[p(&rules), "-"], Some(b""));
    assert_eq!(o.status.code(), Some(EXIT_DATA), "{}", stderr(&o));
    assert!(stderr(&o).contains("holds no records"), "{}", stderr(&o));
    // a directory, as the data and as the rules
    let folder = dir.join("folder.json");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let o = run(&[p(&rules), p(&folder)]);
    assert_eq!(o.status.code(), Some(EXIT_DATA));
    assert!(
        stderr(&o).contains("is a directory, not a data file"),
        "{}",
        stderr(&o)
    );
    let o = run(&["check", p(&rules), "--data", p(&folder)]);
    assert_eq!(o.status.code(), Some(EXIT_DATA));
    let o = run(&["check", p(&folder)]);
    assert_eq!(o.status.code(), Some(EXIT_RULES));
    assert!(
        stderr(&o).contains("cannot read rules file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_fault_at_the_end_of_a_one_line_export_shows_a_window() {
    // a minified export is one line; the lines around a fault are read as a
    // window, the rest of a long line skipped rather than held
    let dir = scratch("limits-one-line");
    let data = dir.join("minified.json");
    write_repeated(
        &data,
        b"[",
        b"{\"handle\": \"a\", \"followers\": 5000},",
        8 << 20,
        b"{\"handle\": \"z\" \"followers\": 1}]",
    );
    let start = Instant::now();
    let (code, report, e) = screen(&data, &[]);
    let elapsed = start.elapsed();
    std::fs::remove_file(&data).expect("clean up");
    assert_eq!(code, EXIT_DATA, "{e}");
    assert!(report.is_none());
    assert!(e.contains("minified.json:1:"), "{e}");
    assert!(e.contains("expected `,` or `}`"), "{e}");
    assert!(elapsed < secs(60), "took {elapsed:?}");
}
