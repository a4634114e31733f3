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

use serde::Serialize;

use crate::aws::{finding_hashes, resource};
use phiward_findings::{Evidence, Finding, Report, Severity, Status, Suppressed};

/// The OCSF schema version followed: 1.3.0 (Detection Finding, class 2004, with the
/// `cloud` profile).
pub const OCSF_VERSION: &str = "1.3.0";
/// Detection Finding.
pub const CLASS_UID: u32 = 2004;
/// The Findings category of OCSF's schema.
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

// The event, typed: serializing borrowed fields is many times faster than building
// `serde_json::Value` maps, which matters at 100,000 findings. Field order follows the
// schema's groups (classification, occurrence, primary, context).
#[derive(Serialize)]
struct Event<'a> {
    activity_id: u32,
    activity_name: &'static str,
    category_uid: u32,
    category_name: &'static str,
    class_uid: u32,
    class_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    time: i64,
    severity_id: u8,
    severity: &'static str,
    status_id: u8,
    status: &'static str,
    message: &'a str,
    finding_info: FindingInfo<'a>,
    resources: [OcsfResource; 1],
    cloud: Cloud<'a>,
    metadata: Metadata<'a>,
    remediation: Desc<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    evidences: Vec<EvidenceData<'a>>,
    unmapped: Unmapped<'a>,
}

#[derive(Serialize)]
struct FindingInfo<'a> {
    uid: String,
    title: String,
    desc: &'a str,
    types: [&'static str; 1],
    analytic: Analytic,
    created_time: i64,
}

#[derive(Serialize)]
struct Analytic {
    uid: &'static str,
    name: &'static str,
    type_id: u8,
    r#type: &'static str,
}

#[derive(Serialize)]
struct OcsfResource {
    uid: String,
    r#type: &'static str,
    name: String,
    cloud_partition: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
}

#[derive(Serialize)]
struct Cloud<'a> {
    provider: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<Account<'a>>,
}

#[derive(Serialize)]
struct Account<'a> {
    uid: &'a str,
    type_id: u8,
    r#type: &'static str,
}

#[derive(Serialize)]
struct Metadata<'a> {
    version: &'static str,
    profiles: [&'static str; 1],
    product: Product<'a>,
}

#[derive(Serialize)]
struct Product<'a> {
    name: &'static str,
    vendor_name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct Desc<'a> {
    desc: &'a str,
}

#[derive(Serialize)]
struct EvidenceData<'a> {
    data: &'a Evidence,
}

#[derive(Serialize)]
struct Unmapped<'a> {
    compliance: ComplianceObject,
    phiward: Phiward<'a>,
}

#[derive(Serialize)]
struct ComplianceObject {
    standards: [&'static str; 1],
    requirements: &'static [&'static str],
    control: &'static str,
    status_id: u8,
    status: &'static str,
}

#[derive(Serialize)]
struct Phiward<'a> {
    check: &'static str,
    practice: u8,
    status: &'static str,
    resource: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    principal: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<&'a Suppressed>,
}

fn event<'a>(
    f: &'a Finding,
    hash: &str,
    report: &'a Report,
    time: i64,
    product_version: &'a str,
) -> Event<'a> {
    let r = resource(&f.resource);
    let (severity_id, severity_name) = severity(f.severity);
    let (activity_id, activity_name, status_id, status) = activity(f);
    let (compliance_id, compliance_name) = compliance_status(f.status);
    Event {
        activity_id,
        activity_name,
        category_uid: CATEGORY_UID,
        category_name: "Findings",
        class_uid: CLASS_UID,
        class_name: "Detection Finding",
        type_uid: CLASS_UID * 100 + activity_id,
        type_name: if activity_id == 3 {
            "Detection Finding: Close"
        } else {
            "Detection Finding: Create"
        },
        time,
        severity_id,
        severity: severity_name,
        status_id,
        status,
        message: &f.message,
        finding_info: FindingInfo {
            uid: format!("phiward-{}-{hash}", f.check),
            title: format!("{} {}", f.check, f.title),
            desc: &f.message,
            types: [crate::asff::FINDING_TYPE],
            analytic: Analytic {
                uid: f.check,
                name: f.title,
                type_id: 1,
                r#type: "Rule",
            },
            created_time: time,
        },
        resources: [OcsfResource {
            uid: r.id,
            r#type: r.asff_type,
            name: r.name,
            cloud_partition: r.partition,
            region: r.region,
        }],
        cloud: Cloud {
            provider: "AWS",
            account: report.account_of(f).map(|uid| Account {
                uid,
                type_id: 10,
                r#type: "AWS Account",
            }),
        },
        metadata: Metadata {
            version: OCSF_VERSION,
            profiles: ["cloud"],
            product: Product {
                name: "phiward",
                vendor_name: "phiward",
                version: product_version,
            },
        },
        remediation: Desc {
            desc: f.remediation,
        },
        evidences: f
            .evidence
            .iter()
            .map(|data| EvidenceData { data })
            .collect(),
        unmapped: Unmapped {
            compliance: ComplianceObject {
                standards: ["HIPAA Security Rule"],
                requirements: f.hipaa,
                control: f.check,
                status_id: compliance_id,
                status: compliance_name,
            },
            phiward: Phiward {
                check: f.check,
                practice: f.practice,
                status: f.status.as_str(),
                resource: &f.resource,
                principal: f.principal.as_deref(),
                suppressed: f.suppressed.as_ref(),
            },
        },
    }
}

/// The report as a JSON array of Detection Finding events, one a line, passing findings
/// included.
pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    let time = epoch_ms(&report.as_of);
    let version = report.tool.trim_start_matches("phiward ");
    let hashes = finding_hashes(&report.findings);
    crate::aws::json_lines(
        report
            .findings
            .iter()
            .zip(&hashes)
            .map(|(f, h)| event(f, h, report, time, version)),
    )
}
