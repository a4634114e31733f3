//! Typed condition values: exact decimals, instants, booleans, IP ranges, binary.

use std::cmp::Ordering;

use crate::civil::days_from_civil;

/// An exact decimal number (no rounding, any size).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    /// Significant digits without leading or trailing zeros; empty for zero.
    digits: Vec<u8>,
    /// Value = 0.digits * 10^exp.
    exp: i64,
}

impl Decimal {
    /// Parses `-12`, `3.25`, `1e3`, `+7`, `.5`. Whitespace around is allowed.
    pub fn parse(s: &str) -> Option<Decimal> {
        let s = s.trim();
        let (negative, s) = match s.as_bytes().first()? {
            b'-' => (true, s.get(1..)?),
            b'+' => (false, s.get(1..)?),
            _ => (false, s),
        };
        let (mantissa, e) = match s.find(['e', 'E']) {
            Some(i) => (s.get(..i)?, s.get(i + 1..)?.parse::<i64>().ok()?),
            None => (s, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let all: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        let lead = all.iter().take_while(|d| **d == 0).count();
        let mut digits = all.get(lead..).unwrap_or(&[]).to_vec();
        while digits.last() == Some(&0) {
            digits.pop();
        }
        let int_len = i64::try_from(int.len()).ok()?;
        let lead = i64::try_from(lead).ok()?;
        let exp = int_len.checked_sub(lead)?.checked_add(e)?;
        Some(Decimal {
            negative: negative && !digits.is_empty(),
            exp: if digits.is_empty() { 0 } else { exp },
            digits,
        })
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let mag = |a: &Decimal, b: &Decimal| -> Ordering {
            match (a.digits.is_empty(), b.digits.is_empty()) {
                (true, true) => return Ordering::Equal,
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                _ => {}
            }
            a.exp.cmp(&b.exp).then_with(|| a.digits.cmp(&b.digits))
        };
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => mag(self, other),
            (true, true) => mag(other, self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Parses a number for the `Numeric*` operators the way the conformance suite's reference
/// evaluator does: a value containing `.` is read as a decimal (longest numeric prefix,
/// exponent allowed), any other as a base-10 integer prefix (`"7200"`, `" 42"`, `"12abc"`
/// is 12). `None` when no number starts the value.
///
/// AWS: "IAM JSON policy elements: Condition operators", section "Numeric condition
/// operators" (integers and decimals).
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let b = t.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let digits = |mut j: usize| {
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        j
    };
    if !s.contains('.') {
        let end = digits(i);
        return if end == i {
            None
        } else {
            t.get(..end)?.parse().ok()
        };
    }
    if t.get(i..)?.starts_with("Infinity") {
        return Some(if b.first() == Some(&b'-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    let int_end = digits(i);
    let mut end = int_end;
    if b.get(end) == Some(&b'.') {
        let frac_end = digits(end + 1);
        if frac_end > end + 1 || int_end > i {
            end = frac_end;
        }
    }
    if end == i || (end == i + 1 && b.get(i) == Some(&b'.')) {
        return None;
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let mut j = end + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let k = digits(j);
        if k > j {
            end = k;
        }
    }
    t.get(..end)?.parse().ok()
}

/// An instant as nanoseconds since 1970-01-01T00:00:00Z.
pub type Instant = i128;

/// Parses a date for the `Date*` operators: ISO 8601 (`2025-07-18`, `2025-07-18T14:53:02Z`,
/// fractions, `+02:00` offsets; no zone means UTC) or epoch seconds (`1718302191`).
///
/// AWS: IAM User Guide, "IAM JSON policy elements: Condition operators", section "Date
/// condition operators": values follow the W3C implementations of ISO 8601 or epoch time.
pub fn parse_date(s: &str) -> Option<Instant> {
    let s = s.trim();
    if looks_like_iso(s) {
        parse_iso(s)
    } else {
        parse_epoch(s)
    }
}

fn looks_like_iso(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-')
}

fn parse_epoch(s: &str) -> Option<Instant> {
    let d = Decimal::parse(s)?;
    // seconds -> nanoseconds, exactly, for up to 9 fractional digits
    let mut nanos: i128 = 0;
    let shift = d.exp.checked_add(9)?;
    if shift < 0 {
        return Some(0);
    }
    if shift > 30 {
        return None;
    }
    for (i, dig) in d.digits.iter().enumerate() {
        let i = i64::try_from(i).ok()?;
        if i >= shift {
            break;
        }
        nanos = nanos.checked_mul(10)?.checked_add(i128::from(*dig))?;
    }
    let used = i64::try_from(d.digits.len()).ok()?.min(shift);
    for _ in used..shift {
        nanos = nanos.checked_mul(10)?;
    }
    Some(if d.negative { -nanos } else { nanos })
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn parse_iso(s: &str) -> Option<Instant> {
    let (date, rest) = match s.find(['T', 't', ' ']) {
        Some(i) => (s.get(..i)?, Some(s.get(i + 1..)?)),
        None => (s, None),
    };
    let mut dp = date.split('-');
    let y = num(dp.next()?)?;
    let m = num(dp.next()?)?;
    let d = num(dp.next()?)?;
    // ISO 8601 years have four digits; bounding them also keeps the arithmetic in range.
    if dp.next().is_some()
        || !(0..=9999).contains(&y)
        || !(1..=12).contains(&m)
        || d < 1
        || d > days_in_month(y, m)
    {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    let mut nanos: i128 = 0;
    if let Some(rest) = rest {
        // split off the zone designator
        let (time, zone) = match rest.find(['Z', 'z', '+', '-']) {
            Some(i) => (rest.get(..i)?, rest.get(i..)?),
            None => (rest, ""),
        };
        let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
        let mut tp = hms.split(':');
        let h = num(tp.next()?)?;
        let mi = tp.next().map(num).unwrap_or(Some(0))?;
        let se = tp.next().map(num).unwrap_or(Some(0))?;
        if tp.next().is_some() || h > 24 || mi > 59 || se > 60 || (h == 24 && (mi, se) != (0, 0)) {
            return None;
        }
        secs += h * 3600 + mi * 60 + se;
        if !frac.is_empty() {
            if !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let mut f: i128 = 0;
            for (i, b) in frac.bytes().enumerate() {
                if i < 9 {
                    f = f * 10 + i128::from(b - b'0');
                }
            }
            for _ in frac.len()..9 {
                f *= 10;
            }
            nanos = f;
        }
        secs -= zone_offset(zone)?;
    }
    Some(i128::from(secs) * 1_000_000_000 + nanos)
}

fn zone_offset(z: &str) -> Option<i64> {
    if z.is_empty() || z == "Z" || z == "z" {
        return Some(0);
    }
    let sign = match z.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = z.get(1..)?;
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (num(h)?, num(m)?),
        None if body.len() == 4 => (num(body.get(..2)?)?, num(body.get(2..)?)?),
        None if body.len() == 2 => (num(body)?, 0),
        None => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

/// Parses `true`/`false` in any case.
pub fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn decimals_compare_exactly() {
        assert_eq!(d("10"), d("10.000"));
        assert_eq!(d("1e3"), d("1000"));
        assert_eq!(d("-0"), d("0"));
        assert!(d("9") < d("10"));
        assert!(d("-10") < d("-9"));
        assert!(d("0.1") > d("0.09"));
        assert!(d("12345678901234567891") > d("12345678901234567890"));
        assert!(Decimal::parse("abc").is_none());
        assert!(Decimal::parse("").is_none());
        assert!(Decimal::parse("1.2.3").is_none());
        assert!(Decimal::parse("-").is_none());
        assert!(Decimal::parse("1e99999999999999999999").is_none());
    }

    #[test]
    fn numbers_read_like_the_reference() {
        assert_eq!(parse_number("7200"), Some(7200.0));
        assert_eq!(parse_number(" 42"), Some(42.0));
        assert_eq!(parse_number("12abc"), Some(12.0));
        assert_eq!(parse_number("1e3"), Some(1.0));
        assert_eq!(parse_number("1.5e3"), Some(1500.0));
        assert_eq!(parse_number("198.51.100.200"), Some(198.51));
        assert_eq!(parse_number("-0.5"), Some(-0.5));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("5."), Some(5.0));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("."), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("-"), None);
    }

    #[test]
    fn dates() {
        let a = parse_date("2025-07-18T14:53:02Z").unwrap();
        assert_eq!(parse_date("2025-07-18T16:53:02+02:00"), Some(a));
        assert_eq!(parse_date("2025-07-18T14:53:02"), Some(a));
        assert_eq!(parse_date("1752850382"), Some(a));
        assert_eq!(parse_date("2025-07-18T14:53:02.5Z"), Some(a + 500_000_000));
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(
            parse_date("2024-02-29"),
            Some(1_709_164_800 * 1_000_000_000)
        );
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2025-13-01").is_none());
        assert!(parse_date("yesterday").is_none());
        assert!(parse_date("").is_none());
        assert!(parse_date("9223372036854775807-01-01").is_none());
        assert!(parse_date("99999999999999999999999").is_none());
    }
}
