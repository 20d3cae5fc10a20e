//! Diagnostics as users see them: each error class of the checker rendered
//! without colour at 80 columns, snapshotted beside the source that caused it.

use influence_eval::render_diagnostic as render;
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

/// The codes of every diagnostic, in order.
fn codes(src: &str) -> Vec<&'static str> {
    let err = Ruleset::compile("test.rules", src).expect_err("these rules are invalid");
    err.diagnostics.iter().map(|d| d.code).collect()
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
    syntax_missing_colon,
    "require micro followers between 1k and 10k\n"
);
snapshot!(syntax_single_equals, "require market: country = \"US\"\n");
snapshot!(
    syntax_unclosed_list,
    "let beauty = [\"skincare\", \"beauty\"\nrequire fit: overlap(niches, beauty) >= 1\n"
);
snapshot!(syntax_reserved_word_as_name, "let in = 3\n");
snapshot!(
    syntax_chained_comparison,
    "require micro: 1000 <= followers <= 10000\n"
);
snapshot!(
    syntax_invalid_escape,
    "require bio_ok: bio contains \"\\q\"\n"
);
snapshot!(
    syntax_huge_number,
    &format!("let big = {}\n", "9".repeat(400))
);
snapshot!(
    syntax_errors_in_several_declarations,
    "require a followers > 1\nrequire b: x >\nsignal c = 1\nlet = 2\n"
);
snapshot!(
    syntax_capital_and,
    "require micro: followers > 1k AND followers < 10k\n"
);
snapshot!(syntax_capital_not, "require r: NOT is_customer\n");
snapshot!(
    syntax_comparison_without_left_side,
    "require micro: followers >= 1k and <= 10k\n"
);
snapshot!(
    syntax_unclosed_string,
    "require market: country == \"US\nrequire engaged: engagement_rate >= 3%\nsignal reach = followers / 1M\n"
);
snapshot!(
    unknown_function_by_prefix,
    "require short: lenght(bio) < 150\n"
);
snapshot!(
    duplicate_names,
    "let beauty = [\"a\"]\nlet beauty = [\"b\"]\nrequire r: true\nrequire r: false\n"
);
snapshot!(
    unknown_function,
    "require fit: ovrlap(niches, [\"beauty\"]) >= 1\n"
);
snapshot!(wrong_arity, "signal s = clamp(engagement_rate, 0)\n");
snapshot!(
    cycle_among_lets,
    "let a = b + 1\nlet b = a * 2\nsignal s = a\n"
);
snapshot!(signal_reads_score, "signal s = score * 2\n");
snapshot!(type_string_against_number, "require market: \"US\" > 3\n");
snapshot!(type_len_of_number, "signal s = len(5)\n");
snapshot!(invalid_regex, "require vegan: bio matches \"(vegan\"\n");
snapshot!(
    zero_weight,
    "signal s weight 0 = engagement_rate\nsignal t weight -2 = followers\n"
);
snapshot!(
    tier_after_otherwise,
    "tier bronze otherwise\ntier gold when score > 0.8\n"
);
snapshot!(
    expect_unknown_names,
    "require micro: followers between 1k and 10k\ntier gold otherwise\nexample \"e\" {\n  creator { followers: 5 }\n  expect rejected by micr\n  expect tier gld\n}\n"
);
snapshot!(
    tier_in_requirement,
    "require top: tier == \"gold\"\ntier gold otherwise\n"
);
snapshot!(ruleset_not_first, "require a: true\nruleset \"late\"\n");
snapshot!(lambda_outside_any, "let f = x => x > 1\n");
// the list functions (docs/language.md, section 10)
snapshot!(
    lambda_in_a_function_without_one,
    "signal s = round(followers, x => x)\n"
);
snapshot!(
    aggregate_second_argument_not_a_lambda,
    "signal s = sum(recentPosts, 5)\nrequire r: filter(recentPosts) != []\n"
);
snapshot!(
    lambda_body_of_the_wrong_kind,
    "signal s = sum(recentPosts, p => p.likes > 0)\nrequire r: len(filter(recentPosts, p => p.likes + 1)) > 0\n"
);
snapshot!(missing_is_a_reserved_word, "let missing = 3\n");
snapshot!(
    lambda_parameter_reserved_word,
    "let v = map(xs, missing => 1)\n"
);
snapshot!(
    lambda_parameter_named_creator,
    "require r: any(contacts, creator => creator.email == email)\n"
);
snapshot!(
    lambda_parameter_in_brackets,
    "let v = map(xs, (x) => x + 1)\n"
);
snapshot!(
    field_of_a_list,
    "require r: filter(recentPosts, p => p.likes > 0).likes > 100\n"
);
snapshot!(
    aggregate_of_a_number,
    "signal s = sum(5) / 10\nsignal t = median(\"12\", x => x)\n"
);
snapshot!(object_outside_example, "let o = { a: 1 }\n");
snapshot!(limit_not_whole, "limit 2.5\n");
snapshot!(
    too_deep,
    &format!("let x = {}1{}\n", "(".repeat(150), ")".repeat(150))
);
snapshot!(
    signal_hides_the_field_it_reads,
    "signal audience = sum(audience.geo) / 100\nrequire us: audience.geo[0].code == \"US\"\n"
);
snapshot!(
    let_hides_the_field_it_reads,
    "let engagement_rate = engagement_rate / 8%\nrequire r: engagement_rate > 0.5\n"
);

#[test]
fn a_name_hiding_the_field_it_reads_is_one_error_at_the_declaration() {
    // not a cycle, nor a wrong kind at each `audience.geo` of the file
    let src = "signal audience = sum(audience.geo) / 100\nrequire us: audience.geo[0].code == \"US\"\nrequire two: audience.geo[1].weight > 0.1\ntier t when audience.x > 1\n";
    assert_eq!(codes(src), ["influence::hides-field"]);
    // a lambda parameter of that name is not the declaration
    assert!(Ruleset::compile("t.rules", "signal g = count(geo, g => g > 1)\n").is_ok());
}

/// Compiles `src` (which must be valid) and renders every warning.
fn warnings(src: &str) -> String {
    let rules = Ruleset::compile("test.rules", src).expect("these rules are valid");
    let mut out = format!("--- source ---\n{src}\n--- warnings ---\n");
    for d in rules.warnings() {
        out.push_str(&render(d, false, Some(80)));
    }
    out
}

#[test]
fn a_field_like_a_typo_of_a_let_is_warned_about() {
    insta::assert_snapshot!(
        "field_like_a_let",
        warnings("let beauty = [\"skincare\", \"beauty\"]\nsignal engagement = engagement_rate / 8%\nrequire fit: any(niches, n => n in beuaty)\ntier top when engagment > 0.5\ntier rest otherwise\n")
    );
}

#[test]
fn fields_named_like_a_let_on_purpose_are_not_warned_about() {
    // a plural, a short name two edits away, `creator.NAME`, a parameter
    // a field that ends with a short signal's name (`xs`, `s`), a one-letter let
    let src = "signal niche = count(niches, n => n == \"beauty\") / 3\nlet fit = 1\nlet beauty = [\"a\"]\nrequire r: bio != \"\" and creator.beuaty == 1 and any(xs, beuaty => beuaty > 1)\nsignal s = len(xs) / 10\nlet k = 2\nrequire q: j > 1 and rate > 1\nlet rates = 1\n";
    let rules = Ruleset::compile("t.rules", src).expect("valid");
    let found: Vec<&str> = rules
        .warnings()
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn every_error_of_a_file_in_one_pass() {
    let src = "let a = [1]\nlet a = [2]\nsignal s weight 0 = lenn(x)\nrequire r: \"US\" > 3\nrequire v: bio matches \"(\"\ntier t otherwise\ntier u when true\n";
    assert_eq!(
        codes(src),
        [
            "influence::duplicate",
            "influence::weight",
            "influence::unknown-function",
            "influence::type",
            "influence::regex",
            "influence::tier-order",
        ]
    );
}

#[test]
fn local_syntax_errors_and_check_errors_come_together() {
    let src = "let a = len(5)\nlet b = \"\\q\"\nrequire r: 1 < x < 3\nsignal s = lenn(2)\n";
    assert_eq!(
        codes(src),
        [
            "influence::type",
            "influence::escape",
            "influence::chained-comparison",
            "influence::unknown-function",
        ]
    );
}

#[test]
fn a_syntax_error_does_not_hide_the_checks_of_the_other_declarations() {
    // the broken `micro` is not reported again as unknown by the example
    let src = "let a = len(5)\nrequire micro followers > 1\nsignal c = lenght(x)\nrequire b: \"US\" > 3\nexample \"e\" {\n  creator { x: 1 }\n  expect rejected by micro\n  expect rejected by nope\n}\n";
    assert_eq!(
        codes(src),
        [
            "influence::type",
            "influence::parse",
            "influence::unknown-function",
            "influence::type",
            "influence::unknown-requirement",
        ]
    );
    insta::assert_snapshot!("syntax_and_check_errors_in_one_pass", diagnose(src));
}

#[test]
fn every_diagnostic_has_code_label_and_help() {
    let cases = [
        "require micro followers > 1\n",
        "let a = [1]\nlet a = [2]\n",
        "signal s = lenn(x)\n",
        "signal s = clamp(1)\n",
        "let a = b\nlet b = a\n",
        "require r: \"US\" > 3\n",
        "require v: bio matches \"(\"\n",
        "signal s weight 0 = 1\n",
        "tier t otherwise\ntier u when true\n",
        "require r: true\nexample \"e\" { creator { a: 1 } expect rejected by q }\n",
    ];
    for src in cases {
        let err = Ruleset::compile("t.rules", src).expect_err(src);
        for d in &err.diagnostics {
            assert!(d.code.starts_with("influence::"), "{src}: {}", d.code);
            assert!(!d.label.is_empty(), "{src}: no label");
            assert!(
                d.help.as_deref().is_some_and(|h| !h.is_empty()),
                "{src}: no help"
            );
            assert!(d.span.end <= src.len(), "{src}: span outside the file");
        }
    }
}

#[test]
fn a_usage_with_alternatives_quotes_each_alternative() {
    // `sum(list)` or `sum(list, x => number)`, not one quote around "or"
    let help = |src: &str| -> Vec<String> {
        let err = Ruleset::compile("test.rules", src).expect_err("invalid");
        err.diagnostics
            .iter()
            .filter_map(|d| d.help.clone())
            .collect()
    };
    assert_eq!(
        help("signal s = sum(xs, 5)\n"),
        ["call it as `sum(list)` or `sum(list, x => number)`"]
    );
    assert_eq!(
        help("let v = min()\n"),
        ["call it as `min(a, b, ...)`, `min(list)` or `min(list, x => number)`"]
    );
    assert_eq!(help("let v = len()\n"), ["call it as `len(text or list)`"]);
}

// ---- the text, decimal-mark and date checks (docs/language.md, sections 3, 10, 13) ----

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
