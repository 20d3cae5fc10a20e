//! Numbers as people read them, for every human-facing output (the table,
//! `explain`, distances to passing, the progress line): counts with
//! thousands separators (`10,412`), magnitudes in short form (`8.4k`),
//! fractions written as percentages (`6.6%`) and scores to three places.
//! Machine formats (JSON, NDJSON, CSV) never go through here.

/// Shortest text for a number, for reasons and every machine-neutral
/// place a number is written: `1000`, `0.03`, `12.5`.
pub fn fmt_number(f: f64) -> String {
    let mut s = String::new();
    // writing to a String does not fail
    let _ = write_number(&mut s, f);
    s
}

/// [`fmt_number`]'s text, written to `out`: a whole number below 1e15 as
/// an integer (its digits worked out here), any other as the shortest text
/// that reads back to it, or to six places when that is longer than twelve
/// characters.
pub fn write_number(out: &mut impl std::fmt::Write, f: f64) -> std::fmt::Result {
    if !(f == f.trunc() && f.abs() < 1e15) {
        return write_fraction(out, f);
    }
    // as `format!("{}", f as i64)`: below 1e15, 16 digits and a sign
    let n = f as i64;
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        digits[at] = b'-';
    }
    out.write_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits and a sign"))
}

/// [`write_number`] of a number that is not whole below 1e15 (an
/// engagement rate in nearly every reason), formatted on the stack when
/// it fits (`1e-300` written in full does not).
fn write_fraction(out: &mut impl std::fmt::Write, f: f64) -> std::fmt::Result {
    use std::fmt::Write as _;
    let mut shortest = Stack::default();
    if write!(shortest, "{f}").is_ok() && shortest.len <= 12 {
        return out.write_str(shortest.as_str());
    }
    // keep reasons readable: 0.30000000000000004 -> 0.3
    let trim = |r: &str| r.trim_end_matches('0').trim_end_matches('.').len();
    let mut six = Stack::default();
    if write!(six, "{f:.6}").is_ok() {
        return out.write_str(&six.as_str()[..trim(six.as_str())]);
    }
    let six = format!("{f:.6}");
    out.write_str(&six[..trim(&six)])
}

/// Text written into a fixed buffer; writing past its end fails.
#[derive(Default)]
struct Stack {
    bytes: [u8; 32],
    len: usize,
}

impl Stack {
    fn as_str(&self) -> &str {
        // only whole `str`s are written in
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl std::fmt::Write for Stack {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let room = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// A number in full, with thousands separators: `10,412`, `-1,234.5`,
/// `0.021` (at most six decimals, as in reasons).
pub fn thousands(f: f64) -> String {
    let plain = fmt_number(f);
    if plain.contains(['e', 'E']) {
        return plain;
    }
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain.as_str()),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A whole count with thousands separators: `1,204`.
pub fn count(n: usize) -> String {
    thousands(n as f64)
}

/// A magnitude in short form: `950`, `8.4k`, `84k`, `1.2M`, `3B`: one
/// decimal below ten units, none above; a trailing `.0` is dropped.
pub fn compact(f: f64) -> String {
    let a = f.abs();
    let (scaled, suffix) = if a >= 1e9 {
        (f / 1e9, "B")
    } else if a >= 1e6 {
        (f / 1e6, "M")
    } else if a >= 1e3 {
        (f / 1e3, "k")
    } else {
        return trimmed(f, if a >= 10.0 { 0 } else { 1 });
    };
    let digits = if scaled.abs() >= 9.95 { 0 } else { 1 };
    format!("{}{suffix}", trimmed(scaled, digits))
}

/// A fraction as a percentage, to at most two decimals: 0.066 is `6.6%`.
pub fn percent(f: f64) -> String {
    format!("{}%", trimmed(f * 100.0, 2))
}

/// A score or a signal value, to three places: `0.875`.
pub fn score(f: f64) -> String {
    // a value that rounds to zero from below (`-0`, `-0.0001`) is 0.000
    fixed(f, 3, false)
}

/// `x` to `places` decimals (`0.4625`), trailing zeros dropped when
/// `trim` (`0.5`); never `-0`.
pub fn fixed(x: f64, places: usize, trim: bool) -> String {
    let s = format!("{x:.places$}");
    let s = if trim && s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

/// A size in bytes: `1.5 MiB`, `100.0 MiB`, `12 bytes`.
pub fn size(n: u64) -> String {
    match n {
        0..1024 => format!("{n} bytes"),
        1024..1_048_576 => format!("{:.1} KiB", n as f64 / 1024.0),
        1_048_576..1_073_741_824 => format!("{:.1} MiB", n as f64 / 1_048_576.0),
        _ => format!("{:.1} GiB", n as f64 / 1_073_741_824.0),
    }
}

/// `f` rounded to `digits` decimals, without trailing zeros.
fn trimmed(f: f64, digits: usize) -> String {
    fixed(f, digits, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_written_is_its_text() {
        let xs = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            7.0,
            10.0,
            512.0,
            95170.0,
            -1234.0,
            0.03,
            0.0263,
            12.5,
            1e14,
            999_999_999_999_999.0,
            1e15,
            -1e15,
            1e16,
            2e20,
            0.1 + 0.2,
            1e-7,
            -3.75,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            i64::MAX as f64,
            // longer than twelve, shortened to six places
            1.0 / 3.0,
            -2.0 / 3.0,
            123_456.789_012_345,
            1e15 + 0.5,
            // as long as the stack holds, and longer
            1e25,
            1e30,
            1e31,
            -1e31,
            1e40,
            1e-5,
            1.5e-5,
            1e-12,
            1e-30,
            -1e-300,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
        ];
        // the text as it was first written, with std's formatting alone
        let plain = |f: f64| {
            if f == f.trunc() && f.abs() < 1e15 {
                format!("{}", f as i64)
            } else {
                let s = format!("{f}");
                if s.len() > 12 {
                    let r = format!("{f:.6}");
                    r.trim_end_matches('0').trim_end_matches('.').to_string()
                } else {
                    s
                }
            }
        };
        for x in xs {
            let mut written = String::new();
            write_number(&mut written, x).expect("a String");
            assert_eq!(written, plain(x), "{x:?}");
            assert_eq!(fmt_number(x), plain(x), "{x:?}");
        }
    }

    #[test]
    fn thousands_group_the_whole_part_only() {
        assert_eq!(thousands(10_412.0), "10,412");
        assert_eq!(thousands(1_000_000.0), "1,000,000");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(-1234.5), "-1,234.5");
        assert_eq!(thousands(0.021), "0.021");
        assert_eq!(thousands(0.03 - 0.021), "0.009");
        assert_eq!(count(0), "0");
    }

    #[test]
    fn compact_magnitudes() {
        assert_eq!(compact(8_412.0), "8.4k");
        assert_eq!(compact(8_000.0), "8k");
        assert_eq!(compact(84_120.0), "84k");
        assert_eq!(compact(9_960.0), "10k");
        assert_eq!(compact(1_234_567.0), "1.2M");
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(2.5), "2.5");
        assert_eq!(compact(3e9), "3B");
    }

    #[test]
    fn percentages_and_scores() {
        assert_eq!(percent(0.066), "6.6%");
        assert_eq!(percent(0.03), "3%");
        assert_eq!(percent(0.0139), "1.39%");
        assert_eq!(percent(0.03 - 0.021), "0.9%");
        assert_eq!(percent(-0.0), "0%");
        assert_eq!(score(0.875), "0.875");
        assert_eq!(score(1.0), "1.000");
    }
}
