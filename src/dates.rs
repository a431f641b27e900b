//! Dates as front matter writes them (`YYYY-MM-DD`): the build's date from
//! `SOURCE_DATE_EPOCH` or the clock, days between dates, and staleness of caveats.

/// A `SOURCE_DATE_EPOCH` value (seconds since 1970, the reproducible-builds
/// convention) as a `YYYY-MM-DD` date; None when it is not a number.
pub fn date_from_epoch(seconds: &str) -> Option<String> {
    let secs: i64 = seconds.trim().parse().ok()?;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Today's date by the system clock (UTC).
pub fn today_by_clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    date_from_epoch(&secs.to_string()).unwrap_or_else(|| "1970-01-01".into())
}

/// Days from `earlier` to `later` (both `YYYY-MM-DD`); None when one is not a date.
pub fn days_between(earlier: &str, later: &str) -> Option<i64> {
    Some(days_from_civil(later)? - days_from_civil(earlier)?)
}

/// `YYYY-MM-DD` → days since 1970-01-01 (H. Hinnant's algorithm).
fn days_from_civil(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Both `YYYY-MM-DD`: is `date` more than a year before `today`?
pub fn is_over_a_year_before(date: &str, today: &str) -> bool {
    let year: i64 = today.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    let year_ago = format!("{:04}{}", year - 1, today.get(4..).unwrap_or(""));
    date < year_ago.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_epoch() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(date_from_epoch(" 86400\n").as_deref(), Some("1970-01-02"));
        assert_eq!(date_from_epoch("soon"), None);
        for days in [0, 19_723, 11_016, -1, 20_000] {
            let (y, m, d) = civil_from_days(days);
            let date = format!("{y:04}-{m:02}-{d:02}");
            assert_eq!(days_from_civil(&date), Some(days), "{date}");
        }
        assert_eq!(days_between("2024-02-28", "2024-03-01"), Some(2));
        assert_eq!(days_between("2024-01-01", "May"), None);
    }

    #[test]
    fn stale_after_a_year() {
        assert!(is_over_a_year_before("2024-02-01", "2025-02-02"));
        assert!(!is_over_a_year_before("2024-02-01", "2025-02-01"));
        assert!(!is_over_a_year_before("2024-12-01", "2025-02-01"));
    }
}
