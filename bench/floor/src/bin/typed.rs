//! The typed parse floor: reads the whole file and parses it with serde_json
//! into a `Vec<TypedCreator>` (every field, owned strings), the way a program
//! that "just loads the export" would. A JSON array is one `from_slice`;
//! NDJSON is one `from_slice` per line. Prints the record count and a
//! checksum, so nothing is optimised away.
//!
//!     typed DATA.json|DATA.ndjson

use influence_bench::{ndjson_lines, path_arg, Format, TypedCreator};

fn main() {
    let path = path_arg("typed");
    let bytes = std::fs::read(&path).expect("read the data file");
    let creators: Vec<TypedCreator> = match Format::of(&path) {
        Format::Array => serde_json::from_slice(&bytes).expect("a JSON array of creators"),
        Format::Ndjson => ndjson_lines(&bytes)
            .map(|l| serde_json::from_slice(l).expect("one creator per line"))
            .collect(),
    };
    let followers: u64 = creators.iter().map(|c| c.followers).sum();
    let text: usize = creators.iter().map(|c| c.bio.len() + c.name.len()).sum();
    println!(
        "typed: {} records, followers {followers}, text {text}",
        creators.len()
    );
}
