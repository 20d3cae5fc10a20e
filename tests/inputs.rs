//! Exports as teams have them: European CSV (`;`, decimal commas), any
//! delimiter sniffed or given, blank rows from spreadsheets, workbooks
//! (.xlsx made here with rust_xlsxwriter, a tiny .ods fixture made by
//! scripts/make_ods.py), and gzipped data.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::{json_of, p, run, run_with_stdin, scratch, stderr, stdout, write};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use serde_json::Value;

/// Every creator's status by id, with `--all`.
fn statuses(report: &Value) -> Vec<(String, String)> {
    report["creators"]
        .as_array()
        .expect("--all lists the creators")
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap_or("").to_string(),
                v["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

const EU: &str = "handle;followers;er;bio\nann;12.400;4,2%;\"a, b; c\"\nbob;900;1,5%;x\n;;;\ncy;1.234.567;0,5%;y\n";
const EU_RULES: &str = "require big: followers >= 10k\nrequire engaged: number(er) >= 1%\n";

#[test]
fn a_european_csv_is_sniffed_and_warned_about() {
    let dir = scratch("inputs-eu");
    let rules = write(&dir, "r.rules", EU_RULES);
    let data = write(&dir, "eu.csv", EU);
    // without --decimal-comma: read, but a warning names a cell
    let o = run(&[p(&rules), p(&data), "--format", "json", "--all"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let warnings = json_of(&o)["warnings"].to_string();
    assert!(
        warnings.contains("line 2: the cell `followers` reads `12.400`")
            || warnings.contains("`er` reads `4,2%`"),
        "{warnings}"
    );
    assert!(warnings.contains("--decimal-comma"), "{warnings}");
    assert_eq!(warnings.matches("decimal comma").count(), 1, "{warnings}");
    // on standard error with its own code, naming the data file
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "json",
        "--error-format",
        "json",
    ]);
    let err = stderr(&o);
    let line = err
        .lines()
        .find(|l| l.contains("decimal comma"))
        .unwrap_or_else(|| panic!("no warning in {err}"));
    let w: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(w["code"], "influence::decimal-comma", "{line}");
    // with it: 12.400 is 12400, 4,2% is 4.2%, 1.234.567 is 1234567
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "json",
        "--all",
        "--decimal-comma",
    ]);
    let report = json_of(&o);
    assert_eq!(
        statuses(&report),
        pairs(&[("ann", "accepted"), ("bob", "rejected"), ("cy", "rejected")])
    );
    assert!(!report["warnings"].to_string().contains("decimal comma"));
    // the blank row `;;;` is skipped, with its line
    assert_eq!(report["skipped"], 1);
    assert_eq!(report["skipped_lines"], serde_json::json!([4]));
    // cy fails on engagement alone (0.5%), not on followers
    let cy = &report["creators"][2];
    assert_eq!(cy["failed"][0]["rule"], "engaged", "{cy}");
}

#[test]
fn any_delimiter_is_sniffed_and_delimiter_overrides() {
    let dir = scratch("inputs-delim");
    let rules = write(&dir, "r.rules", "require big: followers >= 1000\n");
    for (name, text) in [
        ("pipe.csv", "handle|followers\nann|5000\nbob|10\n"),
        ("tab.csv", "handle\tfollowers\nann\t5000\nbob\t10\n"),
        ("semi.txt", "handle;followers\nann;5000\nbob;10\n"),
        ("comma.dat", "handle,followers\nann,5000\nbob,10\n"),
    ] {
        let data = write(&dir, name, text);
        let o = run(&[p(&rules), p(&data), "--format", "json", "--all"]);
        assert_eq!(
            statuses(&json_of(&o)),
            pairs(&[("ann", "accepted"), ("bob", "rejected")]),
            "{name}"
        );
    }
    // a header with more commas than semicolons, split by `;` when told
    let data = write(&dir, "told.csv", "handle;followers;\"x,y,z\"\nann;5000;a\n");
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "json",
        "--all",
        "--delimiter",
        ";",
    ]);
    assert_eq!(statuses(&json_of(&o)), pairs(&[("ann", "accepted")]));
    // and on every command that reads data
    let o = run(&["check", p(&rules), "--data", p(&data), "--delimiter", ";"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&[p(&rules), p(&data), "--delimiter", "ab"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not one character"), "{}", stderr(&o));
}

#[test]
fn blank_rows_are_skipped_and_counted_nothing_else() {
    let dir = scratch("inputs-blank");
    let rules = write(&dir, "r.rules", "require big: followers >= 1000\n");
    let data = write(
        &dir,
        "b.csv",
        "handle,followers,er\nann,5000,1\n,,\n  , ,\nTOTAL,5000,\n,,\nbob,,\n",
    );
    let o = run(&[p(&rules), p(&data), "--format", "json", "--all"]);
    let report = json_of(&o);
    assert_eq!(report["evaluated"], 3, "{report}");
    assert_eq!(report["skipped"], 3);
    assert_eq!(report["skipped_lines"], serde_json::json!([3, 4, 6]));
    let o = run(&[p(&rules), p(&data), "--format", "table"]);
    assert!(
        stdout(&o).contains("skipped 3 empty rows (lines 3, 4, 6)"),
        "{}",
        stdout(&o)
    );
    // the streamed formats say so on standard error
    let o = run(&[p(&rules), p(&data), "--format", "ndjson"]);
    assert_eq!(stdout(&o).lines().count(), 3);
    assert!(
        stderr(&o).contains("skipped 3 empty rows"),
        "{}",
        stderr(&o)
    );
    // under its own code
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "ndjson",
        "--error-format",
        "json",
    ]);
    assert!(
        stderr(&o).contains("\"code\":\"influence::skipped-rows\""),
        "{}",
        stderr(&o)
    );
    // no blank row: no figure
    let data = write(&dir, "c.csv", "handle,followers\nann,5000\n");
    let report = json_of(&run(&[p(&rules), p(&data), "--format", "json"]));
    assert!(report.get("skipped").is_none(), "{report}");
}

/// A workbook with a `Creators` sheet (typed cells, a date, a formula, a
/// merged cell, a blank row, an error cell) after a first sheet `Notes`
/// whose header is on row 3.
fn workbook(path: &Path) {
    let mut book = Workbook::new();
    let notes = book.add_worksheet().set_name("Notes").expect("name");
    notes.write(2, 0, "handle").expect("write");
    notes.write(2, 1, "followers").expect("write");
    notes.write(3, 0, "zed").expect("write");
    notes.write(3, 1, 20000).expect("write");
    let s = book.add_worksheet().set_name("Creators").expect("name");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (c, h) in [
        "handle",
        "followers",
        "active",
        "joined",
        "seen",
        "level",
        "x2",
    ]
    .iter()
    .enumerate()
    {
        s.write(0, c as u16, *h).expect("write");
    }
    let rows: [(&str, f64, bool, &str); 3] = [
        ("ann", 12400.0, true, "2026-11-03"),
        ("bob", 900.0, false, "2026-01-15"),
        ("cy", 15000.5, true, "2025-12-31"),
    ];
    for (i, (h, f, a, d)) in rows.iter().enumerate() {
        let r = if i == 2 { 4 } else { i as u32 + 1 }; // row 4 (1-based) blank
        s.write(r, 0, *h).expect("write");
        s.write(r, 1, *f).expect("write");
        s.write(r, 2, *a).expect("write");
        let dt = ExcelDateTime::parse_from_str(d).expect("date");
        s.write_datetime_with_format(r, 3, &dt, &date)
            .expect("write");
        let t = ExcelDateTime::parse_from_str(&format!("{d} 10:00:00")).expect("datetime");
        s.write_datetime_with_format(r, 4, &t, &stamp)
            .expect("write");
        s.write_formula(
            r,
            6,
            Formula::new(format!("=B{}*2", r + 1)).set_result((f * 2.0).to_string()),
        )
        .expect("write");
    }
    // the level merged over ann and bob's rows
    s.merge_range(1, 5, 2, 5, "gold", &Format::new())
        .expect("merge");
    // a damaged row: a formula whose value is an error
    s.write(5, 0, "dan").expect("write");
    s.write_formula(5, 1, Formula::new("=1/0").set_result("#DIV/0!"))
        .expect("write");
    book.save(path).expect("save the workbook");
}

const SHEET_RULES: &str = r#"
require big: followers >= 10k
require active: active == true
require typed: joined == "2026-11-03" and seen == "2026-11-03T10:00:00" and level == "gold" and x2 == 24800
"#;

#[test]
fn xlsx_sheets_are_read_with_typed_cells() {
    let dir = scratch("inputs-xlsx");
    let rules = write(&dir, "r.rules", SHEET_RULES);
    let data = dir.join("book.xlsx");
    workbook(&data);
    // the first sheet: its header on the first row with a value
    let o = run(&[p(&rules), p(&data), "--format", "json", "--all"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        statuses(&json_of(&o)),
        pairs(&[("zed", "rejected")]),
        "{}",
        stdout(&o)
    );
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "json",
        "--all",
        "--sheet",
        "Creators",
    ]);
    let report = json_of(&o);
    assert_eq!(
        statuses(&report),
        pairs(&[
            ("ann", "accepted"),
            ("bob", "rejected"),
            ("cy", "rejected"),
            ("#4", "error")
        ]),
        "{report}"
    );
    assert_eq!(report["skipped_lines"], serde_json::json!([4]));
    let dan = report["creators"][3]["failed"][0]["reason"].to_string();
    assert!(
        dan.contains("line 6: sheet `Creators`, row 6") && dan.contains("#DIV/0!"),
        "{dan}"
    );
    // cy fails only for her dates and her level (not merged over her row)
    let cy = &report["creators"][2]["failed"];
    assert_eq!(cy.as_array().map(Vec::len), Some(1), "{cy}");
    // a sheet that is not there names the ones that are
    let o = run(&[p(&rules), p(&data), "--sheet", "Nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`Notes`, `Creators`"), "{}", stderr(&o));
    // misnamed and on standard input: found by its first bytes
    let bytes = std::fs::read(&data).expect("read");
    let misnamed = write(&dir, "book.dat", &bytes);
    let o = run(&[
        p(&rules),
        p(&misnamed),
        "--format",
        "json",
        "--sheet",
        "Creators",
    ]);
    assert_eq!(json_of(&o)["evaluated"], 4);
    let o = run_with_stdin(
        &[p(&rules), "-", "--format", "json", "--sheet", "Creators"],
        Some(&bytes),
    );
    assert_eq!(json_of(&o)["evaluated"], 4);
    // explain reads it too
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--sheet",
        "Creators",
        "--id",
        "ann",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_damaged_workbook_is_exit_2() {
    let dir = scratch("inputs-bad-xlsx");
    let rules = write(&dir, "r.rules", SHEET_RULES);
    let data = write(&dir, "bad.xlsx", b"PK\x03\x04 not really a zip");
    let o = run(&[p(&rules), p(&data)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read the workbook"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn ods_is_read() {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/creators.ods");
    let dir = scratch("inputs-ods");
    let rules = write(
        &dir,
        "r.rules",
        "require big: followers >= 10k\nrequire on: active == true and joined == \"2026-11-03\"\n",
    );
    let o = run(&[p(&rules), p(&fixture), "--format", "json", "--all"]);
    let report = json_of(&o);
    assert_eq!(
        statuses(&report),
        pairs(&[("ann", "accepted"), ("bob", "rejected")]),
        "{report}"
    );
    assert_eq!(report["skipped"], 1);
    let o = run(&[
        p(&rules),
        p(&fixture),
        "--format",
        "json",
        "--all",
        "--sheet",
        "Brands",
    ]);
    assert_eq!(json_of(&o)["evaluated"], 1);
}

#[test]
fn gzip_is_read_by_name_and_by_magic() {
    let dir = scratch("inputs-gz");
    let rules = write(&dir, "r.rules", "require big: followers >= 1000\n");
    let csv = "handle;followers\nann;5000\nbob;10\n";
    let ndjson = "{\"handle\":\"ann\",\"followers\":5000}\n{\"handle\":\"bob\",\"followers\":10}\n";
    let json = r#"[{"handle":"ann","followers":5000},{"handle":"bob","followers":10}]"#;
    let want = pairs(&[("ann", "accepted"), ("bob", "rejected")]);
    for (name, text) in [
        ("c.csv.gz", csv),
        ("c.ndjson.gz", ndjson),
        ("c.json.gz", json),
        ("misnamed.csv", ndjson), // gzip inside, sniffed
        ("plain.gz", json),
    ] {
        let data = write(&dir, name, gzip(text.as_bytes()));
        let o = run(&[p(&rules), p(&data), "--format", "json", "--all"]);
        assert_eq!(statuses(&json_of(&o)), want, "{name}: {}", stderr(&o));
    }
    let o = run_with_stdin(
        &[p(&rules), "-", "--format", "json", "--all"],
        Some(&gzip(csv.as_bytes())),
    );
    assert_eq!(statuses(&json_of(&o)), want);
    // a workbook gzipped
    let book = dir.join("b.xlsx");
    workbook(&book);
    let gz = write(
        &dir,
        "b.xlsx.gz",
        gzip(&std::fs::read(&book).expect("read")),
    );
    let o = run(&[p(&rules), p(&gz), "--format", "json", "--sheet", "Creators"]);
    assert_eq!(json_of(&o)["evaluated"], 4, "{}", stderr(&o));
    // cut short: exit 2, saying so
    let mut cut = gzip(ndjson.repeat(50).as_bytes());
    cut.truncate(cut.len() / 2);
    let data = write(&dir, "cut.ndjson.gz", &cut);
    let o = run(&[p(&rules), p(&data)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
