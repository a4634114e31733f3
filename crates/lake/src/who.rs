//! `phiward trail who-accessed ARN`: every principal that touched a resource (or, for a
//! bucket or a `prefix*`, anything below it), when, from where, with what outcome.

use serde::Serialize;

use crate::columns::{ints, lists, text, times};
use crate::engine::Lake;
use crate::error::LakeError;
use crate::queries::{quote, Filter};

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
            let (calls, denied, errors, resources) = (
                ints(b, "calls")?,
                ints(b, "denied")?,
                ints(b, "errors")?,
                ints(b, "resources")?,
            );
            let sorted = |name: &str| -> Result<Vec<Vec<String>>, LakeError> {
                let mut v = lists(b, name)?;
                for l in &mut v {
                    l.sort();
                    l.dedup();
                }
                Ok(v)
            };
            let (mut events, mut ips, mut accounts) = (
                sorted("events")?,
                sorted("source_ips")?,
                sorted("accounts")?,
            );
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
                    events: std::mem::take(&mut events[i]),
                    source_ips: std::mem::take(&mut ips[i]),
                    accounts: std::mem::take(&mut accounts[i]),
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
