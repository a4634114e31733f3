//! `phiward actions`: query the embedded catalog of AWS actions.

use std::io::Write;

use anyhow::{Context as _, Result};
use phiward_catalog::{AccessLevel, Action, Catalog};
use serde_json::{json, Value};

use crate::exit;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  phiward actions 's3:Get*'\n  \
phiward actions --not 'iam:*' 'organizations:*' --level permissions-management\n  \
phiward actions --event s3.amazonaws.com ListObjectsV2\n  \
phiward actions --arn arn:aws:s3:::phi-records/2024/a.pdf\n\n\
Patterns expand exactly as the policy engine matches them. Exit status: 0 when something \
matched, 1 when nothing did, 2 on a usage error.")]
pub struct Args {
    /// Action patterns (`s3:Get*`, `iam:?ut*`, `*`); with --not, the NotAction list.
    #[arg(value_name = "PATTERN", required_unless_present_any = ["event", "arn"])]
    patterns: Vec<String>,
    /// List every action the patterns do NOT name, as a `NotAction` would.
    #[arg(long)]
    not: bool,
    /// Keep only actions of this access level.
    #[arg(long, value_enum)]
    level: Option<Level>,
    /// The actions a CloudTrail event needs: its eventSource and eventName.
    #[arg(long, num_args = 2, value_names = ["SOURCE", "NAME"], conflicts_with_all = ["patterns", "arn"])]
    event: Option<Vec<String>>,
    /// The resource types an ARN (or ARN pattern) belongs to.
    #[arg(long, value_name = "ARN", conflicts_with = "patterns")]
    arn: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Level {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

impl Level {
    fn level(self) -> AccessLevel {
        match self {
            Level::List => AccessLevel::List,
            Level::Read => AccessLevel::Read,
            Level::Write => AccessLevel::Write,
            Level::PermissionsManagement => AccessLevel::PermissionsManagement,
            Level::Tagging => AccessLevel::Tagging,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// One action per line: name, access level, resource types (`*` = required).
    Text,
    /// One JSON document with each action's details.
    Json,
}

pub fn run(args: &Args) -> Result<u8> {
    let catalog = Catalog::get().context("the embedded catalog does not load")?;
    if let Some(arn) = &args.arn {
        return arn_types(catalog, arn, args.format);
    }
    let (actions, how) = match args.event.as_deref() {
        Some([source, name]) => {
            let r = catalog.actions_for_event(source, name);
            (r.actions, Some(format!("{:?}", r.mapping).to_lowercase()))
        }
        _ if args.not => (
            catalog.complement(args.patterns.iter().map(String::as_str)),
            None,
        ),
        _ => (
            catalog.expand_all(args.patterns.iter().map(String::as_str)),
            None,
        ),
    };
    let actions: Vec<Action<'_>> = actions
        .into_iter()
        .filter(|a| {
            args.level
                .is_none_or(|l| a.access_levels().any(|x| x == l.level()))
        })
        .collect();
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let mut doc = json!({
                "catalog": sources(catalog),
                "count": actions.len(),
                "actions": actions.iter().map(details).collect::<Vec<_>>(),
            });
            if let (Some(how), Some(map)) = (how, doc.as_object_mut()) {
                map.insert("mapping".into(), Value::String(how));
            }
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Text => {
            let width = actions
                .iter()
                .map(|a| a.full_name().len())
                .max()
                .unwrap_or(0);
            for a in &actions {
                let levels: Vec<&str> = a.access_levels().map(AccessLevel::as_str).collect();
                let types: Vec<String> = a
                    .resource_types()
                    .map(|(t, req)| format!("{}{}", t.name(), if req { "*" } else { "" }))
                    .collect();
                let types = if types.is_empty() {
                    "(Resource \"*\" only)".to_string()
                } else {
                    types.join(", ")
                };
                writeln!(
                    out,
                    "{:width$}  {:<29}  {types}",
                    a.full_name(),
                    levels.join(", ")
                )?;
            }
            if let Some(how) = how {
                eprintln!("mapping: {how}");
            }
            eprintln!(
                "{} action{}",
                actions.len(),
                if actions.len() == 1 { "" } else { "s" }
            );
        }
    }
    Ok(if actions.is_empty() {
        exit::FAILED
    } else {
        exit::OK
    })
}

fn arn_types(catalog: &Catalog, arn: &str, format: Format) -> Result<u8> {
    let types = catalog.match_arn(arn);
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let list: Vec<Value> = types
                .iter()
                .map(|t| {
                    json!({
                        "service": t.service().prefix(),
                        "resourceType": t.name(),
                        "arnFormats": t.arn_formats().collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &json!({"arn": arn, "resourceTypes": list}))?;
            writeln!(out)?;
        }
        Format::Text => {
            for t in &types {
                let formats: Vec<&str> = t.arn_formats().collect();
                writeln!(
                    out,
                    "{}:{}  {}",
                    t.service().prefix(),
                    t.name(),
                    formats.join(" ")
                )?;
            }
            if types.is_empty() {
                eprintln!("`{arn}` fits no resource type of the catalog");
            }
        }
    }
    Ok(if types.is_empty() {
        exit::FAILED
    } else {
        exit::OK
    })
}

fn sources(catalog: &Catalog) -> Vec<Value> {
    catalog
        .sources()
        .iter()
        .map(|s| json!({"package": s.package, "version": s.version, "date": s.date}))
        .collect()
}

fn details(a: &Action<'_>) -> Value {
    json!({
        "action": a.full_name(),
        "accessLevel": a.access_level().as_str(),
        "accessLevels": a.access_levels().map(AccessLevel::as_str).collect::<Vec<_>>(),
        "resourceTypes": a.resource_types().map(|(t, required)| json!({
            "name": t.name(),
            "arnFormats": t.arn_formats().collect::<Vec<_>>(),
            "required": required,
        })).collect::<Vec<_>>(),
        "conditionKeys": a.condition_keys().iter().map(|k| json!({
            "name": k.name(),
            "type": k.key_type().map(phiward_catalog::KeyType::name),
        })).collect::<Vec<_>>(),
        "dependentActions": a.dependent_actions().collect::<Vec<_>>(),
    })
}
