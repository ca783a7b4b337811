//! Calendar dates as reports carry them.

use std::fmt;

/// A calendar date, YYYY-MM-DD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        Date::check(s).ok()
    }

    /// The date `s` (YYYY-MM-DD), or what to do about it.
    pub fn check(s: &str) -> std::result::Result<Date, String> {
        const SHAPE: &str = "write the date as YYYY-MM-DD, e.g. `date: 2025-05-08`";
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(SHAPE.into());
        }
        let number = |r: std::ops::Range<usize>| {
            let part = &s[r];
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse::<u16>().ok())
                .flatten()
        };
        let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10))
        else {
            return Err(SHAPE.into());
        };
        let (month, day) = (month as u8, day as u8);
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => {
                return Err(format!(
                    "there is no month {month}; months run from 01 to 12"
                ))
            }
        };
        if (1..=days).contains(&day) {
            Ok(Date { year, month, day })
        } else {
            Err(format!("{year:04}-{month:02} has {days} days"))
        }
    }
}

impl Date {
    /// Days since 1970-01-01 (proleptic Gregorian), e.g. to compare dates.
    pub fn days(self) -> i64 {
        // The inverse of `crate::model::date::date_from_days`: years from 1 March.
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let year_of_era = y.rem_euclid(400);
        let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Today's date (UTC).
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    date_from_days((secs / 86_400) as i64)
}

/// The calendar date `days` days after 1970-01-01 (proleptic Gregorian).
pub(crate) fn date_from_days(days: i64) -> Date {
    // Shift to a calendar whose years start on 1 March, so the leap day is
    // the last day of a year; 719468 is 0000-03-01 -> 1970-01-01.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    Date {
        year: year as u16,
        month: month as u8,
        day: day as u8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days() {
        let d = |days| date_from_days(days).to_string();
        assert_eq!(d(0), "1970-01-01");
        assert_eq!(d(59), "1970-03-01");
        assert_eq!(d(11_016), "2000-02-29");
        assert_eq!(d(20_216), "2025-05-08");
        assert_eq!(d(-1), "1969-12-31");
    }

    #[test]
    fn days_count_from_1970() {
        let days = |s: &str| Date::parse(s).unwrap().days();
        assert_eq!(days("1970-01-01"), 0);
        assert_eq!(days("1970-03-01"), 59);
        assert_eq!(days("2000-02-29"), 11_016);
        assert_eq!(days("2025-05-08"), 20_216);
        assert_eq!(days("1969-12-31"), -1);
        assert_eq!(
            days("2100-03-01") - days("2100-02-28"),
            1,
            "2100 is no leap year"
        );
        for n in [-700_000, -1, 0, 1, 20_216, 30_000, 2_000_000] {
            assert_eq!(date_from_days(n).days(), n);
        }
    }
}
