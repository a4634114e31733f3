//! `phiward access-report`: what each person can reach, by access level, with the
//! statements behind each grant (`docs/access.md`).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use phiward_access::employee::{self, AccessReport, ResourceKind, Row};
use phiward_access::people::{self, PeopleOptions};
use phiward_access::{AccessModel, PrincipalType, Reach, Via};
use phiward_catalog::Catalog;
use phiward_report::access_html::{AccessPage, AccessRow};

use crate::access_cmd::evidence_text;
use crate::exit;

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
phiward access-report --snapshot S --phi-only --output html=access.html --output csv=access.csv\n\n\
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

fn reach(r: Reach) -> &'static str {
    match r {
        Reach::Allowed => "allowed",
        Reach::Conditional => "conditional",
    }
}

fn kind(k: PrincipalType) -> &'static str {
    match k {
        PrincipalType::User => "user",
        PrincipalType::Role => "role",
        PrincipalType::External => "external",
    }
}

fn resource_kind(k: ResourceKind) -> &'static str {
    match k {
        ResourceKind::S3Bucket => "s3_bucket",
        ResourceKind::KmsKey => "kms_key",
    }
}

fn mapped(m: people::MappedBy) -> String {
    serde_json::to_value(m)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn statement(v: &Via) -> String {
    format!("{} statement {} (line {})", v.policy, v.statement, v.line)
}

fn text(r: &AccessReport) -> Result<String> {
    let mut o = Vec::new();
    let scope = if r.phi_only {
        "PHI resources"
    } else {
        "all buckets and KMS keys"
    };
    writeln!(o, "access per person ({scope}):")?;
    for p in &r.people {
        let email = p
            .email
            .as_deref()
            .map(|e| format!(" <{e}>"))
            .unwrap_or_default();
        writeln!(o, "{}{email}", p.person)?;
        for h in &p.principals {
            writeln!(
                o,
                "  {} {} ({})",
                kind(h.kind),
                h.arn,
                mapped(h.mapped_by).replace('_', " ")
            )?;
            if h.resources.is_empty() {
                writeln!(o, "    reaches none of them")?;
            }
            for res in &h.resources {
                let phi = if res.phi { " [PHI]" } else { "" };
                writeln!(o, "    {}{phi}", res.arn)?;
                for l in &res.levels {
                    for g in &l.grants {
                        let acts = g.actions.join(", ");
                        writeln!(o, "      {}: {acts}: {}", l.level, reach(g.access))?;
                        evidence_text(&mut o, 8, &g.conditions, &g.via)?;
                    }
                }
            }
        }
    }
    if r.people.is_empty() {
        writeln!(o, "  nobody")?;
    }
    for n in &r.notes {
        writeln!(o, "note: {n}")?;
    }
    Ok(String::from_utf8(o)?)
}

/// RFC 4180 quoting.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

const CSV_HEADER: [&str; 15] = [
    "person",
    "email",
    "principal",
    "principal_type",
    "mapped_by",
    "resource",
    "resource_type",
    "phi",
    "access_level",
    "actions",
    "reach",
    "conditions",
    "policy",
    "statement",
    "line",
];

fn conditions(row: &Row<'_>) -> String {
    let list: Vec<String> = row.conditions.iter().map(|c| c.describe_at()).collect();
    list.join("; ")
}

fn csv(r: &AccessReport) -> String {
    let mut out = CSV_HEADER.join(",");
    out.push_str("\r\n");
    for row in r.rows() {
        let fields = [
            row.person.to_string(),
            row.email.unwrap_or_default().to_string(),
            row.principal.to_string(),
            kind(row.principal_type).to_string(),
            mapped(row.mapped_by),
            row.resource.to_string(),
            resource_kind(row.resource_type).to_string(),
            row.phi.to_string(),
            row.level.to_string(),
            row.actions.join(" "),
            reach(row.access).to_string(),
            conditions(&row),
            row.via.map(|v| v.policy.to_string()).unwrap_or_default(),
            row.via.map(|v| v.statement.to_string()).unwrap_or_default(),
            row.via.map(|v| v.line.to_string()).unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
        let _ = write!(out, "{}\r\n", line.join(","));
    }
    out
}

fn html(r: &AccessReport) -> Result<String> {
    let rows: Vec<AccessRow> = r
        .rows()
        .iter()
        .map(|row| AccessRow {
            person: row.person.to_string(),
            principal: row.principal.to_string(),
            resource: row.resource.to_string(),
            phi: row.phi,
            level: row.level.to_string(),
            conditional: row.access == Reach::Conditional,
            actions: row.actions.join(", "),
            conditions: row
                .conditions
                .iter()
                .map(|c| c.describe_at())
                .collect::<Vec<_>>()
                .join("\n"),
            statement: row.via.map(statement).unwrap_or_default(),
        })
        .collect();
    let page = AccessPage {
        tool: format!("phiward {}", env!("CARGO_PKG_VERSION")),
        account: r.account.clone(),
        scope: if r.phi_only {
            "PHI resources".into()
        } else {
            "all buckets and KMS keys".into()
        },
        notes: r.notes.clone(),
    };
    Ok(phiward_report::access_html::render(&page, &rows)?)
}

fn render(r: &AccessReport, format: Format) -> Result<String> {
    Ok(match format {
        Format::Text => text(r)?,
        Format::Json => serde_json::to_string_pretty(r)? + "\n",
        Format::Csv => csv(r),
        Format::Html => html(r)?,
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
    for (format, path) in outputs {
        std::fs::write(path, render(&report, format)?)
            .with_context(|| format!("cannot write `{path}`"))?;
    }
    write!(
        std::io::stdout().lock(),
        "{}",
        render(&report, args.format)?
    )?;
    Ok(if incomplete { exit::INPUT } else { exit::OK })
}
