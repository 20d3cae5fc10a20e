//! A JSON array of records, streamed: each element is handed to the caller
//! as soon as it is parsed, so memory holds one record at a time.

use std::fmt;
use std::io::Read;

use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value as Json;

/// Calls `each(record, position)` for every element of the JSON array read
/// from `reader`. A syntax error anywhere, or a top level that is not an
/// array, is a `serde_json::Error` with its line and column.
pub fn for_each_in_array<R: Read, F: FnMut(Json, usize)>(
    reader: R,
    each: F,
) -> Result<usize, serde_json::Error> {
    let mut de =
        serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 16, reader));
    let n = de.deserialize_seq(ArrayVisitor { each })?;
    de.end()?;
    Ok(n)
}

struct ArrayVisitor<F> {
    each: F,
}

impl<'de, F: FnMut(Json, usize)> Visitor<'de> for ArrayVisitor<F> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array of creator objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<usize, A::Error> {
        let mut n = 0;
        while let Some(v) = seq.next_element_seed(Element)? {
            (self.each)(v, n);
            n += 1;
        }
        Ok(n)
    }
}

struct Element;

impl<'de> DeserializeSeed<'de> for Element {
    type Value = Json;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        serde::Deserialize::deserialize(d)
    }
}
