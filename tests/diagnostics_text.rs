//! Diagnostics of the text, decimal-mark and date checks (docs/language.md,
//! sections 3, 10 and 13), rendered without colour at 80 columns and
//! snapshotted beside the source that caused them.

use influence_eval::diagnostic::render;
use influence_eval::Ruleset;

/// Compiles `src` (which must fail) and renders every diagnostic.
fn diagnose(src: &str) -> String {
    let err = Ruleset::compile("test.rules", src).expect_err("these rules are invalid");
    let mut out = format!("--- source ---\n{src}\n--- {} ---\n", err);
    for d in &err.diagnostics {
        out.push_str(&render(d, false, Some(80)));
    }
    out
}

macro_rules! snapshot {
    ($name:ident, $src:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), diagnose($src));
        }
    };
}

snapshot!(
    split_on_empty_text,
    "require niche: \"skincare\" in split(creator[\"Niche(s)\"], \"\")\n"
);
snapshot!(replace_empty_text, "let h = replace(handle, \"\", \"x\")\n");
snapshot!(decimal_mark_not_a_mark, "let p = number(price, \";\")\n");
snapshot!(decimal_mark_not_constant, "let p = number(price, mark)\n");
snapshot!(
    date_against_text,
    "require recent: date(last_post_at) >= \"2026-11-01\"\n"
);
snapshot!(
    date_constant_not_a_date,
    "require joined: date(created_at) < date(\"01/06/2026\")\n"
);
snapshot!(rank_key_a_list, "rank by score desc, [followers]\n");
snapshot!(
    example_today_before_the_creator,
    "require active: days_since(last_post_at) <= 30\nexample \"e\" {\n  today \"2026-12-02\"\n  creator { last_post_at: \"2026-11-20\" }\n  expect accepted\n}\n"
);
snapshot!(
    example_today_not_quoted,
    "require active: days_since(last_post_at) <= 30\nexample \"e\" {\n  creator { last_post_at: \"2026-11-20\" }\n  today 2026-12-02\n  expect accepted\n}\n"
);
snapshot!(
    example_today_not_a_date,
    "require active: days_since(last_post_at) <= 30\nexample \"e\" {\n  creator { last_post_at: \"2026-11-20\" }\n  today \"2026-02-30\"\n  today \"2026-12-02\"\n  expect accepted\n}\n"
);
snapshot!(
    date_of_a_list,
    "require recent: days_since([last_post_at]) <= 30\n"
);
