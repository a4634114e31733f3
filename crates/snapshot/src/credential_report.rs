//! The IAM credential report: one CSV row per user plus `<root_account>`.
//!
//! Cells that are not values carry meaning and are kept apart from them: `N/A` (there is
//! nothing, such as a key never used), `no_information` (IAM has no record, such as a
//! password last used before tracking began) and `not_supported` (the column does not apply,
//! such as the root user's password flag).

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::dates::{parse_timestamp, Timestamp};

/// The user name of the root user's row.
pub const ROOT_USER: &str = "<root_account>";

/// A parsed credential report.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CredentialReport {
    /// When IAM generated the report, when known.
    #[serde(default)]
    pub generated_time: Option<Timestamp>,
    /// One row per user, the root user included when IAM listed it.
    pub rows: Vec<CredentialReportRow>,
}

impl CredentialReport {
    /// The root user's row.
    pub fn root(&self) -> Option<&CredentialReportRow> {
        self.rows.iter().find(|r| r.user == ROOT_USER)
    }

    /// The row of the IAM user with this name.
    pub fn user(&self, name: &str) -> Option<&CredentialReportRow> {
        self.rows
            .iter()
            .find(|r| r.user == name && r.user != ROOT_USER)
    }
}

/// A cell of the report: a value or one of IAM's markers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportValue<T> {
    /// A value.
    Value(T),
    /// `N/A`: nothing to report (no key, never used).
    NotApplicable,
    /// `no_information`: IAM has no record.
    NoInformation,
    /// `not_supported`: the column does not apply to this row.
    NotSupported,
}

impl<T> ReportValue<T> {
    /// The value, if the cell holds one.
    pub fn value(&self) -> Option<&T> {
        match self {
            ReportValue::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T: Copy> ReportValue<T> {
    /// The value, if the cell holds one, copied.
    pub fn get(&self) -> Option<T> {
        self.value().copied()
    }
}

/// What a cell may hold.
pub trait ReportField: Sized {
    /// Reads a cell's text.
    fn from_text(s: &str) -> Option<Self>;
    /// Reads a value from a snapshot.
    fn from_json(v: &serde_json::Value) -> Option<Self>;
}

impl ReportField for Timestamp {
    fn from_text(s: &str) -> Option<Self> {
        parse_timestamp(s)
    }
    fn from_json(v: &serde_json::Value) -> Option<Self> {
        v.as_f64().and_then(crate::dates::from_epoch)
    }
}

impl ReportField for bool {
    fn from_text(s: &str) -> Option<Self> {
        match s {
            "true" | "TRUE" | "True" => Some(true),
            "false" | "FALSE" | "False" => Some(false),
            _ => None,
        }
    }
    fn from_json(v: &serde_json::Value) -> Option<Self> {
        v.as_bool()
    }
}

impl ReportField for String {
    fn from_text(s: &str) -> Option<Self> {
        Some(s.to_string())
    }
    fn from_json(_: &serde_json::Value) -> Option<Self> {
        None
    }
}

impl<T: ReportField> ReportValue<T> {
    /// Reads a cell's text.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "N/A" => Some(ReportValue::NotApplicable),
            "no_information" => Some(ReportValue::NoInformation),
            "not_supported" => Some(ReportValue::NotSupported),
            t => T::from_text(t).map(ReportValue::Value),
        }
    }
}

impl<T: Serialize> Serialize for ReportValue<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ReportValue::Value(v) => v.serialize(s),
            ReportValue::NotApplicable => s.serialize_str("N/A"),
            ReportValue::NoInformation => s.serialize_str("no_information"),
            ReportValue::NotSupported => s.serialize_str("not_supported"),
        }
    }
}

impl<'de, T: ReportField> Deserialize<'de> for ReportValue<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let parsed = match &v {
            serde_json::Value::String(s) => ReportValue::parse(s),
            other => T::from_json(other).map(ReportValue::Value),
        };
        parsed.ok_or_else(|| de::Error::custom(format!("`{v}` is not a credential report value")))
    }
}

/// One row of the credential report, with IAM's column names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[expect(missing_docs, reason = "fields are IAM's documented report columns")]
pub struct CredentialReportRow {
    pub user: String,
    pub arn: String,
    pub user_creation_time: ReportValue<Timestamp>,
    pub password_enabled: ReportValue<bool>,
    pub password_last_used: ReportValue<Timestamp>,
    pub password_last_changed: ReportValue<Timestamp>,
    pub password_next_rotation: ReportValue<Timestamp>,
    pub mfa_active: ReportValue<bool>,
    pub access_key_1_active: ReportValue<bool>,
    pub access_key_1_last_rotated: ReportValue<Timestamp>,
    pub access_key_1_last_used_date: ReportValue<Timestamp>,
    pub access_key_1_last_used_region: ReportValue<String>,
    pub access_key_1_last_used_service: ReportValue<String>,
    pub access_key_2_active: ReportValue<bool>,
    pub access_key_2_last_rotated: ReportValue<Timestamp>,
    pub access_key_2_last_used_date: ReportValue<Timestamp>,
    pub access_key_2_last_used_region: ReportValue<String>,
    pub access_key_2_last_used_service: ReportValue<String>,
    pub cert_1_active: ReportValue<bool>,
    pub cert_1_last_rotated: ReportValue<Timestamp>,
    pub cert_2_active: ReportValue<bool>,
    pub cert_2_last_rotated: ReportValue<Timestamp>,
}

/// Why a credential report could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The CSV itself is malformed (unequal row lengths, bad UTF-8, ...).
    #[error("line {line}: {message}")]
    Csv {
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A required column is missing from the header.
    #[error("the header has no `{0}` column")]
    MissingColumn(&'static str),
    /// A cell holds neither a value nor a marker.
    #[error("line {line}, column `{column}`: `{value}` is not valid here")]
    Cell {
        /// 1-based line.
        line: u64,
        /// The column's name.
        column: &'static str,
        /// The cell (clipped).
        value: String,
    },
}

const COLUMNS: [&str; 22] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

/// Parses the report's CSV text. Columns may come in any order; a column absent from the
/// header reads as `no_information` (older reports lack some), except `user` and `arn`.
pub fn parse_csv(text: &[u8]) -> Result<Vec<CredentialReportRow>, ReportError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(text);
    let headers = rdr.headers().map_err(csv_err)?.clone();
    let index: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|c| headers.iter().position(|h| h == *c))
        .collect();
    for (i, c) in COLUMNS.iter().enumerate().take(2) {
        if index.get(i).copied().flatten().is_none() {
            return Err(ReportError::MissingColumn(c));
        }
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map_or(0, csv::Position::line);
        let cell =
            |i: usize| -> Option<&str> { index.get(i).copied().flatten().and_then(|j| rec.get(j)) };
        let text = |i: usize| cell(i).unwrap_or_default().to_string();
        let row = Cells { line, cell: &cell };
        rows.push(CredentialReportRow {
            user: text(0),
            arn: text(1),
            user_creation_time: row.get(2)?,
            password_enabled: row.get(3)?,
            password_last_used: row.get(4)?,
            password_last_changed: row.get(5)?,
            password_next_rotation: row.get(6)?,
            mfa_active: row.get(7)?,
            access_key_1_active: row.get(8)?,
            access_key_1_last_rotated: row.get(9)?,
            access_key_1_last_used_date: row.get(10)?,
            access_key_1_last_used_region: row.get(11)?,
            access_key_1_last_used_service: row.get(12)?,
            access_key_2_active: row.get(13)?,
            access_key_2_last_rotated: row.get(14)?,
            access_key_2_last_used_date: row.get(15)?,
            access_key_2_last_used_region: row.get(16)?,
            access_key_2_last_used_service: row.get(17)?,
            cert_1_active: row.get(18)?,
            cert_1_last_rotated: row.get(19)?,
            cert_2_active: row.get(20)?,
            cert_2_last_rotated: row.get(21)?,
        });
    }
    Ok(rows)
}

struct Cells<'a> {
    line: u64,
    cell: &'a dyn Fn(usize) -> Option<&'a str>,
}

impl Cells<'_> {
    fn get<T: ReportField>(&self, i: usize) -> Result<ReportValue<T>, ReportError> {
        let Some(s) = (self.cell)(i) else {
            return Ok(ReportValue::NoInformation);
        };
        ReportValue::parse(s).ok_or_else(|| ReportError::Cell {
            line: self.line,
            column: COLUMNS.get(i).copied().unwrap_or("?"),
            value: crate::dates::clip(s),
        })
    }
}

fn csv_err(e: csv::Error) -> ReportError {
    let line = e.position().map_or(0, csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the text is not UTF-8".to_string(),
        _ => e.to_string(),
    };
    ReportError::Csv { line, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
    const ROOT: &str = "<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-10-30T08:00:00+00:00,not_supported,not_supported,false,true,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
    const ALICE: &str = "alice,arn:aws:iam::111122223333:user/alice,2024-02-03T04:05:06Z,true,no_information,2024-02-03T04:05:06Z,N/A,true,true,2024-02-03T04:05:06Z,2026-10-01T00:00:00Z,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

    #[test]
    fn root_and_markers() {
        let rows = parse_csv(format!("{HEADER}\n{ROOT}\n{ALICE}\n").as_bytes()).unwrap();
        let report = CredentialReport {
            generated_time: None,
            rows,
        };
        let root = report.root().unwrap();
        assert_eq!(root.password_enabled, ReportValue::NotSupported);
        assert_eq!(root.access_key_1_active, ReportValue::Value(true));
        assert_eq!(root.access_key_1_last_used_date, ReportValue::NotApplicable);
        let alice = report.user("alice").unwrap();
        assert_eq!(alice.password_last_used, ReportValue::NoInformation);
        assert_eq!(
            alice
                .access_key_1_last_used_service
                .value()
                .map(String::as_str),
            Some("s3")
        );
        assert!(report.user(ROOT_USER).is_none());
    }

    #[test]
    fn truncated_rows_name_the_line() {
        let cut = &ALICE[..40];
        let err = parse_csv(format!("{HEADER}\n{ROOT}\n{cut}").as_bytes()).unwrap_err();
        assert!(matches!(err, ReportError::Csv { line: 3, .. }), "{err}");
    }

    #[test]
    fn bad_cells_name_line_and_column() {
        let bad = ALICE.replace(",true,true,", ",maybe,true,");
        let err = parse_csv(format!("{HEADER}\n{bad}\n").as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2, column `mfa_active`: `maybe` is not valid here"
        );
    }

    #[test]
    fn missing_user_column_is_an_error_and_other_columns_are_optional() {
        assert_eq!(
            parse_csv(b"arn,mfa_active\nx,true\n").unwrap_err(),
            ReportError::MissingColumn("user")
        );
        let rows = parse_csv(b"user,arn\nbob,arn:aws:iam::1:user/bob\n").unwrap();
        assert_eq!(rows[0].mfa_active, ReportValue::NoInformation);
    }

    #[test]
    fn round_trips_through_json() {
        let rows = parse_csv(format!("{HEADER}\n{ROOT}\n{ALICE}\n").as_bytes()).unwrap();
        let json = serde_json::to_string(&rows).unwrap();
        let back: Vec<CredentialReportRow> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rows);
    }
}
