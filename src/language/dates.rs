//! Dates (docs/language.md, "Dates"): reading ISO 8601 text and Unix
//! seconds into a date value, printing it back, and the run's date that
//! `days_since` counts to. A date value is Unix seconds in UTC, so that a
//! [`super::value::Value`] stays as small as it was; jiff does the calendar.

use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use jiff::{Span, Timestamp};

const DAY: i64 = 86_400;
const EPOCH: Date = Date::constant(1970, 1, 1);

/// The forms `date(x)` accepts, for reasons and help.
pub const ACCEPTED: &str = "a date 2026-11-03, a date-time 2026-11-03T10:00:00Z or with an offset such as +02:00, or Unix seconds";

/// A date printed in ISO form: `2026-11-03` at midnight UTC, else the
/// date-time in UTC, `2026-11-03T10:00:00Z`.
pub fn iso(secs: i64) -> String {
    if secs.rem_euclid(DAY) == 0 {
        // civil arithmetic: midnight of 9999-12-31 is past jiff's Timestamp range
        if let Some(d) = from_day_number(secs.div_euclid(DAY)) {
            return d.to_string();
        }
    }
    match Timestamp::from_second(secs) {
        Ok(t) => t.to_string(),
        // values are made by `read_text` and `from_unix`, which keep to the range
        Err(_) => secs.to_string(),
    }
}

/// Reads ISO 8601 text: a date (midnight UTC), a date-time with `Z` or an
/// offset, or a date-time without either (read as UTC). Fractional seconds
/// are dropped. `None` for any other text.
pub fn read_text(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Some(d) = read_day(t) {
        return Some(day_start(d));
    }
    // a date-time must start with a whole date; jiff reads the rest, but
    // would read `10:00:00[Europe/Paris]` as UTC: a named zone is refused
    read_day(t.get(..10)?)?;
    if t.contains('[') {
        return None;
    }
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Some(ts.as_second());
    }
    let dt: DateTime = t.parse().ok()?;
    Offset::UTC.to_timestamp(dt).ok().map(Timestamp::as_second)
}

/// Reads Unix seconds (a fraction is dropped); `None` outside the years
/// -9999 to 9999.
pub fn from_unix(secs: f64) -> Option<i64> {
    let whole = secs.floor();
    if !(-4e11..4e11).contains(&whole) {
        return None;
    }
    let s = whole as i64;
    Timestamp::from_second(s).ok().map(|_| s)
}

/// Reads exactly `YYYY-MM-DD` (`--today`, an example's `today`).
pub fn read_day(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    // the digits checked above: a date of the calendar, as jiff's parser
    // reads it (`read_day_is_jiffs_parse`), without parsing again
    let n = |r: std::ops::Range<usize>| b[r].iter().fold(0i16, |n, c| n * 10 + i16::from(c - b'0'));
    Date::new(n(0..4), n(5..7) as i8, n(8..10) as i8).ok()
}

/// Days since 1970-01-01 of a date.
pub fn day_number(d: Date) -> i64 {
    day_start(d).div_euclid(DAY)
}

/// The date of a day number (days since 1970-01-01), the inverse of
/// [`day_number`] for every civil date; `None` beyond them.
pub fn from_day_number(days: i64) -> Option<Date> {
    // civil arithmetic: 9999-12-31 is past jiff's Timestamp range
    let span = Span::new().try_days(days).ok()?;
    EPOCH.checked_add(span).ok()
}

/// The UTC calendar day (days since 1970-01-01) of a date value.
pub fn day_of(secs: i64) -> i64 {
    secs.div_euclid(DAY)
}

/// Today's date in UTC, from the clock.
pub fn today_utc() -> Date {
    Offset::UTC.to_datetime(Timestamp::now()).date()
}

fn day_start(d: Date) -> i64 {
    // civil arithmetic, not a Timestamp: jiff's instants stop a day short of
    // 9999-12-31, which must not read as 1970-01-01. Days from 1970-01-01
    // by the proleptic Gregorian calendar's eras of 400 years (H. Hinnant's
    // `days_from_civil`), the same count as `EPOCH.until(d)` gives
    // (`day_start_counts_as_jiff`) without a span worked out per date
    let (m, day) = (i64::from(d.month()), i64::from(d.day()));
    let y = i64::from(d.year()) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    (era * 146_097 + day_of_era - 719_468) * DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_start_counts_as_jiff() {
        let days = |d: Date| EPOCH.until(d).map(|s| i64::from(s.get_days())).ok();
        for year in (-9999..=9999)
            .step_by(7)
            .chain([-1, 0, 1, 1900, 2000, 2024, 9999])
        {
            for month in 1..=12 {
                for day in [1, 15, 28, 29, 30, 31] {
                    if let Ok(d) = Date::new(year, month, day) {
                        assert_eq!(Some(day_start(d) / DAY), days(d), "{d}");
                    }
                }
            }
        }
    }

    #[test]
    fn read_day_is_jiffs_parse() {
        for year in [
            "0000", "0001", "1969", "1970", "1900", "2000", "2023", "2024", "9999",
        ] {
            for month in ["00", "01", "02", "09", "10", "12", "13", "99"] {
                for day in ["00", "01", "28", "29", "30", "31", "32", "99"] {
                    let text = format!("{year}-{month}-{day}");
                    assert_eq!(read_day(&text), text.parse::<Date>().ok(), "{text}");
                }
            }
        }
    }

    #[test]
    fn reads_and_prints() {
        let d = read_text("2026-11-03").expect("a date");
        assert_eq!(iso(d), "2026-11-03");
        let t = read_text("2026-11-03T23:30:00-02:00").expect("a date-time");
        assert_eq!(iso(t), "2026-11-04T01:30:00Z");
        assert_eq!(day_of(t), day_of(d) + 1);
        assert_eq!(
            read_text("2026-11-03T10:00:00"),
            read_text("2026-11-03T10:00:00Z")
        );
        assert_eq!(
            read_text("2026-11-03T10:00:00.750Z"),
            read_text("2026-11-03T10:00:00Z")
        );
        for bad in [
            "",
            "03/11/2026",
            "2026-13-01",
            "2026-02-30",
            "yesterday",
            "2026-11-03Tx",
        ] {
            assert_eq!(read_text(bad), None, "{bad}");
        }
        assert_eq!(from_unix(0.0), Some(0));
        assert_eq!(from_unix(1e18), None);
        assert_eq!(read_day("2026-12-02").map(day_number), Some(20_789));
        for d in [Date::MIN, Date::MAX, EPOCH, Date::constant(2024, 2, 29)] {
            assert_eq!(from_day_number(day_number(d)), Some(d), "{d}");
        }
    }
}
