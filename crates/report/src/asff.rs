//! AWS Security Finding Format (ASFF, schema `2018-10-08`), the input of Security Hub's
//! `BatchImportFindings`: a JSON array with one finding per check and resource, passing
//! ones included, so that a later import of a passing result resolves the earlier failure
//! (Security Hub matches findings by `ProductArn` and `Id`, hence stable ids).
//!
//! Field limits follow the `AwsSecurityFinding` API reference: `Id` ≤ 512, `Title` ≤ 256,
//! `Description` ≤ 1024, `Remediation.Recommendation.Text` ≤ 512 characters, at most 32
//! `RelatedRequirements`, 50 `ProductFields` with values ≤ 2048 characters. Text longer
//! than a limit is cut on a character boundary and ends with `…`.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::aws::{evidence_lines, finding_hashes, resource, truncate};
use phiward_findings::{Finding, Report, Severity, Status};

/// The ASFF schema version Security Hub accepts.
pub const SCHEMA_VERSION: &str = "2018-10-08";
/// The finding type: namespace/category/classifier of the ASFF types taxonomy.
pub const FINDING_TYPE: &str =
    "Software and Configuration Checks/Industry and Regulatory Standards/HIPAA Controls";
/// `Title` limit.
pub const TITLE_MAX: usize = 256;
/// `Description` limit.
pub const DESCRIPTION_MAX: usize = 1024;
/// `Remediation.Recommendation.Text` limit.
pub const RECOMMENDATION_MAX: usize = 512;
/// `ProductFields` value limit.
pub const PRODUCT_FIELD_MAX: usize = 2048;
/// `Compliance.RelatedRequirements` count limit.
pub const REQUIREMENTS_MAX: usize = 32;

/// Why an ASFF report cannot be written.
#[derive(Debug)]
pub enum Error {
    /// `AwsAccountId` and `ProductArn` need the account, and the snapshot did not say it.
    NoAccount,
    /// Serialization failed.
    Json(serde_json::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoAccount => {
                f.write_str("ASFF needs the account id, and the snapshot does not say it")
            }
            Error::Json(e) => write!(f, "cannot write ASFF: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// `Severity.Label`: a passing finding is informational whatever the check's severity
/// (as Security Hub's own controls report them); `Severity.Original` keeps the check's.
fn label(f: &Finding) -> &'static str {
    if f.status == Status::Pass {
        return "INFORMATIONAL";
    }
    match f.severity {
        Severity::Info => "INFORMATIONAL",
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::Critical => "CRITICAL",
    }
}

/// `Compliance.Status`: WARNING is "information is missing", NOT_AVAILABLE "the check
/// could not be performed".
fn compliance(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASSED",
        Status::Fail => "FAILED",
        Status::NotEvaluated => "WARNING",
        Status::Error => "NOT_AVAILABLE",
    }
}

/// `Workflow.Status`: failures are NEW (or SUPPRESSED when accepted in `phiward.toml`),
/// passes RESOLVED, so that re-importing closes what was fixed.
fn workflow(f: &Finding) -> &'static str {
    match (f.status, &f.suppressed) {
        (Status::Pass, _) => "RESOLVED",
        (_, Some(_)) => "SUPPRESSED",
        _ => "NEW",
    }
}

/// The partition of the Security Hub region the findings go to.
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

fn description(f: &Finding, lines: &[String]) -> String {
    let mut d = f.message.trim().to_string();
    if d.is_empty() {
        d = f.title.to_string();
    }
    if !lines.is_empty() {
        d.push_str(". Evidence: ");
        d.push_str(&lines.join("; "));
    }
    truncate(&d, DESCRIPTION_MAX)
}

// The ASFF document, typed (serializing borrowed fields is many times faster than
// building `serde_json::Value` maps, which matters at 100,000 findings).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffFinding<'a> {
    schema_version: &'static str,
    id: String,
    product_arn: &'a str,
    product_name: &'static str,
    company_name: &'static str,
    generator_id: &'static str,
    aws_account_id: &'a str,
    types: [&'static str; 1],
    created_at: &'a str,
    updated_at: &'a str,
    severity: AsffSeverity,
    title: String,
    description: String,
    remediation: Remediation,
    resources: [AsffResource; 1],
    compliance: Compliance,
    workflow: Workflow,
    record_state: &'static str,
    product_fields: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffSeverity {
    label: &'static str,
    original: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Remediation {
    recommendation: Recommendation,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Recommendation {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffResource {
    r#type: &'static str,
    id: String,
    partition: String,
    region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<Details>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Details {
    other: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Compliance {
    status: &'static str,
    related_requirements: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Workflow {
    status: &'static str,
}

/// What every finding of one report shares.
struct Common<'a> {
    account: &'a str,
    region: &'a str,
    product_arn: &'a str,
    as_of: &'a str,
}

fn finding<'a>(f: &'a Finding, hash: &str, c: &Common<'a>) -> AsffFinding<'a> {
    // In an organization's audit each finding names its own account.
    let account = f.account.as_deref().unwrap_or(c.account);
    let r = resource(&f.resource);
    let lines = evidence_lines(f);
    let mut product_fields = BTreeMap::new();
    product_fields.insert("phiward/check", f.check.to_string());
    product_fields.insert("phiward/practice", f.practice.to_string());
    product_fields.insert("phiward/status", f.status.as_str().to_string());
    product_fields.insert("phiward/resource", truncate(&f.resource, PRODUCT_FIELD_MAX));
    if let Some(p) = &f.principal {
        product_fields.insert("phiward/principal", truncate(p, PRODUCT_FIELD_MAX));
    }
    if !lines.is_empty() {
        let evidence = lines.join("\n");
        product_fields.insert("phiward/evidence", truncate(&evidence, PRODUCT_FIELD_MAX));
    }
    if let Some(s) = &f.suppressed {
        let text = format!("{} ({}, until {})", s.reason, s.owner, s.expires);
        product_fields.insert("phiward/suppressed", truncate(&text, PRODUCT_FIELD_MAX));
    }
    // Keep the full description (`managed policy ARN version v1`) beside the ARN.
    let details = (r.asff_type == "Other" && r.id != f.resource).then(|| Details {
        other: BTreeMap::from([("phiward/resource", truncate(&f.resource, 1024))]),
    });
    AsffFinding {
        schema_version: SCHEMA_VERSION,
        id: format!("phiward/{account}/{}/{hash}", f.check),
        product_arn: c.product_arn,
        product_name: "phiward",
        company_name: "phiward",
        generator_id: f.check,
        aws_account_id: account,
        types: [FINDING_TYPE],
        created_at: c.as_of,
        updated_at: c.as_of,
        severity: AsffSeverity {
            label: label(f),
            original: f.severity.as_str(),
        },
        title: truncate(&format!("{} {}", f.check, f.title), TITLE_MAX),
        description: description(f, &lines),
        remediation: Remediation {
            recommendation: Recommendation {
                text: truncate(f.remediation, RECOMMENDATION_MAX),
            },
        },
        resources: [AsffResource {
            r#type: r.asff_type,
            id: r.id,
            partition: r.partition,
            region: r.region.unwrap_or_else(|| c.region.to_string()),
            details,
        }],
        compliance: Compliance {
            status: compliance(f.status),
            related_requirements: f
                .hipaa
                .iter()
                .take(REQUIREMENTS_MAX)
                .map(|c| format!("HIPAA {c}"))
                .collect(),
        },
        workflow: Workflow {
            status: workflow(f),
        },
        record_state: "ACTIVE",
        product_fields,
    }
}

/// The report as a `BatchImportFindings` array, one finding a line. `region` is the
/// Security Hub region the findings are imported into (it is part of `ProductArn`, and
/// the region of resources whose ARN has none, such as IAM's). Security Hub takes at most
/// 100 findings per call: split the array when importing.
pub fn render(report: &Report, region: &str) -> Result<String, Error> {
    let account = report.account.as_deref().ok_or(Error::NoAccount)?;
    let product_arn = format!(
        "arn:{}:securityhub:{region}:{account}:product/{account}/default",
        partition(region)
    );
    let common = Common {
        account,
        region,
        product_arn: &product_arn,
        as_of: &report.as_of,
    };
    let hashes = finding_hashes(&report.findings);
    crate::aws::json_lines(
        report
            .findings
            .iter()
            .zip(&hashes)
            .map(|(f, h)| finding(f, h, &common)),
    )
    .map_err(Error::Json)
}
