//! A record decoded into slots: each top-level field a run reads has a
//! slot number, its place among the [`FieldFilter`]'s keys, fixed before
//! the first record; a worker decodes every record into the same
//! [`Slots`], reusing its buffers (a string field's text, a list of
//! strings), with no map built and no key hashed, and the evaluator reads
//! a rule's field by its slot ([`Slots::field`]). [`Rec`] is a record as
//! everything after the decoder reads it: in slots, or a JSON value (a
//! record in memory, one that is not an object, or every field of one
//! when a rule reads the whole `creator`).

use std::sync::Arc;

use serde_json::{Map, Value as Json};

use super::cells::{self, Header, RowText, Span};
use super::damage::Damage;
use super::fast::{self, KeyShape};
use super::sparse::{FieldFilter, Place};

/// Set in a field path's slot (in `Slots::maps`) when the path goes
/// through objects: [`SlotReader::top`] leaves those to the caller.
const NESTED: u32 = 1 << 31;

/// The slot of a path whose first key is not decoded: past every slot.
const ABSENT: u32 = NESTED - 1;

/// One ruleset's view of the slots of one record: the evaluator reads a
/// field many times per record, and this holds what each read needs
/// (no ruleset's map looked up, no path's length) by value.
#[derive(Clone, Copy, Debug)]
pub struct SlotReader<'a> {
    map: &'a [u32],
    values: &'a [Json],
    stamps: &'a [u32],
    now: u32,
}

impl<'a> SlotReader<'a> {
    /// The value of field path `i` when it is a top-level field: `Some`
    /// of its value or of `None` (absent); `None` for a path through
    /// objects.
    #[inline]
    pub fn top(self, i: u32) -> Option<Option<&'a Json>> {
        let k = *self.map.get(i as usize)?;
        if k & NESTED != 0 {
            return None;
        }
        let k = k as usize;
        let kept = self.stamps.get(k) == Some(&self.now);
        Some(self.values.get(k).filter(|_| kept))
    }
}

/// One record's top-level fields, by slot, reused from record to record.
#[derive(Clone, Debug)]
pub struct Slots {
    filter: FieldFilter,
    /// A slot's value; it holds for this record when its stamp is `now`.
    values: Vec<Json>,
    stamps: Vec<u32>,
    now: u32,
    /// Fields kept but given no slot: keys that may name an id, matched
    /// loosely (`Handle`), in input order.
    extra: Vec<(String, Json)>,
    /// The fields as the record gives them: a slot, or `slots + i` for
    /// `extra[i]`.
    order: Vec<u32>,
    /// For each ruleset of the run, the slot of each field path's first key,
    /// with [`NESTED`] set for a path through objects.
    maps: Vec<Vec<u32>>,
    /// The place of each column of the CSV rows last filled from, the
    /// columns read (not skipped), and the header they were worked out for.
    row_places: Vec<Place>,
    row_read: Vec<usize>,
    row_header: Option<Arc<Header>>,
    /// The cells of the row being filled from, reused from row to row.
    pub(super) row_spans: Vec<Span>,
    /// The top-level keys of the record decoded before, tried first.
    shape: KeyShape,
}

impl Slots {
    /// Slots for the keys of `filter` (which keeps some fields, not all),
    /// with the slot of each field path of each ruleset in `programs`.
    /// A path whose first key the filter lacks reads as absent.
    pub fn new(filter: &FieldFilter, programs: &[&[Vec<String>]]) -> Self {
        let n = filter.slots();
        let maps = programs
            .iter()
            .map(|paths| {
                let slot = |p: &Vec<String>| {
                    let k = match filter.place(&p[0]) {
                        Place::Slot(k) => k as u32,
                        // not decoded, so never present (the filter is
                        // made from these paths: not met)
                        _ => ABSENT,
                    };
                    if p.len() > 1 {
                        k | NESTED
                    } else {
                        k
                    }
                };
                paths.iter().map(slot).collect()
            })
            .collect();
        Slots {
            filter: filter.clone(),
            values: vec![Json::Null; n],
            stamps: vec![0; n],
            now: 1,
            extra: Vec::new(),
            order: Vec::new(),
            maps,
            row_places: Vec::new(),
            row_read: Vec::new(),
            row_header: None,
            row_spans: Vec::new(),
            shape: KeyShape::default(),
        }
    }

    /// Empties the slots for the next record (their buffers are kept).
    pub fn clear(&mut self) {
        self.now = self.now.wrapping_add(1);
        if self.now == 0 {
            self.stamps.iter_mut().for_each(|s| *s = 0);
            self.now = 1;
        }
        self.extra.clear();
        self.order.clear();
    }

    /// Slot `k`'s value in this record.
    #[inline]
    fn slot(&self, k: u32) -> Option<&Json> {
        let k = k as usize;
        (self.stamps.get(k) == Some(&self.now)).then(|| &self.values[k])
    }

    /// The top-level value of field path `i` of ruleset `program`.
    #[inline]
    pub fn field(&self, program: usize, i: usize) -> Option<&Json> {
        self.slot(self.maps[program][i] & !NESTED)
    }

    /// The fields of ruleset `program` in this record, for the evaluator
    /// to read a top-level field in a few loads.
    pub fn reader(&self, program: usize) -> SlotReader<'_> {
        SlotReader {
            map: &self.maps[program],
            values: &self.values,
            stamps: &self.stamps,
            now: self.now,
        }
    }

    fn mark(&mut self, k: usize) {
        self.stamps[k] = self.now;
        self.order.push(k as u32);
    }

    /// Keeps the field `key` (at `place`) whose checked JSON text is
    /// `raw` (`plain` when it holds no escape): into its slot's old
    /// buffers when they fit. `None` when the fast path leaves the value
    /// to serde_json, which failed.
    pub(super) fn keep_raw(
        &mut self,
        place: Place,
        key: &str,
        raw: &str,
        plain: bool,
    ) -> Option<()> {
        match place {
            Place::Slot(k) => {
                let old = &mut self.values[k];
                if !fast::reuse(old, raw, plain) {
                    *old = fast::kept(raw, plain)?;
                }
                self.mark(k);
            }
            Place::Extra => self.put_extra(key.to_string(), fast::kept(raw, plain)?),
            Place::Skip => {}
        }
        Some(())
    }

    /// The keys of the record before (for the fast path to try), to be
    /// given back with [`Slots::put_shape`].
    pub(super) fn take_shape(&mut self) -> KeyShape {
        std::mem::take(&mut self.shape)
    }

    pub(super) fn put_shape(&mut self, shape: KeyShape) {
        self.shape = shape;
    }

    fn put_extra(&mut self, key: String, value: Json) {
        self.order
            .push((self.values.len() + self.extra.len()) as u32);
        self.extra.push((key, value));
    }

    /// Fills the slots from an object the full decoder made of the fields
    /// the filter keeps, in its order.
    pub(super) fn fill(&mut self, map: Map<String, Json>) {
        for (key, value) in map {
            match self.filter.place(&key) {
                Place::Slot(k) => {
                    self.values[k] = value;
                    self.mark(k);
                }
                _ => self.put_extra(key, value),
            }
        }
    }

    /// Fills the slots from the wanted fields of `map` (a spreadsheet's
    /// row); the names of the others go to `unread`.
    pub(super) fn fill_from(&mut self, map: &Map<String, Json>, unread: Option<&mut Vec<String>>) {
        let mut unread = unread;
        for (key, value) in map {
            match self.filter.place(key) {
                Place::Slot(k) => {
                    self.values[k].clone_from(value);
                    self.mark(k);
                }
                Place::Extra => self.put_extra(key.clone(), value.clone()),
                Place::Skip => unread.iter_mut().for_each(|u| u.push(key.clone())),
            }
        }
    }

    /// Fills the slots from a CSV row's cells (at `spans` in `text`), in
    /// `header`'s order: each cell must be UTF-8 text, as when the row is
    /// made a map; the columns no rule reads go to `unread` by name. Text
    /// checked whole needs no cell checked: only the cells read are looked at.
    pub(super) fn fill_row(
        &mut self,
        header: &Arc<Header>,
        text: RowText,
        spans: &[Span],
        unread: Option<&mut Vec<String>>,
    ) -> Result<(), Damage> {
        if !self
            .row_header
            .as_ref()
            .is_some_and(|h| Arc::ptr_eq(h, header))
        {
            self.row_places = header.names.iter().map(|n| self.filter.place(n)).collect();
            self.row_read = (self.row_places.iter().enumerate())
                .filter(|(_, &p)| p != Place::Skip)
                .map(|(i, _)| i)
                .collect();
            self.row_header = Some(Arc::clone(header));
        }
        if text.checked.is_none() {
            // the first cell that is not UTF-8, in the header's order
            for (name, &span) in header.names.iter().zip(spans) {
                text.cell(span)
                    .map_err(|at| Damage::cell_not_utf8(name, at))?;
            }
        }
        if let Some(unread) = unread {
            let skipped = self.row_places.iter().zip(&header.names);
            let names = skipped.filter(|(&p, _)| p == Place::Skip).map(|(_, n)| n);
            unread.extend(names.cloned());
        }
        for k in 0..self.row_read.len() {
            let i = self.row_read[k];
            let (Some(&span), Some(name)) = (spans.get(i), header.names.get(i)) else {
                continue;
            };
            let cell = match text.cell(span) {
                Ok(cell) => cell,
                Err(at) => return Err(Damage::cell_not_utf8(name, at)),
            };
            match self.row_places[i] {
                Place::Slot(k) => {
                    cells::cell_into(&mut self.values[k], &cell, header.decimal_comma);
                    self.mark(k);
                }
                Place::Extra => {
                    let mut v = Json::Null;
                    cells::cell_into(&mut v, &cell, header.decimal_comma);
                    self.put_extra(name.clone(), v);
                }
                Place::Skip => {}
            }
        }
        Ok(())
    }

    /// The record as ruleset `program` reads it.
    pub fn rec(&self, program: usize) -> Rec<'_> {
        Rec::Slots(self, program)
    }

    /// The fields in the record's order.
    fn entries(&self) -> impl Iterator<Item = (&str, &Json)> {
        let n = self.values.len();
        self.order.iter().map(move |&o| {
            let o = o as usize;
            if o < n {
                (self.filter.slot_name(o), &self.values[o])
            } else {
                let (k, v) = &self.extra[o - n];
                (k.as_str(), v)
            }
        })
    }
}

/// Decodes one JSON value into `slots` (cleared first) when it is an
/// object, as [`super::sparse::decode`] does (the same checks, errors and
/// `unread` names). `filter` keeps some fields, not all.
pub fn decode(
    text: &str,
    filter: &FieldFilter,
    slots: &mut Slots,
    unread: Option<&mut Vec<String>>,
) -> Result<Shape, serde_json::Error> {
    slots.clear();
    let mut unread = unread;
    if fast::decode_slots(text, filter, slots, unread.as_deref_mut()) {
        return Ok(Shape::Slots);
    }
    slots.clear();
    match super::sparse::decode_full(text, filter, unread)? {
        Json::Object(map) => {
            slots.fill(map);
            Ok(Shape::Slots)
        }
        other => Ok(Shape::Other(other)),
    }
}

/// What a decode into slots made of a record.
#[derive(Debug)]
pub enum Shape {
    /// An object, its fields in the slots.
    Slots,
    /// Not an object (kept whole, for the message that says so).
    Other(Json),
}

/// A record as decoded: its position, the line it starts on, and its
/// fields or what is wrong with it.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    /// 0-based position among the records.
    pub position: usize,
    /// 1-based line of the input where it starts (0 in memory).
    pub line: usize,
    /// The record, or why it could not be read.
    pub item: Result<Rec<'a>, &'a Damage>,
}

impl<'a> View<'a> {
    /// The same record as ruleset `program` of the run reads it.
    pub fn for_program(self, program: usize) -> View<'a> {
        View {
            item: self.item.map(|r| r.for_program(program)),
            ..self
        }
    }
}

impl super::Record {
    /// The record as the evaluator reads it.
    pub fn view(&self) -> View<'_> {
        View {
            position: self.position,
            line: self.line,
            item: self.item.as_ref().map(Rec::Json),
        }
    }
}

/// A decoded record: in slots, or a JSON value.
#[derive(Clone, Copy, Debug)]
pub enum Rec<'a> {
    /// A JSON value (an object, or a record that is not one).
    Json(&'a Json),
    /// In slots, read by the field paths of ruleset `.1` of the run.
    Slots(&'a Slots, usize),
}

impl<'a> Rec<'a> {
    /// The record as ruleset `program` of the run reads it.
    pub fn for_program(self, program: usize) -> Rec<'a> {
        match self {
            Rec::Slots(s, _) => Rec::Slots(s, program),
            json => json,
        }
    }

    /// The whole record as JSON, when it is held so.
    pub fn json(self) -> Option<&'a Json> {
        match self {
            Rec::Json(j) => Some(j),
            Rec::Slots(..) => None,
        }
    }

    /// True for an object.
    pub fn is_object(self) -> bool {
        match self {
            Rec::Json(j) => j.is_object(),
            Rec::Slots(..) => true,
        }
    }

    /// The top-level field `key` (kept by the decoder).
    pub fn get(self, key: &str) -> Option<&'a Json> {
        match self {
            Rec::Json(j) => j.get(key),
            Rec::Slots(s, _) => match s.filter.place(key) {
                Place::Slot(k) => s.slot(k as u32),
                _ => s.extra.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            },
        }
    }

    /// The value at a path of keys from the top (the record itself for
    /// an empty path, when it is held as JSON).
    pub fn at(self, path: &[String]) -> Option<&'a Json> {
        let Some((first, rest)) = path.split_first() else {
            return self.json();
        };
        rest.iter().try_fold(self.get(first)?, |j, k| j.get(k))
    }

    /// The top-level fields in the record's order (none when it is not an
    /// object).
    pub fn entries(self) -> Box<dyn Iterator<Item = (&'a str, &'a Json)> + 'a> {
        match self {
            Rec::Json(Json::Object(m)) => Box::new(m.iter().map(|(k, v)| (k.as_str(), v))),
            Rec::Json(_) => Box::new(std::iter::empty()),
            Rec::Slots(s, _) => Box::new(s.entries()),
        }
    }

    /// The record as a JSON value.
    pub fn to_json(self) -> Json {
        match self {
            Rec::Json(j) => j.clone(),
            Rec::Slots(s, _) => Json::Object(
                s.entries()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_read_by_slot_and_buffers_are_reused() {
        let filter = FieldFilter::only(["followers", "niches", "bio"]).with_id_keys();
        let paths = vec![vec!["niches".to_string()], vec!["followers".to_string()]];
        let mut s = Slots::new(&filter, &[&paths]);
        let text = r#"{"Handle": "a", "followers": 12, "niches": ["x", "y"], "z": 1}"#;
        s.clear();
        assert!(fast::decode_slots(text, &filter, &mut s, None));
        assert_eq!(s.field(0, 0), Some(&json!(["x", "y"])));
        assert_eq!(s.field(0, 1), Some(&json!(12)));
        let r = s.rec(0);
        assert_eq!(r.get("Handle"), Some(&json!("a")));
        assert_eq!(r.get("bio"), None);
        assert_eq!(
            r.to_json(),
            json!({"Handle": "a", "followers": 12, "niches": ["x", "y"]})
        );
        // the next record: what it lacks is absent, what it has replaces
        s.clear();
        assert!(fast::decode_slots(
            r#"{"niches": ["q"]}"#,
            &filter,
            &mut s,
            None
        ));
        assert_eq!(s.field(0, 1), None);
        assert_eq!(s.rec(0).to_json(), json!({"niches": ["q"]}));
    }

    #[test]
    fn a_reader_gives_top_level_fields_and_leaves_paths_through_objects() {
        let filter = FieldFilter::only(["followers", "audience"]);
        let path = |p: &str| p.split('.').map(String::from).collect::<Vec<_>>();
        let paths = [
            path("followers"),
            path("audience.female_share"),
            path("bio"),
        ];
        let mut s = Slots::new(&filter, &[&paths]);
        s.clear();
        let text = r#"{"audience": {"female_share": 0.5}, "bio": "x"}"#;
        assert!(fast::decode_slots(text, &filter, &mut s, None));
        let r = s.reader(0);
        // absent in this record; through an object; never decoded
        assert_eq!(r.top(0), Some(None));
        assert_eq!(r.top(1), None);
        assert_eq!(r.top(2), Some(None));
        assert_eq!(s.field(0, 1), Some(&json!({"female_share": 0.5})));
        s.clear();
        assert!(fast::decode_slots(
            r#"{"followers": 7}"#,
            &filter,
            &mut s,
            None
        ));
        assert_eq!(s.reader(0).top(0), Some(Some(&json!(7))));
        assert_eq!(s.field(0, 1), None);
    }

    #[test]
    fn a_cell_no_rule_reads_is_checked_for_utf8_all_the_same() {
        let filter = FieldFilter::only(["followers"]);
        let mut s = Slots::new(&filter, &[]);
        let header = Arc::new(Header {
            names: vec!["bio".into(), "followers".into()],
            decimal_comma: false,
            delimiter: b',',
        });
        let fill = |s: &mut Slots, row: &[u8], unread: Option<&mut Vec<String>>| {
            let mut spans = Vec::new();
            cells::split_row(row, (0, row.len()), b',', &mut spans);
            let checked = std::str::from_utf8(row).ok();
            s.clear();
            s.fill_row(
                &header,
                RowText {
                    bytes: row,
                    start: 0,
                    checked,
                },
                &spans,
                unread,
            )
        };
        let mut unread = Vec::new();
        assert!(fill(&mut s, b"caf\xc3\xa9,12", Some(&mut unread)).is_ok());
        assert_eq!(s.rec(0).get("followers"), Some(&json!(12)));
        assert_eq!(unread, ["bio"]);
        let err = fill(&mut s, b"ca\xfft,12", None);
        let want = Damage::cell_not_utf8("bio", 2).to_string();
        assert_eq!(err.map_err(|e| e.to_string()), Err(want));
    }
}
