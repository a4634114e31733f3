//! Timestamps as real exports spell them.
//!
//! The AWS CLI prints ISO 8601 with an offset (`2026-03-01T12:00:00+00:00`), the SDKs and
//! other tools print `Z` and fractional seconds, `cli_timestamp_format = none` and
//! CloudWatch Logs print epoch numbers (seconds or milliseconds), and hand-made exports
//! use a space or no offset at all. All of them read to the same UTC instant; a snapshot
//! always writes RFC 3339.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// An instant in UTC.
pub type Timestamp = DateTime<Utc>;

/// Epoch numbers at or above this are milliseconds: as seconds they would be past the year
/// 5000, and CloudWatch Logs gives `creationTime` in milliseconds.
const MILLIS_FROM: f64 = 1e11;

/// Reads a timestamp from text in any of the accepted forms; `None` when it is none.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    let spaced = t.replacen(' ', "T", 1);
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%:z"] {
        if let Ok(d) = DateTime::parse_from_str(&spaced, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    if let Some(stripped) = spaced.strip_suffix('Z').or(Some(spaced.as_str())) {
        if let Ok(n) = NaiveDateTime::parse_from_str(stripped, "%Y-%m-%dT%H:%M:%S%.f") {
            return Some(Utc.from_utc_datetime(&n));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|n| Utc.from_utc_datetime(&n));
    }
    if let Ok(n) = t.parse::<f64>() {
        return from_epoch(n);
    }
    None
}

/// An epoch number (seconds, or milliseconds when large) as a timestamp.
pub fn from_epoch(n: f64) -> Option<Timestamp> {
    if !n.is_finite() {
        return None;
    }
    let millis = if n.abs() >= MILLIS_FROM {
        n
    } else {
        n * 1000.0
    };
    // Beyond ±2^53 the conversion would be lossy and far outside chrono's range anyway.
    if millis.abs() > 9.0e15 {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "bounded above; sub-millisecond parts are dropped on purpose"
    )]
    let ms = millis.round() as i64;
    DateTime::from_timestamp_millis(ms)
}

struct TsVisitor;

impl<'de> Visitor<'de> for TsVisitor {
    type Value = Option<Timestamp>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp (ISO 8601 text or epoch seconds)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_timestamp(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("`{}` is not a timestamp", clip(v))))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        from_epoch(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("`{v}` is out of the timestamp range")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(TsVisitor)
    }
}

/// Serde `deserialize_with` for a required timestamp in any accepted form.
pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
    d.deserialize_any(TsVisitor)?
        .ok_or_else(|| de::Error::custom("a timestamp is required here"))
}

/// Serde `deserialize_with` for an optional timestamp in any accepted form (`null` is
/// none). Use with `#[serde(default)]`.
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    d.deserialize_option(TsVisitor)
}

pub(crate) fn clip(s: &str) -> String {
    phiward_policy::parse::clip(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> String {
        parse_timestamp(s)
            .map(|t| t.to_rfc3339())
            .unwrap_or_default()
    }

    #[test]
    fn every_export_spelling_reads_to_the_same_instant() {
        let want = "2026-03-01T12:00:00+00:00";
        for s in [
            "2026-03-01T12:00:00Z",
            "2026-03-01T12:00:00+00:00",
            "2026-03-01T12:00:00.000Z",
            "2026-03-01T13:00:00+01:00",
            "2026-03-01T12:00:00.000+0000",
            "2026-03-01 12:00:00+00:00",
            "2026-03-01T12:00:00",
            "1772366400",
            "1772366400000",
            "1772366400.0",
        ] {
            assert_eq!(at(s), want, "{s}");
        }
        assert_eq!(at("2026-03-01"), "2026-03-01T00:00:00+00:00");
    }

    #[test]
    fn junk_is_not_a_timestamp() {
        for s in [
            "",
            "N/A",
            "no_information",
            "2026-13-01T00:00:00Z",
            "NaN",
            "1e300",
        ] {
            assert_eq!(parse_timestamp(s), None, "{s}");
        }
    }

    #[test]
    fn numbers_and_nulls_deserialize() {
        #[derive(serde::Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "optional")]
            a: Option<Timestamp>,
        }
        let t: T = serde_json::from_str(r#"{"a": 1772366400}"#).unwrap();
        assert_eq!(t.a.map(|t| t.timestamp()), Some(1_772_366_400));
        let t: T = serde_json::from_str(r#"{"a": null}"#).unwrap();
        assert_eq!(t.a, None);
        let t: T = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(t.a, None);
        assert!(serde_json::from_str::<T>(r#"{"a": "yesterday"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"a": true}"#).is_err());
    }
}
