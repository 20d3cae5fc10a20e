//! The sample data an editor shows beside the rules: the file a
//! `# data: FILE` comment at the top of a rules file names (relative to
//! it), else the server's `dataFile` setting. At most [`SAMPLE_RECORDS`]
//! records are read, through the same readers as `run`, and each field
//! path they hold is described: how many records have it, its kinds and
//! the range of its numbers.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::SystemTime;

use serde_json::Value as Json;

use crate::data::{self, Format, Record};

/// Records read from a sample file: enough to know the fields, and quick
/// to screen on every edit.
pub(crate) const SAMPLE_RECORDS: usize = 10_000;

/// Nesting followed into objects, and field paths kept at most.
const MAX_DEPTH: usize = 4;
const MAX_PATHS: usize = 5_000;

/// What the sample says about one field path.
#[derive(Clone, Debug, Default)]
pub(crate) struct FieldStats {
    /// Records holding a value there (not null).
    pub present: usize,
    /// Records holding null there.
    pub null: usize,
    /// How many values of each kind: number, string, bool, list, object.
    pub kinds: [usize; 5],
    /// The smallest and largest number seen.
    pub range: Option<(f64, f64)>,
    /// Up to three distinct strings seen.
    pub strings: Vec<String>,
}

const KIND_NAMES: [&str; 5] = ["number", "string", "bool", "list", "object"];

impl FieldStats {
    fn observe(&mut self, v: &Json) {
        let kind = match v {
            Json::Null => {
                self.null += 1;
                return;
            }
            Json::Number(n) => {
                if let Some(x) = n.as_f64() {
                    self.range = Some(match self.range {
                        Some((lo, hi)) => (lo.min(x), hi.max(x)),
                        None => (x, x),
                    });
                }
                0
            }
            Json::String(s) => {
                if self.strings.len() < 3 && !self.strings.contains(s) {
                    self.strings.push(crate::syntax::shorten(s));
                }
                1
            }
            Json::Bool(_) => 2,
            Json::Array(_) => 3,
            Json::Object(_) => 4,
        };
        self.present += 1;
        self.kinds[kind] += 1;
    }

    /// The kinds seen, most frequent first, with their counts.
    pub fn kinds(&self) -> Vec<(&'static str, usize)> {
        let mut out: Vec<(&'static str, usize)> = KIND_NAMES
            .iter()
            .zip(self.kinds)
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| (*k, n))
            .collect();
        out.sort_by_key(|k| std::cmp::Reverse(k.1));
        out
    }
}

/// A sample read from a data file.
#[derive(Debug)]
pub(crate) struct Sample {
    /// The file read.
    pub path: PathBuf,
    /// The records read whole (damaged ones are counted, not kept).
    pub records: Vec<Json>,
    /// Records that could not be read.
    pub damaged: usize,
    /// True when the file holds more than [`SAMPLE_RECORDS`] records.
    pub truncated: bool,
    /// Why reading stopped early, when it did.
    pub note: Option<String>,
    /// Every field path seen, with what was seen there.
    pub fields: BTreeMap<Vec<String>, FieldStats>,
}

impl Sample {
    /// Reads up to [`SAMPLE_RECORDS`] records of `path`.
    pub fn read(path: &Path) -> Result<Sample, String> {
        let file = data::open(path).map_err(|e| e.to_string())?;
        let stop = Rc::new(Cell::new(false));
        let reader = Bounded {
            inner: file,
            stop: stop.clone(),
        };
        let (mut records, mut damaged, mut seen) = (Vec::new(), 0, 0usize);
        let name = path.display().to_string();
        let read = data::read_from(&name, reader, format_of(path), &mut |r: Record| {
            seen += 1;
            if seen > SAMPLE_RECORDS {
                stop.set(true);
                return;
            }
            match r.item {
                Ok(v) => records.push(v),
                Err(_) => damaged += 1,
            }
        });
        let truncated = seen > SAMPLE_RECORDS || stop.get();
        let note = match read {
            Ok(_) => None,
            // stopped on purpose: the reader saw the end it was given
            Err(_) if truncated => None,
            Err(e) if records.is_empty() && damaged == 0 => return Err(e.to_string()),
            Err(e) => Some(e.to_string()),
        };
        let mut fields = BTreeMap::new();
        for r in &records {
            describe(r, &mut Vec::new(), &mut fields);
        }
        Ok(Sample {
            path: path.to_path_buf(),
            records,
            damaged,
            truncated,
            note,
            fields,
        })
    }

    /// What the sample holds at `path`, if any record has it.
    pub fn field(&self, path: &[String]) -> Option<&FieldStats> {
        self.fields.get(path)
    }

    /// True when some record has `path` (with a value or null).
    pub fn has(&self, path: &[String]) -> bool {
        self.fields.contains_key(path)
    }

    /// The keys seen directly under `parent` (the top level for `[]`).
    pub fn keys_under<'a>(&'a self, parent: &'a [String]) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .keys()
            .filter(move |k| k.len() == parent.len() + 1 && k.starts_with(parent))
            .filter_map(|k| k.last().map(String::as_str))
    }

    /// The file's name as shown: its last component.
    pub fn file_name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// `400 records of creators.json` (`the first 10,000 records of ...`).
    pub fn describe(&self) -> String {
        let n = crate::language::human::count(self.records.len());
        match self.truncated {
            true => format!("the first {n} records of {}", self.file_name()),
            false => format!("{n} records of {}", self.file_name()),
        }
    }
}

/// The format from the extension, as `run` takes it; else sniffed.
fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Format::parse(&ext)
}

fn describe(v: &Json, at: &mut Vec<String>, fields: &mut BTreeMap<Vec<String>, FieldStats>) {
    let Json::Object(map) = v else {
        return;
    };
    for (k, v) in map {
        at.push(k.clone());
        if fields.len() < MAX_PATHS || fields.contains_key(at.as_slice()) {
            fields.entry(at.clone()).or_default().observe(v);
            if at.len() < MAX_DEPTH {
                describe(v, at, fields);
            }
        }
        at.pop();
    }
}

/// A reader that ends as soon as `stop` is set: the sample has enough
/// records, and the rest of a large file is never read.
struct Bounded<R> {
    inner: R,
    stop: Rc<Cell<bool>>,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stop.get() {
            return Ok(0);
        }
        self.inner.read(buf)
    }
}

/// A sample as read, or why it could not be, shared by the documents
/// that name the same file.
pub(crate) type Shared = Rc<Result<Sample, String>>;

/// Samples already read, each kept while its file is unchanged.
#[derive(Default)]
pub(crate) struct SampleCache {
    read: BTreeMap<PathBuf, (Option<SystemTime>, Shared)>,
}

impl SampleCache {
    /// The sample of `path`, read again when the file changed.
    pub fn get(&mut self, path: &Path) -> Shared {
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        if let Some((when, sample)) = self.read.get(path) {
            if *when == modified && modified.is_some() {
                return sample.clone();
            }
        }
        let sample = Rc::new(Sample::read(path));
        self.read
            .insert(path.to_path_buf(), (modified, sample.clone()));
        sample
    }
}

/// The data file a `# data: FILE` comment names among the comments that
/// open a rules file, as written.
pub(crate) fn directive(text: &str) -> Option<&str> {
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let comment = line.strip_prefix('#')?.trim_start();
        if let Some(file) = comment.strip_prefix("data:") {
            let file = file.trim();
            return (!file.is_empty()).then_some(file);
        }
    }
    None
}

/// Where the sample of a rules file at `rules` comes from: its directive
/// (relative to the file), else `setting` (relative to `root`, the
/// workspace, else to the file).
pub(crate) fn sample_path(
    text: &str,
    rules: Option<&Path>,
    setting: Option<&str>,
    root: Option<&Path>,
) -> Option<PathBuf> {
    let dir = rules.and_then(Path::parent);
    if let Some(file) = directive(text) {
        let p = Path::new(file);
        return match (p.is_absolute(), dir) {
            (true, _) => Some(p.to_path_buf()),
            (false, Some(d)) => Some(d.join(p)),
            (false, None) => None,
        };
    }
    let p = Path::new(setting.filter(|s| !s.trim().is_empty())?.trim());
    if p.is_absolute() {
        return Some(p.to_path_buf());
    }
    root.or(dir).map(|d| d.join(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directive_is_read_from_the_opening_comments() {
        assert_eq!(
            directive("# data: creators.json\nlet a = 1"),
            Some("creators.json")
        );
        assert_eq!(
            directive("\n# Glow reps\n#   data:  x.csv  \n"),
            Some("x.csv")
        );
        assert_eq!(directive("let a = 1\n# data: late.json"), None);
        assert_eq!(directive("# data:\n"), None);
    }

    #[test]
    fn paths_are_relative_to_the_file_then_the_workspace() {
        let rules = Path::new("/w/rules/brand.rules");
        let got = sample_path("# data: ../c.json", Some(rules), None, None);
        assert_eq!(got, Some(PathBuf::from("/w/rules/../c.json")));
        let got = sample_path("", Some(rules), Some("c.json"), Some(Path::new("/w")));
        assert_eq!(got, Some(PathBuf::from("/w/c.json")));
        assert_eq!(sample_path("", Some(rules), None, None), None);
    }

    #[test]
    fn a_sample_describes_nested_fields_and_stops_at_the_bound() {
        let dir = std::env::temp_dir().join(format!("ie-sample-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let path = dir.join("c.ndjson");
        let mut text = String::new();
        for i in 0..SAMPLE_RECORDS + 5 {
            text.push_str(&format!(
                "{{\"handle\": \"h{i}\", \"followers\": {i}, \"audience\": {{\"female_share\": 0.5}}}}\n"
            ));
        }
        std::fs::write(&path, text).expect("written");
        let s = Sample::read(&path).expect("read");
        assert_eq!(s.records.len(), SAMPLE_RECORDS);
        assert!(s.truncated);
        let f = s.field(&["followers".to_string()]).expect("followers");
        assert_eq!(f.range, Some((0.0, (SAMPLE_RECORDS - 1) as f64)));
        assert!(s.has(&["audience".to_string(), "female_share".to_string()]));
        assert_eq!(
            s.keys_under(&["audience".to_string()]).collect::<Vec<_>>(),
            ["female_share"]
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
