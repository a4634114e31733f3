//! `phiward lint`: check policy files and report findings as text, JSON or SARIF.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use phiward_lint::files;
use phiward_lint::{lint_bytes, unreadable, FileReport, Options, ResourcePolicyType, Severity};
use phiward_policy::PolicyKind;
use phiward_report::lint as report;
use rayon::prelude::*;

use crate::exit;

/// The largest policy file read. AWS's largest policy documents hold 32,768 characters;
/// an export of many policies is far smaller than this.
const MAX_FILE: u64 = 16 * 1024 * 1024;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  phiward lint policies/*.json\n  \
phiward lint --resource-policy bucket bucket-policy.json\n  \
phiward lint --kind scp --format sarif scps/*.json > phiward.sarif\n\n\
Exit status: 2 if a file could not be read or parsed, else 1 if a finding is at or above \
--fail-on, else 0. Rules: docs/rules/README.md")]
pub struct Args {
    /// Policy files: one policy, an array of policies, or a policy as a JSON string
    /// (plain or URL-encoded). `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Lint resource-based policies attached to this kind of resource.
    #[arg(long, value_name = "TYPE", value_enum, conflicts_with = "kind")]
    resource_policy: Option<ResourceType>,
    /// Lint policies of another type (default: identity-based policies).
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit 1 when a finding is at least this severe.
    #[arg(long, value_name = "SEVERITY", value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ResourceType {
    /// An S3 bucket policy.
    Bucket,
    /// A KMS key policy.
    Key,
    /// An IAM role trust policy.
    Trust,
    /// An SQS queue policy.
    Queue,
    /// A Secrets Manager secret policy.
    Secret,
    /// Any other resource-based policy.
    Generic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Kind {
    /// Identity-based policies (the default).
    Identity,
    /// Service control policies.
    Scp,
    /// Resource control policies.
    Rcp,
    /// Permissions boundaries.
    Boundary,
    /// Session policies.
    Session,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// `path:line:column: severity[ID] message`, then the fix.
    Text,
    /// One JSON document: `{"files": [{"path", "findings": [...]}]}`.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub and others).
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    /// Only errors fail.
    Error,
    /// Warnings and errors fail.
    Warning,
    /// Any finding fails.
    Info,
}

fn options(args: &Args) -> Options {
    if let Some(t) = args.resource_policy {
        return Options::resource(match t {
            ResourceType::Bucket => ResourcePolicyType::Bucket,
            ResourceType::Key => ResourcePolicyType::Key,
            ResourceType::Trust => ResourcePolicyType::Trust,
            ResourceType::Queue => ResourcePolicyType::Queue,
            ResourceType::Secret => ResourcePolicyType::Secret,
            ResourceType::Generic => ResourcePolicyType::Generic,
        });
    }
    Options::kind(match args.kind.unwrap_or(Kind::Identity) {
        Kind::Identity => PolicyKind::Identity,
        Kind::Scp => PolicyKind::Scp,
        Kind::Rcp => PolicyKind::Rcp,
        Kind::Boundary => PolicyKind::PermissionsBoundary,
        Kind::Session => PolicyKind::Session,
    })
}

/// An I/O error's text with a lowercase first letter, as findings are written.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Reads a file (or standard input for `-`), refusing what cannot be a policy file.
fn read(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let fail =
        |e: std::io::Error| format!("cannot read `{shown}`: {}", lower_first(&e.to_string()));
    if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(MAX_FILE + 1)
            .read_to_end(&mut buf)
            .map_err(fail)?;
        if buf.len() as u64 > MAX_FILE {
            return Err(format!(
                "standard input holds more than {MAX_FILE} bytes: too large for a policy file"
            ));
        }
        return Ok(buf);
    }
    let size = std::fs::metadata(path).map_err(fail)?.len();
    if size > MAX_FILE {
        return Err(format!(
            "`{shown}` is {size} bytes: too large for a policy file (at most {MAX_FILE})"
        ));
    }
    std::fs::read(path).map_err(fail)
}

fn lint_file(path: &Path, opts: &Options) -> FileReport {
    // The embedded catalog is part of the binary and tested; should it ever fail to load,
    // the catalog rules are skipped rather than the file.
    let catalog = phiward_catalog::Catalog::get().ok();
    let findings = match read(path) {
        Ok(bytes) => lint_bytes(&bytes, opts, catalog),
        Err(message) => vec![unreadable(&message)],
    };
    FileReport {
        path: path.display().to_string(),
        findings,
    }
}

pub fn run(args: &Args) -> Result<u8> {
    let opts = options(args);
    let reports: Vec<FileReport> = args.files.par_iter().map(|p| lint_file(p, &opts)).collect();
    let out = match args.format {
        Format::Text => report::text(&reports),
        Format::Json => report::json(&reports),
        Format::Sarif => phiward_report::sarif::lint(&reports),
    };
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(out.as_bytes())?;
    lock.flush()?;
    eprintln!("{}", report::summary(&reports));
    let fail_on = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    Ok(if files::input_error(&reports) {
        exit::INPUT
    } else if files::fails(&reports, fail_on) {
        exit::FAILED
    } else {
        exit::OK
    })
}
