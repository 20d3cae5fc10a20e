//! Parser tests: trees compared without spans, precedence, literals,
//! declarations, and syntax errors collected from several declarations.

use super::parse;
use crate::ast::*;

fn decls(src: &str) -> Vec<DeclKind> {
    parse(src)
        .unwrap_or_else(|e| {
            panic!(
                "{src}: {:?}",
                e.iter().map(|d| &d.message).collect::<Vec<_>>()
            )
        })
        .decls
        .into_iter()
        .map(|d| d.kind)
        .collect()
}

/// The expression of `let x = SRC`.
fn expr(src: &str) -> Expr {
    match decls(&format!("let x = {src}")).remove(0) {
        DeclKind::Let(l) => l.value,
        other => panic!("{other:?}"),
    }
}

/// A compact text form of a tree, with explicit grouping.
fn show(e: &Expr) -> String {
    use ExprKind::*;
    match &e.kind {
        Number(n) => crate::language::human::fmt_number(n.value),
        String(s) => format!("{s:?}"),
        Bool(b) => b.to_string(),
        Missing => "missing".into(),
        List(xs) => format!("[{}]", xs.iter().map(show).collect::<Vec<_>>().join(", ")),
        Object(es) => format!(
            "{{{}}}",
            es.iter()
                .map(|(k, v)| format!("{}: {}", k.name, show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Name(n) => n.name.clone(),
        Field(b, k) => format!("{}.{}", show(b), k.name),
        Index(b, i) => format!("{}[{}]", show(b), show(i)),
        Call(f, args) => format!(
            "{}({})",
            f.name,
            args.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        Lambda(p, b) => format!("({} => {})", p.name, show(b)),
        Not(x) => format!("(not {})", show(x)),
        Neg(x) => format!("(-{})", show(x)),
        And(a, b) => format!("({} and {})", show(a), show(b)),
        Or(a, b) => format!("({} or {})", show(a), show(b)),
        Arith(op, a, b) => format!("({} {} {})", show(a), op.as_str(), show(b)),
        Coalesce(a, b) => format!("({} ?? {})", show(a), show(b)),
        Compare(op, a, b) => format!("({} {} {})", show(a), op.as_str(), show(b)),
        Between(x, l, h) => format!("({} between {} and {})", show(x), show(l), show(h)),
        In {
            item,
            list,
            negated,
        } => format!(
            "({} {}in {})",
            show(item),
            if *negated { "not " } else { "" },
            show(list)
        ),
        Contains(a, b) => format!("({} contains {})", show(a), show(b)),
        Matches(a, b) => format!("({} matches {})", show(a), show(b)),
        If(c, a, b) => format!("(if {} then {} else {})", show(c), show(a), show(b)),
        Paren(x) => show(x),
    }
}

fn p(src: &str) -> String {
    show(&expr(src))
}

#[test]
fn precedence_from_or_down_to_postfix() {
    assert_eq!(p("a or b and c"), "(a or (b and c))");
    assert_eq!(p("not a and b"), "((not a) and b)");
    assert_eq!(p("not a > 1"), "(not (a > 1))");
    assert_eq!(
        p("a + b * c > d - e / f"),
        "((a + (b * c)) > (d - (e / f)))"
    );
    assert_eq!(p("a - b - c"), "((a - b) - c)");
    assert_eq!(p("-a * b"), "((-a) * b)");
    assert_eq!(p("- -a"), "(-(-a))");
}

#[test]
fn coalesce_binds_tighter_than_comparison() {
    assert_eq!(
        p("authenticity_score ?? 1 >= 0.7"),
        "((authenticity_score ?? 1) >= 0.7)"
    );
    assert_eq!(p("a + 1 ?? 2"), "((a + 1) ?? 2)");
    assert_eq!(p("a ?? b ?? c"), "((a ?? b) ?? c)");
}

#[test]
fn comparison_forms() {
    assert_eq!(p("f between 1k and 10k"), "(f between 1000 and 10000)");
    assert_eq!(p("f between 1 and 2 and g"), "((f between 1 and 2) and g)");
    assert_eq!(p("c in [\"US\", \"CA\"]"), "(c in [\"US\", \"CA\"])");
    assert_eq!(p("c not in xs"), "(c not in xs)");
    assert_eq!(p("not c in xs"), "(not (c in xs))");
    assert_eq!(p("bio contains \"x\""), "(bio contains \"x\")");
    assert_eq!(p("bio matches \"^a\""), "(bio matches \"^a\")");
    for op in ["==", "!=", "<", "<=", ">", ">="] {
        assert_eq!(p(&format!("a {op} b")), format!("(a {op} b)"));
    }
}

#[test]
fn postfix_calls_lambdas_and_if() {
    assert_eq!(p("audience.female_share"), "audience.female_share");
    assert_eq!(p("creator[\"odd key\"]"), "creator[\"odd key\"]");
    assert_eq!(p("xs[0].name"), "xs[0].name");
    assert_eq!(p("creator.rank"), "creator.rank");
    assert_eq!(
        p("any(niches, n => n in beauty)"),
        "any(niches, (n => (n in beauty)))"
    );
    assert_eq!(p("count(xs, x => x > 1,)"), "count(xs, (x => (x > 1)))");
    assert_eq!(p("if a then 1 else 2 + 3"), "(if a then 1 else (2 + 3))");
    assert_eq!(p("(if a then 1 else 2) + 3"), "((if a then 1 else 2) + 3)");
    assert_eq!(p("max()"), "max()");
}

#[test]
fn literals() {
    let n = |s: &str| match expr(s).kind {
        ExprKind::Number(n) => (n.value, n.raw),
        other => panic!("{other:?}"),
    };
    assert_eq!(n("1_200"), (1200.0, "1_200".to_string()));
    assert_eq!(n("2.5"), (2.5, "2.5".into()));
    assert_eq!(n("10k"), (10_000.0, "10k".into()));
    assert_eq!(n("1.5M"), (1_500_000.0, "1.5M".into()));
    assert_eq!(n("3%").0, 0.03);
    let s = |src: &str| match expr(src).kind {
        ExprKind::String(s) => s,
        other => panic!("{other:?}"),
    };
    assert_eq!(s(r#""a\"b\\c\nd\te\u{e9}""#), "a\"b\\c\nd\te\u{e9}");
    assert_eq!(s(r##""# not a comment""##), "# not a comment");
    assert_eq!(p("[1, \"a\", true, false,]"), "[1, \"a\", true, false]");
    assert_eq!(p("{ a: 1, \"odd key\": [2] }"), "{a: 1, odd key: [2]}");
}

#[test]
fn declarations() {
    let src = r#"
        ruleset "Glow"          # a comment
        let beauty = ["a"]
        require micro: followers between 1k and 10k else "too big" when missing review
        require engaged: engagement_rate >= 3%
        signal engagement weight 5 = engagement_rate / 8%
        signal niche = 1
        tier gold when score >= 0.8
        tier bronze otherwise
        rank by followers asc
        limit 50
        example "tiny" {
          creator { handle: "a", followers: 500, niches: ["beauty"], audience: { share: 0.5 } }
          expect rejected by micro, engaged
          expect tier gold
          expect score >= 0.5
          expect signal niche < 1
          expect accepted
          expect review
        }
    "#;
    let d = decls(src);
    assert_eq!(d.len(), 11);
    let DeclKind::Require(r) = &d[2] else {
        panic!()
    };
    assert_eq!(r.name.name, "micro");
    assert_eq!(
        r.message.as_ref().map(|m| m.value.as_str()),
        Some("too big")
    );
    assert_eq!(r.when_missing.map(|w| w.0), Some(WhenMissing::Review));
    let DeclKind::Require(r) = &d[3] else {
        panic!()
    };
    assert_eq!(r.when_missing, None);
    let DeclKind::Signal(s) = &d[4] else { panic!() };
    assert_eq!(s.weight.as_ref().map(|w| w.value), Some(5.0));
    let DeclKind::Tier(t) = &d[7] else { panic!() };
    assert!(t.condition.is_none());
    let DeclKind::Rank(r) = &d[8] else { panic!() };
    assert_eq!(r.order, Some(Order::Asc));
    let DeclKind::Example(ex) = &d[10] else {
        panic!()
    };
    assert_eq!(ex.expects.len(), 6);
    let ExpectKind::Rejected(by) = &ex.expects[0].kind else {
        panic!("{:?}", ex.expects[0].kind)
    };
    let by: Vec<&str> = by.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(by, ["micro", "engaged"]);
}

#[test]
fn spans_point_at_the_source_and_count_in_equality() {
    let a = expr("a+b");
    let b = expr("a  +  b");
    assert_ne!(a, b, "the same tree at other places");
    assert_eq!(a.without_spans(), b.without_spans());
    assert_ne!(a.without_spans(), expr("a-b").without_spans());
    let src = "require r: followers > 3   # trailing comment\n";
    let d = parse(src).expect("valid");
    let DeclKind::Require(r) = &d.decls[0].kind else {
        panic!()
    };
    assert_eq!(
        &src[r.condition.span.start..r.condition.span.end],
        "followers > 3"
    );
}

#[test]
fn keywords_are_whole_words() {
    // `index` starts with `in`, `order` with `or`, `android` contains `and`
    assert_eq!(
        p("index > order and android"),
        "((index > order) and android)"
    );
    assert_eq!(p("notes"), "notes");
    // declaration keywords are names inside expressions
    assert_eq!(p("rank + limit"), "(rank + limit)");
}

#[test]
fn syntax_errors_of_several_declarations_at_once() {
    let errs = parse("require a followers > 1\nlet b = 2\nrequire c: >\nsignal d = 1\n")
        .expect_err("invalid");
    assert_eq!(errs.len(), 2);
    assert!(errs.iter().all(|e| e.code == "influence::parse"));
    assert_eq!(errs[0].span.start, "require a ".len());
    assert_eq!(
        errs[1].span.start,
        "require a followers > 1\nlet b = 2\nrequire c: ".len()
    );
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let deep = format!("let x = {}1{}", "(".repeat(5000), ")".repeat(5000));
    let errs = parse(&deep).expect_err("too deep");
    assert_eq!(errs[0].code, "influence::too-deep");
    let nots = format!("let x = {}true", "not ".repeat(5000));
    assert_eq!(
        parse(&nots).expect_err("too deep")[0].code,
        "influence::too-deep"
    );
    // the limit leaves room for any sensible rule
    let ok = format!("let x = {}1{}", "(".repeat(50), ")".repeat(50));
    assert!(parse(&ok).is_ok());
}

#[test]
fn empty_and_comment_only_files_are_valid() {
    assert!(decls("").is_empty());
    assert!(decls("# nothing here\n\n").is_empty());
    assert!(decls("\u{feff}let a = 1\r\n").len() == 1);
}

#[test]
fn long_operator_chains_are_refused_past_the_depth_limit() {
    let chain = |n: usize| format!("let x = {}", vec!["a"; n].join(" + "));
    assert!(parse(&chain(400)).is_ok());
    let errs = parse(&chain(5000)).expect_err("too deep");
    assert_eq!(errs[0].code, "influence::too-deep");
}

#[test]
fn rank_by_several_keys_and_an_example_date() {
    let d = decls(
        "rank by score desc, followers asc, handle\nexample \"e\" {\n  creator { a: 1 }\n  expect accepted\n  today \"2026-12-02\"\n}\n",
    );
    let DeclKind::Rank(r) = &d[0] else { panic!() };
    assert_eq!(r.order, Some(Order::Desc));
    let then: Vec<(String, Option<Order>)> =
        r.then.iter().map(|k| (show(&k.key), k.order)).collect();
    assert_eq!(
        then,
        [
            ("followers".to_string(), Some(Order::Asc)),
            ("handle".to_string(), None)
        ]
    );
    let DeclKind::Example(ex) = &d[1] else {
        panic!()
    };
    assert_eq!(ex.expects.len(), 1);
    let dates: Vec<&str> = ex.today.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(dates, ["2026-12-02"]);
}
