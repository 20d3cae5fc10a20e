//! `run --format html` opened in a real headless browser (Chromium or
//! Chrome): with JavaScript on and off, the page shows the run's numbers
//! (read back from the DOM the browser built, `--dump-dom`), sorting works
//! (a `#sort=KEY-asc` fragment sorts on load), no script error is logged,
//! and a creator named `<script>` is text.
//!
//! The browser is `INFLUENCE_EVAL_BROWSER` when set, else the first of
//! `chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable`
//! on the PATH. With none, a plain `cargo test` says so loudly and skips
//! these checks; under `CI=true` (as `.ci/run`, which installs Chromium)
//! a missing browser fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{json_of, p, run, scratch, stderr, write};
use serde_json::Value;

const NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The browser to test with, if any (see the module's comment).
fn browser() -> Option<PathBuf> {
    if let Some(b) = std::env::var_os("INFLUENCE_EVAL_BROWSER").filter(|b| !b.is_empty()) {
        return Some(PathBuf::from(b));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| NAMES.iter().map(move |n| dir.join(n)))
        .find(|c| c.is_file())
}

/// The browser, or `None` after saying loudly why these checks are
/// skipped; under `CI=true` a missing browser fails the test.
fn browser_or_skip() -> Option<PathBuf> {
    let found = browser();
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "CI=true and no headless browser: install chromium (.ci/run does) or set INFLUENCE_EVAL_BROWSER"
        );
        eprintln!(
            "\n*** SKIPPED: the HTML report's browser checks need Chromium or Chrome \
             (none of {NAMES:?} on the PATH, INFLUENCE_EVAL_BROWSER not set). \
             Install one (apt-get install chromium) to run them. ***\n"
        );
    }
    found
}

/// What the browser made of a page.
struct Loaded {
    dom: String,
    log: String,
}

/// Opens `url` headless and returns the DOM after load, and the browser's
/// log (console messages included).
fn load(browser: &Path, profile: &Path, url: &str) -> Loaded {
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        "--disable-extensions",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    let mut child = cmd
        .args(["--dump-dom", url])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    // read both pipes while the browser runs, so that neither fills up
    let out = child.stdout.take().expect("piped");
    let err = child.stderr.take().expect("piped");
    let read = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let (out, err) = (read(Box::new(out)), read(Box::new(err)));
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait for the browser").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not finish loading {url} in 90 s", browser.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let loaded = Loaded {
        dom: out.join().expect("reader"),
        log: err.join().expect("reader"),
    };
    assert!(
        loaded.dom.contains("</html>"),
        "{} gave no page for {url}; its log:\n{}",
        browser.display(),
        loaded.log
    );
    loaded
}

/// An attribute's value as written in the DOM, references resolved.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The part of `dom` from `start` to the next `end`.
fn part<'d>(dom: &'d str, start: &str, end: &str) -> &'d str {
    let at = dom
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in the page:\n{dom}"));
    let rest = &dom[at..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The `data-id`s of the rows of the table with `id`, in page order.
fn ids(dom: &str, table: &str) -> Vec<String> {
    let re = regex::Regex::new(r#"<tr data-id="([^"]*)""#).expect("regex");
    re.captures_iter(part(dom, &format!("id=\"{table}\""), "</table>"))
        .map(|c| unescape(&c[1]))
        .collect()
}

/// The number (thousands separators allowed) that follows `start`, the
/// opening tag of an element up to its `>`.
fn number(dom: &str, start: &str) -> u64 {
    let text = &part(dom, start, "</")[start.len()..];
    let digits: String = text.chars().filter(|c| *c != ',').collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("{start} holds {digits:?}, not a number"))
}

/// The count shown as `count-KEY`.
fn count_of(dom: &str, key: &str) -> u64 {
    number(dom, &format!("<dd id=\"count-{key}\">"))
}

/// A copy of the page at `html` whose scripts may not run: with
/// `--blink-settings=scriptEnabled=false` Chromium dumps no DOM at all (its
/// `--dump-dom` needs scripts), so a second content security policy, which
/// browsers enforce on top of the page's own, forbids every script instead.
fn without_scripts(html: &Path) -> PathBuf {
    let page = std::fs::read_to_string(html).expect("the page");
    let off = page.replacen(
        "<head>",
        "<head><meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">",
        1,
    );
    assert_ne!(off, page);
    let copy = html.with_file_name("no-scripts.html");
    std::fs::write(&copy, off).expect("write the copy");
    copy
}

/// No script error: none collected in the page, none in the browser's log.
fn no_script_errors(page: &Loaded, what: &str) {
    assert!(
        !page.dom.contains("data-errors="),
        "{what}: script errors: {}",
        part(&page.dom, "data-errors=", ">")
    );
    for line in page.log.lines() {
        assert!(
            !(line.contains("CONSOLE") || line.contains("Uncaught")),
            "{what}: the browser logged: {line}"
        );
    }
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("{v} is not a count"))
}

#[test]
fn the_sample_report_in_a_headless_browser() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dir = scratch("html-browser");
    let html = dir.join("report.html");
    let args = ["rules/brand.rules", "creators.json", "--near-misses", "10"];
    let o = run(&[&args[..], &["--format", "html", "--output", p(&html)]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = json_of(&run(&[&args[..], &["--format", "json"]].concat()));
    let url = format!("file://{}", p(&html));
    let profile = dir.join("profile");

    let page = load(&browser, &profile, &url);
    no_script_errors(&page, "JS on");
    let dom = &page.dom;
    assert!(
        dom.contains("data-js=\"ready\""),
        "the script did not run:\n{dom}"
    );
    for key in ["evaluated", "accepted", "review", "rejected", "errors"] {
        assert_eq!(count_of(dom, key), u(&expected[key]), "{key}");
    }
    let funnel = part(dom, "id=\"funnel-table\"", "</table>");
    for step in expected["funnel"].as_array().expect("funnel") {
        let rule = step["rule"].as_str().expect("rule");
        let row = part(funnel, &format!("<tr data-rule=\"{rule}\">"), "</tr>");
        let removed = number(row, "<td class=\"num removed\">");
        let remaining = number(row, "<td class=\"num remaining\">");
        assert_eq!(
            (removed, remaining),
            (u(&step["removed"]), u(&step["remaining"])),
            "{rule}"
        );
        // and the chart says the same
        assert!(
            dom.contains(&format!(
                "<title>{rule}: removed {removed}, {remaining} remain</title>"
            )),
            "{rule} in the funnel chart"
        );
    }
    let shortlist: Vec<(String, f64)> = expected["shortlist"]
        .as_array()
        .expect("shortlist")
        .iter()
        .map(|e| {
            (
                e["id"].as_str().expect("id").to_string(),
                e["score"].as_f64().expect("score"),
            )
        })
        .collect();
    let ranked: Vec<String> = shortlist.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids(dom, "rows"), ranked);
    let near: Vec<&str> = expected["near_misses"]
        .as_array()
        .expect("near misses")
        .iter()
        .map(|n| n["id"].as_str().expect("id"))
        .collect();
    assert!(!near.is_empty());
    assert_eq!(ids(dom, "near-misses"), near);
    // the script turned each heading into a button
    assert!(part(dom, "id=\"rows\"", "</thead>").contains("<button type=\"button\">score"));

    // sorting: by score, lowest first (ties keep rank order), and by id
    let page = load(&browser, &profile, &format!("{url}#sort=score-asc"));
    no_script_errors(&page, "#sort=score-asc");
    let mut by_score = shortlist.clone();
    by_score.sort_by(|a, b| a.1.total_cmp(&b.1));
    let by_score: Vec<String> = by_score.into_iter().map(|(id, _)| id).collect();
    assert_ne!(by_score, ranked, "the test needs an order that differs");
    assert_eq!(ids(&page.dom, "rows"), by_score);
    assert!(page.dom.contains("data-sorted=\"score-asc\""));
    assert!(page
        .dom
        .contains("data-key=\"score\" data-type=\"num\" class=\"num\" aria-sort=\"ascending\""));
    let page = load(&browser, &profile, &format!("{url}#sort=id-desc"));
    let mut by_id = ranked.clone();
    by_id.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids(&page.dom, "rows"), by_id);

    // scripts off: everything is there but the sorting, in rank order
    let off = without_scripts(&html);
    let page = load(
        &browser,
        &profile,
        &format!("file://{}#sort=score-asc", p(&off)),
    );
    // the browser says it blocked the page's two scripts, and nothing else
    let console: Vec<&str> = page.log.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert_eq!(console.len(), 2, "{console:#?}");
    assert!(console
        .iter()
        .all(|l| l.contains("violates the following Content Security Policy")));
    let dom = &page.dom;
    assert!(!dom.contains("data-js="), "scripts ran with scripts off");
    assert_eq!(count_of(dom, "accepted"), u(&expected["accepted"]));
    assert_eq!(ids(dom, "rows"), ranked);
    assert!(!dom.contains("<button"));
    assert!(dom.contains("id=\"funnel-chart\""));
    assert!(dom.contains("id=\"score-chart\""));
    assert!(dom.contains("silver ≥ 0.5"));
}

#[test]
fn a_creator_named_script_is_text_in_the_browser() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dir = scratch("html-escape");
    let rules = write(
        &dir,
        "x.rules",
        "require big: followers >= 10 else \"<b>too small</b>\"\nsignal s = followers / 100\n",
    );
    let data = write(
        &dir,
        "x.json",
        r#"[{"handle": "<script>document.title='pwned'</script>", "followers": 50},
            {"handle": "\"><img src=x onerror=\"document.title='pwned'\">", "followers": 40},
            {"handle": "<i>small</i>", "followers": 5}]"#,
    );
    let html = dir.join("x.html");
    let o = run(&[
        "run",
        p(&rules),
        p(&data),
        "--format",
        "html",
        "--output",
        p(&html),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = load(
        &browser,
        &dir.join("profile"),
        &format!("file://{}", p(&html)),
    );
    no_script_errors(&page, "escaping");
    let dom = &page.dom;
    assert!(!dom.contains("pwned</title>"), "an injected script ran");
    assert_eq!(
        dom.matches("<script").count(),
        2,
        "only the page's own scripts"
    );
    assert!(!dom.contains("<img") && !dom.contains("<i>small") && !dom.contains("<b>too"));
    assert_eq!(
        ids(dom, "rows"),
        [
            "<script>document.title='pwned'</script>",
            "\"><img src=x onerror=\"document.title='pwned'\">"
        ]
    );
    assert!(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;</td>"));
    assert!(dom.contains("&lt;i&gt;small&lt;/i&gt;</td>"));

    // a fragment a link could carry: malformed escapes and odd keys are
    // ignored (the table stays in rank order), never a script error
    for fragment in [
        "#sort=%E0-asc",
        "#sort=%-desc",
        "#sort=column:%3Cscript%3E-asc",
        "#sort=column:<script>alert(1)</script>-desc",
        "#sort=",
        "#sort=-",
    ] {
        let page = load(
            &browser,
            &dir.join("profile"),
            &format!("file://{}{fragment}", p(&html)),
        );
        no_script_errors(&page, fragment);
        assert!(page.dom.contains("data-js=\"ready\""), "{fragment}");
        assert!(!page.dom.contains("data-sorted="), "{fragment}");
    }
}

#[test]
fn html_is_refused_on_a_terminal() {
    // `script` gives the command a terminal for standard output
    let Some(script) = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join("script"))
            .find(|c| c.is_file())
    }) else {
        eprintln!(
            "*** SKIPPED: `script` (util-linux) is needed to give the command a terminal ***"
        );
        return;
    };
    let bin = env!("CARGO_BIN_EXE_influence-eval");
    let command = format!("{bin} rules/brand.rules creators.json --format html");
    let o = Command::new(script)
        .args(["-qec", &command, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run script");
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(
        text.contains("--format html writes a file to open in a browser"),
        "{text}"
    );
    assert!(text.contains("add --output report.html"), "{text}");
    assert!(!text.contains("<html"), "{text}");
}

#[test]
fn html_goes_to_a_file_or_a_pipe_whole() {
    let dir = scratch("html-file");
    let html = dir.join("r.html");
    let o = run(&[
        "rules/brand.rules",
        "creators.json",
        "--format",
        "html",
        "--output",
        p(&html),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let written = std::fs::read_to_string(&html).expect("the page");
    assert!(written.starts_with("<!DOCTYPE html>"));
    assert!(written.trim_end().ends_with("</html>"));
    // nothing is fetched: the page forbids it, and names no URL to fetch
    assert!(written.contains("content=\"default-src 'none';"));
    for fetch in ["src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!written.contains(fetch), "{fetch}");
    }
    // piped (not a terminal), the page goes to standard output
    let o = run(&["rules/brand.rules", "creators.json", "--format", "html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), written);
}

#[test]
fn long_names_and_ids_do_not_widen_the_page() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dir = scratch("html-long");
    let long = "L".repeat(300);
    let rules = write(
        &dir,
        "long.rules",
        format!("ruleset \"{long}\"\nrequire big: followers >= 10\nsignal s = followers / 100\n"),
    );
    let id = "x".repeat(400);
    let data = write(
        &dir,
        &format!("{}.json", "d".repeat(200)),
        format!(
            r#"[{{"handle": "{id}", "followers": 50}}, {{"handle": "{id}y", "followers": 9}},
                {{"handle": "{id}z", "followers": "many"}}]"#
        ),
    );
    let html = dir.join("long.html");
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "html",
        "--output",
        p(&html),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // a copy that writes the page's width and the window's into the DOM
    let page = std::fs::read_to_string(&html).expect("the page");
    let measure = "<script>document.documentElement.setAttribute('data-width', \
                   document.documentElement.scrollWidth + ' ' + window.innerWidth);</script></body>";
    let copy = dir.join("measured.html");
    std::fs::write(&copy, page.replace("</body>", measure)).expect("write the copy");
    let page = load(
        &browser,
        &dir.join("profile"),
        &format!("file://{}", p(&copy)),
    );
    let at = page.dom.find("data-width=\"").expect("the widths") + "data-width=\"".len();
    let width = &page.dom[at..at + page.dom[at..].find('"').expect("a closing quote")];
    let (page_width, window) = width
        .split_once(' ')
        .map(|(a, b)| (a.parse::<u64>().expect("px"), b.parse::<u64>().expect("px")))
        .expect("two widths");
    assert!(
        page_width <= window,
        "the page is {page_width}px wide in a {window}px window"
    );
}

#[test]
fn a_select_team_is_the_shortlist_with_a_team_section() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dir = scratch("html-team");
    let html = dir.join("team.html");
    let args = ["rules/team.rules", "creators.json"];
    let o = run(&[&args[..], &["--format", "html", "--output", p(&html)]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = json_of(&run(&[&args[..], &["--format", "json"]].concat()));
    let page = load(
        &browser,
        &dir.join("profile"),
        &format!("file://{}", p(&html)),
    );
    no_script_errors(&page, "team");
    let dom = &page.dom;
    // the rows are the team, in rank order, as json's shortlist
    let team: Vec<String> = expected["shortlist"]
        .as_array()
        .expect("shortlist")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(team.len(), 12);
    assert_eq!(ids(dom, "rows"), team);
    let t = &expected["team"];
    assert_eq!(number(dom, "<dd id=\"team-asked\">"), u(&t["size"]));
    assert_eq!(number(dom, "<dd id=\"team-chosen\">"), u(&t["chosen"]));
    assert_eq!(number(dom, "<dd id=\"team-eligible\">"), u(&t["eligible"]));
    assert_eq!(
        number(dom, "<dd id=\"team-ineligible\">"),
        u(&t["ineligible"])
    );
    assert_eq!(
        part(dom, "<dd id=\"team-total\">", "</"),
        "<dd id=\"team-total\">9.302"
    );
    assert_eq!(
        part(dom, "<dd id=\"team-status\">", "</"),
        "<dd id=\"team-status\">optimal"
    );
    let constraints = part(dom, "id=\"team-constraints\"", "</table>");
    for c in t["constraints"].as_array().expect("constraints") {
        let text = c["constraint"].as_str().expect("text");
        let shown = text
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let row = part(constraints, &format!("<code>{shown}</code>"), "</tr>");
        let binding = if c["binding"] == true {
            "<td>binding</td>"
        } else {
            "<td>not binding</td>"
        };
        assert!(row.contains(binding), "{text}: {row}");
        if let Some(groups) = c["groups"].as_array() {
            let first = &groups[0];
            let shown = format!(
                "{} {}",
                first["value"].as_str().expect("value"),
                first["count"]
            );
            assert!(row.contains(&shown), "{text}: {row} lacks {shown}");
        }
    }
    // the budget's use as json gives it
    let used = t["constraints"][0]["used"].as_f64().expect("used");
    assert!(
        constraints.contains(&format!("<td>{used} of 900</td>")),
        "{constraints}"
    );
    let ineligible = part(dom, "id=\"team-left-out\"", "</ul>");
    assert!(
        ineligible.contains("hannah_cruz: `country` is missing"),
        "{ineligible}"
    );
    assert!(part(dom, "id=\"team-notes\"", "</ul>").contains("cannot join the team"));
}
