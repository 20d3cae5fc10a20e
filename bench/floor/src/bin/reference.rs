//! The reference W1: a hand-written, single-threaded screen of
//! `bench/w1.rules`, against which run.py checks influence-eval's answer.
//!
//!     reference DATA.json|DATA.ndjson
//!
//! Streams the file (1 MiB blocks, one record at a time) and decodes only the
//! seven fields W1 reads. It applies the rules exactly as the language
//! defines them (docs/language.md): a field that is absent or null is
//! missing; a requirement that comes out missing fails; `x / 0` is missing; a
//! missing signal counts 0 in the score; signals are clamped to [0, 1]; score
//! is the weighted mean, summed in file order; accepted creators are ranked
//! by score, highest first, ties in input order; the first 50 are the
//! shortlist. A value of another kind than W1 expects (the data generator
//! never writes one) stops it with an error rather than guess.
//!
//! Prints one JSON object: {"evaluated", "accepted", "shortlist": [{"id", "score"}]}.
//!
//! W1 (keep in step with W1_RULES in bench/run.py):
//!
//!     require micro:   followers between 1k and 10k
//!     require engaged: engagement_rate >= 3%
//!     require niche:   "skincare" in niches or "beauty" in niches
//!     require market:  country in ["US", "CA", "GB"]
//!     signal engagement weight 5 = engagement_rate / 10%
//!     signal conversion weight 3 = conversions_30d / link_clicks_30d / 8%
//!     signal niche_fit  weight 2 = overlap(niches, ["skincare", "beauty"]) / 2
//!     rank by score desc
//!     limit 50

use influence_bench::{for_each_record, path_arg};
use serde::Deserialize;

#[derive(Deserialize)]
struct W1Fields {
    handle: Option<String>,
    followers: Option<f64>,
    engagement_rate: Option<f64>,
    niches: Option<Vec<String>>,
    country: Option<String>,
    link_clicks_30d: Option<f64>,
    conversions_30d: Option<f64>,
}

const LIMIT: usize = 50;
const BEAUTY: [&str; 2] = ["skincare", "beauty"];

/// A signal's contribution: clamped, missing counts 0.
fn clamped(v: Option<f64>) -> f64 {
    match v {
        Some(x) if x.is_finite() => x.clamp(0.0, 1.0),
        _ => 0.0,
    }
}

/// W1's verdict: `Some(score)` when accepted.
fn screen(c: &W1Fields) -> Option<f64> {
    // requirements: each must be true; missing fails
    let micro = c.followers.map(|f| (1000.0..=10000.0).contains(&f));
    let engaged = c.engagement_rate.map(|r| r >= 0.03);
    // `"skincare" in niches or "beauty" in niches`: missing niches is missing
    let niche = c
        .niches
        .as_ref()
        .map(|ns| ns.iter().any(|n| BEAUTY.contains(&n.as_str())));
    let market = c
        .country
        .as_deref()
        .map(|k| ["US", "CA", "GB"].contains(&k));
    let accepted = [micro, engaged, niche, market]
        .iter()
        .all(|r| *r == Some(true));
    if !accepted {
        return None;
    }
    // signals, in file order
    let engagement = c.engagement_rate.map(|r| r / 0.1);
    let conversion = match (c.conversions_30d, c.link_clicks_30d) {
        (Some(conv), Some(clicks)) if clicks != 0.0 => Some(conv / clicks / 0.08),
        _ => None, // missing, or divides by zero
    };
    let niche_fit = c.niches.as_ref().map(|ns| {
        let mut distinct: Vec<&str> = Vec::new();
        for n in ns {
            if BEAUTY.contains(&n.as_str()) && !distinct.contains(&n.as_str()) {
                distinct.push(n);
            }
        }
        distinct.len() as f64 / 2.0
    });
    let weights = [5.0, 3.0, 2.0];
    let values = [engagement, conversion, niche_fit];
    let (mut total, mut weight) = (0.0f64, 0.0f64);
    for (w, v) in weights.iter().zip(values) {
        total += w * clamped(v);
        weight += w;
    }
    Some(total / weight)
}

fn main() {
    let path = path_arg("reference");
    let mut evaluated = 0usize;
    let mut accepted = 0usize;
    // (score, input position, id); trimmed to the best LIMIT now and then
    let mut best: Vec<(f64, usize, String)> = Vec::new();
    let order = |a: &(f64, usize, String), b: &(f64, usize, String)| {
        b.0.partial_cmp(&a.0).unwrap().then(a.1.cmp(&b.1))
    };
    let result = for_each_record(&path, |bytes| {
        let position = evaluated;
        evaluated += 1;
        let c: W1Fields = serde_json::from_slice(bytes).unwrap_or_else(|e| {
            eprintln!(
                "reference: record {} is outside what W1's reference handles: {e}",
                position + 1
            );
            std::process::exit(1);
        });
        if let Some(score) = screen(&c) {
            accepted += 1;
            let id = c.handle.unwrap_or_else(|| {
                eprintln!("reference: record {} has no handle", position + 1);
                std::process::exit(1);
            });
            best.push((score, position, id));
            if best.len() >= 4096 {
                best.sort_by(order);
                best.truncate(LIMIT);
            }
        }
    });
    if let Err(e) = result {
        eprintln!("reference: cannot read {}: {e}", path.display());
        std::process::exit(2);
    }
    best.sort_by(order);
    best.truncate(LIMIT);
    let shortlist: Vec<serde_json::Value> = best
        .into_iter()
        .map(|(score, _, id)| serde_json::json!({"id": id, "score": score}))
        .collect();
    let out = serde_json::json!({
        "evaluated": evaluated,
        "accepted": accepted,
        "shortlist": shortlist,
    });
    println!("{out}");
}
