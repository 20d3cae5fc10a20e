//! Writes N synthetic creators, deterministically, shaped like a real
//! platform export (about 560 bytes a record):
//!
//!     gen 1000000 bench/data/creators-1m.json     # a JSON array, one record a line
//!     gen 1000000 bench/data/creators-1m.ndjson   # NDJSON
//!     gen 1000000 bench/data/creators-1m.csv      # the same records as CSV
//!
//! Record i depends only on i (a splitmix64 stream seeded from i), so a
//! smaller file is a prefix of a larger one, in either format. The fields W1
//! reads (handle, followers, engagement_rate, niches, country,
//! link_clicks_30d, conversions_30d) are always present and well-formed; others
//! are sometimes absent or null (authenticity_score, email, audience), as in
//! real exports. The file is written to OUT.tmp and renamed when complete.
//!
//! The CSV holds the same records in flat columns (`CSV_COLUMNS`): the nested
//! `audience` object becomes `audience_female_share`, `audience_top_country`
//! and `audience_age_18_34_share`, the niches one cell joined by `;`
//! (`skincare;beauty`, which `split(niches, ";")` reads back as a list), an
//! absent or null field an empty cell, and every number written as the JSON
//! has it, so influence-eval reads the same values from either file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Bump when the data changes, so cached files are regenerated (run.py puts it
/// in the file names).
const DATA_VERSION: u32 = 1;

struct Rng(u64);

impl Rng {
    fn new(i: u64) -> Rng {
        Rng(0x5eed_1e55_c0de_0001 ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [0, n).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
    /// An item by weight.
    fn weighted<'a>(&mut self, xs: &[(&'a str, u32)]) -> &'a str {
        let total: u32 = xs.iter().map(|x| x.1).sum();
        let mut r = self.below(total as u64) as u32;
        for (x, w) in xs {
            if r < *w {
                return x;
            }
            r -= w;
        }
        xs[xs.len() - 1].0
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
}

const FIRST: &[&str] = &[
    "Maya",
    "Daniel",
    "Hélène",
    "Zoë",
    "José",
    "Søren",
    "Łukasz",
    "Ngozi",
    "Aiko",
    "Mei",
    "Björn",
    "Amélie",
    "Ethan",
    "Priya",
    "Chloé",
    "Mateo",
    "Olivia",
    "Noah",
    "Inês",
    "Yusuf",
    "Ana",
    "Kenji",
    "Fatima",
    "Liam",
    "Sofía",
    "Émile",
    "Jürgen",
    "Ava",
    "Lucas",
    "Nadia",
    "Анна",
    "Дмитрий",
    "陈",
    "美咲",
    "지민",
    "Ayşe",
    "Çağla",
    "Đorđe",
    "Ōta",
    "Grace",
];
const LAST: &[&str] = &[
    "Rao",
    "Lee",
    "Bérard",
    "Müller",
    "García",
    "Nørgaard",
    "Wójcik",
    "Okafor",
    "Tanaka",
    "Chen",
    "Lindqvist",
    "Dubois",
    "Patel",
    "Martínez",
    "Smith",
    "Johnson",
    "Silva",
    "Öztürk",
    "Kowalski",
    "Nguyen",
    "O'Brien",
    "Rossi",
    "Kim",
    "Ivanova",
    "伟",
    "山田",
    "박",
    "Brown",
    "Fernández",
    "Haddad",
];
const HANDLE_A: &[&str] = &[
    "glow", "dewy", "skin", "fit", "wander", "daily", "plant", "lash", "urban", "cozy", "the",
    "just", "hello", "simply", "wild", "soft", "bold", "pure", "sunny", "real",
];
const HANDLE_B: &[&str] = &[
    "withmaya", "byana", "diaries", "journal", "lab", "studio", "life", "edit", "notes", "club",
    "routine", "finds", "kitchen", "trails", "looks", "talks", "den", "corner",
];
const PLATFORMS: &[(&str, u32)] = &[
    ("instagram", 45),
    ("tiktok", 35),
    ("youtube", 15),
    ("twitch", 5),
];
const NICHES: &[(&str, u32)] = &[
    ("skincare", 14),
    ("beauty", 12),
    ("makeup", 10),
    ("wellness", 9),
    ("fitness", 9),
    ("fashion", 10),
    ("travel", 7),
    ("food", 7),
    ("gaming", 5),
    ("tech", 4),
    ("parenting", 4),
    ("outdoors", 4),
    ("hair", 5),
    ("finance", 2),
    ("music", 3),
    ("pets", 3),
    ("home", 3),
];
/// (country, weight, language)
const COUNTRIES: &[(&str, u32, &str)] = &[
    ("US", 30, "en"),
    ("GB", 9, "en"),
    ("CA", 6, "en"),
    ("AU", 4, "en"),
    ("DE", 6, "de"),
    ("FR", 5, "fr"),
    ("BR", 8, "pt"),
    ("IN", 8, "en"),
    ("MX", 5, "es"),
    ("ES", 4, "es"),
    ("IT", 3, "it"),
    ("NG", 3, "en"),
    ("JP", 3, "ja"),
    ("KR", 2, "ko"),
    ("PH", 4, "en"),
];
const BIO: &[&str] = &[
    "Skincare for sensitive skin",
    "small-batch finds",
    "real life, not a highlight reel",
    "posting daily-ish",
    "📍Seattle",
    "📍São Paulo",
    "📍Zürich",
    "they/them",
    "she/her",
    "he/him",
    "DM for collabs ✉️",
    "mum of 2",
    "clean beauty, honest reviews",
    "\"glow is a habit\"",
    "trail runner",
    "plant-based recipes 🌱",
    "budget travel tips",
    "retro games & cozy streams",
    "dermatology nurse",
    "hair care that works",
    "vegan makeup only",
    "fitness over 40",
    "café hopper ☕",
    "code & coffee",
    "thrift flips",
];

fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for &b in s.as_bytes() {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

/// A fraction written with `digits` decimals, exactly as written (so every
/// JSON parser reads the same f64): `units` / 10^digits.
fn decimal(out: &mut Vec<u8>, units: u64, digits: u32) {
    let scale = 10u64.pow(digits);
    write!(
        out,
        "{}.{:0width$}",
        units / scale,
        units % scale,
        width = digits as usize
    )
    .unwrap();
}

fn record(i: u64, out: &mut Vec<u8>) {
    let mut r = Rng::new(i);
    let first = r.pick(FIRST);
    let last = r.pick(LAST);
    let handle = format!("{}{}_{}", r.pick(HANDLE_A), r.pick(HANDLE_B), i);
    let platform = r.weighted(PLATFORMS);
    // followers: log-uniform 200 .. 3M, with extra weight on micro accounts
    let followers = if r.chance(0.35) {
        (10f64.powf(3.0 + r.f())) as u64 // 1k .. 10k
    } else {
        (10f64.powf(2.3 + 4.2 * r.f())) as u64
    };
    let following = r.below(3000) + 20;
    let posts = r.below(2500) + 5;
    // engagement 0.50% .. 12.49%, four decimals, most between 1% and 7%
    let rate_units = 50 + (r.f() * r.f() * 1200.0) as u64 + r.below(300);
    let rate = rate_units as f64 / 10_000.0;
    let avg_likes = (followers as f64 * rate * 0.93) as u64;
    let avg_comments = (followers as f64 * rate * 0.07) as u64;
    let (country, _, language) = pick_country(&mut r);

    out.extend_from_slice(b"{\"handle\":");
    json_str(out, &handle);
    out.extend_from_slice(b",\"name\":");
    json_str(out, &format!("{first} {last}"));
    write!(
        out,
        ",\"platform\":\"{platform}\",\"followers\":{followers},\"following\":{following},\
         \"posts\":{posts},\"avg_likes\":{avg_likes},\"avg_comments\":{avg_comments},\
         \"engagement_rate\":"
    )
    .unwrap();
    decimal(out, rate_units, 4);
    out.extend_from_slice(b",\"niches\":[");
    let k = 1 + r.below(3) as usize;
    let mut chosen: Vec<&str> = Vec::with_capacity(k);
    while chosen.len() < k {
        let n = r.weighted(NICHES);
        if !chosen.contains(&n) {
            chosen.push(n);
        }
    }
    for (j, n) in chosen.iter().enumerate() {
        if j > 0 {
            out.extend_from_slice(b",");
        }
        json_str(out, n);
    }
    write!(
        out,
        "],\"country\":\"{country}\",\"language\":\"{language}\",\"bio\":"
    )
    .unwrap();
    let mut bio = String::with_capacity(120);
    while bio.chars().count() < 70 {
        if !bio.is_empty() {
            bio.push_str(if r.chance(0.5) { " | " } else { " · " });
        }
        bio.push_str(r.pick(BIO));
    }
    json_str(out, &bio);
    let is_customer = r.chance(0.12);
    let brand_mentions = if is_customer { r.below(6) } else { r.below(2) };
    let sponsored = r.below(posts.min(200) + 1);
    let clicks = if r.chance(0.08) { 0 } else { r.below(4000) };
    let conversions = if clicks == 0 {
        0
    } else {
        (clicks as f64 * r.f() * r.f() * 0.12) as u64
    };
    write!(
        out,
        ",\"is_customer\":{is_customer},\"brand_mentions\":{brand_mentions},\
         \"sponsored_posts\":{sponsored},\"link_clicks_30d\":{clicks},\
         \"conversions_30d\":{conversions},\"posts_last_30d\":{}",
        r.below(40)
    )
    .unwrap();
    // authenticity_score: 85% present, 3% null, 12% absent
    let a = r.f();
    if a < 0.85 {
        out.extend_from_slice(b",\"authenticity_score\":");
        decimal(out, 40 + r.below(61), 2);
    } else if a < 0.88 {
        out.extend_from_slice(b",\"authenticity_score\":null");
    }
    if r.chance(0.95) {
        out.extend_from_slice(b",\"audience\":{\"female_share\":");
        decimal(out, 15 + r.below(81), 2);
        let top = pick_country(&mut r).0;
        write!(out, ",\"top_country\":\"{top}\",\"age_18_34_share\":").unwrap();
        decimal(out, 20 + r.below(71), 2);
        out.push(b'}');
    }
    if r.chance(0.3) {
        write!(out, ",\"email\":\"{handle}@example.com\"").unwrap();
    }
    write!(
        out,
        ",\"joined\":\"20{:02}-{:02}-{:02}\"}}",
        12 + r.below(14),
        1 + r.below(12),
        1 + r.below(28)
    )
    .unwrap();
}

fn pick_country(r: &mut Rng) -> (&'static str, u32, &'static str) {
    let total: u32 = COUNTRIES.iter().map(|c| c.1).sum();
    let mut x = r.below(total as u64) as u32;
    for &c in COUNTRIES {
        if x < c.1 {
            return c;
        }
        x -= c.1;
    }
    COUNTRIES[0]
}

/// The CSV's header, in order; see the module comment.
const CSV_COLUMNS: &[&str] = &[
    "handle",
    "name",
    "platform",
    "followers",
    "following",
    "posts",
    "avg_likes",
    "avg_comments",
    "engagement_rate",
    "niches",
    "country",
    "language",
    "bio",
    "is_customer",
    "brand_mentions",
    "sponsored_posts",
    "link_clicks_30d",
    "conversions_30d",
    "posts_last_30d",
    "authenticity_score",
    "audience_female_share",
    "audience_top_country",
    "audience_age_18_34_share",
    "email",
    "joined",
];

/// One CSV cell: quoted when it holds a comma, a quote or a line end.
fn csv_cell(out: &mut Vec<u8>, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(text.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// The CSV row of a record written as JSON by `record`: the same values,
/// numbers as the JSON writes them (serde_json prints the shortest text that
/// reads back as the same f64, and integers whole).
fn csv_row(json: &[u8], out: &mut Vec<u8>) {
    use serde_json::Value;
    let record: Value = serde_json::from_slice(json).expect("gen writes valid JSON");
    for (k, column) in CSV_COLUMNS.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        let value = match column.strip_prefix("audience_") {
            Some(inner) => record.get("audience").and_then(|a| a.get(inner)),
            None => record.get(*column),
        };
        match value {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => csv_cell(out, s),
            Some(Value::Array(items)) => {
                let parts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                csv_cell(out, &parts.join(";"));
            }
            Some(other) => csv_cell(out, &other.to_string()),
        }
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 2 && args[1] == "--version" {
        println!("{DATA_VERSION}");
        return Ok(());
    }
    if args.len() != 3 {
        eprintln!(
            "usage: gen N OUT.json|OUT.ndjson|OUT.csv   (gen --version prints the data version)"
        );
        std::process::exit(2);
    }
    let n: u64 = args[1].parse().expect("N is a whole number");
    let out_path = PathBuf::from(&args[2]);
    let ndjson = matches!(
        out_path.extension().and_then(|e| e.to_str()),
        Some("ndjson") | Some("jsonl")
    );
    let tmp = out_path.with_extension(format!(
        "{}.tmp",
        out_path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    let mut w = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
    let csv = out_path.extension().and_then(|e| e.to_str()) == Some("csv");
    let mut line = Vec::with_capacity(1024);
    let mut row = Vec::with_capacity(1024);
    if csv {
        w.write_all(CSV_COLUMNS.join(",").as_bytes())?;
        w.write_all(b"\n")?;
    } else if !ndjson {
        w.write_all(b"[\n")?;
    }
    for i in 0..n {
        line.clear();
        record(i, &mut line);
        if csv {
            row.clear();
            csv_row(&line, &mut row);
            row.push(b'\n');
            w.write_all(&row)?;
            continue;
        }
        if !ndjson && i + 1 < n {
            line.push(b',');
        }
        line.push(b'\n');
        w.write_all(&line)?;
    }
    if !ndjson && !csv {
        w.write_all(b"]\n")?;
    }
    w.flush()?;
    drop(w);
    std::fs::rename(&tmp, &out_path)?;
    Ok(())
}
