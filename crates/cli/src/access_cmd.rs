//! `phiward who-can` and `phiward can`: effective access in a snapshot.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use phiward_access::{AccessModel, Condition, Reach, Via};
use phiward_catalog::Catalog;

use crate::exit;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// One principal or capability per line, with its conditions and statements.
    Text,
    /// One JSON document.
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward who-can s3:GetObject 'arn:aws:s3:::mercy-phi-imaging/*' --snapshot examples/demo-account\n  \
phiward who-can 's3:Put*' arn:aws:s3:::mercy-cloudtrail-logs/x --snapshot S --format json\n\n\
Exit status: 2 if the snapshot or a policy in it could not be read (the answer leaves \
those out and says so), else 0.")]
pub struct WhoCanArgs {
    /// The action or pattern (`s3:GetObject`, `s3:Get*`).
    action: String,
    /// The resource ARN (`arn:aws:s3:::bucket/key`, a role ARN, a KMS key ARN, `*`).
    resource: String,
    /// A snapshot folder or a folder of raw AWS CLI exports.
    #[arg(long, value_name = "DIR")]
    snapshot: PathBuf,
    /// Also list who can reach a listed principal through role assumption or
    /// privilege escalation, with the path.
    #[arg(long)]
    transitive: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward can researcher-kim --snapshot examples/demo-account\n  \
phiward can arn:aws:iam::111122223333:role/PhiViewer 's3:*' 'arn:aws:s3:::mercy-phi-imaging/*' --snapshot S\n\n\
Without ACTION every action is considered; without RESOURCE, `*` and every resource of the \
snapshot that has a policy. Exit status: 2 if an input could not be read, else 0.")]
pub struct CanArgs {
    /// The IAM user or role (name or ARN).
    principal: String,
    /// The action or pattern (default: every action).
    action: Option<String>,
    /// The resource ARN (default: `*` and the snapshot's resources).
    resource: Option<String>,
    /// A snapshot folder or a folder of raw AWS CLI exports.
    #[arg(long, value_name = "DIR")]
    snapshot: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(crate) fn load(path: &std::path::Path) -> Result<(AccessModel, bool)> {
    let loaded = phiward_snapshot::load(path)
        .with_context(|| format!("cannot read the snapshot `{}`", path.display()))?;
    for p in &loaded.problems {
        eprintln!("warning: {p}");
    }
    let model = AccessModel::new(&loaded.snapshot);
    for s in &model.skipped {
        eprintln!("warning: skipped {}: {}", s.place, s.reason);
    }
    let incomplete = !loaded.problems.is_empty() || !model.skipped.is_empty();
    Ok((model, incomplete))
}

fn expand(pattern: &str) -> Result<Vec<String>> {
    let catalog = Catalog::get().context("the embedded catalog does not load")?;
    let actions: Vec<String> = catalog
        .expand(pattern)
        .iter()
        .map(|a| a.full_name())
        .collect();
    if actions.is_empty() {
        if pattern.contains(['*', '?']) {
            bail!("`{pattern}` names no action of the catalog");
        }
        // An action the catalog does not know is still decided as written.
        return Ok(vec![pattern.to_string()]);
    }
    Ok(actions)
}

/// The conditions and granting statements of an answer, one per line, indented.
pub(crate) fn evidence_text(
    o: &mut impl Write,
    indent: usize,
    conditions: &[Condition],
    via: &[Via],
) -> std::io::Result<()> {
    let pad = " ".repeat(indent);
    for c in conditions {
        let (d, p, n) = (c.describe(), &c.policy, c.statement);
        writeln!(o, "{pad}{d} ({p} statement {n})")?;
    }
    for v in via {
        let sid = v
            .sid
            .as_deref()
            .map(|s| format!(" `{s}`"))
            .unwrap_or_default();
        let (p, n, l) = (&v.policy, v.statement, v.line);
        writeln!(o, "{pad}via {p} statement {n}{sid} (line {l})")?;
    }
    Ok(())
}

fn code(incomplete: bool) -> u8 {
    if incomplete {
        exit::INPUT
    } else {
        exit::OK
    }
}

pub fn who_can(args: &WhoCanArgs) -> Result<u8> {
    let (model, incomplete) = load(&args.snapshot)?;
    let actions = expand(&args.action)?;
    let answer = phiward_access::who_can(&model, &args.action, &actions, &args.resource);
    let transitive = if args.transitive {
        let direct: Vec<String> = answer.principals.iter().map(|g| g.arn.clone()).collect();
        phiward_access::paths::transitive(&phiward_access::graph(&model), &direct)
    } else {
        Vec::new()
    };
    let mut o = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let mut doc = serde_json::to_value(&answer)?;
            if args.transitive {
                if let Some(map) = doc.as_object_mut() {
                    map.insert("transitive".into(), serde_json::to_value(&transitive)?);
                }
            }
            serde_json::to_writer_pretty(&mut o, &doc)?;
            writeln!(o)?;
        }
        Format::Text => {
            writeln!(o, "who can {} on {}:", args.action, args.resource)?;
            for g in &answer.principals {
                let how = match g.access {
                    Reach::Allowed => "allowed",
                    Reach::Conditional => "conditional",
                };
                let n = g.actions.len();
                let acts = if n == 1 {
                    g.actions.join("")
                } else {
                    format!("{n} actions")
                };
                writeln!(o, "  {} ({:?}): {how}, {acts}", g.arn, g.kind)?;
                evidence_text(&mut o, 6, &g.conditions, &g.via)?;
            }
            if answer.principals.is_empty() {
                writeln!(o, "  nobody")?;
            }
            if args.transitive {
                writeln!(o, "and through role assumption or escalation:")?;
                for t in &transitive {
                    let steps: Vec<String> = t
                        .path
                        .iter()
                        .map(|s| {
                            let tech = serde_json::to_value(s.technique).ok();
                            let tech = tech
                                .as_ref()
                                .and_then(|v| v.as_str())
                                .unwrap_or("?")
                                .to_string();
                            format!("--{tech}--> {}", s.to)
                        })
                        .collect();
                    let how = match t.access {
                        Reach::Allowed => "",
                        Reach::Conditional => " (conditional)",
                    };
                    writeln!(o, "  {}{how} {}", t.arn, steps.join(" "))?;
                }
                if transitive.is_empty() {
                    writeln!(o, "  nobody else")?;
                }
            }
            for n in &answer.notes {
                writeln!(o, "note: {n}")?;
            }
        }
    }
    Ok(code(incomplete))
}

pub fn can(args: &CanArgs) -> Result<u8> {
    let (model, incomplete) = load(&args.snapshot)?;
    let Some(p) = model.principal(&args.principal) else {
        bail!("`{}` is no user or role of the snapshot", args.principal);
    };
    let actions = expand(args.action.as_deref().unwrap_or("*"))?;
    let resources: Vec<String> = match &args.resource {
        Some(r) => vec![r.clone()],
        None => std::iter::once("*".to_string())
            .chain(
                model
                    .resources
                    .iter()
                    .filter(|r| r.policy.is_some())
                    .map(|r| r.arn.clone()),
            )
            .collect(),
    };
    let answer = phiward_access::can(&model, p, &actions, &resources);
    let mut o = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut o, &answer)?;
            writeln!(o)?;
        }
        Format::Text => {
            writeln!(o, "{} can:", answer.principal)?;
            for c in &answer.capabilities {
                let how = match c.access {
                    Reach::Allowed => "allowed",
                    Reach::Conditional => "conditional",
                };
                writeln!(o, "  {} on {}: {how}", c.action, c.resource)?;
                evidence_text(&mut o, 6, &c.conditions, &c.via)?;
            }
            if answer.capabilities.is_empty() {
                writeln!(o, "  nothing")?;
            }
            for n in &answer.notes {
                writeln!(o, "note: {n}")?;
            }
        }
    }
    Ok(code(incomplete))
}
