//! `phiward access-report`: what each person can reach, as text, JSON, CSV and one HTML
//! page (one file per format).

use phiward_access::employee::ResourceKind;
use phiward_access::people::MappedBy;
use phiward_access::{PrincipalType, Via};

pub mod csv;
pub mod html;
pub mod json;
pub mod text;

/// `user`, `role` or `external`.
fn kind(k: PrincipalType) -> &'static str {
    match k {
        PrincipalType::User => "user",
        PrincipalType::Role => "role",
        PrincipalType::External => "external",
    }
}

/// `s3_bucket` or `kms_key`.
fn resource_kind(k: ResourceKind) -> &'static str {
    match k {
        ResourceKind::S3Bucket => "s3_bucket",
        ResourceKind::KmsKey => "kms_key",
    }
}

/// How a principal was mapped to its person (`tag`, `people_file`, ...).
fn mapped(m: MappedBy) -> String {
    serde_json::to_value(m)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// `policy statement N (line L)`.
fn statement(v: &Via) -> String {
    format!("{} statement {} (line {})", v.policy, v.statement, v.line)
}

/// What the report covers.
fn scope(phi_only: bool) -> &'static str {
    if phi_only {
        "PHI resources"
    } else {
        "all buckets and KMS keys"
    }
}
