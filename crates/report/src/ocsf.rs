//! OCSF Detection Finding events, for security data lakes (Amazon Security Lake, SIEMs).
//!
//! Follows OCSF schema **1.3.0**, class Detection Finding (`class_uid` 2004, category
//! Findings, `category_uid` 2) with the `cloud` profile: required `activity_id`,
//! `category_uid`, `class_uid`, `type_uid` (`class_uid * 100 + activity_id`), `time`
//! (epoch milliseconds), `severity_id`, `metadata` (`version`, `product`), `finding_info`
//! (`uid`, `title`) and `cloud.provider`.
//!
//! The Compliance object (standards, requirements, status) belongs to the Compliance
//! Finding class, not to Detection Finding; a strict validator rejects unknown attributes,
//! so it is written, in the Compliance object's shape, under `unmapped.compliance`, next
//! to phiward's own fields (`unmapped.phiward`).
//!
//! A failing (or unevaluated) finding is a *Create* activity with status *New* (or
//! *Suppressed*); a passing one is a *Close* activity with status *Resolved*, so that a
//! consumer keyed on `finding_info.uid` closes what was fixed.

use serde_json::{json, Map, Value};

use crate::aws::{finding_hashes, resource};
use crate::{Finding, Report, Severity, Status};

/// The OCSF schema version followed: 1.3.0 (Detection Finding, class 2004, with the
/// `cloud` profile).
pub const OCSF_VERSION: &str = "1.3.0";
/// Detection Finding.
pub const CLASS_UID: u32 = 2004;
/// Findings.
pub const CATEGORY_UID: u32 = 2;

fn severity(s: Severity) -> (u8, &'static str) {
    match s {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// `(activity_id, activity_name, status_id, status)`.
fn activity(f: &Finding) -> (u32, &'static str, u8, &'static str) {
    match (f.status, &f.suppressed) {
        (Status::Pass, _) => (3, "Close", 4, "Resolved"),
        (_, Some(_)) => (1, "Create", 3, "Suppressed"),
        _ => (1, "Create", 1, "New"),
    }
}

/// The Compliance object's `status_id`: 2 *Warning* is "no result for lack of
/// information"; an error is 99 *Other*, its `status` saying which.
fn compliance_status(s: Status) -> (u8, &'static str) {
    match s {
        Status::Pass => (1, "Pass"),
        Status::Fail => (3, "Fail"),
        Status::NotEvaluated => (2, "Warning"),
        Status::Error => (99, "Error"),
    }
}

/// Milliseconds since the epoch of an RFC 3339 time (0 when it does not parse, which the
/// CLI never produces: `as_of` is written by chrono).
pub fn epoch_ms(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map_or(0, |t| t.timestamp_millis())
}

fn event(f: &Finding, hash: &str, report: &Report, time: i64, product_version: &str) -> Value {
    let r = resource(&f.resource);
    let (severity_id, severity_name) = severity(f.severity);
    let (activity_id, activity_name, status_id, status) = activity(f);
    let (compliance_id, compliance_name) = compliance_status(f.status);
    let mut res = Map::new();
    res.insert("uid".into(), json!(r.id));
    res.insert("type".into(), json!(r.asff_type));
    res.insert("name".into(), json!(r.name));
    res.insert("cloud_partition".into(), json!(r.partition));
    if let Some(region) = &r.region {
        res.insert("region".into(), json!(region));
    }
    let evidences: Vec<Value> = f.evidence.iter().map(|e| json!({"data": e})).collect();
    let mut cloud = json!({"provider": "AWS"});
    if let Some(account) = &report.account {
        cloud["account"] = json!({"uid": account, "type_id": 10, "type": "AWS Account"});
    }
    let mut phiward = json!({"check": f.check, "practice": f.practice,
        "status": f.status.as_str(), "resource": f.resource});
    if let Some(p) = &f.principal {
        phiward["principal"] = json!(p);
    }
    if let Some(s) = &f.suppressed {
        phiward["suppressed"] = json!(s);
    }
    let mut e = json!({
        "activity_id": activity_id,
        "activity_name": activity_name,
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "type_uid": CLASS_UID * 100 + activity_id,
        "type_name": format!("Detection Finding: {activity_name}"),
        "time": time,
        "severity_id": severity_id,
        "severity": severity_name,
        "status_id": status_id,
        "status": status,
        "message": f.message,
        "finding_info": {
            "uid": format!("phiward-{}-{hash}", f.check),
            "title": format!("{} {}", f.check, f.title),
            "desc": f.message,
            "types": [crate::asff::FINDING_TYPE],
            "analytic": {"uid": f.check, "name": f.title, "type_id": 1, "type": "Rule"},
            "created_time": time,
        },
        "resources": [Value::Object(res)],
        "cloud": cloud,
        "metadata": {
            "version": OCSF_VERSION,
            "profiles": ["cloud"],
            "product": {"name": "phiward", "vendor_name": "phiward", "version": product_version},
        },
        "remediation": {"desc": f.remediation},
        "unmapped": {
            "compliance": {
                "standards": ["HIPAA Security Rule"],
                "requirements": f.hipaa,
                "control": f.check,
                "status_id": compliance_id,
                "status": compliance_name,
            },
            "phiward": phiward,
        },
    });
    if !evidences.is_empty() {
        e["evidences"] = json!(evidences);
    }
    e
}

/// The report as a JSON array of Detection Finding events, passing findings included.
pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    let time = epoch_ms(&report.as_of);
    let version = report.tool.trim_start_matches("phiward ");
    let hashes = finding_hashes(&report.findings);
    let events: Vec<Value> = report
        .findings
        .iter()
        .zip(&hashes)
        .map(|(f, h)| event(f, h, report, time, version))
        .collect();
    serde_json::to_string_pretty(&events)
}
