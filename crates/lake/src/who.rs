//! `phiward trail who-accessed ARN`: every principal that touched a resource (or, for a
//! bucket or a `prefix*`, anything below it), when, from where, with what outcome.

use serde::Serialize;

use crate::engine::Lake;
use crate::error::LakeError;
use crate::queries::{quote, text, times, Filter};

/// One principal's access to the resource.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Access {
    /// The principal (a role session is its role).
    pub principal: String,
    /// Its kind (`user`, `role`, ...).
    pub kind: String,
    /// Calls it made that touched the resource.
    pub calls: u64,
    /// Calls refused for lack of permission.
    pub denied: u64,
    /// Calls that failed otherwise.
    pub errors: u64,
    /// First call.
    pub first_seen: String,
    /// Last call.
    pub last_seen: String,
    /// Distinct resources touched.
    pub resources: u64,
    /// Events (`source:name`), sorted.
    pub events: Vec<String>,
    /// Source IP addresses (or services), sorted.
    pub source_ips: Vec<String>,
    /// Accounts the events were delivered for, sorted.
    pub accounts: Vec<String>,
}

/// The answer.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhoAccessed {
    /// The resource asked about.
    pub resource: String,
    /// Window start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Window end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Principals, most recent first.
    pub principals: Vec<Access>,
    /// Bytes the scan read (embedded DataFusion only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_scanned: Option<u64>,
}

/// An event (a row of `access_to_resource` is an event and one of its resources).
const EVENT: &str = "concat(file, '#', CAST(record AS VARCHAR))";

/// The condition on `resource` for an ARN: itself and anything below it (`ARN/...`), or a
/// prefix when it ends with `*`.
pub(crate) fn matches(arn: &str) -> String {
    match arn.strip_suffix('*') {
        Some(prefix) => format!("starts_with(resource, {})", quote(prefix)),
        None => format!(
            "(resource = {0} OR starts_with(resource, {1}))",
            quote(arn),
            quote(&format!("{}/", arn.trim_end_matches('/')))
        ),
    }
}

fn list(
    b: &datafusion::arrow::array::RecordBatch,
    name: &str,
    i: usize,
) -> Result<Vec<String>, LakeError> {
    use datafusion::arrow::array::{Array, AsArray};
    use datafusion::arrow::datatypes::{DataType, Field};
    let to = DataType::List(std::sync::Arc::new(Field::new(
        "item",
        DataType::Utf8,
        true,
    )));
    let c = datafusion::arrow::compute::cast(&crate::queries::column(b, name)?, &to)
        .map_err(|e| LakeError::Query(e.to_string()))?;
    let l = c.as_list::<i32>();
    if l.is_null(i) {
        return Ok(Vec::new());
    }
    let v = l.value(i);
    let s = v.as_string::<i32>();
    let mut out: Vec<String> = (0..s.len())
        .filter(|&j| !s.is_null(j))
        .map(|j| s.value(j).to_string())
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

impl Lake {
    /// Who touched `arn` in the filter's window.
    pub fn who_accessed(&self, arn: &str, filter: &Filter) -> Result<WhoAccessed, LakeError> {
        let q = format!(
            "SELECT principal, principal_kind, count(DISTINCT {EVENT}) AS calls, \
             count(DISTINCT CASE WHEN denied THEN {EVENT} END) AS denied, \
             count(DISTINCT CASE WHEN error_code IS NOT NULL AND NOT denied THEN {EVENT} END) AS errors, \
             min(event_time) AS first_seen, max(event_time) AS last_seen, \
             count(DISTINCT resource) AS resources, \
             array_agg(DISTINCT concat(event_source, ':', event_name)) AS events, \
             array_agg(DISTINCT source_ip) AS source_ips, \
             array_agg(DISTINCT account) AS accounts \
             FROM access_to_resource WHERE {} AND {} \
             GROUP BY principal, principal_kind ORDER BY last_seen DESC, principal",
            filter.sql(),
            matches(arn)
        );
        let t = self.sql(&q)?;
        let mut principals = Vec::new();
        for b in &t.batches {
            let (p, k) = (text(b, "principal")?, text(b, "principal_kind")?);
            let (first, last) = (times(b, "first_seen")?, times(b, "last_seen")?);
            let n = |name: &str| -> Result<Vec<u64>, LakeError> {
                use datafusion::arrow::array::{Array, AsArray};
                let c = datafusion::arrow::compute::cast(
                    &crate::queries::column(b, name)?,
                    &datafusion::arrow::datatypes::DataType::UInt64,
                )
                .map_err(|e| LakeError::Query(e.to_string()))?;
                let a = c.as_primitive::<datafusion::arrow::datatypes::UInt64Type>();
                Ok((0..a.len())
                    .map(|i| if a.is_null(i) { 0 } else { a.value(i) })
                    .collect())
            };
            let (calls, denied, errors, resources) =
                (n("calls")?, n("denied")?, n("errors")?, n("resources")?);
            for i in 0..b.num_rows() {
                principals.push(Access {
                    principal: p.value(i).to_string(),
                    kind: k.value(i).to_string(),
                    calls: calls[i],
                    denied: denied[i],
                    errors: errors[i],
                    first_seen: phiward_trail::time::format(first.value(i).div_euclid(1000)),
                    last_seen: phiward_trail::time::format(last.value(i).div_euclid(1000)),
                    resources: resources[i],
                    events: list(b, "events", i)?,
                    source_ips: list(b, "source_ips", i)?,
                    accounts: list(b, "accounts", i)?,
                });
            }
        }
        Ok(WhoAccessed {
            resource: arn.to_string(),
            since: filter.since.map(phiward_trail::time::format),
            until: filter.until.map(phiward_trail::time::format),
            principals,
            bytes_scanned: t.bytes_scanned,
        })
    }
}
