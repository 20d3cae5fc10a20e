use super::*;

#[test]
fn rows_split_as_the_csv_crate_splits_them() {
    // random one-line rows of quotes, delimiters and text
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let alphabet = b"a,\" ;x";
    let mut compared = 0;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % 12) as usize;
        let row: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize]
            })
            .collect();
        let mut parser = RowParser::new(b',');
        parser.feed(&row, 1);
        if parser.in_quotes() || row.is_empty() {
            continue;
        }
        parser.finish();
        let ours: Vec<&[u8]> = parser.cells().collect();
        let mut theirs = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&row[..]);
        let mut record = csv::ByteRecord::new();
        assert!(theirs.read_byte_record(&mut record).unwrap());
        let theirs: Vec<&[u8]> = record.iter().collect();
        assert_eq!(ours, theirs, "{:?}", String::from_utf8_lossy(&row));
        compared += 1;
    }
    assert!(compared > 5_000, "{compared}");
}

#[test]
fn a_row_handed_on_as_read_splits_as_the_exact_reader_splits_it() {
    use super::super::cells::{split_row, RowText};
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let (mut rows, mut long, mut spans) = (0, 0, Vec::new());
    // short rows, and rows long enough to cross the 64-byte blocks
    // `split_row` reads (a quoted cell over a block's end among them),
    // at any offset in the batch
    for i in 0..70_000 {
        let line = random_row(&mut next, if i % 7 == 0 { 12 } else { 1 });
        let lead = vec![b'x'; next(70) as usize];
        for end in [&b"\n"[..], b"\r\nz"] {
            let buf = [&line[..], end].concat();
            let Scan::Row { len, next } = row_scan::scan(&buf, b',') else {
                continue;
            };
            // the line as the exact reader reads it (`\r\n` ends it too)
            let body = match end {
                b"\n" => line.strip_suffix(b"\r").unwrap_or(&line),
                _ => &line,
            };
            assert_eq!((len, next), (body.len(), line.len() + end.len().min(2)));
            assert!(memchr::memchr(b'\r', body).is_none());
            let mut parser = RowParser::new(b',');
            parser.feed(body, 1);
            assert!(!parser.in_quotes() && !parser.stray_quote, "{line:?}");
            parser.finish();
            let batch = [&lead[..], &buf].concat();
            split_row(&batch, (lead.len(), lead.len() + len), b',', &mut spans);
            let text = RowText {
                bytes: &batch,
                start: lead.len(),
                checked: None,
            };
            let ours: Vec<_> = spans.iter().map(|&s| text.cell(s)).collect();
            let theirs: Vec<_> = parser
                .cells()
                .map(|c| std::str::from_utf8(c).map_err(|e| e.valid_up_to()))
                .collect();
            assert_eq!(ours.len(), theirs.len(), "{line:?}");
            for (o, t) in ours.iter().zip(&theirs) {
                assert_eq!(o.as_deref(), t.as_deref(), "{line:?}");
            }
            assert!(parser.cells().any(|c| !c.trim_ascii().is_empty()));
            rows += 1;
            long += usize::from(len > 2 * 64);
        }
    }
    assert!(rows > 5_000 && long > 500, "{rows} {long}");
}

/// A random row: cells plain or quoted, now and then a quote or `\r`
/// anywhere; `size` times more cells and pieces of them at most.
fn random_row(next: &mut impl FnMut(u64) -> u64, size: u64) -> Vec<u8> {
    let pieces: &[&[u8]] = &[
        b"a",
        b" ",
        b"\xc3\xa9",
        b"\xff",
        b"\"",
        b"\r",
        b"\"\"",
        b",",
    ];
    let mut line = Vec::new();
    for c in 0..next(5 * size) {
        if c > 0 {
            line.push(b',');
        }
        let quoted = next(2) == 0;
        if quoted {
            line.push(b'"');
        }
        for _ in 0..next(4 * size) {
            let k = match (next(40 * size), quoted) {
                (0, _) => 4 + next(2),
                (_, true) => [0, 1, 2, 3, 6, 7][next(6) as usize],
                (_, false) => next(4),
            };
            line.extend_from_slice(pieces[k as usize]);
        }
        if quoted {
            line.push(b'"');
        }
    }
    line
}
