//! `select`: the team in the json and table reports, constraint values and
//! costs, ineligible creators, `explain` of a creator left out, `--top`,
//! xlsx, csv and ndjson rows, `diff`'s refusal, `check` of impossible constraints, and `fmt`.

mod common;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::{json_of, p, run, scratch, stderr, stdout, write};
use serde_json::{json, Value};

const RULES: &str = r#"ruleset "team"
require ok: followers > 0
signal s = quality
select 3
  budget sum(fee) <= 500
  per country at most 1
"#;

/// Ranked by quality: a (US, 300), b (US, 100), c (GB, 100), d (FR, 100),
/// e (DE, 50), f (no country, so not eligible). The best three under the
/// budget with one per country: a, c and d (a and b share US).
fn creators() -> Value {
    json!([
        {"handle": "a", "followers": 10, "quality": 0.9, "fee": 300, "country": "US"},
        {"handle": "b", "followers": 10, "quality": 0.8, "fee": 100, "country": "US"},
        {"handle": "c", "followers": 10, "quality": 0.7, "fee": 100, "country": "GB"},
        {"handle": "d", "followers": 10, "quality": 0.6, "fee": 100, "country": "FR"},
        {"handle": "e", "followers": 10, "quality": 0.2, "fee": 50, "country": "DE"},
        {"handle": "f", "followers": 10, "quality": 0.95, "fee": 10}
    ])
}

fn fixture(name: &str, rules: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = scratch(name);
    let r = write(&dir, "team.rules", rules);
    let d = write(&dir, "creators.json", creators().to_string());
    (r, d)
}

#[test]
fn the_team_is_the_best_total_under_the_constraints() {
    let (rules, data) = fixture("select_json", RULES);
    let out = run(&["run", p(&rules), p(&data), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json_of(&out);
    let ids: Vec<&str> = r["shortlist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    // a + c + d = 2.2 for 500; b in place of a frees 200 but scores less
    assert_eq!(ids, ["a", "c", "d"]);
    let ranks: Vec<u64> = r["shortlist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rank"].as_u64().unwrap())
        .collect();
    assert_eq!(
        ranks,
        [2, 4, 5],
        "ranks among every accepted creator (f ranks first)"
    );
    let team = &r["team"];
    assert_eq!(team["status"], "optimal");
    assert_eq!(team["chosen"], 3);
    assert!((team["total_score"].as_f64().unwrap() - 2.2).abs() < 1e-9);
    assert_eq!(team["eligible"], 5);
    assert_eq!(team["ineligible"], 1);
    assert_eq!(team["ineligible_creators"][0]["id"], "f");
    assert_eq!(
        team["ineligible_creators"][0]["reason"],
        "`country` is missing"
    );
    let budget = &team["constraints"][0];
    assert_eq!(budget["constraint"], "budget sum(fee) <= 500");
    assert_eq!(budget["used"], 500.0);
    // without the budget: a, c, d still (one per country): not binding
    assert_eq!(budget["binding"], false);
    let per = &team["constraints"][1];
    assert_eq!(
        per["groups"],
        json!([{"value": "FR", "count": 1}, {"value": "GB", "count": 1}, {"value": "US", "count": 1}])
    );
    // without one per country: a, b, c (0.9 + 0.8 + 0.7 = 2.4) costs 500
    assert_eq!(per["binding"], true);
    assert!((per["cost"].as_f64().unwrap() - 0.2).abs() < 1e-9);
}

#[test]
fn the_table_shows_the_team_and_what_each_constraint_costs() {
    let (rules, data) = fixture("select_table", RULES);
    let out = run(&["run", p(&rules), p(&data), "--format", "table"]);
    let text = stdout(&out);
    assert!(
        text.contains("Team: 3 chosen of 3 asked, from 5 eligible of 6 accepted"),
        "{text}"
    );
    assert!(text.contains("total score 2.200, optimal"), "{text}");
    assert!(
        text.contains("budget sum(fee) <= 500 500 of 500  not binding"),
        "{text}"
    );
    assert!(
        text.contains(
            "per country at most 1  FR 1, GB 1, US 1  binding: costs 0.200 (2.400 without it)"
        ),
        "{text}"
    );
    assert!(
        text.contains("ineligible: f: `country` is missing"),
        "{text}"
    );
}

#[test]
fn top_sets_the_team_size_and_a_short_pool_gives_as_many_as_can_be() {
    let (rules, data) = fixture("select_top", RULES);
    let out = run(&["run", p(&rules), p(&data), "--format", "json", "--top", "6"]);
    let team = json_of(&out)["team"].clone();
    // four countries, one each, within 500: a, c, d cost 500; b, c, d, e cost 350
    assert_eq!(team["size"], 6);
    assert_eq!(team["chosen"], 4);
    assert!(
        team["notes"][0]
            .as_str()
            .unwrap()
            .contains("only 4 of the 6 asked for"),
        "{team}"
    );
}

#[test]
fn explain_says_what_kept_an_accepted_creator_out() {
    let (rules, data) = fixture("select_explain", RULES);
    let out = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "b",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let t = json_of(&out);
    assert_eq!(t["shortlisted"], false);
    let why = t["team"].as_str().unwrap();
    assert!(why.contains("the team is full (3 of 3)"), "{why}");
    assert!(
        why.contains("`per country at most 1`: the team already has 1 with \"US\""),
        "{why}"
    );
    assert!(
        why.contains("the best team with them scores 2.100"),
        "{why}"
    );
    let out = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "f",
        "--format",
        "json",
    ]);
    assert_eq!(
        json_of(&out)["team"],
        "cannot join the `select` team: `country` is missing"
    );
    let out = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "a",
        "--format",
        "json",
    ]);
    assert_eq!(json_of(&out)["shortlisted"], true);
}

fn cells(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Vec<Vec<Data>> {
    let range = book.worksheet_range(name).expect("the sheet");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

/// The value beside `name` in column A of a sheet of names and values.
fn beside<'a>(sheet: &'a [Vec<Data>], name: &str) -> &'a Data {
    let row = sheet.iter().find(|r| cell_text(&r[0]) == name);
    &row.unwrap_or_else(|| panic!("no {name} in {sheet:?}"))[1]
}

#[test]
fn xlsx_lists_the_team_as_the_shortlist_with_a_team_sheet() {
    let (rules, data) = fixture("select_xlsx", RULES);
    let out = rules.with_file_name("team.xlsx");
    let o = run(&[
        "run",
        p(&rules),
        p(&data),
        "--format",
        "xlsx",
        "--output",
        p(&out),
        "--columns",
        "country",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut book: Xlsx<_> = open_workbook(&out).expect("a workbook");
    assert_eq!(book.sheet_names(), ["Shortlist", "Funnel", "Team", "Run"]);
    let rows = cells(&mut book, "Shortlist");
    let team: Vec<(String, String, Data)> = rows[1..]
        .iter()
        .map(|r| (cell_text(&r[0]), cell_text(&r[5]), r[2].clone()))
        .collect();
    // the team in rank order, each with its rank among every accepted one
    assert_eq!(
        team,
        [
            ("a".into(), "US".into(), Data::Float(2.0)),
            ("c".into(), "GB".into(), Data::Float(4.0)),
            ("d".into(), "FR".into(), Data::Float(5.0)),
        ]
    );
    let sheet = cells(&mut book, "Team");
    assert_eq!(beside(&sheet, "asked"), &Data::Float(3.0));
    assert_eq!(beside(&sheet, "chosen"), &Data::Float(3.0));
    assert_eq!(beside(&sheet, "eligible"), &Data::Float(5.0));
    assert_eq!(beside(&sheet, "ineligible"), &Data::Float(1.0));
    assert_eq!(beside(&sheet, "total score"), &Data::Float(2.2));
    assert_eq!(cell_text(beside(&sheet, "status")), "optimal");
    let at = |name: &str| {
        sheet
            .iter()
            .find(|r| cell_text(&r[0]) == name)
            .unwrap_or_else(|| panic!("no {name} in {sheet:?}"))
    };
    assert_eq!(cell_text(&at("constraint")[6]), "cost");
    let budget = at("budget sum(fee) <= 500");
    assert_eq!(budget[1], Data::Float(500.0));
    assert_eq!(budget[2], Data::Float(500.0));
    assert_eq!(budget[4], Data::Bool(false));
    let per = at("per country at most 1");
    assert_eq!(cell_text(&per[3]), "FR 1, GB 1, US 1");
    assert_eq!(per[4], Data::Bool(true));
    assert_eq!(per[5], Data::Float(2.4));
    assert_eq!(per[6], Data::Float(0.2));
    assert!(sheet
        .iter()
        .any(|r| cell_text(&r[1]) == "f: `country` is missing"));
    assert!(sheet
        .iter()
        .any(|r| cell_text(&r[1]).contains("1 accepted creator cannot join the team")));
}

#[test]
fn csv_and_ndjson_list_the_team_as_the_shortlist_and_diff_refuses() {
    let (rules, data) = fixture("select_lines", RULES);
    let csv = run(&[
        "run",
        p(&rules),
        p(&data),
        "--format",
        "csv",
        "--columns",
        "country",
    ]);
    assert_eq!(csv.status.code(), Some(0), "{}", stderr(&csv));
    let lines: Vec<Vec<String>> = stdout(&csv)
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert_eq!(
        lines[0][..6],
        ["id", "status", "rank", "score", "tier", "country"]
    );
    let team: Vec<(&str, &str, &str)> = lines[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(team, [("a", "2", "US"), ("c", "4", "GB"), ("d", "5", "FR")]);
    let nd = run(&[
        "run",
        p(&rules),
        p(&data),
        "--format",
        "ndjson",
        "--rows",
        "shortlist",
    ]);
    assert_eq!(nd.status.code(), Some(0), "{}", stderr(&nd));
    let ids: Vec<(String, u64)> = stdout(&nd)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["rank"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ids, [("a".into(), 2), ("c".into(), 4), ("d".into(), 5)]);
    // --top sets the team's size here too: four countries, within 500
    let top = run(&["run", p(&rules), p(&data), "--format", "csv", "--top", "6"]);
    let ids: Vec<String> = stdout(&top)
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["b", "c", "d", "e"]);
    // accepted and all list their rows as without `select`
    for (rows, n) in [("accepted", 6), ("all", 6)] {
        let o = run(&[
            "run",
            p(&rules),
            p(&data),
            "--format",
            "ndjson",
            "--rows",
            rows,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o).lines().count(), n, "{rows}");
    }
    let out = run(&["diff", p(&rules), p(&rules), p(&data)]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_refuses_constraints_no_data_could_meet() {
    let dir = scratch("select_check");
    let rules = write(
        &dir,
        "bad.rules",
        "select 4\n  per country at least 5\n  per tier at most 1\n  per tier at least 2\n  budget sum(\"x\") <= 10\nlimit 3\n",
    );
    let out = run(&["check", p(&rules), "--error-format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let codes: Vec<String> = err
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        codes,
        [
            "influence::select-impossible",
            "influence::select-impossible",
            "influence::type",
            "influence::select-and-limit"
        ],
        "{err}"
    );
}

#[test]
fn check_data_names_fields_the_constraints_read_that_no_record_has() {
    let (rules, data) = fixture(
        "select_check_data",
        &RULES.replace("per country", "per contry"),
    );
    let out = run(&["check", p(&rules), "--data", p(&data)]);
    assert!(stderr(&out).contains("contry"), "{}", stderr(&out));
    assert!(stderr(&out).contains("country"), "{}", stderr(&out));
}

#[test]
fn fmt_lays_select_out_one_constraint_a_line() {
    let dir = scratch("select_fmt");
    let rules = write(
        &dir,
        "t.rules",
        "select   3 budget fee<=5k per country at most 1\n",
    );
    let out = run(&["fmt", p(&rules)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&rules).unwrap();
    assert_eq!(
        text,
        "select 3\n  budget sum(fee) <= 5k\n  per country at most 1\n"
    );
    let out = run(&["fmt", "--check", p(&rules)]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn verdicts_set_aside_along_the_way_are_never_the_team() {
    // past 4,096 eligible creators the report sets aside verdicts that can
    // never be chosen; with --all it keeps every verdict: the same team
    let dir = scratch("select_many");
    let mut lines = String::new();
    let mut state: u64 = 7;
    for i in 0..9000 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let q = (state >> 33) % 1000;
        let fee = 50 + (state >> 20) % 400;
        let country = ["US", "GB", "CA", "DE"][((state >> 12) % 4) as usize];
        lines.push_str(&format!(
            "{{\"handle\": \"c{i}\", \"followers\": 10, \"quality\": {}, \"fee\": {fee}, \"country\": \"{country}\"}}\n",
            q as f64 / 1000.0
        ));
    }
    let data = write(&dir, "many.ndjson", lines);
    let rules = write(
        &dir,
        "team.rules",
        "require ok: followers > 0\nsignal s = quality\nselect 20\n  budget sum(fee) <= 2k\n  per country at most 6\n",
    );
    let lean = json_of(&run(&["run", p(&rules), p(&data), "--format", "json"]));
    let all = json_of(&run(&[
        "run",
        p(&rules),
        p(&data),
        "--format",
        "json",
        "--all",
    ]));
    assert_eq!(lean["team"]["chosen"], 20);
    assert_eq!(lean["shortlist"].as_array().unwrap().len(), 20);
    assert_eq!(lean["shortlist"], all["shortlist"]);
    assert_eq!(lean["team"]["status"], "optimal");
}
