//! Fields the rules read, checked against the data: a path that no record
//! has is most likely a typo, reported with the closest field that records
//! do have.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value as Json;

use crate::compile::Program;
use crate::data::Rec;
use crate::diagnostic::did_you_mean;
use crate::language::path_syntax;
use crate::report::rows::Column;

/// Watches records go by and remembers which field paths were ever present.
#[derive(Debug, Default)]
pub struct FieldCensus {
    paths: Vec<Vec<String>>,
    found: Vec<bool>,
    unfound: usize,
    /// Keys seen under each parent path that an unfound field hangs from.
    keys: HashMap<Vec<String>, BTreeSet<String>>,
    /// The index in `paths` of `--id-field`'s path, checked on its own.
    id_path: Option<usize>,
    /// The indices in `paths` of the `--columns`, checked on their own,
    /// each with its name and the whole name tried as one key first.
    columns: Vec<(usize, String, Option<String>)>,
}

impl FieldCensus {
    /// A census of the fields `program` reads.
    pub fn new(program: &Program) -> Self {
        let paths = program.fields.clone();
        let n = paths.len();
        let mut keys = HashMap::new();
        for p in &paths {
            keys.entry(p[..p.len() - 1].to_vec())
                .or_insert_with(BTreeSet::new);
        }
        FieldCensus {
            paths,
            found: vec![false; n],
            unfound: n,
            keys,
            id_path: None,
            columns: Vec::new(),
        }
    }

    /// Also watches for the `--columns` ([`FieldCensus::columns_missing`]).
    pub fn with_columns(mut self, columns: &[Column]) -> Self {
        for c in columns {
            self.keys
                .entry(c.path[..c.path.len() - 1].to_vec())
                .or_default();
            self.columns
                .push((self.paths.len(), c.name.clone(), c.whole.clone()));
            self.paths.push(c.path.clone());
            self.found.push(false);
            self.unfound += 1;
        }
        self
    }

    /// When some `--columns` name a field no record has: what to say, and
    /// the help naming, for each, the closest fields the records have.
    pub fn columns_missing(&self) -> Option<(String, String)> {
        let missing: Vec<&(usize, String, Option<String>)> =
            self.columns.iter().filter(|c| !self.found[c.0]).collect();
        if missing.is_empty() {
            return None;
        }
        let names: Vec<String> = missing.iter().map(|c| format!("`{}`", c.1)).collect();
        let message = format!(
            "no record has the column{} {}",
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        );
        let mut help = Vec::new();
        for (i, name, _) in missing {
            let p = &self.paths[*i];
            let parent = &p[..p.len() - 1];
            let last = p.last().expect("paths are never empty");
            let seen = self.keys.get(parent);
            if seen.is_some_and(|s| s.contains(last)) {
                // the key is there, only ever null: no other name to offer
                help.push(format!(
                    "for `{name}`, the records that have `{}` all have it null (empty)",
                    prefixed(parent, last)
                ));
                continue;
            }
            let near = seen.and_then(|s| did_you_mean(last, s.iter().map(String::as_str)));
            let mut some: Vec<String> = seen
                .map(|s| s.iter().take(12).map(|k| prefixed(parent, k)).collect())
                .unwrap_or_default();
            if let Some(n) = near {
                some.retain(|k| *k != prefixed(parent, n));
                some.insert(0, prefixed(parent, n));
            }
            help.push(match (near, some.is_empty()) {
                (Some(n), _) => format!(
                    "for `{name}`, did you mean `{}`? the records' fields there include {}",
                    prefixed(parent, n),
                    some.join(", ")
                ),
                (None, false) => format!(
                    "for `{name}`, the records' fields there include {}",
                    some.join(", ")
                ),
                (None, true) => format!("for `{name}`, the records have no fields there"),
            });
        }
        Some((message, help.join("; ")))
    }

    /// Also watches for `--id-field`'s dotted path ([`FieldCensus::id_missing`]).
    pub fn with_id_field(mut self, id_field: Option<&str>) -> Self {
        if let Some(f) = id_field {
            let path: Vec<String> = f.split('.').map(str::to_string).collect();
            self.keys
                .entry(path[..path.len() - 1].to_vec())
                .or_default();
            self.id_path = Some(self.paths.len());
            self.paths.push(path);
            self.found.push(false);
            self.unfound += 1;
        }
        self
    }

    /// When no record had `--id-field`: what to say, and the help naming
    /// the closest field the records have.
    pub fn id_missing(&self) -> Option<(String, String)> {
        let i = self.id_path?;
        if self.found[i] {
            return None;
        }
        let p = &self.paths[i];
        let seen = self.keys.get(&p[..p.len() - 1]);
        let names = || seen.map(|s| s.iter().map(String::as_str));
        let last = p.last().expect("paths are never empty");
        let message = format!("no record has the id field `{}`", p.join("."));
        let mut help = match names().and_then(|n| did_you_mean(last, n)) {
            Some(close) => format!("did you mean `{close}`? "),
            None => String::new(),
        };
        let some: Vec<&str> = names().map(|n| n.take(12).collect()).unwrap_or_default();
        if some.is_empty() {
            help.push_str("the records have no fields there");
        } else {
            help.push_str(&format!(
                "the records' fields there include {}",
                some.join(", ")
            ));
        }
        Some((message, help))
    }

    /// Notes which fields one record has. Costs nothing once every field was seen.
    pub fn observe(&mut self, record: Rec) {
        if self.unfound == 0 {
            return;
        }
        for (i, p) in self.paths.iter().enumerate() {
            let whole = || {
                self.columns
                    .iter()
                    .find(|c| c.0 == i)
                    .and_then(|c| c.2.as_deref())
                    .and_then(|w| record.get(w))
            };
            let present = |v: Option<&Json>| v.is_some_and(|v| !v.is_null());
            if !self.found[i] && (present(record.at(p)) || present(whole())) {
                self.found[i] = true;
                self.unfound -= 1;
            }
        }
        if self.unfound == 0 {
            return;
        }
        for (parent, seen) in self.keys.iter_mut() {
            let mut note = |k: &str| {
                if !seen.contains(k) {
                    seen.insert(k.to_string());
                }
            };
            if parent.is_empty() {
                record.entries().for_each(|(k, _)| note(k));
            } else if let Some(Json::Object(m)) = record.at(parent) {
                m.keys().for_each(|k| note(k));
            }
        }
    }

    /// True when some record had the top-level field `name` (one the rules
    /// read), not null.
    pub fn has_field(&self, name: &str) -> bool {
        self.paths
            .iter()
            .zip(&self.found)
            .any(|(p, &found)| found && p.len() == 1 && p[0] == name)
    }

    /// True while some field has not been seen: only then do the names of
    /// a record's other fields matter (for "did you mean").
    pub fn wants_keys(&self) -> bool {
        self.unfound > 0
    }

    /// Notes the top-level field names a sparse decode skipped.
    pub fn observe_unread(&mut self, keys: &[String]) {
        if self.unfound == 0 || keys.is_empty() {
            return;
        }
        if let Some(seen) = self.keys.get_mut(&Vec::new()) {
            for k in keys {
                if !seen.contains(k) {
                    seen.insert(k.clone());
                }
            }
        }
    }

    /// Adds what another census (of other records of the same run) saw.
    pub fn merge(&mut self, other: &FieldCensus) {
        for (i, found) in other.found.iter().enumerate() {
            if *found && !self.found[i] {
                self.found[i] = true;
                self.unfound -= 1;
            }
        }
        for (parent, seen) in &other.keys {
            if let Some(mine) = self.keys.get_mut(parent) {
                mine.extend(seen.iter().cloned());
            }
        }
    }

    /// One warning for each field no record had.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, p) in self.paths.iter().enumerate() {
            if self.found[i] || self.id_path == Some(i) || self.columns.iter().any(|c| c.0 == i) {
                continue;
            }
            let name = path_syntax(p);
            let parent = &p[..p.len() - 1];
            let last = p.last().expect("paths are never empty");
            let suggestion = self
                .keys
                .get(parent)
                .and_then(|seen| did_you_mean(last, seen.iter().map(String::as_str)));
            out.push(match suggestion {
                Some(s) => {
                    let mut full = parent.to_vec();
                    full.push(s.to_string());
                    format!(
                        "`{name}` appears in no record; did you mean `{}`?",
                        path_syntax(&full)
                    )
                }
                None => format!("`{name}` appears in no record"),
            });
        }
        out
    }
}

/// `key` under `parent` as `--columns` reads it back: a dotted path, with
/// a key that holds a comma, a bracket, a quote or (below the top, where
/// a whole name is not tried) a dot written in brackets, `n["e.mail"]`.
fn prefixed(parent: &[String], key: &str) -> String {
    let mut out = String::new();
    let key = key.to_string();
    for (i, k) in parent.iter().chain(std::iter::once(&key)).enumerate() {
        let odd = k.contains([',', '[', ']', '"', '\\'])
            || k.trim() != k
            || (k.contains('.') && !parent.is_empty());
        if odd {
            let escaped = k.replace('\\', "\\\\").replace('"', "\\\"");
            out.push_str(&format!("[\"{escaped}\"]"));
        } else {
            if i > 0 {
                out.push('.');
            }
            out.push_str(k);
        }
    }
    out
}
