//! Files for people fed hostile or odd values: long integer ids in a
//! workbook, text that looks like the workbook format's own escapes, odd
//! `--columns` names and the names the help suggests for them.

mod common;

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
