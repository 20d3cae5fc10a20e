//! Arguments as the system hands them: paths that are not UTF-8 are
//! paths like any other (never a panic), and numbers that would make the
//! tool start too many threads or overflow are usage errors.

mod common;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use common::{json_of, p, run, scratch, stderr, write, BIN};

const RULES: &str = "require micro: followers between 1k and 10k\nsignal reach = followers / 10k\n";
const DATA: &str =
    "{\"handle\": \"a\", \"followers\": 5000}\n{\"handle\": \"b\", \"followers\": 50}\n";

fn run_os(args: &[&OsStr]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run the binary")
}

/// `dir/NAME` where NAME holds the byte 0xFF, which no UTF-8 text has.
fn odd_name(dir: &std::path::Path, stem: &str, ext: &str) -> PathBuf {
    let mut name = stem.as_bytes().to_vec();
    name.push(0xFF);
    name.extend_from_slice(ext.as_bytes());
    dir.join(OsString::from_vec(name))
}

#[test]
fn paths_that_are_not_utf8_are_read_and_written() {
    let dir = scratch("odd-paths");
    let rules = odd_name(&dir, "brand", ".rules");
    let data = odd_name(&dir, "creators", ".ndjson");
    let out = odd_name(&dir, "report", ".json");
    std::fs::write(&rules, RULES).unwrap();
    std::fs::write(&data, DATA).unwrap();

    // the short form, whose first argument is the rules path
    let o = run_os(&[
        rules.as_os_str(),
        data.as_os_str(),
        OsStr::new("--output"),
        out.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(report["accepted"], 1);

    for command in ["check", "test", "fmt"] {
        let o = run_os(&[OsStr::new(command), rules.as_os_str()]);
        assert_eq!(o.status.code(), Some(0), "{command}: {}", stderr(&o));
    }
    let o = run_os(&[
        OsStr::new("check"),
        rules.as_os_str(),
        OsStr::new("--data"),
        data.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_missing_path_that_is_not_utf8_gets_the_usual_diagnostic() {
    let dir = scratch("odd-missing");
    let rules = write(&dir, "brand.rules", RULES);
    let missing = odd_name(&dir, "gone", ".ndjson");
    let o = run_os(&[rules.as_os_str(), missing.as_os_str()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("gone\u{FFFD}.ndjson"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));

    let o = run_os(&[OsStr::new("check"), missing.as_os_str()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("gone\u{FFFD}.ndjson"), "{}", stderr(&o));

    // text options (an id, a field name) must be text: a usage error
    let data = write(&dir, "creators.ndjson", DATA);
    let o = run_os(&[
        rules.as_os_str(),
        data.as_os_str(),
        OsStr::new("--id-field"),
        OsStr::from_bytes(b"h\xFF"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid UTF-8"), "{}", stderr(&o));
}

#[test]
fn threads_out_of_range_are_usage_errors() {
    let dir = scratch("threads");
    let rules = write(&dir, "brand.rules", RULES);
    let data = write(&dir, "creators.ndjson", DATA);
    for n in ["18446744073709551615", "100000", "257", "two", ""] {
        let o = run(&[p(&rules), p(&data), "--threads", n]);
        assert_eq!(o.status.code(), Some(2), "--threads {n}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("give 1 to 256, or 0 for every core"),
            "--threads {n}: {}",
            stderr(&o)
        );
    }
    let o = run(&[
        "--error-format",
        "json",
        p(&rules),
        p(&data),
        "--threads",
        "100000",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("\"code\":\"influence::usage\""),
        "{}",
        stderr(&o)
    );

    let one = run(&[p(&rules), p(&data), "--threads", "1", "--format", "json"]);
    for n in ["0", "256"] {
        let o = run(&[p(&rules), p(&data), "--threads", n, "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "--threads {n}: {}", stderr(&o));
        assert_eq!(json_of(&o), json_of(&one), "--threads {n}");
    }
}

#[test]
fn the_largest_shortlist_length_is_no_overflow() {
    let dir = scratch("top-max");
    let rules = write(&dir, "brand.rules", RULES);
    let many: String = (0..1100)
        .map(|i| format!("{{\"handle\": \"c{i}\", \"followers\": 5000}}\n"))
        .collect();
    let data = write(&dir, "creators.ndjson", many);
    // the largest length `limit` and `--top` allow: no overflow where the
    // shortlist's capacity is worked out
    let o = run(&[
        p(&rules),
        p(&data),
        "--top",
        "1000000000",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_of(&o)["shortlist"].as_array().unwrap().len(), 1100);
    // past it, a usage error rather than a wrapped or overflowing length
    let o = run(&[p(&rules), p(&data), "--top", "18446744073709551615"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
