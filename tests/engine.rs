//! The run engine as every command meets it: the same bytes for any
//! `--threads`, in every format and command; ndjson and csv read a pipe or
//! a FIFO once; `--all --format json`, written as it goes, is the report
//! the library holds whole; `diff` lists exactly the creators whose status,
//! tier or rank differ between two `--all` runs.

mod common;

use std::collections::BTreeMap;
use std::process::{Command, Output, Stdio};

use common::{p, run, run_with_stdin, scratch, write, BIN};
use influence_eval::{Ruleset, RunOptions};
use serde_json::Value;

const RULES: &str = "rules/brand.rules";
const OTHER: &str = "rules/outdoor_gear.rules";
const DATA: &str = "creators.json";
const TODAY: &str = "2026-01-01";

/// Runs `args` with `--threads 1`, `2` and `8`: the same status, output
/// and diagnostics each time; returns the first.
fn same_for_any_threads(args: &[&str]) -> Output {
    let with = |t: &str| {
        let mut all = args.to_vec();
        all.extend(["--threads", t, "--today", TODAY]);
        run(&all)
    };
    let one = with("1");
    for t in ["2", "8"] {
        let o = with(t);
        assert_eq!(o.status.code(), one.status.code(), "{args:?} --threads {t}");
        assert!(
            o.stdout == one.stdout,
            "{args:?}: stdout differs with --threads {t}"
        );
        assert!(
            o.stderr == one.stderr,
            "{args:?}: stderr differs with --threads {t}"
        );
    }
    one
}

#[test]
fn every_format_and_command_is_the_same_on_any_number_of_threads() {
    let dir = scratch("engine-threads");
    for format in ["json", "table", "ndjson", "csv", "html"] {
        for extra in [&[][..], &["--all"][..], &["--near-misses", "4"][..]] {
            // near misses are not shown in ndjson or csv (a usage error)
            if (format == "ndjson" || format == "csv") && extra.first() == Some(&"--near-misses") {
                continue;
            }
            let mut args = vec!["run", RULES, DATA, "--format", format];
            args.extend(extra);
            let o = same_for_any_threads(&args);
            assert_eq!(o.status.code(), Some(0), "{args:?}");
            assert!(!o.stdout.is_empty(), "{args:?}");
        }
    }
    let rows = [
        "run",
        RULES,
        DATA,
        "--format",
        "csv",
        "--rows",
        "accepted",
        "--columns",
        "followers,country",
    ];
    same_for_any_threads(&rows);
    // a workbook carries the time it was made, and its rows are those of
    // html (the same sink): it is made on any number of threads
    for t in ["1", "8"] {
        let out = dir.join(format!("t{t}.xlsx"));
        let o = run(&[
            "run",
            RULES,
            DATA,
            "--format",
            "xlsx",
            "--output",
            p(&out),
            "--threads",
            t,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        assert!(std::fs::metadata(&out).expect("written").len() > 0);
    }
    same_for_any_threads(&["check", RULES, "--data", DATA]);
    same_for_any_threads(&["diff", RULES, OTHER, DATA, "--format", "json"]);
    let explained = same_for_any_threads(&[
        "explain",
        RULES,
        DATA,
        "--id",
        "danielrao",
        "--format",
        "json",
    ]);
    assert_eq!(explained.status.code(), Some(0));
    let unknown = same_for_any_threads(&["explain", RULES, DATA, "--id", "nobody-at-all"]);
    assert_eq!(unknown.status.code(), Some(2));
}

/// The sample data's creators (a JSON array of objects).
fn creators() -> Vec<Value> {
    let text = std::fs::read(DATA).expect("sample data");
    serde_json::from_slice(&text).expect("a JSON array")
}

/// The sample data as NDJSON, one creator a line.
fn ndjson() -> Vec<u8> {
    let mut out = Vec::new();
    for v in creators() {
        out.extend(serde_json::to_vec(&v).expect("serialises"));
        out.push(b'\n');
    }
    out
}

#[test]
fn ndjson_and_csv_read_a_pipe_or_a_fifo_once() {
    let dir = scratch("engine-fifo");
    let lines = ndjson();
    let file = write(&dir, "c.ndjson", &lines);
    for format in ["ndjson", "csv"] {
        let from_file = run(&["run", RULES, p(&file), "--format", format, "--all"]);
        assert_eq!(from_file.status.code(), Some(0));
        let piped = run_with_stdin(
            &["run", RULES, "-", "--format", format, "--all"],
            Some(&lines),
        );
        assert_eq!(piped.status.code(), Some(0), "{}", common::stderr(&piped));
        assert!(
            piped.stdout == from_file.stdout,
            "{format} from standard input"
        );
        // a FIFO can be read only once: a second pass would find it empty
        let fifo = dir.join(format!("{format}.fifo"));
        let made = Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            continue; // no mkfifo on this system
        }
        let child = Command::new(BIN)
            .args([
                "run",
                RULES,
                p(&fifo),
                "--format",
                format,
                "--format-in",
                "ndjson",
                "--all",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the binary");
        std::fs::write(&fifo, &lines).expect("write the FIFO");
        let o = child.wait_with_output().expect("wait");
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        assert!(o.stdout == from_file.stdout, "{format} from a FIFO");
    }
}

#[test]
fn all_as_json_is_the_report_held_whole() {
    let rules = Ruleset::from_file(RULES.as_ref()).expect("sample rules");
    let rules = rules.with_today(TODAY.parse().expect("a date"));
    let records = creators();
    for (extra, near) in [(&[][..], 0), (&["--near-misses", "3"][..], 3)] {
        let options = RunOptions {
            all: true,
            near_misses: near,
            ..RunOptions::default()
        };
        let report = rules.screen(records.clone(), &options);
        let mut held = serde_json::to_string_pretty(&report).expect("serialises");
        held.push('\n');
        let mut args = vec![
            "run", RULES, DATA, "--format", "json", "--all", "--today", TODAY,
        ];
        args.extend(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(common::stdout(&o), held, "{extra:?}");
    }
    // no records: an empty array, as serde writes it
    let dir = scratch("engine-all-empty");
    let empty = write(&dir, "none.json", "[]");
    let o = run(&["run", RULES, p(&empty), "--format", "json", "--all"]);
    let report: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(report["creators"], serde_json::json!([]));
    assert!(common::stdout(&o).contains("\"creators\": []\n}\n"));
}

/// Each creator's status, tier and rank in a `--all` run of `rules`.
fn sides(rules: &str) -> Vec<(String, Value, Value, Value)> {
    let o = run(&[
        "run", rules, DATA, "--format", "json", "--all", "--today", TODAY,
    ]);
    let report: Value = serde_json::from_slice(&o.stdout).expect("json");
    report["creators"]
        .as_array()
        .expect("creators")
        .iter()
        .map(|c| {
            let id = c["id"].as_str().expect("id").to_string();
            (
                id,
                c["status"].clone(),
                c["tier"].clone(),
                c["rank"].clone(),
            )
        })
        .collect()
}

#[test]
fn diff_lists_exactly_the_creators_whose_result_differs() {
    let (old, new) = (sides(RULES), sides(OTHER));
    let o = run(&[
        "diff", RULES, OTHER, DATA, "--format", "json", "--today", TODAY,
    ]);
    assert_eq!(o.status.code(), Some(0));
    let d: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(d["counts"]["evaluated"], old.len());
    let changes: BTreeMap<String, &Value> = d["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| (c["id"].as_str().expect("id").to_string(), c))
        .collect();
    let mut differing = 0;
    for (a, b) in old.iter().zip(&new) {
        let differs = (&a.1, &a.2, &a.3) != (&b.1, &b.2, &b.3);
        match changes.get(&a.0) {
            Some(c) => {
                assert_eq!((&c["old"]["status"], &c["old"]["rank"]), (&a.1, &a.3));
                assert_eq!((&c["new"]["status"], &c["new"]["rank"]), (&b.1, &b.3));
                assert!(!c["causes"].as_array().expect("causes").is_empty());
            }
            // a creator only entering or leaving the shortlist changes rank too
            None => assert!(!differs, "{} differs but is not listed", a.0),
        }
        differing += usize::from(differs);
    }
    assert!(differing > 0, "the two rulesets disagree on someone");
    assert!(changes.len() >= differing);
}

/// With less memory than 256 threads reserve for their stacks (`ulimit -v`
/// of 3 GB, against 256 x 16 MiB), the threads the system refuses are
/// done without: the report is the one a single thread writes, not a
/// panic (nor, as once, a hang behind it). A run starts no more threads
/// than there are cores, so only a machine of some 190 cores or more
/// meets the refusal here; on any other the report must be the same too.
#[cfg(target_os = "linux")]
#[test]
fn threads_the_system_refuses_are_done_without() {
    let args = [RULES, DATA, "--format", "json", "--today", TODAY];
    let mut one = args.to_vec();
    one.extend(["--threads", "1"]);
    let expected = run(&one);
    assert_eq!(expected.status.code(), Some(0));
    let o = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 3000000 && exec timeout 120 \"$0\" \"$@\"")
        .arg(BIN)
        .args(args)
        .args(["--threads", "256"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("run the binary under sh");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.stdout, expected.stdout);
}

#[test]
fn check_options_that_read_data_need_data() {
    // without --data they would be silently ignored: a usage error instead
    for extra in [
        ["--threads", "2"],
        ["--format-in", "csv"],
        ["--records", "data"],
    ] {
        let o = run(&["check", RULES, extra[0], extra[1]]);
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--data <FILE>"), "{extra:?}: {err}");
    }
}

/// A run decodes each record into slots (only the fields the rules read,
/// buffers reused from record to record; CSV rows made values on the
/// workers); the library's `screen` of the same records read whole gives
/// the same report, byte for byte: ids from a loosely written key, values
/// of changing kinds in one column, damage in a column no rule reads.
#[test]
fn records_in_slots_read_as_records_held_whole() {
    let dir = scratch("engine-slots");
    let rules_text = "require big: followers >= 1000\n\
                      require market: country in [\"US\", \"GB\"] when missing review\n\
                      signal e = engagement_rate / 10%\n\
                      signal n = len(bio) / 40\n";
    let rules_file = write(&dir, "slots.rules", rules_text);
    let mut csv = b"Handle,followers,unread,country,engagement_rate,bio,more\n".to_vec();
    for row in [
        "ann,1200,x,US,0.05,\"short, quoted\",1",
        "bob,,y,GB,0.02,a much longer biography than the one before,2",
        "cy,900,3,US,n/a,,3",
        "dee,5000,\"a\nb\",CA,0.04,text,4",
        "eve,1100,z,US,0.061",
        ",2000,z,GB,0.03,no handle,5",
        "fay,4000,z,,0.07,ok,6",
    ] {
        csv.extend_from_slice(row.as_bytes());
        csv.push(b'\n');
    }
    // invalid UTF-8 in a column no rule reads damages the row all the same
    csv.extend_from_slice(b"gus,1500,\xff\xfe,US,0.05,ok,7\n");
    let mut json = Vec::new();
    let objects = [
        r#"{"handle": "h1", "followers": 1500, "country": "US", "engagement_rate": 0.05, "bio": "first", "x": [1, {"y": 2}]}"#,
        r#"{"Handle": "h2", "followers": "1.2k", "country": "GB", "bio": ["not", "text"]}"#,
        r#"{"handle": "h3", "followers": 2000, "country": null, "engagement_rate": 0.09, "bio": "a \"quoted\" bio"}"#,
        r#"{"handle": "h4", "handle": "again", "followers": 1}"#,
        r#"[1, 2]"#,
        r#"{"name": 42, "followers": 3000, "country": "US", "engagement_rate": 1e-1, "bio": "x"}"#,
    ];
    for o in objects {
        json.extend_from_slice(o.as_bytes());
        json.push(b'\n');
    }
    let rules = Ruleset::from_file(&rules_file).expect("rules");
    let rules = rules.with_today(TODAY.parse().expect("a date"));
    for (name, bytes, format) in [
        ("rows.csv", csv, influence_eval::testing::Format::Csv),
        (
            "lines.ndjson",
            json,
            influence_eval::testing::Format::Ndjson,
        ),
    ] {
        let file = write(&dir, name, &bytes);
        let mut records = Vec::new();
        influence_eval::testing::read_from(name, &bytes[..], Some(format), &mut |r| {
            records.push(r)
        })
        .expect("readable");
        let options = RunOptions {
            all: true,
            ..RunOptions::default()
        };
        let mut held =
            serde_json::to_string_pretty(&rules.screen(records, &options)).expect("serialises");
        held.push('\n');
        let args = ["run", p(&rules_file), p(&file), "--format", "json", "--all"];
        let o = same_for_any_threads(&args);
        assert_eq!(common::stdout(&o), held, "{name}");
    }
}

#[test]
fn ndjson_over_many_blocks_keeps_every_line_number_on_any_threads() {
    // some 2 MB: blocks of 256 KiB split by the workers, with blank, CRLF
    // and broken lines on both sides of their edges
    let dir = scratch("engine-ndjson-blocks");
    let lines: Vec<Vec<u8>> = ndjson()
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    let mut text = Vec::new();
    let mut broken = Vec::new();
    let mut records = 0;
    for n in 1.. {
        let line: &[u8] = match n % 89 {
            0 => b"",
            13 => b"  \t\r",
            44 => {
                broken.push((records, n));
                b"{\"handle\": \"cut"
            }
            _ => &lines[n % lines.len()],
        };
        if !line.trim_ascii().is_empty() {
            records += 1;
        }
        text.extend_from_slice(line);
        text.extend_from_slice(if n % 7 == 0 { b"\r\n" } else { b"\n" });
        if text.len() > 2 << 20 {
            break;
        }
    }
    let data = write(&dir, "many.ndjson", &text);
    let o = same_for_any_threads(&["run", RULES, p(&data), "--format", "ndjson", "--all"]);
    let out: Vec<Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(out.len(), records);
    assert!(broken.len() > 30, "{}", broken.len());
    for (record, line) in broken {
        let reason = out[record]["failed"][0]["reason"].as_str().unwrap_or("");
        assert!(reason.starts_with(&format!("line {line}: ")), "{reason}");
    }
}
