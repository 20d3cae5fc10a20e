//! The list functions with a lambda (`map`, `filter`, `first`, `sum`,
//! `avg`, `min`, `max`, `median`), `median` of a list, and the literal
//! `missing` (docs/language.md, sections 7 and 10), one line each.

use super::*;

/// A creator as an influencer platform's API exports it.
fn platform() -> Json {
    json!({
        "audience": {
            "geo": [{"code": "US", "weight": 0.31}, {"code": "FR", "weight": 0.4},
                    {"code": "GB", "weight": 0.12}, {"code": "CA", "weight": 0.09}],
            "genders": [{"code": "MALE", "weight": 0.3}, {"code": "FEMALE", "weight": 0.7}]
        },
        "recentPosts": [{"likes": 100}, {"likes": 300}, {"likes": 200}, {"likes": 50}]
    })
}

#[test]
fn map_gives_the_body_for_each_element_in_order() {
    let r = platform();
    assert_eq!(
        give(
            r.clone(),
            "map(recentPosts, p => p.likes) == [100, 300, 200, 50]"
        ),
        Bool(true)
    );
    assert_eq!(give(r.clone(), "len(map(recentPosts, p => 1))"), Num(4.0));
    assert_eq!(
        give(r.clone(), r#"map(audience.geo, g => g.code)[1]"#),
        s("FR")
    );
    assert_eq!(lit("map([], x => x + 1) == []"), Bool(true));
    assert_eq!(give(json!({}), "map(xs, x => x)"), missing("xs is missing"));
    assert_eq!(
        give(json!({"xs": 5}), "map(xs, x => x)"),
        error("xs is 5, a number, where a list is needed")
    );
    // a missing body value is a missing element, named in an aggregate over it
    let r = json!({"posts": [{"likes": 1}, {}]});
    assert_eq!(
        give(r.clone(), "map(posts, p => p.likes)[1]"),
        missing("posts[1].likes is missing")
    );
    assert_eq!(
        give(r.clone(), "sum(map(posts, p => p.likes))"),
        missing("posts[1].likes is missing")
    );
    // an error in the body is an error
    assert_eq!(
        give(json!({"xs": ["a"]}), "map(xs, x => x + 1)"),
        error(r#"x is "a", a string, where a number is needed"#)
    );
}

#[test]
fn filter_keeps_the_elements_whose_condition_is_true() {
    let r = platform();
    assert_eq!(
        give(
            r.clone(),
            r#"len(filter(audience.geo, g => g.code in ["US", "CA", "GB"]))"#
        ),
        Num(3.0)
    );
    assert_eq!(
        give(
            r.clone(),
            "filter(map(recentPosts, p => p.likes), x => x > 90) == [100, 300, 200]"
        ),
        Bool(true)
    );
    assert_eq!(lit("filter([], x => true) == []"), Bool(true));
    // a condition that is missing drops the element, as `count` does
    assert_eq!(
        give(
            json!({"xs": [{"a": 1}, {}, {"a": 3}]}),
            "len(filter(xs, x => x.a > 0))"
        ),
        Num(2.0)
    );
    assert_eq!(
        give(json!({}), "filter(xs, x => true)"),
        missing("xs is missing")
    );
    assert_eq!(
        give(json!({"xs": "abc"}), "filter(xs, x => true)"),
        error(r#"xs is "abc", a string, where a list is needed"#)
    );
    assert_eq!(
        give(json!({"xs": [1]}), "filter(xs, x => x)"),
        error("x (in filter) is 1, a number, where true or false is needed")
    );
}

#[test]
fn first_is_the_first_element_that_passes() {
    let r = platform();
    assert_eq!(
        give(
            r.clone(),
            r#"first(audience.genders, g => g.code == "FEMALE").weight"#
        ),
        Num(0.7)
    );
    assert_eq!(
        give(r.clone(), "first(recentPosts, p => p.likes > 150).likes"),
        Num(300.0)
    );
    assert_eq!(
        give(
            r.clone(),
            r#"first(audience.genders, g => g.code == "OTHER").weight"#
        ),
        missing(r#"no element of audience.genders meets g => g.code == "OTHER""#)
    );
    assert_eq!(
        lit("first([], x => true)"),
        missing("no element of [] meets x => true")
    );
    assert_eq!(
        give(json!({}), "first(xs, x => true)"),
        missing("xs is missing")
    );
    assert_eq!(
        give(json!({"xs": {"a": 1}}), "first(xs, x => true)"),
        error("xs is {1 field}, an object, where a list is needed")
    );
    // elements whose condition is missing are passed over
    assert_eq!(
        give(json!({"xs": [{}, {"a": 2}]}), "first(xs, x => x.a > 0).a"),
        Num(2.0)
    );
}

#[test]
fn aggregates_with_a_lambda() {
    let r = platform();
    assert_eq!(
        give(r.clone(), "sum(recentPosts, p => p.likes)"),
        Num(650.0)
    );
    assert_eq!(
        give(r.clone(), "avg(recentPosts, p => p.likes)"),
        Num(162.5)
    );
    assert_eq!(give(r.clone(), "min(recentPosts, p => p.likes)"), Num(50.0));
    assert_eq!(
        give(r.clone(), "max(recentPosts, p => p.likes)"),
        Num(300.0)
    );
    assert_eq!(
        give(r.clone(), "median(recentPosts, p => p.likes)"),
        Num(150.0)
    );
    approx(
        r.clone(),
        r#"sum(filter(audience.geo, g => g.code in ["US", "CA", "GB"]), g => g.weight)"#,
        0.52,
    );
    assert_eq!(
        give(
            r.clone(),
            r#"sum(filter(audience.geo, g => g.code in ["US", "CA", "GB"]), g => g.weight) >= 50%"#
        ),
        Bool(true)
    );
    // `min(a, b)` of two numbers keeps its meaning
    assert_eq!(lit("min(3, 1)"), Num(1.0));
    assert_eq!(lit("max(3, 1)"), Num(3.0));
}

#[test]
fn aggregates_over_an_empty_list() {
    assert_eq!(lit("sum([], x => x)"), Num(0.0));
    assert_eq!(
        lit("avg([], x => x)"),
        missing("avg([], x => x) has no elements to work on")
    );
    assert_eq!(
        lit("min([], x => x)"),
        missing("min([], x => x) has no elements to work on")
    );
    assert_eq!(
        lit("max([], x => x)"),
        missing("max([], x => x) has no elements to work on")
    );
    assert_eq!(
        give(json!({"e": []}), "median(e)"),
        missing("median(e) has no elements to work on")
    );
}

#[test]
fn aggregates_over_a_missing_or_wrong_kind_list() {
    for f in ["sum", "avg", "min", "max", "median"] {
        assert_eq!(
            give(json!({}), &format!("{f}(xs, x => x)")),
            missing("xs is missing"),
            "{f}"
        );
        assert_eq!(
            give(json!({}), &format!("{f}(xs)")),
            missing("xs is missing")
        );
        assert_eq!(
            give(json!({"xs": "12"}), &format!("{f}(xs, x => x)")),
            error(r#"xs is "12", a string, where a list is needed"#),
            "{f}"
        );
        // one number is its own min and max (docs/language.md, section 10)
        let one = if matches!(f, "min" | "max") {
            Num(3.0)
        } else {
            error("xs is 3, a number, where a list is needed")
        };
        assert_eq!(give(json!({"xs": 3}), &format!("{f}(xs)")), one, "{f}");
        assert_eq!(
            give(json!({"xs": 3}), &format!("{f}(xs, x => x)")),
            error("xs is 3, a number, where a list is needed"),
            "{f}"
        );
    }
}

#[test]
fn a_missing_element_makes_an_aggregate_missing_and_is_named() {
    let r = json!({"recentPosts": [{"likes": 1}, {"likes": 2}, {"likes": 3}, {}]});
    for f in ["sum", "avg", "min", "max", "median"] {
        assert_eq!(
            give(r.clone(), &format!("{f}(recentPosts, p => p.likes)")),
            missing("recentPosts[3].likes is missing"),
            "{f}"
        );
    }
    // the idioms: a default inside the lambda, or filter first
    assert_eq!(
        give(r.clone(), "avg(recentPosts, p => p.likes ?? 0)"),
        Num(1.5)
    );
    assert_eq!(
        give(
            r.clone(),
            "avg(filter(recentPosts, p => has(p.likes)), p => p.likes)"
        ),
        Num(2.0)
    );
    assert_eq!(
        give(
            r.clone(),
            "avg(filter(recentPosts, p => p.likes >= 0), p => p.likes)"
        ),
        Num(2.0)
    );
    // a body that is not a path on the parameter is named with its element
    assert_eq!(
        give(r.clone(), "sum(recentPosts, p => p.likes * 2)"),
        missing("p.likes * 2 for recentPosts[3] is missing")
    );
    // without a lambda the element itself is named
    let r = json!({"xs": [1, null, 3]});
    for f in ["sum", "avg", "min", "max", "median"] {
        assert_eq!(
            give(r.clone(), &format!("{f}(xs)")),
            missing("xs[1] is missing"),
            "{f}"
        );
    }
}

#[test]
fn a_wrong_kind_element_is_an_error_naming_it() {
    let r = json!({"recentPosts": [{"likes": 1}, {"likes": "2k"}]});
    assert_eq!(
        give(r.clone(), "sum(recentPosts, p => p.likes)"),
        error(
            r#"recentPosts[1].likes is "2k", a string, where a number is needed; write `sum(recentPosts, p => number(p.likes))` to read it as a number"#
        )
    );
    assert_eq!(
        give(json!({"xs": [1, true]}), "median(xs)"),
        error("xs[1] is true, a true/false value, where a number is needed")
    );
    // an error wins over a missing element, as in `a + b`
    assert_eq!(
        give(json!({"xs": [null, "a"]}), "max(xs)"),
        error(r#"xs[1] is "a", a string, where a number is needed"#)
    );
}

#[test]
fn median_is_the_middle_value() {
    // the mean of the two middle values, even when their sum is too large
    assert_eq!(
        give(json!({"xs": [1e308, 1e308]}), "median(xs)"),
        Num(1e308)
    );
    assert_eq!(
        give(json!({"xs": [5e-324, 5e-324]}), "median(xs)"),
        Num(5e-324)
    );
    assert_eq!(lit("median([3, 1, 2])"), Num(2.0));
    assert_eq!(lit("median([4, 1, 3, 2])"), Num(2.5));
    assert_eq!(lit("median([7])"), Num(7.0));
    assert_eq!(lit("median([-1, -5, 10, 10])"), Num(4.5));
    assert_eq!(
        give(
            json!({"xs": [{"v": 9}, {"v": 1}, {"v": 5}]}),
            "median(xs, x => x.v)"
        ),
        Num(5.0)
    );
}

#[test]
fn lambdas_nest_and_their_parameter_is_scoped() {
    let r = json!({"groups": [{"xs": [1, 2]}, {"xs": [10]}], "x": 100});
    assert_eq!(give(r.clone(), "sum(groups, g => sum(g.xs))"), Num(13.0));
    assert_eq!(
        give(r.clone(), "max(groups, g => avg(g.xs, x => x * 2))"),
        Num(20.0)
    );
    assert_eq!(
        give(
            r.clone(),
            "map(groups, g => len(filter(g.xs, x => x > 1))) == [1, 1]"
        ),
        Bool(true)
    );
    // the parameter shadows the field `x` only inside the lambda
    assert_eq!(
        give(r.clone(), "sum(groups, x => len(x.xs)) + x"),
        Num(103.0)
    );
    // ... and a let of the same name
    assert_eq!(
        verdict(
            "let g = 5\nrequire r: sum(groups, g => len(g.xs)) + g == 8",
            r.clone()
        )
        .status,
        Status::Accepted
    );
    // an inner element named in the reason of an outer aggregate
    let r = json!({"groups": [{"xs": [1]}, {"xs": [null]}]});
    assert_eq!(
        give(r, "sum(groups, g => sum(g.xs))"),
        missing("sum(g.xs) for groups[1] is missing")
    );
}

#[test]
fn missing_is_a_value() {
    assert!(is_missing(&lit("missing")));
    assert_eq!(lit("missing ?? 3"), Num(3.0));
    assert_eq!(
        give(json!({"f": true}), "if f then 1 else missing"),
        Num(1.0)
    );
    assert_eq!(
        give(json!({"f": false}), "if f then 1 else missing"),
        missing("the rules say `missing` (line 1)")
    );
    assert_eq!(
        lit("sum([1, missing])"),
        missing("[1, missing][1] is missing")
    );
    assert_eq!(lit("missing + 1 ?? 0"), Num(0.0));
    // a field called `missing` is read through `creator`
    assert_eq!(give(json!({"missing": 4}), "creator.missing"), Num(4.0));
    assert_eq!(
        give(json!({"missing": 4}), r#"creator["missing"]"#),
        Num(4.0)
    );
}

#[test]
fn a_dot_after_a_list_says_how_to_read_each_element() {
    let r = platform();
    assert_eq!(
        give(r.clone(), "recentPosts.likes"),
        error("recentPosts is a list, which has no fields; to read `likes` of each element write `map(recentPosts, r => r.likes)`, or aggregate it: `sum(recentPosts, r => r.likes)`")
    );
    // a list the checker cannot see (an element of a list of lists)
    assert_eq!(
        give(json!({"gs": [[{"a": 1}]]}), "first(gs, g => true).a"),
        error("first(gs, g => true) is a list, which has no fields; to read `a` of each element write `map(first(gs, g => true), f => f.a)`, or aggregate it: `sum(first(gs, g => true), f => f.a)`")
    );
}

proptest::proptest! {
    /// Identities between the list functions, over random lists of numbers
    /// (a few of them null): each holds, or both sides are missing.
    #[test]
    fn the_list_functions_agree_with_each_other(
        xs in proptest::collection::vec(
            proptest::option::weighted(0.9, -1000i32..1000),
            0..30,
        ),
    ) {
        let rules = compile(
            "require sum_map: sum(xs, x => x) == sum(map(xs, x => x)) when missing review\n\
             require sum_avg: abs(avg(xs) * len(xs) - sum(xs)) < 0.000001 when missing review\n\
             require median_between: median(xs) between min(xs) and max(xs) when missing review\n\
             require partition: len(filter(xs, x => x > 0)) + len(filter(xs, x => x <= 0)) + count(xs, x => not has(x)) == len(xs)\n\
             require count_filter: count(xs, x => x > 0) == len(filter(xs, x => x > 0))\n\
             require first_filter: first(xs, x => x > 0) == filter(xs, x => x > 0)[0] when missing review\n",
        );
        let values: Vec<Json> = xs.iter().map(|x| x.map_or(Json::Null, Json::from)).collect();
        let v = rules.evaluate(&json!({"xs": values}));
        let wrong: Vec<_> = v.failed.iter().filter(|f| !f.review).collect();
        proptest::prop_assert!(wrong.is_empty(), "{:?} for {:?}", wrong, xs);
        proptest::prop_assert!(v.status != Status::Error, "{:?}", v.failed);
        // a null element makes the aggregates missing, and only then
        let any_null = xs.iter().any(Option::is_none);
        let reviewed = v.failed.iter().any(|f| f.rule == "sum_map");
        proptest::prop_assert_eq!(reviewed, any_null);
    }
}
