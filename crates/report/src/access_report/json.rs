//! The access report as one JSON document (`schema_version` 1), keyed by person,
//! principal and resource: the report as the access crate serializes it.

use phiward_access::employee::AccessReport;

/// The report, pretty-printed.
pub fn render(r: &AccessReport) -> Result<String, serde_json::Error> {
    Ok(serde_json::to_string_pretty(r)? + "\n")
}
