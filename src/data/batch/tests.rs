use super::*;

#[test]
fn a_place_counted_on_from_the_records_is_the_place_counted_whole() {
    let text = b"  {\"a\": 1},\r\n{\"b\":\n 2}, 3,\n\n  [4]\n, \"x\"  ".to_vec();
    let starts = [2, 13, 25, 31];
    for origin in [(1, 1), (7, 40)] {
        for n in 0..=starts.len() {
            let mut batch = RawBatch {
                text: text.clone(),
                origin,
                ..RawBatch::default()
            };
            for &start in &starts[..n] {
                batch.items.push(Item {
                    start,
                    end: start + 1,
                    line: 0,
                    position: 0,
                    kind: Kind::Element { column: 0 },
                });
            }
            let counted = batch.settle_lines();
            let from = if n == 0 { 0 } else { starts[n - 1] };
            for to in from..=text.len() {
                let want = advance(origin, &text[..to]);
                assert_eq!(batch.place_from(counted, to), want, "{origin:?} {n} {to}");
            }
        }
    }
}
