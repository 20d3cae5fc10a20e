use serde_json::json;

use super::*;
use crate::report::{FunnelStep, ScoreSpread, TierSpread, SCORE_BINS};
use crate::{Ruleset, RunOptions};

const RULES: &str = "ruleset \"t\"\nrequire big: followers >= 10\nsignal reach = followers / 100\n\
                     tier top when score >= 0.5\ntier rest otherwise\n";

fn report_of(rules: &str, records: Vec<serde_json::Value>) -> (Report, RulesInfo) {
    let rules = Ruleset::compile("t.rules", rules).expect("valid rules");
    let options = RunOptions {
        near_misses: 5,
        ..RunOptions::default()
    };
    let report = rules.screen(records, &options);
    (report, RulesInfo::of(rules.program()))
}

fn page_of(report: &Report, info: &RulesInfo) -> String {
    let rows = shortlist_rows(report, ROW_CAP);
    render(&Page {
        report,
        rules: info,
        data_file: "data.json",
        rows_title: "Shortlist",
        rows: &rows,
        total_rows: report.shortlist.len(),
    })
}

/// No number in a chart or table is NaN or infinite.
fn no_bad_numbers(html: &str) {
    // the page's script says `isNaN`: look at the data only
    let html = match (html.find("<main>"), html.find("</main>")) {
        (Some(a), Some(b)) => &html[a..b],
        _ => html,
    };
    for bad in ["NaN", "inf\"", "-inf", "Infinity"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
}

#[test]
fn esc_replaces_the_five_characters() {
    assert_eq!(esc("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
    assert!(matches!(esc("plain ü"), Cow::Borrowed("plain ü")));
}

#[test]
fn fixed_rounds_and_never_writes_minus_zero() {
    assert_eq!(fixed(0.462_499_999_999_999_97, 4, false), "0.4625");
    assert_eq!(fixed(0.5, 4, true), "0.5");
    assert_eq!(fixed(1.0, 4, true), "1");
    assert_eq!(fixed(-0.000_01, 4, false), "0.0000");
    assert_eq!(fixed(-0.25, 2, true), "-0.25");
}

#[test]
fn a_creator_named_script_renders_as_text_in_text_and_attributes() {
    let (report, info) = report_of(
        RULES,
        vec![
            json!({"handle": "<script>alert(1)</script>", "followers": 80}),
            json!({"handle": "\"><img src=x onerror=alert(2)>", "followers": 70}),
            // a near miss, whose reason quotes the value
            json!({"handle": "<b>near</b>", "followers": 9}),
        ],
    );
    let html = page_of(&report, &info);
    // only the page's own two scripts
    assert_eq!(html.matches("<script>").count(), 2, "{html}");
    assert!(!html.contains("<img"));
    assert!(!html.contains("<b>near"));
    assert!(html.contains(">&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
    assert!(html.contains("data-id=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
    assert!(html.contains("data-id=\"&quot;&gt;&lt;img src=x onerror=alert(2)&gt;\""));
    assert!(html.contains("data-v=\"&quot;&gt;&lt;img src=x onerror=alert(2)&gt;\""));
    assert!(
        html.contains("<td class=\"id\">&lt;b&gt;near&lt;/b&gt;</td>"),
        "{html}"
    );
}

#[test]
fn rule_names_data_file_rules_text_and_warnings_are_escaped() {
    let rules = "ruleset \"<i>r</i>\"\nrequire big: followers >= 10 else \"<u>too small</u>\"\n\
                 # <!-- a comment & more -->\n";
    let (mut report, info) = report_of(rules, vec![json!({"handle": "a", "followers": 1})]);
    report.warnings.push("<em>odd</em> field".to_string());
    let rows = shortlist_rows(&report, ROW_CAP);
    let html = render(&Page {
        report: &report,
        rules: &info,
        data_file: "<data>.json",
        rows_title: "Shortlist <all>",
        rows: &rows,
        total_rows: 0,
    });
    for raw in ["<i>r", "<u>", "<!--", "<em>", "<data>", "<all>"] {
        assert!(!html.contains(raw), "{raw} unescaped");
    }
    assert!(html.contains("&lt;!-- a comment &amp; more --&gt;"));
    assert!(html.contains("<li>&lt;em&gt;odd&lt;/em&gt; field</li>"));
}

#[test]
fn the_page_shows_the_counts_funnel_and_shortlist_in_rank_order() {
    let (report, info) = report_of(
        RULES,
        vec![
            json!({"handle": "mid", "followers": 40}),
            json!({"handle": "small", "followers": 5}),
            json!({"handle": "best", "followers": 90}),
            json!({"handle": "bad", "followers": "many"}),
        ],
    );
    let html = page_of(&report, &info);
    assert!(html.contains("<dd id=\"count-evaluated\">4</dd>"));
    assert!(html.contains("<dd id=\"count-accepted\">2</dd>"));
    assert!(html.contains("<dd id=\"count-rejected\">1</dd>"));
    assert!(html.contains("<dd id=\"count-errors\">1</dd>"));
    assert!(html.contains(
        "<tr data-rule=\"big\"><th scope=\"row\">big</th><td class=\"num removed\">1</td>\
         <td class=\"num remaining\">2</td>"
    ));
    let best = html.find("<tr data-id=\"best\"").expect("best listed");
    let mid = html.find("<tr data-id=\"mid\"").expect("mid listed");
    assert!(best < mid);
    // the signal as a bar and its value to four places
    assert!(html.contains("<span style=\"width:90%\"></span></span>0.9000</td>"));
    // the cut-off drawn, and the tiers counted
    assert!(html.contains("top ≥ 0.5"));
    assert!(html.contains("<tr data-tier=\"top\"><th scope=\"row\">top</th><td><code>score &gt;= 0.5</code></td><td class=\"num count\">1</td>"));
    // the near miss with what it takes to pass
    assert!(html.contains("<tr data-id=\"small\">"));
    assert!(html.contains("5 below the minimum 10"), "{html}");
    no_bad_numbers(&html);
}

#[test]
fn zero_accepted_and_no_records_make_a_page_without_bad_numbers() {
    let (report, info) = report_of(RULES, vec![json!({"handle": "a", "followers": 1})]);
    let html = page_of(&report, &info);
    assert!(html.contains("no accepted creator"));
    assert!(html.contains("<p>No rows.</p>"));
    no_bad_numbers(&html);
    let (report, info) = report_of(RULES, vec![]);
    let html = page_of(&report, &info);
    assert!(html.contains("<dd id=\"count-evaluated\">0</dd>"));
    no_bad_numbers(&html);
}

#[test]
fn one_creator_and_rules_without_requirements_or_tiers() {
    let (report, info) = report_of("signal s = x\n", vec![json!({"handle": "solo", "x": 1})]);
    let html = page_of(&report, &info);
    assert!(html.contains("The rules have no requirement."));
    assert!(html.contains("The rules have no tiers."));
    assert!(html.contains("<tr data-id=\"solo\">"));
    // a score of exactly 1 lands in the last bin
    assert_eq!(report.scores.bins[SCORE_BINS - 1], 1);
    assert!(html.contains("score 0.95 to 1: 1 creator"));
    assert!(html.contains("(no tier)"));
    no_bad_numbers(&html);
}

#[test]
fn an_empty_funnel_still_draws_the_screened_bar() {
    let svg = svg::funnel(&[], 0);
    assert!(svg.contains("0 screened"));
    assert!(svg.contains("no requirement"));
    no_bad_numbers(&svg);
}

#[test]
fn huge_counts_are_grouped_and_bars_stay_in_the_chart() {
    let total = 4_000_000_000_000usize;
    let steps = [FunnelStep {
        rule: "a_requirement_with_a_very_long_name_indeed".to_string(),
        removed: 1_000_000_000_000,
        remaining: 3_000_000_000_000,
    }];
    let svg = svg::funnel(&steps, total);
    assert!(svg.contains("−1,000,000,000,000 → 3,000,000,000,000 remain"));
    // the long name is cut in the label, whole in the title
    assert!(svg.contains(">a_requirement_with_a_very…</text>"));
    assert!(svg.contains("<title>a_requirement_with_a_very_long_name_indeed: removed"));
    assert!(svg.contains("width=\"300\""));
    assert!(svg.contains("width=\"100\""));
    let mut spread = ScoreSpread::default();
    spread.bins[3] = usize::MAX / 2;
    spread.bins[4] = 1;
    let svg = svg::histogram(&spread, &[]);
    no_bad_numbers(&svg);
    assert!(svg.contains(&crate::language::human::count(usize::MAX / 2)));
}

#[test]
fn cutoffs_come_from_plain_score_thresholds_only() {
    let rules = "signal s = x\ntier a when score >= 0.8\ntier b when (0.6 < score)\n\
                 tier c when score >= 0.4 and s > 0\ntier d when score == 0.3\ntier e otherwise\n";
    let info = RulesInfo::of(Ruleset::compile("t.rules", rules).expect("valid").program());
    let cut: Vec<Option<Cutoff>> = info.tiers.iter().map(|t| t.cutoff).collect();
    assert_eq!(
        cut,
        [
            Some(Cutoff {
                op: CmpOp::Ge,
                score: 0.8
            }),
            Some(Cutoff {
                op: CmpOp::Gt,
                score: 0.6
            }),
            None,
            None,
            None
        ]
    );
    assert_eq!(
        info.tiers[2].condition.as_deref(),
        Some("score >= 0.4 and s > 0")
    );
    assert_eq!(info.tiers[4].condition, None);
}

#[test]
fn the_tier_chart_shows_each_range() {
    let spread = ScoreSpread {
        bins: [0; SCORE_BINS],
        tiers: vec![
            TierSpread {
                count: 2,
                range: Some((0.61, 0.9)),
            },
            TierSpread::default(),
        ],
        untiered: TierSpread::default(),
    };
    let tiers = [
        TierInfo {
            name: "gold".into(),
            condition: Some("score >= 0.6 and customer".into()),
            cutoff: None,
        },
        TierInfo {
            name: "bronze".into(),
            condition: None,
            cutoff: None,
        },
    ];
    insta::assert_snapshot!(svg::tier_spread(&spread, &tiers));
}

#[test]
fn the_funnel_chart() {
    let steps = [
        FunnelStep {
            rule: "micro".into(),
            removed: 6,
            remaining: 4,
        },
        FunnelStep {
            rule: "<engaged>".into(),
            removed: 0,
            remaining: 4,
        },
    ];
    insta::assert_snapshot!(svg::funnel(&steps, 10));
}

#[test]
fn rows_past_the_cap_are_left_out_with_a_note() {
    let (report, info) = report_of(RULES, vec![]);
    let row = |i: usize| Row {
        id: format!("c{i}"),
        status: if i.is_multiple_of(2) {
            Status::Accepted
        } else {
            Status::Rejected
        },
        rank: (i.is_multiple_of(2)).then_some(i / 2 + 1),
        score: Some(0.5),
        tier: None,
        signals: vec![("reach".into(), None)],
        failed: if i.is_multiple_of(2) {
            vec![]
        } else {
            vec![("big".into(), "followers 3 < 10".into())]
        },
        extra: vec![
            ("followers".into(), i.to_string()),
            ("country".into(), "US".into()),
        ],
    };
    let rows: Vec<Row> = (0..ROW_CAP + 3).map(row).collect();
    let html = render(&Page {
        report: &report,
        rules: &info,
        data_file: "d.json",
        rows_title: "All",
        rows: &rows,
        total_rows: ROW_CAP + 3,
    });
    assert_eq!(html.matches("<tr data-id=").count(), ROW_CAP);
    assert!(html.contains("The table shows the first 10,000 of 10,003 rows"));
    // json lists only the shortlist without --all: the note names files that have every row
    assert!(html.contains("(--format csv or xlsx with the same --rows has them all)"));
    // status and reasons appear when rows are not all accepted; extra
    // columns of numbers sort as numbers
    for th in [
        "data-key=\"status\" data-type=\"text\"",
        "data-key=\"reasons\" data-type=\"text\"",
        "data-key=\"column:followers\" data-type=\"num\"",
        "data-key=\"column:country\" data-type=\"text\"",
        "data-key=\"signal:reach\" data-type=\"num\"",
    ] {
        assert!(html.contains(th), "{th}");
    }
    assert!(html.contains("<td class=\"reasons\" data-v=\"big: followers 3 &lt; 10\">"));
    assert!(html.contains("<td class=\"num sig missing\">missing</td>"));
}

#[test]
fn the_score_spread_bins_each_score_once_and_ranges_each_tier() {
    let mut spread = ScoreSpread {
        tiers: vec![TierSpread::default(); 2],
        ..ScoreSpread::default()
    };
    for (score, tier) in [
        (0.0, Some(1)),
        (0.049, Some(1)),
        (0.05, Some(0)),
        (0.5, Some(0)),
        (1.0, None),
    ] {
        spread.add(score, tier);
    }
    assert_eq!(spread.bins[0], 2);
    assert_eq!(spread.bins[1], 1);
    assert_eq!(spread.bins[10], 1);
    assert_eq!(spread.bins[SCORE_BINS - 1], 1);
    assert_eq!(spread.bins.iter().sum::<usize>(), 5);
    assert_eq!(
        spread.tiers[0],
        TierSpread {
            count: 2,
            range: Some((0.05, 0.5))
        }
    );
    assert_eq!(
        spread.tiers[1],
        TierSpread {
            count: 2,
            range: Some((0.0, 0.049))
        }
    );
    assert_eq!(
        spread.untiered,
        TierSpread {
            count: 1,
            range: Some((1.0, 1.0))
        }
    );
}

#[test]
fn the_report_counts_every_accepted_creator_past_the_shortlist() {
    // `limit 1`: the shortlist holds one, the histogram and tiers all three
    let rules = format!("{RULES}limit 1\n");
    let (report, _) = report_of(
        &rules,
        vec![
            json!({"handle": "a", "followers": 90}),
            json!({"handle": "b", "followers": 30}),
            json!({"handle": "c", "followers": 20}),
        ],
    );
    assert_eq!(report.shortlist.len(), 1);
    assert_eq!(report.scores.bins.iter().sum::<usize>(), 3);
    assert_eq!(report.scores.tiers[0].count, 1);
    assert_eq!(
        report.scores.tiers[1],
        TierSpread {
            count: 2,
            range: Some((0.2, 0.3))
        }
    );
}

/// The rows of the ranked shortlist, the first `cap` of them, in rank order.
fn shortlist_rows(report: &Report, cap: usize) -> Vec<Row> {
    report
        .shortlist
        .iter()
        .take(cap)
        .map(|e| Row {
            id: e.id.clone(),
            status: Status::Accepted,
            rank: Some(e.rank),
            score: Some(e.score),
            tier: e.tier.clone(),
            signals: e
                .signals
                .0
                .iter()
                .map(|s| (s.name.clone(), s.clamped()))
                .collect(),
            failed: Vec::new(),
            extra: Vec::new(),
        })
        .collect()
}
