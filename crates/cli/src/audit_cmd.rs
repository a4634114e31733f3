//! `phiward audit`: the HIPAA checks on a snapshot, as text, JSON, SARIF, CSV, ASFF, OCSF
//! or HTML.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use phiward_access::AccessModel;
use phiward_checks::{run_all_timed, Audit, Config};
use phiward_findings::{Report, Severity, SCHEMA_VERSION};

use crate::bar::Bar;
use crate::exit;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Grouped by practice, failures with their evidence and fix.
    Text,
    /// One JSON document with every finding, passing ones included (docs/audit.md).
    Json,
    /// SARIF 2.1.0: failing findings, with the resource as a logical location.
    Sarif,
    /// One row per finding.
    Csv,
    /// AWS Security Finding Format: a `BatchImportFindings` array for Security Hub.
    Asff,
    /// OCSF 1.3.0 Detection Finding events, as a JSON array.
    Ocsf,
    /// One self-contained HTML page: summary, charts, filterable table, evidence.
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FailOn {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  phiward audit examples/demo-account\n  \
phiward audit /path/to/snapshot --format json > audit.json\n  \
phiward audit S --output html=audit.html --output asff=asff.json --region eu-west-1\n\n\
Exit status: 2 if some input could not be read (the report says what was skipped), else 1 \
if a failing finding is at or above --fail-on, else 0.")]
pub struct Args {
    /// A snapshot folder, a folder of raw AWS CLI exports, or an organization snapshot
    /// (`phiward collect --organization`): every account and the organization's checks.
    pub(crate) snapshot: PathBuf,
    /// Output format (to standard output).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// Also write a format to a file, `FORMAT=PATH` (repeatable): `json=audit.json`.
    #[arg(long, value_name = "FORMAT=PATH")]
    pub(crate) output: Vec<String>,
    /// Exit 1 when a failing finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Low)]
    pub(crate) fail_on: FailOn,
    /// The configuration (default: `phiward.toml` in the snapshot folder, else in the
    /// working directory, else the documented defaults).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The Security Hub region ASFF findings are imported into (part of their
    /// `ProductArn`, and the region of global resources such as IAM's).
    #[arg(long, value_name = "REGION", default_value = "us-east-1")]
    pub(crate) region: String,
    /// Print how long each check took to standard error, slowest first, with loading
    /// `(load)`, building the access model `(model)` and writing the report `(report)`.
    #[arg(long)]
    pub(crate) timings: bool,
    /// CloudTrail logs to review (LOG-013) and to weigh unused permissions with, action by
    /// action (LP-008): a folder in CloudTrail's S3 layout, `.json`,
    /// `.json.gz` or JSON-lines files (repeatable). Default: the snapshot folder's
    /// `cloudtrail-logs/`, when there is one.
    #[arg(long, value_name = "PATH")]
    logs: Vec<PathBuf>,
    /// The recertification record CERT-002 reads: a `phiward certify` campaign store
    /// (default: `[recertification] store` in the configuration, relative to it). Its
    /// ledger is verified first.
    #[arg(long, value_name = "FILE")]
    certify_store: Option<PathBuf>,
}

/// What the CloudTrail logs show: detections (LOG-013) and usage (LP-008), read in one
/// pass. Usage counts events up to the audit's time, the moment the snapshot's grants
/// describe.
fn review(
    args: &Args,
    config: &Config,
    until: i64,
) -> Result<Option<phiward_trail::review::Review>> {
    let mut roots = args.logs.clone();
    if roots.is_empty() {
        let default = args.snapshot.join("cloudtrail-logs");
        if default.is_dir() {
            roots.push(default);
        }
    }
    if roots.is_empty() {
        return Ok(None);
    }
    if roots.iter().any(|r| crate::lake_cmd::is_lake(r)) {
        let automation = config.admins.automation.clone();
        return crate::lake_cmd::review(&roots, automation, until).map(Some);
    }
    let mut paths = Vec::new();
    for r in &roots {
        paths.extend(
            phiward_trail::read::discover(r)
                .with_context(|| format!("cannot read the logs `{}`", r.display()))?,
        );
    }
    let opts = phiward_trail::detect::Options {
        automation: config.admins.automation.clone(),
        ..Default::default()
    };
    let window = phiward_trail::usage::Options::window(until, None);
    let catalog =
        phiward_catalog::Catalog::get().context("the embedded action catalog does not load")?;
    Ok(Some(phiward_trail::review::review(
        &paths, &opts, window, catalog,
    )))
}

/// The configuration `--config` names, or the first `phiward.toml` found.
pub(crate) fn config(args: &Args) -> Result<Config> {
    let candidates = match &args.config {
        Some(p) => vec![p.clone()],
        None => vec![
            args.snapshot.join("phiward.toml"),
            PathBuf::from("phiward.toml"),
        ],
    };
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

/// Writes the report: JSON as it is serialized, the other formats rendered first.
pub(crate) fn emit(
    report: &Report,
    format: Format,
    colour: bool,
    region: &str,
    out: impl std::io::Write,
) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    match format {
        Format::Json => phiward_report::json::write(report, out)?,
        _ => {
            out.write_all(render(report, format, colour, region)?.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}

fn render(report: &Report, format: Format, colour: bool, region: &str) -> Result<String> {
    Ok(match format {
        Format::Text => phiward_report::text::render(report, colour),
        Format::Json => phiward_report::json::render(report)? + "\n",
        Format::Sarif => phiward_report::sarif::render(report)? + "\n",
        Format::Csv => phiward_report::csv::render(report),
        Format::Asff => phiward_report::asff::render(report, region)? + "\n",
        Format::Ocsf => phiward_report::ocsf::render(report)? + "\n",
        Format::Html => phiward_report::html::render(report)?,
    })
}

pub fn run(args: &Args) -> Result<u8> {
    if phiward_snapshot::org::is_org(&args.snapshot) {
        return crate::org_cmd::audit(args);
    }
    let mut timings: Vec<(std::time::Duration, &str)> = Vec::new();
    // On a terminal: the phase, then the checks done.
    let bar = Bar::new(
        Some(phiward_checks::CHECKS.len() as u64),
        "{spinner} {pos}/{len} checks {msg}",
    );
    bar.say("loading the snapshot");
    let t = std::time::Instant::now();
    let loaded = phiward_snapshot::load(&args.snapshot)
        .with_context(|| format!("cannot read the snapshot `{}`", args.snapshot.display()))?;
    timings.push((t.elapsed(), "(load)"));
    let snap = &loaded.snapshot;
    bar.say("building the access model");
    let t = std::time::Instant::now();
    let access = AccessModel::new(snap);
    timings.push((t.elapsed(), "(model)"));
    let mut skipped: Vec<String> = loaded.problems.iter().map(|p| p.to_string()).collect();
    skipped.extend(
        access
            .skipped
            .iter()
            .map(|s| format!("{}: {}", s.place, s.reason)),
    );
    let config = config(args)?;
    let now = snap.as_of.unwrap_or(snap.created);
    bar.say("looking for CloudTrail logs");
    let logs = review(args, &config, now.timestamp())?;
    bar.say("");
    if let Some(r) = &logs {
        skipped.extend(
            r.detections
                .problems
                .iter()
                .map(|p| format!("CloudTrail log {p}")),
        );
        if r.usage.more_problems > 0 {
            skipped.push(format!(
                "CloudTrail logs: {} more problems not shown",
                r.usage.more_problems
            ));
        }
    }
    let recertified = crate::certify_out::recertified(
        &args.certify_store,
        &args.config,
        &args.snapshot,
        &config,
    )?;
    let mut audit = Audit::new(snap, &access, now, &config);
    if let Some(r) = &recertified {
        audit = audit.with_recertified(r);
    }
    if let Some(r) = &logs {
        audit = audit.with_review(r);
    }
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("phiward {}", env!("CARGO_PKG_VERSION")),
        account: snap.account.id.clone(),
        as_of: now.to_rfc3339(),
        findings: run_all_timed(&audit, |m, t| {
            timings.push((t, m.id));
            bar.inc();
            bar.say(format!("({} done)", m.id));
        }),
        skipped,
    };
    drop(bar);
    finish(args, &report, timings)
}

/// Writes the report in every format asked and says how the run ends.
pub(crate) fn finish(
    args: &Args,
    report: &Report,
    mut timings: Vec<(std::time::Duration, &str)>,
) -> Result<u8> {
    let t = std::time::Instant::now();
    for spec in &args.output {
        let Some((name, path)) = spec.split_once('=') else {
            anyhow::bail!("`--output {spec}`: expected FORMAT=PATH");
        };
        let format = <Format as clap::ValueEnum>::from_str(name, true)
            .map_err(|_| anyhow::anyhow!("`--output {spec}`: unknown format `{name}`"))?;
        std::fs::File::create(path)
            .map_err(anyhow::Error::from)
            .and_then(|file| emit(report, format, false, &args.region, file))
            .with_context(|| format!("cannot write `{path}`"))?;
    }
    let colour = std::io::stdout().is_terminal();
    let stdout = std::io::stdout().lock();
    emit(report, args.format, colour, &args.region, stdout)?;
    if args.timings {
        timings.push((t.elapsed(), "(report)"));
        timings.sort_unstable_by(|a, b| b.cmp(a));
        for (t, id) in &timings {
            eprintln!("{id:<10} {:>10.1} ms", t.as_secs_f64() * 1000.0);
        }
    }
    let bar = match args.fail_on {
        FailOn::Info => Severity::Info,
        FailOn::Low => Severity::Low,
        FailOn::Medium => Severity::Medium,
        FailOn::High => Severity::High,
        FailOn::Critical => Severity::Critical,
    };
    Ok(if !report.skipped.is_empty() {
        exit::INPUT
    } else if report.fails(bar) {
        exit::FAILED
    } else {
        exit::OK
    })
}
