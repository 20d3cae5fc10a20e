//! Files for people fed hostile or odd values: long integer ids in a
//! workbook, text that looks like the workbook format's own escapes, odd
//! `--columns` names and the names the help suggests for them.

mod common;

use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::{p, run, scratch, stderr, stdout, write};

const RULES: &str = "require ok: followers >= 10\nsignal s = followers / 100\n";

#[test]
fn xlsx_keeps_integers_past_15_digits_and_escape_like_text_as_written() {
    let dir = scratch("hostile-xlsx");
    let rules = write(&dir, "r.rules", RULES);
    // platform user ids have 19 digits; a spreadsheet number keeps 15
    let data = write(
        &dir,
        "d.ndjson",
        "{\"id\": \"a\", \"followers\": 50, \"uid\": 6812345678901234567, \"n\": 1234567890123456, \
         \"small\": 123456789012345, \"f\": 123456789.123456, \"neg\": -9007199254740993, \"t\": \"_x0041_\"}\n",
    );
    let book = dir.join("out.xlsx");
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "xlsx",
        "--columns",
        "uid,n,small,f,neg,t",
        "--output",
        p(&book),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut wb: Xlsx<_> = open_workbook(&book).expect("a workbook");
    let range = wb.worksheet_range("Shortlist").expect("the sheet");
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(
        rows[1][5..11],
        [
            Data::String("6812345678901234567".into()),
            Data::String("1234567890123456".into()),
            Data::Float(123456789012345.0),
            Data::Float(123456789.123456),
            Data::String("-9007199254740993".into()),
            Data::String("_x0041_".into()),
        ]
    );
}

#[test]
fn a_column_name_ending_in_a_dot_is_refused() {
    let dir = scratch("hostile-dot");
    let rules = write(&dir, "r.rules", RULES);
    let data = write(&dir, "d.ndjson", "{\"followers\": 50, \"n\": {\"x\": 1}}\n");
    for bad in ["n.", "n.x.", "."] {
        let o = run(&[p(&rules), p(&data), "--format", "csv", "--columns", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stdout(&o));
        assert!(
            stderr(&o).contains(&format!("`{bad}` is not a field name")),
            "{bad}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn the_help_for_an_unknown_column_writes_odd_keys_in_brackets() {
    let dir = scratch("hostile-suggest");
    let rules = write(&dir, "r.rules", RULES);
    let data = write(
        &dir,
        "d.ndjson",
        "{\"followers\": 50, \"k[0]\": 1, \"n\": {\"e.mail\": \"a@b\", \"plain\": 2, \"q\\\"x\": 3}}\n",
    );
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "csv",
        "--columns",
        "n.mail,k0",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(e.contains("did you mean `n[\"e.mail\"]`?"), "{e}");
    assert!(e.contains("n.plain"), "{e}");
    assert!(e.contains("n[\"q\\\"x\"]"), "{e}");
    assert!(e.contains("include followers, [\"k[0]\"], n"), "{e}");
    // and each suggestion, given back, is read
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "csv",
        "--columns",
        "n[\"e.mail\"],[\"k[0]\"],n[\"q\\\"x\"]",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains(",a@b,1,3,"), "{}", stdout(&o));
}

#[test]
fn a_workbook_or_a_page_is_refused_on_a_terminal_named_by_output() {
    // `script` gives the command a terminal for standard output
    let Some(script) = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join("script"))
            .find(|c| c.is_file())
    }) else {
        eprintln!(
            "*** SKIPPED: `script` (util-linux) is needed to give the command a terminal ***"
        );
        return;
    };
    let bin = env!("CARGO_BIN_EXE_influence-eval");
    for (format, says) in [
        ("xlsx", "--format xlsx writes a workbook, a binary file"),
        ("html", "--format html writes a file to open in a browser"),
    ] {
        for to in ["/dev/stdout", "/dev/tty"] {
            let command =
                format!("{bin} rules/brand.rules creators.json --format {format} --output {to}");
            let o = std::process::Command::new(&script)
                .args(["-qec", &command, "/dev/null"])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env("NO_COLOR", "1")
                .stdin(std::process::Stdio::null())
                .output()
                .expect("run script");
            let text = String::from_utf8_lossy(&o.stdout);
            assert_eq!(o.status.code(), Some(2), "{format} {to}: {text}");
            assert!(text.contains(says), "{format} {to}: {text}");
            assert!(!text.contains("PK") && !text.contains("<html"), "{text}");
        }
    }
}

#[test]
fn output_dev_stdout_writes_to_a_pipe() {
    // /dev/stdout is a link to /proc/self/fd/1, itself a link the kernel
    // follows to a pipe that has no path
    if !Path::new("/dev/stdout").exists() {
        return;
    }
    for format in ["csv", "ndjson", "json", "html", "xlsx"] {
        let o = run(&[
            "rules/brand.rules",
            "creators.json",
            "--format",
            format,
            "--output",
            "/dev/stdout",
        ]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(o.stdout.len() > 100, "{format}: {}", stdout(&o));
    }
    let o = run(&["rules/brand.rules", "creators.json", "--format", "csv"]);
    let piped = run(&[
        "rules/brand.rules",
        "creators.json",
        "--format",
        "csv",
        "--output",
        "/dev/stdout",
    ]);
    assert_eq!(stdout(&piped), stdout(&o));
}

#[test]
fn a_column_only_ever_null_is_said_to_be_null() {
    let dir = scratch("hostile-null");
    let rules = write(&dir, "r.rules", RULES);
    let data = write(
        &dir,
        "d.ndjson",
        "{\"followers\": 50, \"email\": null, \"p\": {\"e\": null}}\n{\"followers\": 60}\n",
    );
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "csv",
        "--columns",
        "email,p.e",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(
        e.contains("for `email`, the records that have `email` all have it null (empty)"),
        "{e}"
    );
    assert!(
        e.contains("for `p.e`, the records that have `p.e` all have it null (empty)"),
        "{e}"
    );
    assert!(!e.contains("include"), "{e}");
}

#[test]
fn all_is_rows_all_for_html_too_as_the_help_says() {
    let o = run(&["run", "--help"]);
    assert!(
        stdout(&o).contains("for csv, ndjson, xlsx and html it means --rows all"),
        "{}",
        stdout(&o)
    );
    let dir = scratch("hostile-all-html");
    let page = dir.join("all.html");
    let o = run(&[
        "rules/brand.rules",
        "creators.json",
        "--format",
        "html",
        "--all",
        "--output",
        p(&page),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).expect("the page");
    assert!(html.contains("<h2>Every creator (400)</h2>"));
}

#[test]
fn an_output_named_for_another_format_without_format_is_refused() {
    let dir = scratch("hostile-extension");
    for (name, format) in [
        ("shortlist.xlsx", "an xlsx"),
        ("report.HTML", "an html"),
        ("s.csv", "a csv"),
        ("v.jsonl", "an ndjson"),
    ] {
        let out = dir.join(name);
        let o = run(&["rules/brand.rules", "creators.json", "--output", p(&out)]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let e = stderr(&o);
        assert!(
            e.contains(&format!(
                "{name} names {format} file, but the report would be json"
            )),
            "{e}"
        );
        let flag = format.split(' ').nth(1).expect("a format");
        assert!(e.contains(&format!("add --format {flag}")), "{e}");
        assert!(!out.exists(), "{name}: nothing written");
    }
    // json, or no extension, is written as before
    for name in ["r.json", "report"] {
        let out = dir.join(name);
        let o = run(&["rules/brand.rules", "creators.json", "--output", p(&out)]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(std::fs::read_to_string(&out)
            .expect("written")
            .starts_with('{'));
    }
}
