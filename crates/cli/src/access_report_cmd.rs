//! `phiward access-report`: what each person can reach, by access level, with the
//! statements behind each grant (`docs/access.md`).

use std::io::Write as _;
use std::path::PathBuf;

use crate::exit;
use anyhow::{bail, Context as _, Result};
use phiward_access::employee::{self, AccessReport};
use phiward_access::org::OrgAccounts;
use phiward_access::org_report::{org_report, Wanted};
use phiward_access::people::{self, PeopleOptions};
use phiward_access::AccessModel;
use phiward_catalog::Catalog;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Grouped by person, principal and resource.
    Text,
    /// One JSON document (`schema_version` 1), keyed by person, principal and resource.
    Json,
    /// One row per (person, principal, resource, access level, grant, statement).
    Csv,
    /// One self-contained HTML page, filterable by person, resource and access level.
    Html,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward access-report --snapshot examples/demo-account --phi-only\n  \
phiward access-report --snapshot S --people people.csv --format json > access.json\n  \
phiward access-report --snapshot S --phi-only --output html=access.html --output csv=access.csv\n  \
phiward access-report --snapshot ORG --phi-only\n\n\
An organization snapshot reports every account's people against every account's resources, \
across accounts where a resource's policy names the people's account.\n\
People: every IAM user; roles named in --people (CSV with columns person, email, role) or \
carrying a --person-tag; SAML and OIDC roles nobody is mapped to, under `(unassigned)`.\n\
Exit status: 2 if some input could not be read (the report leaves it out and says so), else 0.")]
pub struct Args {
    /// A snapshot folder or a folder of raw AWS CLI exports.
    #[arg(long, value_name = "DIR")]
    snapshot: PathBuf,
    /// Only resources holding PHI: buckets carrying the PHI tag and the KMS keys their
    /// default encryption uses (default: every bucket and key).
    #[arg(long)]
    phi_only: bool,
    /// The tag marking PHI buckets.
    #[arg(
        long,
        value_name = "KEY=VALUE",
        default_value = "data-classification=phi"
    )]
    phi_tag: String,
    /// Role-to-person assignments: CSV with a header naming `person`, `role` and
    /// optionally `email`; roles by name or ARN.
    #[arg(long, value_name = "FILE")]
    people: Option<PathBuf>,
    /// A tag on users and roles whose value names the person holding them (repeatable;
    /// first found wins).
    #[arg(long, value_name = "KEY", default_values_t = vec!["person".to_string()])]
    person_tag: Vec<String>,
    /// Output format (to standard output).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write a format to a file, `FORMAT=PATH` (repeatable): `html=access.html`.
    #[arg(long, value_name = "FORMAT=PATH")]
    output: Vec<String>,
}

fn render(r: &AccessReport, format: Format) -> Result<String> {
    use phiward_report::access_report as out;
    Ok(match format {
        Format::Text => out::text::render(r)?,
        Format::Json => out::json::render(r)?,
        Format::Csv => out::csv::render(r),
        Format::Html => out::html::render(r)?,
    })
}

pub fn run(args: &Args) -> Result<u8> {
    let Some((tag_key, tag_value)) = args.phi_tag.split_once('=') else {
        bail!("`--phi-tag {}`: expected KEY=VALUE", args.phi_tag);
    };
    let outputs = args
        .output
        .iter()
        .map(|spec| {
            let Some((name, path)) = spec.split_once('=') else {
                bail!("`--output {spec}`: expected FORMAT=PATH");
            };
            let format = <Format as clap::ValueEnum>::from_str(name, true)
                .map_err(|_| anyhow::anyhow!("`--output {spec}`: unknown format `{name}`"))?;
            Ok((format, path))
        })
        .collect::<Result<Vec<_>>>()?;
    let assignments = match &args.people {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            people::parse_assignments(&text).with_context(|| format!("`{}`", path.display()))?
        }
        None => Vec::new(),
    };
    if phiward_snapshot::org::is_org(&args.snapshot) {
        let org = crate::org_cmd::read(&args.snapshot)?;
        let accounts = OrgAccounts::new(&org);
        let catalog = Catalog::get().context("the embedded catalog does not load")?;
        let opts = PeopleOptions {
            person_tags: args.person_tag.clone(),
            assignments,
        };
        let wanted = Wanted {
            tag: (tag_key, tag_value),
            phi_only: args.phi_only,
        };
        let report = org_report(&accounts, catalog, &opts, &wanted);
        let problems = accounts.problems();
        for p in &problems {
            eprintln!("warning: {p}");
        }
        write(&report, args.format, &outputs)?;
        return Ok(if problems.is_empty() {
            exit::OK
        } else {
            exit::INPUT
        });
    }
    let loaded = phiward_snapshot::load(&args.snapshot)
        .with_context(|| format!("cannot read the snapshot `{}`", args.snapshot.display()))?;
    for p in &loaded.problems {
        eprintln!("warning: {p}");
    }
    let snap = &loaded.snapshot;
    let model = AccessModel::new(snap);
    for s in &model.skipped {
        eprintln!("warning: skipped {}: {}", s.place, s.reason);
    }
    let incomplete = !loaded.problems.is_empty() || !model.skipped.is_empty();
    let catalog = Catalog::get().context("the embedded catalog does not load")?;
    let opts = PeopleOptions {
        person_tags: args.person_tag.clone(),
        assignments,
    };
    let (holders, people_notes) = people::holders(snap, &opts);
    let (targets, target_notes) = employee::targets(snap, tag_key, tag_value, args.phi_only);
    let mut report = employee::report(&model, catalog, &holders, &targets, args.phi_only);
    report.notes.extend(people_notes);
    report.notes.extend(target_notes);
    write(&report, args.format, &outputs)?;
    Ok(if incomplete { exit::INPUT } else { exit::OK })
}

/// Each `--output` file, then the report on standard output.
fn write(report: &AccessReport, format: Format, outputs: &[(Format, &str)]) -> Result<()> {
    for (f, path) in outputs {
        std::fs::write(path, render(report, *f)?)
            .with_context(|| format!("cannot write `{path}`"))?;
    }
    write!(std::io::stdout().lock(), "{}", render(report, format)?)?;
    Ok(())
}
