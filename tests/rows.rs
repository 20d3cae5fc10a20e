//! Files for people: `--rows` and `--columns` in csv, ndjson and xlsx,
//! numbers rounded, reasons, formulas defused, `--bom`, workbooks read back.

mod common;

use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::{p, run, scratch, stderr, stdout, write};
use serde_json::{json, Value};

const RULES: &str = r#"ruleset "rows"
require micro: followers between 1k and 10k
require engaged: engagement_rate >= 3%
require authentic: authenticity >= 0.5 when missing review
signal engagement weight 3 = engagement_rate / 8%
signal customer = if is_customer then 1 else 0
tier gold when score >= 0.5
tier silver otherwise
limit 2
"#;

/// Ranks by score: =HYP 1, eve 2, Zoë 3, ana 4, gus 5; dan is in review,
/// ben rejected, line 6 damaged.
const DATA: &str = r#"{"handle": "ana", "followers": 5000, "engagement_rate": 0.04, "authenticity": 0.9, "is_customer": false, "country": "DE", "profile": {"email": "ana@x.de"}, "tags": ["a", "b"], "balance": -12}
{"handle": "ben", "followers": 512, "engagement_rate": 0.09, "authenticity": 0.9, "is_customer": true, "country": "US"}
{"handle": "=HYPERLINK(\"http://x\")", "followers": 9000, "engagement_rate": 0.08, "authenticity": 0.9, "is_customer": true, "country": "@home", "balance": "-1+2"}
{"handle": "dan", "followers": 3000, "engagement_rate": 0.037, "is_customer": true, "country": "FR"}
{"handle": "eve", "followers": 3000, "engagement_rate": 0.03701, "authenticity": 0.8, "is_customer": true, "profile": {"email": "eve@x.fr"}}
{"handle": "fay", "followers":
{"handle": "gus", "followers": 2000, "engagement_rate": 0.031, "authenticity": 0.7, "is_customer": false, "tags": []}
{"handle": "Zoë", "followers": 4000, "engagement_rate": 0.05, "authenticity": 0.6, "is_customer": false, "country": "Österreich"}
"#;

const HYP: &str = "=HYPERLINK(\"http://x\")";
const COLUMNS: &str = "country,profile.email,tags,balance";

fn fixture(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = scratch(name);
    let rules = write(&dir, "rows.rules", RULES);
    let data = write(&dir, "creators.ndjson", DATA);
    (dir, rules, data)
}

/// The ids each `--rows` lists, in order.
fn expected_ids(rows: &str) -> Vec<&'static str> {
    match rows {
        "shortlist" => vec![HYP, "eve"],
        "accepted" => vec![HYP, "eve", "Zoë", "ana", "gus", "dan"],
        _ => vec!["ana", "ben", HYP, "dan", "eve", "#6", "gus", "Zoë"],
    }
}

/// `(id, rank)` for each id in `expected_ids`.
fn rank_of(id: &str) -> Option<u64> {
    match id {
        HYP => Some(1),
        "eve" => Some(2),
        "Zoë" => Some(3),
        "ana" => Some(4),
        "gus" => Some(5),
        _ => None,
    }
}

/// The CSV's records (header first), the cells as a spreadsheet shows them.
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|row| row.expect("a CSV row").iter().map(String::from).collect())
        .collect()
}

/// The id a defused cell stands for.
fn undefused(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

fn run_rows(rules: &Path, data: &Path, format: &str, rows: &str, columns: Option<&str>) -> String {
    let mut args = vec![p(rules), p(data), "--format", format, "--rows", rows];
    if let Some(c) = columns {
        args.extend(["--columns", c]);
    }
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

#[test]
fn csv_lists_each_row_set_with_and_without_columns() {
    let (_d, rules, data) = fixture("rows-csv");
    for rows in ["shortlist", "accepted", "all"] {
        for columns in [None, Some(COLUMNS)] {
            let text = run_rows(&rules, &data, "csv", rows, columns);
            let records = csv_records(&text);
            let mut header = vec!["id", "status", "rank", "score", "tier"];
            if columns.is_some() {
                header.extend(["country", "profile.email", "tags", "balance"]);
            }
            header.extend(["engagement", "customer", "failed", "reasons"]);
            assert_eq!(records[0], header, "{rows} {columns:?}");
            let ids: Vec<&str> = records[1..].iter().map(|r| undefused(&r[0])).collect();
            assert_eq!(ids, expected_ids(rows), "{rows} {columns:?}");
            for r in &records[1..] {
                assert_eq!(r.len(), header.len(), "{rows} {columns:?}: {r:?}");
                let rank = (!r[2].is_empty()).then(|| r[2].parse::<u64>().expect("a rank"));
                assert_eq!(rank, rank_of(undefused(&r[0])), "{rows}: {r:?}");
            }
            let row = |id: &str| {
                records[1..]
                    .iter()
                    .find(|r| undefused(&r[0]) == id)
                    .unwrap_or_else(|| panic!("{id} in {rows}"))
                    .clone()
            };
            // eve's engagement is 0.462625 in full: rounded here
            let eve = row("eve");
            assert_eq!(&eve[1..5], ["accepted", "2", "0.597", "gold"]);
            if columns.is_some() {
                assert_eq!(&eve[5..9], ["", "eve@x.fr", "", ""]);
                assert_eq!(&eve[9..], ["0.4626", "1", "", ""]);
                if rows != "shortlist" {
                    // lists joined by `; `; a plain negative number stays a number
                    assert_eq!(&row("ana")[5..9], ["DE", "ana@x.de", "a; b", "-12"]);
                    assert_eq!(&row("Zoë")[5], "Österreich");
                    let dan = row("dan");
                    assert_eq!(&dan[1..3], ["review", ""]);
                    assert_eq!(
                        &dan[11..],
                        ["authentic", "authentic: authenticity is missing"]
                    );
                }
                // formulas in the data are written as text
                let hyp = &records[1..]
                    .iter()
                    .find(|r| r[0].contains("HYPERLINK"))
                    .expect("HYP");
                assert_eq!(hyp[0], format!("'{HYP}"));
                assert_eq!(hyp[5], "'@home");
                assert_eq!(hyp[8], "'-1+2");
            } else {
                assert_eq!(&eve[5..], ["0.4626", "1", "", ""]);
            }
            if rows == "all" {
                let ben = row("ben");
                assert_eq!(ben[ben.len() - 2], "micro");
                assert_eq!(
                    ben[ben.len() - 1],
                    "micro: followers is 512, needs between 1000 and 10000"
                );
                assert_eq!(row("#6")[1], "error");
            }
        }
    }
}

#[test]
fn ndjson_lists_each_row_set_with_full_precision_and_columns_as_read() {
    let (_d, rules, data) = fixture("rows-ndjson");
    let all_json = common::json_of(&run(&[p(&rules), p(&data), "--format", "json", "--all"]));
    let verdicts = all_json["creators"].as_array().expect("--all").clone();
    for rows in ["shortlist", "accepted", "all"] {
        for columns in [None, Some(COLUMNS)] {
            let text = run_rows(&rules, &data, "ndjson", rows, columns);
            let lines: Vec<Value> = text
                .lines()
                .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
                .collect();
            let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
            assert_eq!(ids, expected_ids(rows), "{rows} {columns:?}");
            for l in &lines {
                // the verdict of `--all`, and `columns` when asked
                let mut l = l.clone();
                let cols = l.as_object_mut().unwrap().remove("columns");
                assert_eq!(cols.is_some(), columns.is_some(), "{rows}");
                let v = verdicts.iter().find(|v| v["id"] == l["id"]).unwrap();
                assert_eq!(&l, v, "{rows} {columns:?}");
            }
            let eve = lines.iter().find(|l| l["id"] == "eve").unwrap();
            let full = eve["signals"]["engagement"].as_f64().unwrap();
            assert!((full - 0.462625).abs() < 1e-12, "{full}");
            if columns.is_some() && rows != "shortlist" {
                let ana = lines.iter().find(|l| l["id"] == "ana").unwrap();
                assert_eq!(
                    ana["columns"],
                    json!({"country": "DE", "profile.email": "ana@x.de", "tags": ["a", "b"], "balance": -12})
                );
            }
        }
    }
    // ndjson's default is every record, as it always was
    let o = run(&[p(&rules), p(&data), "--format", "ndjson"]);
    assert_eq!(stdout(&o), run_rows(&rules, &data, "ndjson", "all", None));
}

#[test]
fn csv_defaults_to_the_shortlist_and_top_cuts_it() {
    let (_d, rules, data) = fixture("rows-top");
    let o = run(&[p(&rules), p(&data), "--format", "csv"]);
    assert_eq!(
        stdout(&o),
        run_rows(&rules, &data, "csv", "shortlist", None)
    );
    for (top, n) in [("1", 1), ("3", 3), ("50", 5)] {
        let o = run(&[p(&rules), p(&data), "--format", "csv", "--top", top]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let records = csv_records(&stdout(&o));
        let ids: Vec<&str> = records[1..].iter().map(|r| undefused(&r[0])).collect();
        assert_eq!(ids, expected_ids("accepted")[..n], "--top {top}");
    }
    // --top cuts the shortlist, not the accepted creators
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "csv",
        "--rows",
        "accepted",
        "--top",
        "1",
    ]);
    assert_eq!(csv_records(&stdout(&o)).len(), 7);
}

#[test]
fn shortlist_and_accepted_are_the_same_whatever_the_threads() {
    let (_d, rules, data) = fixture("rows-threads");
    // many creators, so that the shortlist is trimmed while read
    let many: String = (0..3000)
        .map(|i| {
            format!(
                "{{\"handle\": \"c{i}\", \"followers\": {}, \"engagement_rate\": 0.0{}, \"authenticity\": 0.9, \"is_customer\": {}}}\n",
                1000 + i % 9000,
                3 + i % 7,
                i % 2 == 0
            )
        })
        .collect();
    let data_many = write(&scratch("rows-threads-data"), "many.ndjson", many);
    let json = common::json_of(&run(&[
        p(&rules),
        p(&data_many),
        "--format",
        "json",
        "--top",
        "700",
    ]));
    let want: Vec<String> = json["shortlist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(want.len(), 700);
    // every accepted creator, spooled and ranked at the end, then review
    let all = common::json_of(&run(&[
        p(&rules),
        p(&data_many),
        "--format",
        "json",
        "--all",
    ]));
    let mut ranked: Vec<(u64, String)> = all["creators"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| Some((v["rank"].as_u64()?, v["id"].as_str()?.to_string())))
        .collect();
    ranked.sort();
    assert_eq!(
        ranked[..700].iter().map(|r| &r.1).collect::<Vec<_>>(),
        want.iter().collect::<Vec<_>>()
    );
    for threads in ["1", "3"] {
        let o = run(&[
            p(&rules),
            p(&data_many),
            "--format",
            "csv",
            "--rows",
            "accepted",
            "--threads",
            threads,
        ]);
        let got: Vec<(u64, String)> = csv_records(&stdout(&o))[1..]
            .iter()
            .map(|r| (r[2].parse().expect("a rank"), r[0].clone()))
            .collect();
        assert_eq!(got, ranked, "--rows accepted, --threads {threads}");
    }
    for threads in ["1", "3"] {
        let o = run(&[
            p(&rules),
            p(&data_many),
            "--format",
            "csv",
            "--top",
            "700",
            "--threads",
            threads,
        ]);
        let ids: Vec<String> = csv_records(&stdout(&o))[1..]
            .iter()
            .map(|r| r[0].clone())
            .collect();
        assert_eq!(ids, want, "--threads {threads}");
    }
    let _ = data;
}

#[test]
fn bom_starts_a_csv_only() {
    let (_d, rules, data) = fixture("rows-bom");
    let o = run(&[p(&rules), p(&data), "--format", "csv", "--bom"]);
    assert!(o.stdout.starts_with(b"\xEF\xBB\xBFid,status,"));
    assert_eq!(
        &o.stdout[3..],
        run(&[p(&rules), p(&data), "--format", "csv"]).stdout
    );
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "csv",
        "--bom",
        "--rows",
        "all",
    ]);
    assert!(o.stdout.starts_with(b"\xEF\xBB\xBFid,status,"));
    let o = run(&[p(&rules), p(&data), "--format", "ndjson", "--bom"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--bom is for csv"), "{}", stderr(&o));
}

#[test]
fn a_column_no_record_has_exits_2_with_the_closest_names() {
    let (dir, rules, data) = fixture("rows-unknown");
    let out = dir.join("out.csv");
    for format in ["csv", "ndjson"] {
        for rows in ["shortlist", "all"] {
            let o = run(&[
                p(&rules),
                p(&data),
                "--format",
                format,
                "--rows",
                rows,
                "--columns",
                "contry,profile.emial,followers",
                "--output",
                p(&out),
            ]);
            assert_eq!(o.status.code(), Some(2), "{format} {rows}");
            let e = stderr(&o);
            assert!(
                e.contains("no record has the columns `contry`, `profile.emial`"),
                "{e}"
            );
            assert!(e.contains("did you mean `country`?"), "{e}");
            assert!(e.contains("did you mean `profile.email`?"), "{e}");
            assert!(!out.exists(), "nothing written");
        }
    }
    // bad column lists and options that do not fit the format: usage, exit 2
    for args in [
        vec!["--format", "csv", "--columns", "a,,b"],
        vec!["--format", "csv", "--columns", "[\"open"],
        vec!["--format", "json", "--rows", "all"],
        vec!["--format", "table", "--columns", "country"],
        vec!["--format", "csv", "--all", "--rows", "shortlist"],
        vec!["--format", "xlsx"],
    ] {
        let o = run(&[&[p(&rules), p(&data)][..], &args].concat());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("error:"), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn bracketed_columns_read_names_with_spaces_and_dotted_keys() {
    let dir = scratch("rows-brackets");
    let rules = write(&dir, "r.rules", "require ok: x > 1\n");
    let data = write(
        &dir,
        "d.csv",
        "handle,x,Follower Count,profile.email\nana,2,1200,a@b.c\n",
    );
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "csv",
        "--columns",
        "[Follower Count],profile.email",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "id,status,rank,score,tier,[Follower Count],profile.email,failed,reasons\n\
         ana,accepted,1,1,,1200,a@b.c,,\n"
    );
}

fn sheet(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Vec<Vec<Data>> {
    let range = book.worksheet_range(name).expect("the sheet");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

#[test]
fn xlsx_has_the_rows_the_funnel_the_near_misses_and_the_run() {
    let (dir, rules, data) = fixture("rows-xlsx");
    let out = dir.join("shortlist.xlsx");
    for (rows, sheet_name) in [
        ("shortlist", "Shortlist"),
        ("accepted", "Accepted"),
        ("all", "Creators"),
    ] {
        for columns in [None, Some(COLUMNS)] {
            let mut args = vec![
                p(&rules),
                p(&data),
                "--format",
                "xlsx",
                "--output",
                p(&out),
                "--rows",
                rows,
                "--near-misses",
                "3",
            ];
            if let Some(c) = columns {
                args.extend(["--columns", c]);
            }
            let o = run(&args);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            let mut book: Xlsx<_> = open_workbook(&out).expect("a workbook");
            assert_eq!(
                book.sheet_names(),
                [sheet_name, "Funnel", "Near misses", "Run"]
            );
            let cells = sheet(&mut book, sheet_name);
            let header: Vec<String> = cells[0].iter().map(text).collect();
            let n = if columns.is_some() { 4 } else { 0 };
            assert_eq!(header.len(), 9 + n);
            assert_eq!(header[..5], ["id", "status", "rank", "score", "tier"]);
            let ids: Vec<String> = cells[1..].iter().map(|r| text(&r[0])).collect();
            assert_eq!(ids, expected_ids(rows), "{rows}");
            let eve = cells.iter().find(|r| text(&r[0]) == "eve").unwrap();
            // numbers are numbers, rounded to 4 places
            assert_eq!(eve[2], Data::Float(2.0));
            assert_eq!(eve[3], Data::Float(0.597));
            assert_eq!(eve[5 + n], Data::Float(0.4626));
            // a formula in the data is text, as written
            assert!(cells.iter().any(|r| text(&r[0]) == HYP));
            if let (Some(_), "all") = (columns, rows) {
                let ana = &cells[1];
                assert_eq!(text(&ana[5]), "DE");
                assert_eq!(text(&ana[7]), "a; b");
                assert_eq!(ana[8], Data::Float(-12.0));
                let ben = &cells[2];
                assert_eq!(
                    text(&ben[header.len() - 1]),
                    "micro: followers is 512, needs between 1000 and 10000"
                );
            }
        }
    }
    let mut book: Xlsx<_> = open_workbook(&out).expect("a workbook");
    let funnel = sheet(&mut book, "Funnel");
    let rows: Vec<Vec<String>> = funnel
        .iter()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::Float(f) => f.to_string(),
                    other => text(other),
                })
                .collect()
        })
        .collect();
    assert_eq!(
        rows,
        [
            vec!["requirement", "removed", "remaining", "fails on its own"],
            vec!["micro", "1", "6", "1"],
            vec!["engaged", "0", "6", "0"],
            vec!["authentic", "0", "6", "0"],
        ]
    );
    let near = sheet(&mut book, "Near misses");
    assert_eq!(text(&near[1][0]), "ben");
    assert_eq!(text(&near[1][2]), "micro");
    let run_sheet = sheet(&mut book, "Run");
    let value = |name: &str| {
        run_sheet
            .iter()
            .find(|r| text(&r[0]) == name)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(text(&value("ruleset")), "rows");
    assert_eq!(text(&value("rules file")), p(&rules));
    assert_eq!(value("evaluated"), Data::Float(8.0));
    assert_eq!(value("accepted"), Data::Float(5.0));
    assert_eq!(value("review"), Data::Float(1.0));
    assert_eq!(value("errors"), Data::Float(1.0));
    assert!(text(&value("date")).ends_with('Z'));
}

/// One part of a workbook (a zip archive), as text.
fn part(path: &Path, name: &str) -> String {
    use std::io::Read;
    let file = std::fs::File::open(path).expect("the workbook");
    let mut zip = zip::ZipArchive::new(file).expect("a zip archive");
    let mut text = String::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_string(&mut text)
        .expect("UTF-8 XML");
    text
}

#[test]
fn xlsx_rows_sheet_has_a_frozen_header_a_filter_fitted_widths_and_tier_fills() {
    let (dir, rules, data) = fixture("rows-xlsx-look");
    let out = dir.join("look.xlsx");
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "xlsx",
        "--output",
        p(&out),
        "--rows",
        "accepted",
        "--columns",
        COLUMNS,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sheet = part(&out, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"state="frozen""#), "{sheet}");
    // 13 columns (A to M), the header and 6 rows
    assert!(sheet.contains(r#"<autoFilter ref="A1:M7"/>"#), "{sheet}");
    assert!(
        sheet.contains("customWidth=\"1\""),
        "widths fitted: {sheet}"
    );
    let styles = part(&out, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="0.0000""#), "{styles}");
    // gold and silver, the first two tiers
    assert!(styles.contains("FFC6EFCE"), "{styles}");
    assert!(styles.contains("FFDDEBF7"), "{styles}");
}

#[test]
fn a_shortlist_of_no_length_is_every_accepted_creator_in_rank_order() {
    let (dir, _rules, data) = fixture("rows-no-limit");
    let rules = write(&dir, "nolimit.rules", RULES.replace("limit 2\n", ""));
    let accepted = &expected_ids("accepted")[..5];
    for format in ["csv", "ndjson"] {
        let text = run_rows(&rules, &data, format, "shortlist", Some(COLUMNS));
        let ids: Vec<String> = if format == "csv" {
            csv_records(&text)[1..]
                .iter()
                .map(|r| undefused(&r[0]).to_string())
                .collect()
        } else {
            text.lines()
                .map(|l| {
                    serde_json::from_str::<Value>(l).unwrap()["id"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect()
        };
        assert_eq!(ids, accepted, "{format}");
        let with_review = run_rows(&rules, &data, format, "accepted", Some(COLUMNS));
        let lines = if format == "csv" { 7 } else { 6 };
        assert_eq!(
            with_review.lines().count(),
            lines,
            "{format}: {with_review}"
        );
        assert!(
            with_review.lines().last().unwrap().contains("dan"),
            "{format}"
        );
    }
    // the csv of a shortlist of no length is the first rows of `accepted`
    let short = run_rows(&rules, &data, "csv", "shortlist", None);
    let acc = run_rows(&rules, &data, "csv", "accepted", None);
    assert!(acc.starts_with(&short), "{short}\n{acc}");
}

/// The HTML page lists the same rows as csv, in the same order, with the
/// `--columns` after the signals (no browser needed: the ids are read
/// from the table's cells; tests/html_report.rs opens pages in Chromium).
#[test]
fn html_lists_each_row_set_with_columns() {
    let (dir, rules, data) = fixture("rows-html");
    for rows in ["shortlist", "accepted", "all"] {
        let out = dir.join(format!("{rows}.html"));
        let o = run(&[
            "run",
            p(&rules),
            p(&data),
            "--format",
            "html",
            "--rows",
            rows,
            "--columns",
            "country,profile.email",
            "--output",
            p(&out),
        ]);
        assert_eq!(o.status.code(), Some(0), "{rows}: {}", stderr(&o));
        let page = std::fs::read_to_string(&out).expect("the page");
        for c in ["country", "profile.email"] {
            assert!(
                page.contains(&format!("data-key=\"column:{c}\"")),
                "{rows}: no column {c}"
            );
        }
        // every expected id, escaped as HTML, in row order
        let mut at = 0;
        for id in expected_ids(rows) {
            let escaped = id
                .replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('<', "&lt;");
            let found = page[at..]
                .find(&format!(">{escaped}<"))
                .unwrap_or_else(|| panic!("{rows}: {id} missing or out of order"));
            at += found + 1;
        }
        assert_eq!(page.contains("ana@x.de"), rows != "shortlist", "{rows}");
    }
}
