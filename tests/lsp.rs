//! `influence-eval lsp` driven as an editor drives it: JSON-RPC over the
//! binary's standard input and output (initialize, didOpen, didChange,
//! hover, definition, references, completion, formatting, codeLens,
//! documentSymbol, codeAction, shutdown, exit), each answer checked.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::{scratch, write, BIN};

/// The server under test: this build's binary, or the one named by
/// `INFLUENCE_EVAL_LSP_BIN`, relative to the repository (`.ci/run` times a release build with it, as a
/// user runs it; a debug build parses several times slower).
fn server() -> String {
    match std::env::var("INFLUENCE_EVAL_LSP_BIN") {
        // relative to the repository: the server runs in a scratch folder
        Ok(bin) => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(bin)
            .display()
            .to_string(),
        Err(_) => BIN.to_string(),
    }
}

/// Longest wait for any answer: a debug build on a busy machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// An editor's end of the connection.
struct Editor {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications that came while waiting for something else.
    held: Vec<Value>,
    next_id: i64,
}

impl Editor {
    /// Starts the server in `root` and initializes it.
    fn start(root: &Path, options: Value) -> Editor {
        let mut child = Command::new(server())
            .args(["lsp", "--stdio"])
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(m) = read_message(&mut r) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut e = Editor {
            child,
            stdin,
            messages: rx,
            held: Vec::new(),
            next_id: 1,
        };
        let init = e.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": {}, "initializationOptions": options}),
        );
        assert!(
            init["capabilities"]["hoverProvider"]
                .as_bool()
                .unwrap_or(false),
            "{init}"
        );
        e.notify("initialized", json!({}));
        e
    }

    fn send(&mut self, m: Value) {
        let body = m.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("sent");
        self.stdin.flush().expect("flushed");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(PATIENCE)
            .expect("the server answers in time")
    }

    /// Sends a request and waits for its result (an error fails the test).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.next();
            if m["id"] == json!(id) {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
            self.held.push(m);
        }
    }

    /// Waits for the diagnostics of `uri` at `version`; returns them and
    /// when they came.
    fn diagnostics(&mut self, uri: &str, version: i64) -> (Vec<Value>, Instant) {
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        };
        if let Some(i) = self.held.iter().position(matches) {
            let m = self.held.remove(i);
            return (array(&m["params"]["diagnostics"]), Instant::now());
        }
        loop {
            let m = self.next();
            if matches(&m) {
                return (array(&m["params"]["diagnostics"]), Instant::now());
            }
        }
    }

    /// Waits for the diagnostics of `uri` without a version (a closed file's).
    fn cleared(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let m = self.next();
            if m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"].get("version").is_none_or(Value::is_null)
            {
                return array(&m["params"]["diagnostics"]);
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "influence-rules", "version": 1, "text": text}}),
        );
        self.diagnostics(uri, 1).0
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// A request about the place of the `nth` `needle` in `text` (its
    /// first character, plus `into` characters).
    fn at(&mut self, method: &str, uri: &str, text: &str, needle: &str, into: u32) -> Value {
        let pos = position(text, needle, into);
        let mut params = json!({"textDocument": {"uri": uri}, "position": pos});
        if method == "textDocument/references" {
            params["context"] = json!({"includeDeclaration": true});
        }
        self.request(method, params)
    }

    /// Shuts the server down as an editor does; it exits 0.
    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.is_null());
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("waited") {
                assert!(status.success(), "exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn array(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// The text of `key` in each element of the array `v`.
fn strings(v: &Value, key: &str) -> Vec<String> {
    array(v)
        .iter()
        .filter_map(|x| x[key].as_str().map(str::to_string))
        .collect()
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// The line and UTF-16 column of the first `needle` in `text`, plus `into`.
fn position(text: &str, needle: &str, into: u32) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in the text"));
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let col: usize = text[start..at].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": col as u32 + into})
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

const SAMPLE: &str = r#"{"handle": "ana", "followers": 4200, "engagement_rate": 0.06, "niches": ["beauty"], "country": "US", "audience": {"female_share": 0.7}}
{"handle": "ben", "followers": 512, "engagement_rate": 0.02, "niches": ["travel"], "country": "FR", "audience": {"female_share": 0.4}}
{"handle": "cal", "followers": 9100, "engagement_rate": 0.05, "niches": ["skincare", "beauty"], "country": "GB"}
"#;

const RULES: &str = r#"# data: sample.ndjson
ruleset "Glow reps"

let beauty = ["skincare", "beauty", "makeup"]

require micro: followers between 1k and 10k
require market: country in ["US", "CA", "GB"]

signal engagement weight 3 = engagement_rate / 8%
signal niche = overlap(niches, beauty) / len(beauty)

tier gold when score >= 0.6
tier silver otherwise

example "a tiny account is turned away" {
  creator { handle: "a", followers: 500, engagement_rate: 6%, niches: ["beauty"], country: "US" }
  expect rejected by micro
}

example "a good fit is gold" {
  creator { handle: "b", followers: 5000, engagement_rate: 8%, niches: ["beauty", "skincare"], country: "US" }
  expect tier gold
}
"#;

#[test]
fn a_valid_file_is_answered_from_its_names_and_the_sample() {
    let dir = scratch("lsp-valid");
    write(&dir, "sample.ndjson", SAMPLE);
    let path = write(&dir, "brand.rules", RULES);
    let u = uri(&path);
    let mut ed = Editor::start(&dir, json!({}));
    assert_eq!(ed.open(&u, RULES), Vec::<Value>::new());

    let h = ed.at("textDocument/hover", &u, RULES, "overlap(", 1);
    let text = h["contents"]["value"].as_str().expect("markdown");
    assert!(
        text.contains("overlap(list, list)") && text.contains("distinct"),
        "{text}"
    );
    let h = ed.at("textDocument/hover", &u, RULES, "10k", 1);
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("`10k` = 10,000"),
        "{h}"
    );
    let h = ed.at("textDocument/hover", &u, RULES, "engagement weight", 2);
    let text = h["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("weight 3 of 4: 75% of the score"), "{text}");
    let h = ed.at("textDocument/hover", &u, RULES, "followers between", 0);
    let text = h["contents"]["value"].as_str().unwrap_or("");
    assert!(
        text.contains("in 3 of 3 records of sample.ndjson"),
        "{text}"
    );
    assert!(text.contains("number: 3, from 512 to 9,100"), "{text}");

    let d = ed.at("textDocument/definition", &u, RULES, "beauty)", 0);
    assert_eq!(d["range"]["start"], position(RULES, "beauty =", 0));
    let refs = ed.at("textDocument/references", &u, RULES, "micro:", 0);
    assert_eq!(array(&refs).len(), 2, "{refs}");
    let refs = ed.at("textDocument/references", &u, RULES, "gold when", 0);
    assert_eq!(array(&refs).len(), 2, "{refs}");

    let items = ed.at("textDocument/completion", &u, RULES, "engagement_rate /", 3);
    let labels = strings(&items, "label");
    for want in [
        "overlap",
        "beauty",
        "engagement",
        "require",
        "audience.female_share",
        "followers",
    ] {
        assert!(labels.iter().any(|l| l == want), "{want} in {labels:?}");
    }
    let overlap = array(&items)
        .into_iter()
        .find(|i| i["label"] == "overlap")
        .expect("overlap");
    assert_eq!(overlap["detail"], "overlap(list, list)");

    let symbols = ed.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    let names = strings(&symbols, "name");
    assert_eq!(
        names,
        [
            "Glow reps",
            "beauty",
            "micro",
            "market",
            "engagement",
            "niche",
            "gold",
            "silver",
            "a tiny account is turned away",
            "a good fit is gold"
        ]
    );

    let lenses = ed.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
    let titles: Vec<String> = array(&lenses)
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        titles[0],
        "screen the sample (3 records of sample.ndjson): 2 accepted · 0 review · 1 rejected"
    );
    assert!(
        titles[1].starts_with("run: ✓ passes (status rejected"),
        "{titles:?}"
    );
    assert!(
        titles[2].starts_with("run: ✓ passes (status accepted"),
        "{titles:?}"
    );
    ed.shutdown();
}

#[test]
fn completion_after_a_dot_offers_the_keys_under_the_path() {
    let dir = scratch("lsp-dotted");
    write(&dir, "sample.ndjson", SAMPLE);
    let text = "# data: sample.ndjson\nrequire a: audience.\n";
    let path = write(&dir, "a.rules", text);
    let u = uri(&path);
    let mut ed = Editor::start(&dir, json!({}));
    ed.open(&u, text);
    let items = ed.at("textDocument/completion", &u, text, "audience.", 9);
    let labels: Vec<Value> = array(&items).iter().map(|i| i["label"].clone()).collect();
    assert_eq!(labels, [json!("female_share")]);
    // a lambda's parameter, in a declaration that does not parse yet
    let text = "signal a = count(posts, p => p.likes > 1 and ";
    ed.change(&u, 2, text);
    let items = ed.at("textDocument/completion", &u, text, "and ", 4);
    assert!(
        array(&items)
            .iter()
            .any(|i| i["label"] == "p" && i["detail"] == "lambda parameter"),
        "{items}"
    );
    ed.shutdown();
}

const BROKEN: &str = r#"let beauty = ["skincare", "beauty"]
require micro: followers between 1k and 10k
signal voice = lowr(bio) == "skincare"
require big: followers >= 1k AND engagement_rate > 2%
require us: country = "US"
example "x" {
  creator { followers: 5 }
  expect rejected by micor
}
"#;

#[test]
fn a_file_full_of_errors_gets_checks_diagnostics_and_quick_fixes() {
    let dir = scratch("lsp-broken");
    let path = write(&dir, "broken.rules", BROKEN);
    let u = uri(&path);
    let mut ed = Editor::start(&dir, json!({}));
    let diags = ed.open(&u, BROKEN);
    // the same diagnostics as `check --error-format json`: codes and places
    let out = Command::new(BIN)
        .args(["check", "--error-format", "json"])
        .arg(&path)
        .output()
        .expect("check runs");
    let cli: Vec<Value> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let mut from_cli: Vec<(String, u64, u64)> = cli
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0) - 1,
                d["column"].as_u64().unwrap_or(0) - 1,
            )
        })
        .collect();
    let mut from_lsp: Vec<(String, u64, u64)> = diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["range"]["start"]["line"].as_u64().unwrap_or(0),
                d["range"]["start"]["character"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    from_cli.sort();
    from_lsp.sort();
    assert_eq!(from_lsp, from_cli);
    assert!(from_lsp.len() >= 4, "{from_lsp:?}");
    let unknown = diags
        .iter()
        .find(|d| d["code"] == "influence::unknown-function")
        .expect("lowr");
    assert!(
        unknown["message"]
            .as_str()
            .unwrap_or("")
            .contains("help: did you mean `lower`?"),
        "{unknown}"
    );
    assert_eq!(unknown["severity"], 1);
    assert_eq!(unknown["source"], "influence-eval");

    // a quick fix for each "did you mean", `=` and `AND`
    for (needle, was_len, fix) in [
        ("lowr", 4, "lower"),
        ("AND", 3, "and"),
        ("= \"US\"", 1, "=="),
        ("micor", 5, "micro"),
    ] {
        let start = position(BROKEN, needle, 0);
        let end = position(BROKEN, needle, was_len);
        let actions = ed.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": u}, "range": {"start": start, "end": end}, "context": {"diagnostics": []}}),
        );
        let edits = array(&actions)
            .iter()
            .flat_map(|a| array(&a["edit"]["changes"][&u]))
            .collect::<Vec<_>>();
        assert!(
            edits.iter().any(|e| e["newText"] == fix
                && e["range"]["start"] == start
                && e["range"]["end"] == end),
            "{needle}: {actions}"
        );
    }
    // formatting a file that does not parse changes nothing
    let f = ed.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert!(f.is_null(), "{f}");
    ed.shutdown();
}

#[test]
fn a_file_edited_into_and_out_of_validity() {
    let dir = scratch("lsp-edits");
    write(&dir, "sample.ndjson", SAMPLE);
    let valid = "# data: sample.ndjson\nrequire micro: followers between 1k and 10k\n";
    let path = write(&dir, "e.rules", valid);
    let u = uri(&path);
    let mut ed = Editor::start(&dir, json!({}));
    assert!(ed.open(&u, valid).is_empty());
    let typo = valid.replace("followers between", "folowers between");
    ed.change(&u, 2, &typo);
    let (d, _) = ed.diagnostics(&u, 2);
    // a field no record of the sample has: the closest one offered, as a fix
    assert_eq!(codes(&d), ["influence::unknown-field"]);
    assert_eq!(d[0]["severity"], 2);
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("did you mean `followers`?"),
        "{d:?}"
    );
    let broken = valid.replace("between 1k and", "between 1k");
    ed.change(&u, 3, &broken);
    let (d, _) = ed.diagnostics(&u, 3);
    assert_eq!(codes(&d), ["influence::parse"]);
    ed.change(&u, 4, valid);
    assert!(ed.diagnostics(&u, 4).0.is_empty());
    // closing a file with diagnostics clears them
    ed.change(&u, 6, &broken);
    assert_eq!(codes(&ed.diagnostics(&u, 6).0), ["influence::parse"]);
    ed.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    assert!(ed.cleared(&u).is_empty());
    ed.open(&u, valid);
    // formatting the valid text gives `fmt`'s layout
    let messy = "require   micro:followers between 1k and 10k\n";
    ed.change(&u, 5, messy);
    ed.diagnostics(&u, 5);
    let edits = ed.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = array(&edits);
    assert_eq!(edits.len(), 1);
    let formatted = std::fs::read_to_string(write(&dir, "f.rules", messy)).and_then(|_| {
        let out = Command::new(BIN)
            .arg("fmt")
            .arg(dir.join("f.rules"))
            .output()?;
        assert!(out.status.success());
        std::fs::read_to_string(dir.join("f.rules"))
    });
    assert_eq!(edits[0]["newText"].as_str(), formatted.ok().as_deref());
    ed.shutdown();
}

/// A generated rules file of `lines` lines: lets, requirements, signals.
fn long_rules(lines: usize) -> String {
    let mut s = String::from("ruleset \"long\"\n");
    let mut i = 0;
    while s.lines().count() < lines {
        s.push_str(&format!("let l{i} = followers * {i} + engagement_rate\n"));
        s.push_str(&format!(
            "require r{i}: l{i} >= {i} or country in [\"US\", \"GB\"]\n"
        ));
        s.push_str(&format!(
            "signal s{i} weight {} = clamp(l{i} / 10k, 0, 1)\n",
            i % 5 + 1
        ));
        i += 1;
    }
    s
}

#[test]
fn diagnostics_follow_an_edit_of_a_thousand_line_file() {
    let dir = scratch("lsp-long");
    let text = long_rules(1000);
    assert!(text.lines().count() >= 1000);
    let path = write(&dir, "long.rules", &text);
    let u = uri(&path);
    let mut ed = Editor::start(&dir, json!({}));
    assert!(ed.open(&u, &text).is_empty());
    let mut times = Vec::new();
    for (version, typo) in [(2, "clamb(l100 "), (3, "clamp(l100 ")] {
        let edited = text.replace("clamp(l100 ", typo);
        let sent = Instant::now();
        ed.change(&u, version, &edited);
        let (d, came) = ed.diagnostics(&u, version);
        times.push(came - sent);
        assert_eq!(d.len(), usize::from(typo.starts_with("clamb")), "{d:?}");
    }
    println!(
        "lsp ({}): didChange to publishDiagnostics on a {}-line file: {} ms (an error appears), {} ms (it goes); debounce {} ms included",
        server(),
        text.lines().count(),
        times[0].as_millis(),
        times[1].as_millis(),
        50
    );
    ed.shutdown();
}

#[test]
fn the_data_file_setting_names_the_sample() {
    let dir = scratch("lsp-setting");
    write(&dir, "sample.ndjson", SAMPLE);
    let text = "require micro: folowers between 1k and 10k\n";
    let path = write(&dir, "s.rules", text);
    let u = uri(&path);
    // no sample: a field is only a field
    let mut ed = Editor::start(&dir, json!({}));
    assert!(ed.open(&u, text).is_empty());
    // the setting, as VS Code sends its section: the sample is read, and the
    // open file checked again against it
    ed.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"influenceEval": {"dataFile": "sample.ndjson"}}}),
    );
    let (d, _) = ed.diagnostics(&u, 1);
    assert_eq!(codes(&d), ["influence::unknown-field"]);
    ed.shutdown();
    // the same, given when the server starts
    let mut ed = Editor::start(&dir, json!({"dataFile": "sample.ndjson"}));
    assert_eq!(codes(&ed.open(&u, text)), ["influence::unknown-field"]);
    let h = ed.at("textDocument/hover", &u, text, "folowers", 0);
    let shown = h["contents"]["value"].as_str().unwrap_or("");
    assert!(
        shown.contains("in no record of 3 records of sample.ndjson"),
        "{shown}"
    );
    ed.shutdown();
}
