//! Formatter tests: layout, comments kept, idempotence, and meaning kept
//! for every rules file in the repository.

use super::format_source;
use crate::syntax::parse;

fn fmt(src: &str) -> String {
    format_source(src)
        .unwrap_or_else(|e| panic!("{:?}", e.iter().map(|d| &d.message).collect::<Vec<_>>()))
}

#[test]
fn spacing_alignment_and_literals() {
    let src = "ruleset   \"x\"\nlet   beauty=[\"a\",\"b\"]\nrequire micro:followers between 1k and 10_000\nrequire engaged :engagement_rate>=3%   else \"low\"   when missing   review\nsignal e weight 5=engagement_rate/8%\nsignal niche=1\ntier gold when score>=0.8\ntier bronze otherwise\nrank by score\nlimit 50\n";
    assert_eq!(
        fmt(src),
        "ruleset \"x\"\nlet beauty = [\"a\", \"b\"]\nrequire micro:   followers between 1k and 10_000\nrequire engaged: engagement_rate >= 3% else \"low\" when missing review\nsignal e     weight 5 = engagement_rate / 8%\nsignal niche = 1\ntier gold   when score >= 0.8\ntier bronze otherwise\nrank by score\nlimit 50\n"
    );
}

#[test]
fn comments_stay_where_they_were() {
    let src = "# header\n\n# about a\nlet a = 1 # one\nlet bb = 2   # two\n\n\n\nrequire r: a > 1 and\n   # inner\n   bb < 3\nexample \"e\" { # why\n  # the creator\n  creator { a: 1 } # note\n  # then\n  expect accepted # yes\n  # end\n}\n# tail\n";
    let out = fmt(src);
    assert_eq!(
        out,
        "# header\n\n# about a\nlet a  = 1  # one\nlet bb = 2  # two\n\n# inner\nrequire r: a > 1 and bb < 3\nexample \"e\" {\n  # why\n  # the creator\n  creator { a: 1 }  # note\n  # then\n  expect accepted  # yes\n  # end\n}\n# tail\n"
    );
    assert_eq!(fmt(&out), out);
}

#[test]
fn long_lines_break_at_top_level_and_or() {
    let long = format!(
        "require r: {} or c > 3\n",
        (0..12)
            .map(|i| format!("field_{i} > {i}"))
            .collect::<Vec<_>>()
            .join(" and ")
    );
    let out = fmt(&long);
    assert!(
        out.starts_with("require r: field_0 > 0 and field_1 > 1"),
        "{out}"
    );
    assert!(out.contains("\n    or c > 3\n"), "{out}");
    assert_eq!(fmt(&out), out);
}

/// Every rules file in the repository and the test corpus.
fn corpus() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["rules", "tests/fixtures"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("folder exists") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "rules") {
                out.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).expect("readable"),
                ));
            }
        }
    }
    assert!(out.len() >= 5, "the corpus has the shipped rules");
    out
}

#[test]
fn formatting_keeps_meaning_and_is_idempotent_over_the_corpus() {
    for (name, src) in corpus() {
        let once = fmt(&src);
        assert_eq!(
            parse(&once).expect("formatted text parses").without_spans(),
            parse(&src).expect("corpus parses").without_spans(),
            "{name}: meaning changed"
        );
        assert_eq!(fmt(&once), once, "{name}: not idempotent");
        let comments = |s: &str| {
            super::comments::find(s)
                .iter()
                .map(|c| c.text(s).to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            comments(&once),
            comments(&src),
            "{name}: comments lost or reordered"
        );
    }
}

#[test]
fn files_that_do_not_parse_are_not_formatted() {
    assert!(format_source("require r followers > 1").is_err());
}

#[test]
fn list_functions_and_missing() {
    let src = "let a=if x then 1 else   missing\nrequire geo:sum(filter(audience.geo,g=>g.code in [\"US\",\"CA\"]),g=>g.weight)>=50%\nsignal f=first(audience.genders,g=>g.code==\"FEMALE\").weight??missing\nlet m=median(map(posts,p=>p[\"Like Count\"]))\n";
    let out = fmt(src);
    assert_eq!(
        out,
        "let a = if x then 1 else missing\nrequire geo: sum(filter(audience.geo, g => g.code in [\"US\", \"CA\"]), g => g.weight) >= 50%\nsignal f = first(audience.genders, g => g.code == \"FEMALE\").weight ?? missing\nlet m = median(map(posts, p => p[\"Like Count\"]))\n"
    );
    assert_eq!(fmt(&out), out);
    let tree = |s: &str| parse(s).ok().map(|f| f.without_spans());
    assert_eq!(tree(&out), tree(src));
}
