//! Files the tool writes never destroy what it was handed: `--output`
//! naming an input (by any path, symlink or hard link) is refused before
//! anything is opened for writing, and reports and formatted rules files
//! are written beside their target and renamed over it only when whole, so
//! a failed write leaves the old file as it was and no temporary file.

mod common;

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{p, run, scratch, stderr, write, BIN};

const RULES: &str = "require micro: followers between 1k and 10k\nsignal reach = followers / 10k\n";

/// NDJSON creators, enough that a report is several KiB.
fn creators() -> String {
    (0..400)
        .map(|i| {
            format!(
                "{{\"handle\": \"c{i}\", \"followers\": {}}}\n",
                500 + i * 40
            )
        })
        .collect()
}

fn fixture(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = scratch(name);
    let rules = write(&dir, "brand.rules", RULES);
    let data = write(&dir, "creators.ndjson", creators());
    (dir, rules, data)
}

/// The names in `dir`, sorted: a leftover temporary file shows up here.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Runs the binary with writes to any file capped at `blocks` blocks of
/// 512 bytes or more (`ulimit -f`; SIGXFSZ ignored, so a write past the cap
/// fails with EFBIG as a full disk fails with ENOSPC).
fn run_with_file_size_limit(blocks: u32, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\""
        ))
        .arg(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run the binary under sh")
}

#[test]
fn output_naming_an_input_is_refused_and_both_files_are_untouched() {
    let (dir, rules, data) = fixture("clobber");
    let original = std::fs::read(&data).unwrap();
    let link = dir.join("link.ndjson");
    symlink(&data, &link).unwrap();
    let hard = dir.join("hard.ndjson");
    std::fs::hard_link(&data, &hard).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    let dotted = dir.join("sub/../creators.ndjson");
    for format in ["ndjson", "csv", "json", "table"] {
        for out in [&data, &link, &hard, &dotted] {
            let o = run(&[p(&rules), p(&data), "--format", format, "--output", p(out)]);
            assert_eq!(o.status.code(), Some(2), "{format} {out:?}: {}", stderr(&o));
            assert!(
                stderr(&o).contains("is the data file"),
                "{format} {out:?}: {}",
                stderr(&o)
            );
            assert_eq!(std::fs::read(&data).unwrap(), original, "{format} {out:?}");
        }
        let o = run(&[
            p(&rules),
            p(&data),
            "--format",
            format,
            "--output",
            p(&rules),
        ]);
        assert_eq!(o.status.code(), Some(2), "{format}: {}", stderr(&o));
        assert!(stderr(&o).contains("is the rules file"), "{}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&rules).unwrap(), RULES);
    }
    assert!(link.is_symlink(), "the link is left as it was");
    assert_eq!(
        names(&dir),
        [
            "brand.rules",
            "creators.ndjson",
            "hard.ndjson",
            "link.ndjson",
            "sub"
        ]
    );
}

#[test]
fn output_naming_standard_input_s_file_is_refused() {
    let (_dir, rules, data) = fixture("clobber-stdin");
    let original = std::fs::read(&data).unwrap();
    let o = Command::new(BIN)
        .args([p(&rules), "-", "--format", "ndjson", "--output", p(&data)])
        .stdin(std::fs::File::open(&data).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("standard input"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&data).unwrap(), original);
}

#[test]
fn standard_output_appending_to_the_data_is_refused() {
    let (dir, rules, data) = fixture("clobber-stdout");
    let copy = write(&dir, "copy.ndjson", creators());
    let append = std::fs::OpenOptions::new()
        .append(true)
        .open(&copy)
        .unwrap();
    let o = Command::new(BIN)
        .args([p(&rules), p(&copy), "--format", "ndjson"])
        .stdout(append)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("standard output"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&data).unwrap());
}

#[test]
fn a_failed_report_write_leaves_the_old_report_and_no_temporary_file() {
    let (dir, rules, data) = fixture("full-output");
    let out = write(&dir, "report.csv", "the previous report\n");
    for format in ["ndjson", "csv", "json", "table", "xlsx"] {
        let o = run_with_file_size_limit(
            4,
            &[p(&rules), p(&data), "--format", format, "--output", p(&out)],
        );
        assert_eq!(o.status.code(), Some(2), "{format}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot write the report to"),
            "{format}: {}",
            stderr(&o)
        );
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "the previous report\n",
            "{format}: never a cut report at the final path"
        );
        assert_eq!(
            names(&dir),
            ["brand.rules", "creators.ndjson", "report.csv"]
        );
    }
    // with room enough, the same run replaces it whole
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "csv",
        "--rows",
        "all",
        "--output",
        p(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 401);
}

#[test]
fn output_through_a_symlink_writes_the_real_file_and_keeps_its_mode() {
    let (dir, rules, data) = fixture("output-link");
    std::fs::create_dir(dir.join("reports")).unwrap();
    let real = write(&dir, "reports/latest.json", "old");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.join("latest.json");
    symlink("reports/latest.json", &link).unwrap();
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "json",
        "--output",
        p(&link),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(link.is_symlink(), "the link stays a link");
    let report = std::fs::read_to_string(&real).unwrap();
    assert!(report.contains("\"evaluated\": 400"), "{report}");
    let mode = std::fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(names(&dir.join("reports")), ["latest.json"]);

    // a link to a file not yet there: the file is made where it points
    let dangling = dir.join("next.json");
    symlink("reports/next.json", &dangling).unwrap();
    let o = run(&[p(&rules), p(&data), "--output", p(&dangling)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dangling.is_symlink());
    assert!(dir.join("reports/next.json").is_file());
}

#[test]
fn output_that_cannot_be_created_exits_2_before_the_data_is_read() {
    let (dir, rules, data) = fixture("output-missing-dir");
    for out in [dir.join("no/such/dir/report.json"), dir.clone()] {
        let o = run(&[p(&rules), p(&data), "--output", p(&out)]);
        assert_eq!(o.status.code(), Some(2), "{out:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot write the report to"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(names(&dir), ["brand.rules", "creators.ndjson"]);
}

#[test]
fn output_to_a_device_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let (_dir, rules, data) = fixture("output-device");
    let o = run(&[p(&rules), p(&data), "--output", "/dev/null"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let kind = Path::new("/dev/null").metadata().unwrap().file_type();
    assert!(kind.is_char_device(), "not a file renamed over the device");
}

#[test]
fn fmt_that_cannot_write_leaves_the_file_whole() {
    let dir = scratch("fmt-full");
    // ~6 KiB of lets that fmt aligns: the rewrite is past the size cap
    let messy: String = (0..150)
        .map(|i| format!("let  v{i}  =  followers  +  {i}\n"))
        .collect();
    let file = write(&dir, "messy.rules", &messy);
    let o = run_with_file_size_limit(4, &["fmt", p(&file)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        messy,
        "not a cut file"
    );
    assert_eq!(names(&dir), ["messy.rules"]);
}

#[test]
fn fmt_keeps_the_mode_and_the_symlink() {
    let dir = scratch("fmt-link");
    let real = write(&dir, "real.rules", "require   r :followers>1\n");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.join("link.rules");
    symlink("real.rules", &link).unwrap();
    let o = run(&["fmt", p(&link)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(link.is_symlink(), "the link stays a link");
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        "require r: followers > 1\n"
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(names(&dir), ["link.rules", "real.rules"]);
}

#[test]
fn fmt_refuses_a_file_over_the_rules_size_limit_as_check_does() {
    let dir = scratch("fmt-large");
    // valid and already formatted: only the size is wrong with it
    let mut big = String::from("require r: followers > 1\n");
    while big.len() <= (1 << 20) + 10 {
        big.push_str("# a long comment line, repeated past the size a rules file may hold\n");
    }
    let file = write(&dir, "big.rules", &big);
    let check = run(&["check", p(&file)]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert!(
        stderr(&check).contains("more than the 1 MiB a rules file may hold"),
        "{}",
        stderr(&check)
    );
    // the same limit, read the same way (no more than 1 MiB of the file),
    // and the same diagnostic
    for args in [
        vec!["fmt", p(&file)],
        vec!["fmt", "--check", p(&file)],
        vec!["test", p(&file)],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), stderr(&check), "{args:?}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), big);
}

#[test]
fn a_killed_run_leaves_the_old_report_and_at_most_a_named_temporary_file() {
    let (dir, rules, _) = fixture("killed");
    let many: String = (0..60_000)
        .map(|i| {
            format!(
                "{{\"handle\": \"c{i}\", \"followers\": {}}}\n",
                500 + i % 9000
            )
        })
        .collect();
    let data = write(&dir, "many.ndjson", many);
    let out = write(&dir, "report.json", "the previous report\n");
    let mut child = Command::new(BIN)
        .args([p(&rules), p(&data), "--format", "json", "--output", p(&out)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // kill it (SIGKILL, as a Ctrl-C that runs no clean-up) once its
    // report is under way (the temporary file is made before the data is read)
    let writing = |dir: &Path| {
        std::fs::read_dir(dir).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".report.json.influence-eval-")
        })
    };
    let start = std::time::Instant::now();
    while !writing(&dir) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it was seen writing a temporary file"
        );
        assert!(start.elapsed().as_secs() < 60, "no temporary file seen");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "the previous report\n"
    );
    let left: Vec<String> = names(&dir)
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    let pid = child.id();
    assert!(
        left[0] == format!(".report.json.influence-eval-{pid}-0.tmp"),
        "{left:?}"
    );
}
