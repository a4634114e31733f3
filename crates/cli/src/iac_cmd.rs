//! `phiward iac check`: lint and "no new access" for CloudFormation, SAM, CDK and
//! Terraform plans.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use phiward_checks::Config;
use phiward_iac::check::{check, Options};
use phiward_iac::finding::Severity;
use phiward_iac::{Deployment, Plan};
use rayon::prelude::*;

use crate::exit;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Lint every policy of templates and plans, apply the IaC rules, and with
    /// --snapshot or --baseline report the access the change adds.
    Check(Box<CheckArgs>),
    /// Print every policy document of templates and plans as the account will hold it
    /// (intrinsics resolved), with its resource, place and placeholders, as JSON.
    Parse(Box<ParseArgs>),
}

#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Templates, `cdk.out` folders or Terraform plans.
    #[arg(value_name = "TEMPLATE_OR_PLAN", required = true)]
    files: Vec<PathBuf>,
    /// Template parameters, as for `check`.
    #[arg(long, value_name = "NAME=VALUE|FILE")]
    parameters: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// `file:line:column: severity[ID] resource: message`, then details and the fix.
    Text,
    /// One JSON document: `{"findings": [...], "notes": [...]}`.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
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

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward iac check template.yaml\n  \
phiward iac check examples/iac/changed/app.yaml --baseline examples/iac/base/app.yaml\n  \
phiward iac check cdk.out --snapshot examples/demo-account --format sarif > iac.sarif\n  \
phiward iac check tfplan.json --parameters AWS::AccountId=111122223333\n\n\
Rules: PW0xx-PW3xx are `phiward lint` rules, PW4xx IaC rules, PW5xx new access (docs/iac.md). \
Exit status: 2 if a file or a policy in it could not be read, else 1 if an unsuppressed \
finding is at or above --fail-on, else 0.")]
pub struct CheckArgs {
    /// CloudFormation templates (JSON or YAML, SAM), CDK `cdk.out` folders, Terraform
    /// plans (`terraform show -json PLAN > plan.json`).
    #[arg(value_name = "TEMPLATE_OR_PLAN", required = true)]
    files: Vec<PathBuf>,
    /// The deployed account (a snapshot folder or raw exports): report the access the
    /// templates add to it.
    #[arg(long, value_name = "DIR")]
    snapshot: Option<PathBuf>,
    /// The same templates or plans as they were (the merge base): report the access the
    /// change adds, without a snapshot or on top of one.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    baseline: Vec<PathBuf>,
    /// Template parameters, `NAME=VALUE` (pseudo parameters too: `AWS::AccountId=...`,
    /// `AWS::Region=...`), or a JSON file (`[{"ParameterKey", "ParameterValue"}]` or
    /// `{"NAME": "VALUE"}`); repeatable.
    #[arg(long, value_name = "NAME=VALUE|FILE")]
    parameters: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit 1 when an unsuppressed finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    /// The configuration: PHI tags, administrators, `[[suppress]]` (default:
    /// `phiward.toml` in the working directory, then in the snapshot folder).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<u8> {
    match &args.command {
        Sub::Check(a) => run_check(a),
        Sub::Parse(a) => run_parse(a),
    }
}

fn run_parse(args: &ParseArgs) -> Result<u8> {
    let d = Deployment {
        parameters: parameters(&args.parameters)?,
        account: None,
    };
    let plans = load(&args.files, &d);
    let out = phiward_report::iac::documents(&plans);
    let mut lock = std::io::stdout().lock();
    lock.write_all(out.as_bytes())?;
    lock.flush()?;
    Ok(if plans.iter().any(|p| !p.problems.is_empty()) {
        exit::INPUT
    } else {
        exit::OK
    })
}

/// `NAME=VALUE` pairs and parameter files.
fn parameters(specs: &[String]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for spec in specs {
        if let Some((k, v)) = spec.split_once('=') {
            out.insert(k.to_string(), v.to_string());
            continue;
        }
        let text = std::fs::read_to_string(spec)
            .with_context(|| format!("cannot read the parameters file `{spec}`"))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("the parameters file `{spec}` is not JSON"))?;
        let v = v.get("Parameters").cloned().unwrap_or(v);
        match v {
            serde_json::Value::Array(items) => {
                for i in items {
                    let (Some(k), Some(val)) = (
                        i.get("ParameterKey").and_then(|x| x.as_str()),
                        i.get("ParameterValue").and_then(|x| x.as_str()),
                    ) else {
                        bail!("`{spec}`: each item needs `ParameterKey` and `ParameterValue`");
                    };
                    out.insert(k.to_string(), val.to_string());
                }
            }
            serde_json::Value::Object(m) => {
                for (k, val) in m {
                    let val = match val {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    out.insert(k, val);
                }
            }
            _ => bail!("`{spec}`: expected a list of parameters or an object"),
        }
    }
    Ok(out)
}

fn config(args: &CheckArgs) -> Result<Config> {
    let mut candidates = vec![PathBuf::from("phiward.toml")];
    if let Some(s) = &args.snapshot {
        candidates.push(s.join("phiward.toml"));
    }
    if let Some(p) = &args.config {
        candidates = vec![p.clone()];
    }
    for path in candidates {
        if args.config.is_none() && !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the configuration `{}`", path.display()))?;
        return Ok(Config::parse(&text, &path.display().to_string())?);
    }
    Ok(Config::default())
}

/// The plans of the files given; in a folder, files that are neither templates nor plans
/// (a `package.json`, a `cdk.json`) are left out rather than reported.
fn load(paths: &[PathBuf], d: &Deployment) -> Vec<Plan> {
    let files: Vec<(PathBuf, bool)> = paths
        .iter()
        .flat_map(|p| {
            let folder = p.is_dir();
            phiward_iac::files(p).into_iter().map(move |f| (f, folder))
        })
        .collect();
    files
        .par_iter()
        .map(|(f, folder)| (phiward_iac::load(Path::new(f), d), *folder))
        .filter(|(plan, folder)| !(*folder && plan.not_template))
        .map(|(plan, _)| plan)
        .collect()
}

fn run_check(args: &CheckArgs) -> Result<u8> {
    let snapshot = match &args.snapshot {
        Some(p) => Some(
            phiward_snapshot::load(p)
                .with_context(|| format!("cannot read the snapshot `{}`", p.display()))?
                .snapshot,
        ),
        None => None,
    };
    let deployment = Deployment {
        parameters: parameters(&args.parameters)?,
        account: snapshot.as_ref().and_then(|s| s.account.id.clone()),
    };
    let config = config(args)?;
    let plans = load(&args.files, &deployment);
    let baseline = (!args.baseline.is_empty()).then(|| load(&args.baseline, &deployment));
    let catalog = phiward_catalog::Catalog::get().ok();
    let opts = Options {
        snapshot: snapshot.as_ref(),
        baseline: baseline.as_deref(),
        config: &config,
        catalog,
        account: deployment.parameters.get("AWS::AccountId").cloned(),
        now: chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()),
    };
    let outcome = check(&plans, &opts);
    let out = match args.format {
        Format::Text => phiward_report::iac::text(&outcome),
        Format::Json => phiward_report::iac::json(&outcome),
        Format::Sarif => phiward_report::sarif::iac(&outcome),
    };
    let mut lock = std::io::stdout().lock();
    lock.write_all(out.as_bytes())?;
    lock.flush()?;
    eprintln!("{}", phiward_report::iac::summary(&outcome, plans.len()));
    let bar = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    let fails = outcome
        .findings
        .iter()
        .any(|f| f.suppressed.is_none() && f.severity >= bar);
    Ok(if outcome.input_error {
        exit::INPUT
    } else if fails {
        exit::FAILED
    } else {
        exit::OK
    })
}
