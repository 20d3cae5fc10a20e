//! The `Value` parse floor: reads the whole file and parses it with
//! serde_json into `serde_json::Value`s (a JSON array is one `from_slice`
//! into `Vec<Value>`; NDJSON one `from_slice` per line). Prints the record
//! count and a checksum.
//!
//!     value DATA.json|DATA.ndjson

use influence_bench::{ndjson_lines, path_arg, Format};
use serde_json::Value;

fn main() {
    let path = path_arg("value");
    let bytes = std::fs::read(&path).expect("read the data file");
    let creators: Vec<Value> = match Format::of(&path) {
        Format::Array => serde_json::from_slice(&bytes).expect("a JSON array"),
        Format::Ndjson => ndjson_lines(&bytes)
            .map(|l| serde_json::from_slice(l).expect("one JSON value per line"))
            .collect(),
    };
    let followers: f64 = creators
        .iter()
        .filter_map(|c| c["followers"].as_f64())
        .sum();
    println!("value: {} records, followers {followers}", creators.len());
}
