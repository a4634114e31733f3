//! The access report as CSV: one row per (person, principal, resource, access level,
//! grant, statement), RFC 4180 with CRLF line ends.

use std::fmt::Write as _;

use phiward_access::employee::{AccessReport, Row};

use super::{kind, mapped, resource_kind};
use crate::access::reach;

/// RFC 4180 quoting.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

const HEADER: [&str; 15] = [
    "person",
    "email",
    "principal",
    "principal_type",
    "mapped_by",
    "resource",
    "resource_type",
    "phi",
    "access_level",
    "actions",
    "reach",
    "conditions",
    "policy",
    "statement",
    "line",
];

fn conditions(row: &Row<'_>) -> String {
    let list: Vec<String> = row.conditions.iter().map(|c| c.describe_at()).collect();
    list.join("; ")
}

/// The header, then one row per statement behind each grant.
pub fn render(r: &AccessReport) -> String {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    for row in r.rows() {
        let fields = [
            row.person.to_string(),
            row.email.unwrap_or_default().to_string(),
            row.principal.to_string(),
            kind(row.principal_type).to_string(),
            mapped(row.mapped_by),
            row.resource.to_string(),
            resource_kind(row.resource_type).to_string(),
            row.phi.to_string(),
            row.level.to_string(),
            row.actions.join(" "),
            reach(row.access).to_string(),
            conditions(&row),
            row.via.map(|v| v.policy.to_string()).unwrap_or_default(),
            row.via.map(|v| v.statement.to_string()).unwrap_or_default(),
            row.via.map(|v| v.line.to_string()).unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
        let _ = write!(out, "{}\r\n", line.join(","));
    }
    out
}
