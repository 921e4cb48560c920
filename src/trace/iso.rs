//! ISO 8601 timestamps as traces write them, parsed by hand into seconds since the Unix epoch.
//!
//! Owns [`parse_iso8601`], [`days_from_civil`] and [`IsoTimeError`]. Accepts a calendar date
//! (`2026-01-05`, midnight UTC) or a date and time (`2026-01-05T14:30:00`, also with a space
//! instead of `T`, without seconds, or with fractional seconds rounded to the nearest second),
//! optionally followed by `Z` or a UTC offset (`+hh:mm`, `-hh:mm`, `+hhmm` or `+hh`). A time
//! without an offset is taken as UTC. Years run from 0000 to 9999 in the proleptic Gregorian
//! calendar. Leap seconds, week dates and ordinal dates are rejected. Pure functions: no I/O,
//! no time zone database, nothing of the domain.

use std::fmt;

use thiserror::Error;

/// Seconds in a day.
const DAY_SECONDS: i64 = 86_400;

/// Why a text is not an accepted ISO 8601 timestamp.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum IsoTimeError {
    /// The text does not follow the accepted layout.
    #[error("expected YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.fff]] with an optional Z or +hh:mm")]
    Malformed,
    /// The month is not 1 to 12, or the day does not exist in that month.
    #[error("{0} does not exist")]
    NoSuchDate(CivilDate),
    /// The hour is above 23, the minute above 59 or the second above 59.
    #[error("{hour:02}:{minute:02}:{second:02} is not a time of day")]
    NoSuchTime {
        /// The hour written.
        hour: u32,
        /// The minute written.
        minute: u32,
        /// The second written.
        second: u32,
    },
    /// The UTC offset is beyond 23:59.
    #[error("the UTC offset {hours:02}:{minutes:02} is out of range")]
    BadOffset {
        /// Hours of the offset.
        hours: u32,
        /// Minutes of the offset.
        minutes: u32,
    },
}

/// A calendar date as written (not necessarily a valid one), for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CivilDate {
    /// The year, 0 to 9999.
    pub year: i64,
    /// The month, as written.
    pub month: u32,
    /// The day of the month, as written.
    pub day: u32,
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Whether `year` is a leap year in the Gregorian calendar.
pub fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days in `month` (1 to 12) of `year`; zero for a month outside 1 to 12.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to `year`-`month`-`day` in the proleptic Gregorian calendar
/// (negative before 1970). The date must exist; [`parse_iso8601`] checks that first.
///
/// Counts 365 days a year plus one for each leap day in the whole years between, then the
/// days of the whole months of `year`, then the day of the month.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Leap days in the years 1..=y (with year 0 as a leap year the arithmetic still holds,
    // because only differences of this count are used).
    let leap_days_through = |y: i64| y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    let whole_years = 365 * (year - 1970) + leap_days_through(year - 1) - leap_days_through(1969);

    let whole_months: i64 = (1..month).map(|m| i64::from(days_in_month(year, m))).sum();
    whole_years + whole_months + i64::from(day) - 1
}

/// Parses an ISO 8601 date or date-time (see the module doc for the accepted forms) into
/// seconds since 1970-01-01T00:00:00Z.
pub fn parse_iso8601(text: &str) -> Result<i64, IsoTimeError> {
    let mut cursor = Cursor { bytes: text.as_bytes(), at: 0 };

    let date = cursor.date()?;
    let day_start = days_from_civil(date.year, date.month, date.day) * DAY_SECONDS;
    if cursor.done() {
        return Ok(day_start);
    }

    cursor.separator()?;
    let seconds_of_day = cursor.time_of_day()?;
    let offset = cursor.offset()?;
    if !cursor.done() {
        return Err(IsoTimeError::Malformed);
    }
    Ok(day_start + seconds_of_day - offset)
}

/// Reads a timestamp left to right.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Consumes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8) -> Result<(), IsoTimeError> {
        if self.eat(byte) { Ok(()) } else { Err(IsoTimeError::Malformed) }
    }

    /// Exactly `count` decimal digits as a number.
    fn digits(&mut self, count: usize) -> Result<u32, IsoTimeError> {
        let end = self.at + count;
        let slice = self.bytes.get(self.at..end).ok_or(IsoTimeError::Malformed)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return Err(IsoTimeError::Malformed);
        }
        self.at = end;
        Ok(slice.iter().fold(0, |n, &b| n * 10 + u32::from(b - b'0')))
    }

    /// `YYYY-MM-DD`, checked to exist.
    fn date(&mut self) -> Result<CivilDate, IsoTimeError> {
        let year = i64::from(self.digits(4)?);
        self.expect(b'-')?;
        let month = self.digits(2)?;
        self.expect(b'-')?;
        let day = self.digits(2)?;

        let date = CivilDate { year, month, day };
        if day == 0 || day > days_in_month(year, month) {
            return Err(IsoTimeError::NoSuchDate(date));
        }
        Ok(date)
    }

    /// The `T` (or `t`, or a space) between date and time.
    fn separator(&mut self) -> Result<(), IsoTimeError> {
        match self.peek() {
            Some(b'T' | b't' | b' ') => {
                self.at += 1;
                Ok(())
            }
            _ => Err(IsoTimeError::Malformed),
        }
    }

    /// `hh:mm[:ss[.fff]]` as seconds since midnight, fractions rounded to the nearest second.
    fn time_of_day(&mut self) -> Result<i64, IsoTimeError> {
        let hour = self.digits(2)?;
        self.expect(b':')?;
        let minute = self.digits(2)?;
        let second = if self.eat(b':') { self.digits(2)? } else { 0 };
        if hour > 23 || minute > 59 || second > 59 {
            return Err(IsoTimeError::NoSuchTime { hour, minute, second });
        }

        let round_up = self.fraction()?;
        Ok(i64::from(hour * 3_600 + minute * 60 + second) + i64::from(round_up))
    }

    /// An optional `.fff` (or `,fff`); whether it rounds the second up.
    fn fraction(&mut self) -> Result<bool, IsoTimeError> {
        if !(self.eat(b'.') || self.eat(b',')) {
            return Ok(false);
        }
        let first = self.peek().filter(u8::is_ascii_digit).ok_or(IsoTimeError::Malformed)?;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        Ok(first >= b'5')
    }

    /// An optional `Z` or `+hh:mm` / `-hh:mm` / `+hhmm` / `+hh`, as seconds east of UTC.
    fn offset(&mut self) -> Result<i64, IsoTimeError> {
        let sign = match self.peek() {
            None => return Ok(0),
            Some(b'Z' | b'z') => {
                self.at += 1;
                return Ok(0);
            }
            Some(b'+') => 1,
            Some(b'-') => -1,
            Some(_) => return Err(IsoTimeError::Malformed),
        };
        self.at += 1;

        let hours = self.digits(2)?;
        let minutes = if self.done() {
            0
        } else {
            self.eat(b':');
            self.digits(2)?
        };
        if hours > 23 || minutes > 59 {
            return Err(IsoTimeError::BadOffset { hours, minutes });
        }
        Ok(sign * i64::from(hours * 3_600 + minutes * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 2026-01-05T00:00:00Z, checked against `date -u -d 2026-01-05 +%s`.
    const JAN_5_2026: i64 = 1_767_571_200;

    #[test]
    fn epoch_and_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(parse_iso8601("2026-01-05"), Ok(JAN_5_2026));
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_iso8601("0000-01-01"), Ok(-62_167_219_200));
        assert_eq!(parse_iso8601("9999-12-31T23:59:59Z"), Ok(253_402_300_799));
    }

    #[test]
    fn times_of_day_and_their_forms() {
        let at_1430 = JAN_5_2026 + 14 * 3600 + 30 * 60;
        for text in [
            "2026-01-05T14:30:00",
            "2026-01-05T14:30",
            "2026-01-05 14:30:00",
            "2026-01-05t14:30:00z",
            "2026-01-05T14:30:00Z",
            "2026-01-05T14:30:00+00:00",
            "2026-01-05T14:30:00.4",
            "2026-01-05T14:29:59.5",
            "2026-01-05T14:29:59,999999",
        ] {
            assert_eq!(parse_iso8601(text), Ok(at_1430), "{text}");
        }
    }

    #[test]
    fn offsets_shift_to_utc() {
        let utc = parse_iso8601("2026-01-05T14:30:00Z").unwrap();
        assert_eq!(parse_iso8601("2026-01-05T09:30:00-05:00"), Ok(utc));
        assert_eq!(parse_iso8601("2026-01-05T20:00:00+05:30"), Ok(utc));
        assert_eq!(parse_iso8601("2026-01-05T20:00:00+0530"), Ok(utc));
        assert_eq!(parse_iso8601("2026-01-05T15:30:00+01"), Ok(utc));
        // An offset can move the instant into another UTC day.
        assert_eq!(parse_iso8601("2026-01-05T23:30:00-05:00"), Ok(JAN_5_2026 + 28 * 3600 + 1800));
        assert_eq!(parse_iso8601("2026-01-05T01:00:00+09:00"), Ok(JAN_5_2026 - 8 * 3600));
    }

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2024) && is_leap_year(2000) && is_leap_year(1600));
        assert!(!is_leap_year(2026) && !is_leap_year(1900) && !is_leap_year(2100));
        assert_eq!(parse_iso8601("2024-02-29"), Ok(parse_iso8601("2024-02-28").unwrap() + 86_400));
        assert_eq!(parse_iso8601("2024-03-01"), Ok(parse_iso8601("2024-02-29").unwrap() + 86_400));
        assert_eq!(parse_iso8601("2000-02-29").map(|s| s / 86_400), Ok(11_016));
        assert!(parse_iso8601("2026-02-29").is_err());
        assert!(parse_iso8601("1900-02-29").is_err());
        assert_eq!(
            parse_iso8601("2025-01-01").unwrap() - parse_iso8601("2024-01-01").unwrap(),
            366 * 86_400
        );
    }

    #[test]
    fn invalid_dates_are_named() {
        let err = parse_iso8601("2026-02-30").unwrap_err();
        assert_eq!(err.to_string(), "2026-02-30 does not exist");
        assert!(matches!(parse_iso8601("2026-13-01"), Err(IsoTimeError::NoSuchDate(_))));
        assert!(matches!(parse_iso8601("2026-00-10"), Err(IsoTimeError::NoSuchDate(_))));
        assert!(matches!(parse_iso8601("2026-04-31"), Err(IsoTimeError::NoSuchDate(_))));
        assert!(matches!(parse_iso8601("2026-04-00"), Err(IsoTimeError::NoSuchDate(_))));
    }

    #[test]
    fn invalid_times_and_offsets() {
        assert_eq!(
            parse_iso8601("2026-01-05T24:00:00").unwrap_err().to_string(),
            "24:00:00 is not a time of day"
        );
        assert!(matches!(parse_iso8601("2026-01-05T12:60"), Err(IsoTimeError::NoSuchTime { .. })));
        assert!(matches!(
            parse_iso8601("2026-01-05T23:59:60Z"),
            Err(IsoTimeError::NoSuchTime { second: 60, .. })
        ));
        assert_eq!(
            parse_iso8601("2026-01-05T12:00:00+24:00"),
            Err(IsoTimeError::BadOffset { hours: 24, minutes: 0 })
        );
        assert!(matches!(
            parse_iso8601("2026-01-05T12:00:00+05:60"),
            Err(IsoTimeError::BadOffset { .. })
        ));
    }

    #[test]
    fn malformed_texts() {
        for text in [
            "",
            "2026",
            "2026-1-05",
            "26-01-05",
            "2026/01/05",
            "2026-01-05T",
            "2026-01-05T14",
            "2026-01-05T14:3",
            "2026-01-05T14:30:00.",
            "2026-01-05T14:30:00Zjunk",
            "2026-01-05T14:30:00+5",
            "2026-01-05T14:30:00+05:3",
            "2026-01-05x",
            "+2026-01-05",
            "2026-01-05T14:30:00 +05:00",
            "２０２６-01-05",
        ] {
            assert_eq!(parse_iso8601(text), Err(IsoTimeError::Malformed), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn consecutive_days_are_one_day_apart(year in 0i64..=9999, month in 1u32..=12, day in 1u32..=31) {
            prop_assume!(day <= days_in_month(year, month));
            let today = days_from_civil(year, month, day);
            let (next_y, next_m, next_d) = if day < days_in_month(year, month) {
                (year, month, day + 1)
            } else if month < 12 {
                (year, month + 1, 1)
            } else {
                (year + 1, 1, 1)
            };
            prop_assert_eq!(days_from_civil(next_y, next_m, next_d), today + 1);
        }

        #[test]
        fn formatted_instants_parse_back(seconds in -62_167_219_200i64..253_402_300_800) {
            let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
            let (year, month, day) = civil_from_days(days);
            let text = format!(
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
                second_of_day / 3600,
                second_of_day / 60 % 60,
                second_of_day % 60
            );
            prop_assert_eq!(parse_iso8601(&text), Ok(seconds));
        }
    }

    /// The inverse of `days_from_civil` by walking years then months, for the round trip.
    fn civil_from_days(mut days: i64) -> (i64, u32, u32) {
        // Start from a year no later than the true one: years have 365 or 366 days.
        let mut year = 1970 + if days < 0 { days.div_euclid(365) } else { days / 366 };
        days -= days_from_civil(year, 1, 1);
        loop {
            let length = if is_leap_year(year) { 366 } else { 365 };
            if days < length {
                break;
            }
            days -= length;
            year += 1;
        }
        let mut month = 1;
        while days >= i64::from(days_in_month(year, month)) {
            days -= i64::from(days_in_month(year, month));
            month += 1;
        }
        (year, month, days as u32 + 1)
    }
}
