//! Nothing is lost: records of a large file are damaged at random places,
//! and every input record must still appear exactly once, in order, in the
//! `--all` output: as a verdict when it can still be read, or as a creator
//! in error whose reason starts with its line. Run for NDJSON, a JSON array,
//! CSV (with blank rows, skipped), the NDJSON and CSV gzipped, and an .xlsx
//! sheet, each with the damage its format can take without making the rest
//! unreadable (which stops a run by design).
//!
//! A file that changes while it is read (appended, cut short, rewritten in
//! place) must be refused, exit 2, or read whole as it was at one moment:
//! never records of two versions, never ranks that skip numbers.
//!
//! The damage is drawn from a seeded generator; the seed is printed, and
//! `NOTHING_LOST_SEED=N cargo test --test nothing_lost` replays one.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{p, run, scratch, stderr, write};
use serde_json::{json, Value};

const RULES: &str = r#"
require micro:   followers between 1k and 10k
require engaged: engagement_rate >= 3% when missing review
require niche:   overlap(niches, ["beauty", "skincare"]) >= 1
signal engagement = engagement_rate / 8%
"#;

/// xorshift64*: small, seeded, enough to place damage.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn seed() -> u64 {
    let seed = std::env::var("NOTHING_LOST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    eprintln!("NOTHING_LOST_SEED={seed}");
    seed
}

fn creator(rng: &mut Rng, i: usize) -> Value {
    let niches = ["beauty", "skincare", "gaming", "food", "ünïcødé"];
    json!({
        "handle": format!("c{i}"),
        "followers": rng.below(20_000),
        "engagement_rate": rng.below(100) as f64 / 1000.0,
        "niches": [niches[rng.below(5)], niches[rng.below(5)]],
        "bio": "skincare, daily 🌿 — \"quoted\" \\ back",
    })
}

/// Runs the rules over `data` with `--all`; the verdicts in input order.
fn verdicts(data: &Path) -> Vec<Value> {
    let dir = data.parent().expect("in a folder");
    let rules = write(dir, "r.rules", RULES);
    let o = run(&[p(&rules), p(data), "--format", "json", "--all"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).expect("a JSON report");
    let creators = report["creators"].as_array().expect("--all").clone();
    let counted = ["accepted", "rejected", "review", "errors"]
        .iter()
        .map(|k| report[k].as_u64().expect("a count"))
        .sum::<u64>();
    assert_eq!(counted, creators.len() as u64, "every creator counted once");
    creators
}

/// What record `i` (at `line`) must have become.
enum Expect {
    /// Readable: a verdict with this id, not a damaged record.
    Read(String),
    /// Damaged: status `error`, reason starting `line N: `.
    Damaged,
}

fn check(out: &[Value], expected: &[(usize, Expect)], format: &str) {
    assert_eq!(
        out.len(),
        expected.len(),
        "{format}: every record exactly once"
    );
    for (v, (line, e)) in out.iter().zip(expected) {
        let reason = v["failed"][0]["reason"].as_str().unwrap_or("");
        let damaged = v["status"] == "error" && v["failed"][0]["rule"] == "record";
        match e {
            Expect::Read(id) => {
                assert!(!damaged, "{format} line {line}: read as damaged: {v}");
                assert_eq!(v["id"], id.as_str(), "{format} line {line}: {v}");
            }
            Expect::Damaged => {
                assert!(damaged, "{format} line {line}: should be damaged: {v}");
                assert!(
                    reason.starts_with(&format!("line {line}: ")),
                    "{format} line {line}: {reason}"
                );
            }
        }
    }
}

/// The id a readable record gets, as the CLI names it.
fn id_of(v: &Value, position: usize) -> Expect {
    match v.get("handle") {
        Some(Value::String(s)) if !s.is_empty() => Expect::Read(s.clone()),
        _ if !v.is_object() => Expect::Damaged, // not an object: an error for its line
        _ => Expect::Read(format!("#{}", position + 1)),
    }
}

#[test]
fn ndjson_records_damaged_at_random_are_each_reported_once() {
    let mut rng = Rng(seed());
    let dir = scratch("lost-ndjson");
    let mut text = Vec::new();
    let mut expected = Vec::new();
    let mut line_no = 1;
    let junk: &[&[u8]] = &[
        b"\xff", b"\xc0", b"\"", b"{", b"}", b",", b":", b"\\", b"x", b"\r",
    ];
    let non_objects: &[&[u8]] = &[b"42", b"\"str\"", b"[]", b"null", b"true", b"[{}]"];
    for i in 0..20_000 {
        let mut line = creator(&mut rng, i).to_string().into_bytes();
        if rng.chance(12) {
            match rng.below(5) {
                // cut short, keeping at least the opening brace
                0 => line.truncate(1 + rng.below(line.len() - 1)),
                // one byte replaced, even inside a multi-byte character
                1 => {
                    let at = rng.below(line.len());
                    line[at] = junk[rng.below(junk.len())][0];
                }
                // bytes inserted
                2 => {
                    let at = rng.below(line.len());
                    let bytes = junk[rng.below(junk.len())];
                    line.splice(at..at, bytes.iter().copied());
                }
                // a value that is not an object
                3 => line = non_objects[rng.below(non_objects.len())].to_vec(),
                // two objects on one line
                _ => line = [line.clone(), b" ".to_vec(), line].concat(),
            }
        }
        if rng.chance(2) {
            text.extend_from_slice(b"\n   \n"); // blank lines are no records
            line_no += 2;
        }
        let e = match std::str::from_utf8(line.trim_ascii()).map(serde_json::from_str::<Value>) {
            Ok(Ok(v)) => id_of(&v, expected.len()),
            _ => Expect::Damaged,
        };
        expected.push((line_no, e));
        text.extend_from_slice(&line);
        text.extend_from_slice(if rng.chance(50) { b"\r\n" } else { b"\n" });
        line_no += 1;
    }
    let data = write(&dir, "c.ndjson", &text);
    check(&verdicts(&data), &expected, "ndjson");
    // gzipped: the same records. Named `.ndjson.gz`, as the README says the
    // inner format comes from the name without `.gz`: under a name without
    // `.gz` the format is sniffed from the first line, and a first record
    // damaged into `"str"` or `42` reads as CSV (seed 1796194288430141091)
    let data = write(&dir, "c.ndjson.gz", gzip(&text));
    check(&verdicts(&data), &expected, "ndjson gzipped");
}

#[test]
fn array_elements_damaged_at_random_are_each_reported_once() {
    // damage that leaves the array's syntax whole: bytes that are not
    // UTF-8 inside strings, elements that are not objects, too deep, a
    // number past f64 (a syntax error stops the run, by design)
    let mut rng = Rng(seed());
    let dir = scratch("lost-array");
    let mut text = b"[\n".to_vec();
    let mut expected = Vec::new();
    let mut line_no = 2;
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for i in 0..5_000 {
        let mut element = creator(&mut rng, i).to_string().into_bytes();
        let mut e = None;
        if rng.chance(15) {
            match rng.below(4) {
                0 => {
                    // inside the bio string
                    let at = element.windows(5).position(|w| w == b"daily").expect("bio");
                    element[at] = 0xff;
                    e = Some(Expect::Damaged);
                }
                1 => {
                    element = [&b"\"text\""[..], b"17", b"null", b"[1, 2]"][rng.below(4)].to_vec();
                    e = Some(Expect::Damaged);
                }
                2 => {
                    element = format!("{{\"handle\": \"c{i}\", \"x\": {deep}}}").into_bytes();
                    e = Some(Expect::Damaged);
                }
                _ => {
                    element =
                        format!("{{\"handle\": \"c{i}\", \"followers\": 1e999}}").into_bytes();
                    e = Some(Expect::Damaged);
                }
            }
        }
        if i > 0 {
            text.extend_from_slice(b",\n");
            line_no += 1;
        }
        let e = e.unwrap_or_else(|| Expect::Read(format!("c{i}")));
        expected.push((line_no, e));
        text.extend_from_slice(&element);
    }
    text.extend_from_slice(b"\n]\n");
    let data = write(&dir, "c.json", &text);
    check(&verdicts(&data), &expected, "json array");
}

/// CSV rows damaged at random: too few or too many cells, invalid UTF-8,
/// a quote that never closes; among them rows whose quoted cell spans two
/// lines, which stay one record.
#[test]
fn csv_rows_damaged_at_random_are_each_reported_once() {
    let mut rng = Rng(seed());
    let dir = scratch("lost-csv");
    let mut text = b"handle,followers,engagement_rate,niches\n".to_vec();
    let mut expected = Vec::new();
    let mut line_no = 1;
    for i in 0..5_000 {
        line_no += 1;
        let c = creator(&mut rng, i);
        let mut cells: Vec<Vec<u8>> = vec![
            format!("c{i}").into_bytes(),
            c["followers"].to_string().into_bytes(),
            c["engagement_rate"].to_string().into_bytes(),
            "\"beauty, skincare\"".to_string().into_bytes(),
        ];
        let mut e = Expect::Read(format!("c{i}"));
        if rng.chance(15) {
            match rng.below(4) {
                0 => {
                    cells.remove(rng.below(cells.len()));
                    e = Expect::Damaged;
                }
                1 => {
                    cells.push(b"extra".to_vec());
                    e = Expect::Damaged;
                }
                2 => {
                    let cell = rng.below(3);
                    cells[cell].push(0xff);
                    e = Expect::Damaged;
                }
                // a quote that never closes, in any cell: its row alone is
                // damaged, and reading resumes on the next line
                _ => {
                    let cell = rng.below(cells.len());
                    if cell == 3 {
                        cells[3].pop(); // `"beauty, skincare`
                    } else {
                        // and no quote after it that could close it
                        cells[cell].insert(0, b'"');
                        cells[3] = b"beauty".to_vec();
                    }
                    e = Expect::Damaged;
                }
            }
        }
        // now and then a row with a quoted cell over two lines, whole
        if rng.chance(3) && matches!(e, Expect::Read(_)) {
            cells[3] = b"\"beauty,\nskincare\"".to_vec();
        }
        // now and then a blank row from a spreadsheet: skipped, no record
        if rng.chance(2) {
            text.extend_from_slice(if rng.chance(50) { b",,,\n" } else { b" , ,,\n" });
            line_no += 1;
        }
        expected.push((line_no, e));
        let row = cells.join(&b","[..]);
        line_no += row.iter().filter(|&&b| b == b'\n').count();
        text.extend_from_slice(&row);
        text.push(b'\n');
    }
    let data = write(&dir, "c.csv", &text);
    check(&verdicts(&data), &expected, "csv");
    let data = write(&dir, "c.csv.gz", gzip(&text));
    check(&verdicts(&data), &expected, "csv gzipped");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

/// Workbook rows: a cell holding an error (`#N/A`, `#DIV/0!`) damages its
/// row alone; blank rows are skipped; every other row is a record.
#[test]
fn xlsx_rows_damaged_at_random_are_each_reported_once() {
    use rust_xlsxwriter::{Formula, Workbook};
    let mut rng = Rng(seed());
    let dir = scratch("lost-xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let header = ["handle", "followers", "engagement_rate", "niches", "bio"];
    for (c, h) in header.iter().enumerate() {
        sheet.write(0, c as u16, *h).expect("write");
    }
    let mut expected = Vec::new();
    let mut row = 0u32;
    for i in 0..3_000 {
        row += 1;
        if rng.chance(3) {
            row += 1; // a blank row: skipped, no record
        }
        let c = creator(&mut rng, i);
        sheet.write(row, 0, format!("c{i}")).expect("write");
        sheet
            .write(row, 1, c["followers"].as_f64().unwrap_or(0.0))
            .expect("write");
        sheet
            .write(row, 2, c["engagement_rate"].as_f64().unwrap_or(0.0))
            .expect("write");
        sheet.write(row, 3, "beauty").expect("write");
        sheet
            .write(row, 4, c["bio"].as_str().unwrap_or(""))
            .expect("write");
        let mut e = Expect::Read(format!("c{i}"));
        if rng.chance(10) {
            let error = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!"][rng.below(4)];
            let col = 1 + rng.below(4) as u16;
            let f = Formula::new("=NA()").set_result(error);
            sheet.write_formula(row, col, f).expect("write");
            e = Expect::Damaged;
        }
        expected.push(((row + 1) as usize, e));
    }
    let data = dir.join("c.xlsx");
    book.save(&data).expect("save");
    check(&verdicts(&data), &expected, "xlsx");
}

/// How the data file changes while the binary may be reading it.
#[derive(Clone, Copy, Debug)]
enum Change {
    /// More records written at its end, a chunk at a time.
    Append,
    /// Cut to its first half.
    Truncate,
    /// Emptied and written again with other records (`> file`).
    Rewrite,
}

/// Records with ids `{prefix}0`, `{prefix}1`, ..., each with a long bio so
/// that reading takes a while.
fn records(prefix: &str, n: usize) -> Vec<u8> {
    let mut rng = Rng(7);
    let mut text = Vec::new();
    for i in 0..n {
        let mut c = creator(&mut rng, i);
        c["handle"] = json!(format!("{prefix}{i}"));
        c["bio"] = json!("🌿 skincare ".repeat(120));
        text.extend_from_slice(c.to_string().as_bytes());
        text.push(b'\n');
    }
    text
}

const BEFORE: usize = 20_000;
const AFTER: usize = 4_000;
const CHUNK: usize = 1_000;

/// Whether `ids`, as read, are the records of one moment of the file's
/// history: never records of two versions, none lost.
fn one_moment(ids: &[&str], change: Change) -> bool {
    let a = ids
        .iter()
        .enumerate()
        .take_while(|(i, id)| **id == format!("a{i}"))
        .count();
    let b = ids[a..]
        .iter()
        .enumerate()
        .take_while(|(i, id)| **id == format!("b{i}"))
        .count();
    let whole_chunks = b % CHUNK == 0 || b == AFTER;
    a + b == ids.len()
        && match change {
            Change::Append => a == BEFORE && whole_chunks,
            Change::Truncate => b == 0 && (a == BEFORE || a == BEFORE / 2),
            Change::Rewrite => (a == BEFORE && b == 0) || (a == 0 && whole_chunks),
        }
}

fn apply(data: &Path, change: Change, before: &[u8], after: &[u8]) {
    use std::io::Write;
    let chunks = |f: &mut std::fs::File| {
        for chunk in after
            .split_inclusive(|&b| b == b'\n')
            .collect::<Vec<_>>()
            .chunks(CHUNK)
        {
            f.write_all(&chunk.concat()).expect("write");
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    match change {
        Change::Append => {
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(data)
                .expect("open");
            chunks(&mut f);
        }
        Change::Truncate => {
            let half = before
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .nth(BEFORE / 2 - 1)
                .map_or(0, |(i, _)| i + 1);
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(data)
                .expect("open");
            f.set_len(half as u64).expect("truncate");
        }
        Change::Rewrite => chunks(&mut std::fs::File::create(data).expect("create")),
    }
}

/// Ids and ranks of the output, in input order, as (id, status, rank).
fn lines_of(format: &str, out: &[u8]) -> Vec<(String, String, Option<u64>)> {
    let text = String::from_utf8_lossy(out);
    let of_json = |v: &Value| {
        (
            v["id"].as_str().unwrap_or("?").to_string(),
            v["status"].as_str().unwrap_or("?").to_string(),
            v["rank"].as_u64(),
        )
    };
    match format {
        "json" => serde_json::from_str::<Value>(&text).expect("a JSON report")["creators"]
            .as_array()
            .expect("--all")
            .iter()
            .map(of_json)
            .collect(),
        "ndjson" => text
            .lines()
            .map(|l| of_json(&serde_json::from_str(l).expect("a JSON line")))
            .collect(),
        _ => csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| {
                let r = r.expect("a CSV row");
                (r[0].to_string(), r[1].to_string(), r[2].parse().ok())
            })
            .collect(),
    }
}

/// The run's output is of one moment of the file, and every accepted
/// creator, and no other, has a rank of 1..=A.
fn whole(format: &str, out: &[u8], change: Change) {
    if format == "table" {
        // the first line counts the creators: `20,000 creators, ...`
        let text = String::from_utf8_lossy(out);
        let first = text.lines().next().unwrap_or("");
        let n: usize = first
            .split(" creators")
            .next()
            .and_then(|s| s.rsplit(' ').next())
            .map(|s| s.replace(',', ""))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("a count: {first}"));
        let ids: Vec<String> = (0..n).map(|i| format!("a{i}")).collect();
        let bs: Vec<String> = (0..n).map(|i| format!("b{i}")).collect();
        let a_ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let b_ids: Vec<&str> = bs.iter().map(String::as_str).collect();
        let fits = one_moment(&a_ids, change)
            || one_moment(&b_ids, change)
            || (n > BEFORE && {
                let mixed: Vec<String> = (0..BEFORE)
                    .map(|i| format!("a{i}"))
                    .chain((0..n - BEFORE).map(|i| format!("b{i}")))
                    .collect();
                one_moment(
                    &mixed.iter().map(String::as_str).collect::<Vec<_>>(),
                    change,
                )
            });
        assert!(
            fits,
            "table, {change:?}: {n} creators is no moment of the file"
        );
        return;
    }
    let lines = lines_of(format, out);
    let ids: Vec<&str> = lines.iter().map(|l| l.0.as_str()).collect();
    assert!(
        one_moment(&ids, change),
        "{format}, {change:?}: {} records, not one moment of the file",
        ids.len()
    );
    let mut ranks: Vec<u64> = lines.iter().filter_map(|l| l.2).collect();
    ranks.sort_unstable();
    let accepted = lines.iter().filter(|l| l.1 == "accepted").count() as u64;
    assert_eq!(
        ranks,
        (1..=accepted).collect::<Vec<_>>(),
        "{format}, {change:?}: the ranks are 1..={accepted}"
    );
}

/// Waits until process `pid` has read `bytes` (Linux: `/proc/PID/io`),
/// else for `fallback`.
fn wait_until_read(pid: u32, bytes: f64, fallback: Duration) {
    let io = format!("/proc/{pid}/io");
    let start = Instant::now();
    loop {
        let Ok(text) = std::fs::read_to_string(&io) else {
            // no /proc, or the process is gone
            if start.elapsed() < fallback {
                std::thread::sleep(fallback - start.elapsed());
            }
            return;
        };
        let read: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("rchar: "))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0.0);
        if read >= bytes || start.elapsed() > Duration::from_secs(120) {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_file_that_changes_while_it_is_read_is_refused_or_read_whole() {
    let dir = scratch("lost-changing");
    let rules = write(&dir, "r.rules", RULES);
    let data = dir.join("c.ndjson");
    let before = records("a", BEFORE);
    let after = records("b", AFTER);
    let args = |format: &'static str| {
        let mut c = Command::new(common::BIN);
        c.args([
            p(&rules),
            p(&data),
            "--format",
            format,
            "--all",
            "--threads",
            "2",
        ])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        c
    };
    // how long one run takes, to change the file while the next ones read it
    std::fs::write(&data, &before).expect("write");
    let start = Instant::now();
    let o = args("json").output().expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let took = start.elapsed();
    let changes = [Change::Append, Change::Truncate, Change::Rewrite];
    for (f, format) in ["json", "ndjson", "csv", "table"].into_iter().enumerate() {
        let mut refused = 0;
        for (k, change) in changes.into_iter().enumerate() {
            std::fs::write(&data, &before).expect("write");
            let child = args(format).spawn().expect("run");
            let share = 0.1 + 0.25 * ((f + k) % 3) as f64;
            wait_until_read(child.id(), before.len() as f64 * share, took.mul_f64(share));
            apply(&data, change, &before, &after);
            let o = child.wait_with_output().expect("wait");
            match o.status.code() {
                Some(0) => whole(format, &o.stdout, change),
                Some(2) if stderr(&o).contains("changed while it was read") => refused += 1,
                // emptied, and read before it was written again: a moment of it
                Some(2) if matches!(change, Change::Rewrite) && stderr(&o).contains("empty") => {}
                _ => panic!("{format}, {change:?}: {:?}\n{}", o.status, stderr(&o)),
            }
        }
        assert!(refused > 0, "{format}: no change was seen while reading");
    }
    let _ = std::fs::remove_dir_all(&dir); // tens of MB
}
