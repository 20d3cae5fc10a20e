//! Property tests: hostile input never panics and never changes an answer.
//!
//! - Random token soup and randomly mutated sample files never panic through
//!   parse and check, and every diagnostic points inside the file.
//! - Random creator records (every JSON type in every field the rules read,
//!   deep nesting, huge and tiny numbers, long and non-ASCII strings, records
//!   that are not objects) never panic through evaluation, and each verdict
//!   keeps its invariants (a score in [0, 1], a status that matches `failed`).
//! - Random well-formed rules over random records do the same.
//! - Verdicts are the same evaluated one by one, in a batch, and on threads.
//! - `fmt` keeps a file's meaning (the same tree, positions aside) and
//!   formats its own output unchanged.
//!
//! Property tests of internals live beside them: `overlap` against the
//! value module's equality is in `src/eval/properties.rs`. This file reaches
//! the formatter and the parser through the hidden `testing` module.
//!
//! Each property runs 64 cases by default; `PROPTEST_CASES=5000 cargo test
//! --release --test properties` runs more. A failing case is shrunk and
//! saved under `proptest-regressions/`, and replayed first from then on.

use std::sync::OnceLock;

use influence_eval::{testing, Ruleset, RunOptions, Status, Verdict};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value as Json};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        // the rules files and records are large; shrinking need not be exhaustive
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------- rules text

/// The sample rulesets and the every-construct fixture: the base for
/// mutations and the rules that random records are evaluated against.
fn sample_sources() -> &'static [(String, String)] {
    static SOURCES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths: Vec<_> = std::fs::read_dir(root.join("rules"))
            .expect("rules/")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "rules"))
            .collect();
        paths.sort();
        paths.push(root.join("tests/fixtures/every_construct.rules"));
        paths
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).expect("a sample rules file");
                (p.display().to_string(), text)
            })
            .collect()
    })
}

fn sample_rulesets() -> &'static [Ruleset] {
    static RULES: OnceLock<Vec<Ruleset>> = OnceLock::new();
    RULES.get_or_init(|| {
        sample_sources()
            .iter()
            .map(|(name, text)| Ruleset::compile(name, text).expect("the samples are valid"))
            .collect()
    })
}

/// Compiles `src` and checks what any input must give: no panic, and on
/// failure at least one diagnostic, each pointing inside the file (on
/// character boundaries) and rendering.
fn compile_checked(src: &str) -> Option<Ruleset> {
    match Ruleset::compile("prop.rules", src) {
        Ok(r) => Some(r),
        Err(e) => {
            assert!(e.error_count() > 0, "an error without a diagnostic");
            for d in &e.diagnostics {
                let spans = std::iter::once(d.span).chain(d.extra.iter().map(|(s, _)| *s));
                for s in spans {
                    assert!(
                        s.start <= s.end && s.end <= src.len(),
                        "{} {:?} outside a file of {} bytes",
                        d.code,
                        s,
                        src.len()
                    );
                    assert!(
                        src.is_char_boundary(s.start) && src.is_char_boundary(s.end),
                        "{} {:?} splits a character",
                        d.code,
                        s
                    );
                }
                assert!(!d.message.is_empty());
                let shown = influence_eval::render_diagnostic(d, false, Some(80));
                assert!(shown.contains(d.code), "{shown}");
            }
            None
        }
    }
}

/// Words, symbols and literals of the language, valid and not.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(vec![
            "ruleset", "let", "require", "signal", "tier", "rank", "by", "limit", "example",
            "creator", "expect", "accepted", "rejected", "review", "score", "weight", "when",
            "missing", "fail", "pass", "otherwise", "asc", "desc", "and", "or", "not", "in",
            "between", "contains", "matches", "if", "then", "else", "true", "false", "len",
            "overlap", "any", "count", "has", "number", "round", "clamp", "min",
            "split", "replace", "bool", "date", "days_since", "today",
        ])
        .prop_map(String::from),
        4 => select(vec![
            "(", ")", "[", "]", "{", "}", ",", ":", "=", "==", "!=", "<", "<=", ">", ">=",
            "+", "-", "*", "/", "??", ".", "=>", "#", "\n", "\"", "\\", "%", "_", "\r\n",
            "\u{feff}", "\t",
        ])
        .prop_map(String::from),
        3 => "[a-z_][a-z0-9_]{0,8}",
        3 => "[0-9][0-9_]{0,5}(\\.[0-9]{1,3})?[kM%]?",
        1 => "[0-9]{300,330}",
        2 => "\"([^\"\\\\]|\\\\[nt\"\\\\dqu0]|\\\\u\\{[0-9a-fA-FxD8]{0,9}\\}?){0,8}\"?",
        1 => "\\PC{1,4}",
        1 => "# [^\n]{0,10}\n",
    ]
}

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec((token(), select(vec![" ", "", "\n", "  "])), 0..80)
        .prop_map(|ts| ts.into_iter().map(|(t, sep)| t + sep).collect())
}

/// An edit at a position given as a fraction of the text.
#[derive(Clone, Debug)]
enum Edit {
    Delete(f64, usize),
    Insert(f64, String),
    Duplicate(f64, usize),
    Truncate(f64),
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), 1..40usize).prop_map(|(a, n)| Edit::Delete(a, n)),
        (at.clone(), token()).prop_map(|(a, t)| Edit::Insert(a, t)),
        (at.clone(), 1..200usize).prop_map(|(a, n)| Edit::Duplicate(a, n)),
        at.prop_map(Edit::Truncate),
    ]
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(mut text: String, edits: &[Edit]) -> String {
    for e in edits {
        let at = |f: f64, s: &str| floor_boundary(s, (f * s.len() as f64) as usize);
        match e {
            Edit::Delete(f, n) => {
                let a = at(*f, &text);
                let b = floor_boundary(&text, a + n);
                text.replace_range(a..b, "");
            }
            Edit::Insert(f, t) => {
                let a = at(*f, &text);
                text.insert_str(a, t);
            }
            Edit::Duplicate(f, n) => {
                let a = at(*f, &text);
                let b = floor_boundary(&text, a + n);
                let piece = text[a..b].to_string();
                text.insert_str(b, &piece);
            }
            Edit::Truncate(f) => {
                let a = at(*f, &text);
                text.truncate(a);
            }
        }
    }
    text
}

// ---------------------------------------------------------------- records

/// Every field path the sample rules read, for records that exercise them.
fn field_paths() -> &'static [Vec<String>] {
    static PATHS: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    PATHS.get_or_init(|| {
        let mut all: Vec<Vec<String>> =
            sample_rulesets().iter().flat_map(testing::fields).collect();
        all.sort();
        all.dedup();
        all
    })
}

fn number(f: f64) -> Json {
    serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
}

fn json_leaf() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<u64>().prop_map(Json::from),
        any::<f64>().prop_map(number),
        select(vec![
            0.0,
            -0.0,
            1.0,
            0.03,
            0.7,
            1000.0,
            10000.0,
            1e15,
            1e308,
            -1e308,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
        ])
        .prop_map(number),
        "\\PC{0,24}".prop_map(Json::String),
        select(vec![
            "3.3k", "1.39%", "NaN%", "n/a", "8,421", "$1,200", "2.1b", "-", "", "US", "CA",
            "beauty", "skincare", "1e400", "-0", " 42 ", "∞", "😀😀", "\u{0}",
        ])
        .prop_map(|s| Json::String(s.to_string())),
        (1usize..4000, select(vec!["a", "é", "😀", " "]))
            .prop_map(|(n, s)| Json::String(s.repeat(n))),
    ]
}

/// Nested `depth` levels: lists in lists, or objects in objects.
fn nested(depth: usize, objects: bool) -> Json {
    let mut v = Json::from(1);
    for _ in 0..depth {
        v = if objects {
            Json::Object(Map::from_iter([("female_share".to_string(), v)]))
        } else {
            Json::Array(vec![v])
        };
    }
    v
}

fn json_value() -> impl Strategy<Value = Json> {
    let tree = json_leaf().prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::vec(("[a-z_]{1,12}|\\PC{0,6}", inner), 0..5)
                .prop_map(|kv| Json::Object(kv.into_iter().collect())),
        ]
    });
    prop_oneof![
        8 => tree,
        // as deep as the readers let a record be
        1 => (1usize..120, any::<bool>()).prop_map(|(d, o)| nested(d, o)),
    ]
}

/// Sets `value` at `path`, making objects on the way.
fn set_path(record: &mut Map<String, Json>, path: &[String], value: Json) {
    let (first, rest) = path.split_first().expect("a path has a field");
    if rest.is_empty() {
        record.insert(first.clone(), value);
        return;
    }
    let slot = record
        .entry(first.clone())
        .or_insert_with(|| Json::Object(Map::new()));
    if !slot.is_object() {
        *slot = Json::Object(Map::new());
    }
    if let Json::Object(m) = slot {
        set_path(m, rest, value);
    }
}

/// A creator record: random values at the paths the rules read, some
/// other keys, and now and then something that is not an object at all.
fn record() -> impl Strategy<Value = Json> {
    let object = (
        prop::collection::vec((select(field_paths().to_vec()), json_value()), 0..16),
        prop::collection::vec(("[a-z_]{1,10}", json_leaf()), 0..3),
    )
        .prop_map(|(fields, extra)| {
            let mut m = Map::new();
            for (k, v) in extra {
                m.insert(k, v);
            }
            for (path, v) in fields {
                set_path(&mut m, &path, v);
            }
            Json::Object(m)
        });
    prop_oneof![19 => object, 1 => json_value()]
}

/// What every verdict must satisfy, whatever the record.
fn check_verdict(v: &Verdict) {
    if let Some(s) = v.score {
        assert!((0.0..=1.0).contains(&s), "score {s} outside [0, 1]: {v:?}");
    }
    for s in &v.signals.0 {
        if let Some(raw) = s.raw {
            assert!(raw.is_finite(), "signal {} is {raw}", s.name);
        }
    }
    match v.status {
        Status::Accepted => {
            assert!(v.failed.is_empty(), "{v:?}");
            assert!(v.score.is_some(), "{v:?}");
        }
        Status::Rejected => assert!(v.failed.iter().any(|f| !f.review), "{v:?}"),
        Status::Review => {
            assert!(
                !v.failed.is_empty() && v.failed.iter().all(|f| f.review),
                "{v:?}"
            )
        }
        Status::Error => {
            assert_eq!(v.failed.len(), 1, "{v:?}");
            assert!(v.score.is_none() && v.tier.is_none(), "{v:?}");
        }
    }
    if v.status != Status::Accepted {
        assert!(v.tier.is_none(), "{v:?}");
    }
    serde_json::to_string(v).expect("a verdict serialises");
}

/// The verdicts one by one, in a batch, and on three threads, compared.
fn same_everywhere(rules: &Ruleset, records: &[Json]) {
    let one_by_one: Vec<Verdict> = records
        .iter()
        .enumerate()
        .map(|(i, r)| rules.evaluate_at(r, i, None))
        .collect();
    for v in &one_by_one {
        check_verdict(v);
    }
    let options = RunOptions {
        all: true,
        ..Default::default()
    };
    let report = rules.screen(records.to_vec(), &options);
    let mut batch = report.creators.expect("all verdicts kept");
    for v in &mut batch {
        v.rank = None; // ranks exist only for a batch
        check_verdict(v);
    }
    // alone, a creator is a cohort of its own: only in a batch does it
    // meet the others
    if !rules.uses_cohorts() {
        assert_eq!(batch, one_by_one, "batch differs from one by one");
    }
    assert_eq!(
        report.accepted + report.rejected + report.review + report.errors,
        records.len()
    );
    let chunk = records.len().div_ceil(3).max(1);
    let threaded: Vec<Verdict> = std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                s.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(i, r)| rules.evaluate_at(r, c * chunk + i, None))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("no panic on a thread"))
            .collect()
    });
    assert_eq!(threaded, one_by_one, "threads differ from one by one");
}

// ---------------------------------------------------------------- well-formed rules

const FIELDS: &[&str] = &[
    "followers",
    "engagement_rate",
    "niches",
    "country",
    "bio",
    "audience.female_share",
    "creator[\"odd key\"]",
    "is_customer",
    "x",
    "creator",
];

fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => select(FIELDS.to_vec()).prop_map(String::from),
        2 => select(vec!["0", "1", "1_000", "2.5", "3%", "10k", "1M", "0.0001", "999999999999"])
            .prop_map(String::from),
        2 => select(vec![
            "\"US\"", "\"\"", "\"beauty\"", "\"3.3k\"", "\"a\\\"b\\\\c\\n\\t\\u{1F600}\"", "\"é\"",
        ])
        .prop_map(String::from),
        1 => select(vec!["true", "false", "[\"beauty\", \"skincare\"]", "[1, 2, 3]", "[]", "missing"])
            .prop_map(String::from),
    ];
    leaf.prop_recursive(5, 40, 3, |e| {
        prop_oneof![
            4 => (e.clone(), select(vec![
                "+", "-", "*", "/", "??", "==", "!=", "<", "<=", ">", ">=", "and", "or", "in",
                "not in", "contains",
            ]), e.clone())
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            1 => e.clone().prop_map(|a| format!("(not {a})")),
            1 => e.clone().prop_map(|a| format!("(-{a})")),
            1 => (e.clone(), e.clone(), e.clone())
                .prop_map(|(a, b, c)| format!("({a} between {b} and {c})")),
            1 => (e.clone(), e.clone(), e.clone())
                .prop_map(|(a, b, c)| format!("(if {a} then {b} else {c})")),
            2 => (select(vec![
                "len", "lower", "upper", "trim", "abs", "round", "floor", "ceil", "sqrt", "log10",
                "ln", "number", "sum", "avg", "min", "max", "median",
            ]), e.clone())
                .prop_map(|(f, a)| format!("{f}({a})")),
            1 => (select(vec!["overlap", "round", "min", "max"]), e.clone(), e.clone())
                .prop_map(|(f, a, b)| format!("{f}({a}, {b})")),
            // the cohort functions and `band`, over fields (the checker
            // refuses what they may not read)
            1 => (select(vec!["percentile", "cohort_median", "cohort_size"]), e.clone(), e.clone())
                .prop_map(|(f, a, b)| format!("{f}({a}, {b})")),
            1 => e.clone().prop_map(|a| format!("band({a}, [1k, 10k, 50k])")),
            1 => (e.clone(), e.clone(), e.clone())
                .prop_map(|(a, b, c)| format!("clamp({a}, {b}, {c})")),
            1 => (select(vec!["any", "all", "count"]), e.clone(), e.clone())
                .prop_map(|(f, xs, body)| format!("{f}({xs}, x => {body})")),
            // the list functions, their bodies reading the parameter
            1 => (select(vec![
                "map", "filter", "first", "sum", "avg", "min", "max", "median",
            ]), e.clone(), e.clone())
                .prop_map(|(f, xs, body)| format!("{f}({xs}, x => ({body}) ?? x.female_share)")),
            1 => (e.clone(), e.clone()).prop_map(|(a, i)| format!("({a})[{i}]")),
            1 => e.clone().prop_map(|a| format!("({a}).female_share")),
            1 => e.clone().prop_map(|a| format!("({a} matches \"^[a-z]+\\\\d?$\")")),
            1 => (e.clone(), e.clone()).prop_map(|(a, b)| format!("[{a}, {b}]")),
            1 => select(FIELDS[..7].to_vec()).prop_map(|f| format!("has({f})")),
        ]
    })
}

fn well_formed_rules() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(expr(), 7),
        select(vec!["fail", "pass", "review"]),
        select(vec!["1", "0.5", "3", "1M"]),
        select(vec!["asc", "desc", ""]),
    )
        .prop_map(|(e, mode, weight, order)| {
            format!(
                "let l = {}\n\
                 require r1: {} when missing {mode}\n\
                 require r2: {}\n\
                 signal s1 weight {weight} = {}\n\
                 signal s2 = {}\n\
                 tier t1 when {}\n\
                 tier t2 otherwise\n\
                 rank by {} {order}\n",
                e[0], e[1], e[2], e[3], e[4], e[5], e[6]
            )
        })
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(config())]

    #[test]
    fn token_soup_never_panics(src in token_soup()) {
        compile_checked(&src);
    }

    #[test]
    fn mutated_samples_never_panic(
        which in 0..6usize,
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let sources = sample_sources();
        let (_, text) = &sources[which % sources.len()];
        let mutated = apply(text.clone(), &edits);
        if let Some(rules) = compile_checked(&mutated) {
            // a mutation that still compiles must still evaluate
            check_verdict(&rules.evaluate(&serde_json::json!({"handle": "a", "followers": 5000})));
        }
    }

    #[test]
    fn random_records_never_panic_and_agree_everywhere(
        records in prop::collection::vec(record(), 1..12),
    ) {
        for rules in sample_rulesets() {
            same_everywhere(rules, &records);
        }
    }

    /// `fmt` keeps meaning and is idempotent: parse(fmt(x)) equals
    /// parse(x), spans aside, for random well-formed and mutated files.
    #[test]
    fn fmt_round_trips(
        src in well_formed_rules(),
        which in 0..6usize,
        edits in prop::collection::vec(edit(), 0..4),
    ) {
        let sources = sample_sources();
        let mutated = apply(sources[which % sources.len()].1.clone(), &edits);
        for text in [src, mutated] {
            let Some(once) = testing::format_source(&text) else { continue };
            let same = testing::same_tree(&text, &once);
            prop_assert_eq!(same, Some(true), "meaning changed:\n{}", once);
            let twice = testing::format_source(&once).expect("formats");
            prop_assert_eq!(twice, once);
        }
    }

    #[test]
    fn well_formed_random_rules_evaluate_random_records(
        src in well_formed_rules(),
        records in prop::collection::vec(record(), 1..6),
    ) {
        if let Some(rules) = compile_checked(&src) {
            same_everywhere(&rules, &records);
        }
    }
}

// ---------------------------------------------------------------- cohorts

/// A creator of a random population: `er` a small whole number (ties are
/// likely) or absent or null or text, `p` one of a few groups or absent;
/// now and then a record that is not an object (an error, in no cohort).
fn cohort_record() -> impl Strategy<Value = Json> {
    let er = prop_oneof![
        6 => (0..6i64).prop_map(Json::from),
        1 => Just(Json::Null),
        1 => Just(Json::from("high")),
    ];
    let p = prop_oneof![
        3 => Just(Json::from("tiktok")),
        3 => Just(Json::from("instagram")),
        1 => Just(Json::from(1)),
        1 => Just(Json::from(1.0)),
        1 => Just(Json::Null),
    ];
    prop_oneof![
        12 => (er, p).prop_map(|(er, p)| serde_json::json!({"er": er, "p": p})),
        1 => Just(Json::from(7)),
    ]
}

/// SQL's `percent_rank()` of creator `i` by brute force: the creators
/// with a number `er` and the same `p` (null the same as null; 1 the same
/// as 1.0), those with a smaller `er` over their number less one.
fn brute_percent_rank(records: &[Json], i: usize) -> Option<f64> {
    let er = |r: &Json| r.get("er").and_then(Json::as_f64);
    let group = |r: &Json| {
        r.get("p")
            .map(|p| p.as_f64().map_or(p.to_string(), |n| n.to_string()))
    };
    let x = er(&records[i])?;
    let cohort: Vec<f64> = records
        .iter()
        .filter(|r| r.is_object() && group(r) == group(&records[i]))
        .filter_map(er)
        .collect();
    let below = cohort.iter().filter(|v| **v < x).count();
    Some(if cohort.len() <= 1 {
        0.0
    } else {
        below as f64 / (cohort.len() - 1) as f64
    })
}

proptest! {
    #![proptest_config(config())]

    /// `percentile` is `percent_rank()` over the cohort, as a brute-force
    /// count says, for every creator of random populations.
    #[test]
    fn percentile_is_percent_rank_by_brute_force(
        records in prop::collection::vec(cohort_record(), 1..40),
    ) {
        let rules = Ruleset::compile("p.rules", "let v = percentile(er, p)\nrequire r: v == v when missing review\nrank by v")
            .expect("compiles");
        let options = RunOptions { all: true, ..Default::default() };
        let verdicts = rules.screen(records.clone(), &options).creators.expect("all kept");
        for (i, v) in verdicts.iter().enumerate() {
            let got = match (&v.status, &v.rank_key) {
                (Status::Accepted, Some(influence_eval::RankKey::Number(n))) => Some(*n),
                _ => None,
            };
            let text = records[i].get("er").is_some_and(Json::is_string);
            if text || !records[i].is_object() {
                prop_assert_eq!(v.status, Status::Error);
                continue;
            }
            prop_assert_eq!(got, brute_percent_rank(&records, i), "creator {}: {:?}", i, v);
        }
    }
}

#[test]
fn a_ruleset_can_be_shared_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Ruleset>();
    send_sync::<Verdict>();
}
