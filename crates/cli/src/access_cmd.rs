//! `phiward who-can` and `phiward can`: effective access in a snapshot.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use phiward_access::{AccessModel, Condition, KnownContext, Reach, Via};
use phiward_catalog::Catalog;

use crate::exit;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// One principal or capability per line, with its conditions and statements.
    Text,
    /// One JSON document.
    Json,
}

/// Context keys a question fixes, shared by `who-can`, `can` and `paths`.
#[derive(Debug, clap::Args)]
pub(crate) struct KnownArgs {
    /// Fix a context key, `KEY=VALUE` (`aws:SourceIp=192.0.2.7`); give a key twice for a
    /// multivalued key. Conditions on it are decided, not listed.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// A context key the request does not carry (`aws:MultiFactorAuthPresent` for a call
    /// with access keys): conditions on it are decided as AWS decides a missing key.
    #[arg(long = "absent", value_name = "KEY")]
    absent: Vec<String>,
}

impl KnownArgs {
    /// The fixed keys, checked.
    pub(crate) fn known(&self) -> Result<KnownContext> {
        let values = phiward_policy::parse_assignments(&self.context)
            .map_err(|e| anyhow::anyhow!("`--context`: {e}"))?;
        Ok(KnownContext::new(values, self.absent.clone())?)
    }
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward who-can s3:GetObject 'arn:aws:s3:::mercy-phi-imaging/*' --snapshot examples/demo-account\n  \
phiward who-can 's3:Put*' arn:aws:s3:::mercy-cloudtrail-logs/x --snapshot S --format json\n  \
phiward who-can s3:GetObject 'arn:aws:s3:::mercy-phi-imaging/*' --snapshot S \\\n      \
--context aws:SourceIp=192.0.2.7 --absent aws:MultiFactorAuthPresent\n\n\
Exit status: 2 if the snapshot or a policy in it could not be read (the answer leaves \
those out and says so), else 0.")]
pub struct WhoCanArgs {
    /// The action or pattern (`s3:GetObject`, `s3:Get*`).
    action: String,
    /// The resource ARN (`arn:aws:s3:::bucket/key`, a role ARN, a KMS key ARN, `*`).
    resource: String,
    /// A snapshot folder, a folder of raw AWS CLI exports, or an organization snapshot
    /// (then every account is asked, cross-account requests decided with both accounts'
    /// policies).
    #[arg(long, value_name = "DIR")]
    snapshot: PathBuf,
    /// Also list who can reach a listed principal through role assumption or
    /// privilege escalation, with the path.
    #[arg(long)]
    transitive: bool,
    #[command(flatten)]
    known: KnownArgs,
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
    #[command(flatten)]
    known: KnownArgs,
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

pub(crate) fn expand(pattern: &str) -> Result<Vec<String>> {
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
    for line in phiward_access::evidence_lines(conditions, via) {
        writeln!(o, "{pad}{line}")?;
    }
    Ok(())
}

/// " (with `aws:SourceIp` = `192.0.2.7`; without `aws:MultiFactorAuthPresent`)" for the
/// keys a question fixes; empty when none.
pub(crate) fn known_text(k: &KnownContext) -> String {
    if k.is_empty() {
        return String::new();
    }
    let values: Vec<String> = k
        .values
        .iter()
        .map(|(key, v)| match v {
            phiward_policy::CtxValue::One(s) => format!("`{key}` = `{s}`"),
            phiward_policy::CtxValue::Many(vs) => format!("`{key}` = [`{}`]", vs.join("`, `")),
        })
        .collect();
    let absent: Vec<String> = k.absent.iter().map(|key| format!("`{key}`")).collect();
    let mut parts = Vec::new();
    if !values.is_empty() {
        parts.push(format!("with {}", values.join(", ")));
    }
    if !absent.is_empty() {
        parts.push(format!("without {}", absent.join(", ")));
    }
    format!(" ({})", parts.join("; "))
}

/// The fixed keys in a JSON answer, as `"context"` and `"absent"` (when any).
pub(crate) fn known_json(doc: &mut serde_json::Value, k: &KnownContext) {
    let Some(map) = doc.as_object_mut().filter(|_| !k.is_empty()) else {
        return;
    };
    let values: serde_json::Map<String, serde_json::Value> = k
        .values
        .iter()
        .map(|(key, v)| {
            let v = match v {
                phiward_policy::CtxValue::One(s) => serde_json::json!(s),
                phiward_policy::CtxValue::Many(vs) => serde_json::json!(vs),
            };
            (key.clone(), v)
        })
        .collect();
    map.insert("context".into(), values.into());
    map.insert("absent".into(), serde_json::json!(k.absent));
}

fn code(incomplete: bool) -> u8 {
    if incomplete {
        exit::INPUT
    } else {
        exit::OK
    }
}

pub fn who_can(args: &WhoCanArgs) -> Result<u8> {
    let known = args.known.known()?;
    if phiward_snapshot::org::is_org(&args.snapshot) {
        let actions = expand(&args.action)?;
        return crate::org_cmd::who_can(
            &args.snapshot,
            known,
            &args.action,
            &actions,
            &args.resource,
            args.transitive,
            args.format == Format::Json,
        );
    }
    let (mut model, incomplete) = load(&args.snapshot)?;
    model.known = known;
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
            known_json(&mut doc, &model.known);
            if args.transitive {
                if let Some(map) = doc.as_object_mut() {
                    map.insert("transitive".into(), serde_json::to_value(&transitive)?);
                }
            }
            serde_json::to_writer_pretty(&mut o, &doc)?;
            writeln!(o)?;
        }
        Format::Text => {
            let with = known_text(&model.known);
            writeln!(o, "who can {} on {}{with}:", args.action, args.resource)?;
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
    let known = args.known.known()?;
    let (mut model, incomplete) = load(&args.snapshot)?;
    model.known = known;
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
            let mut doc = serde_json::to_value(&answer)?;
            known_json(&mut doc, &model.known);
            serde_json::to_writer_pretty(&mut o, &doc)?;
            writeln!(o)?;
        }
        Format::Text => {
            let with = known_text(&model.known);
            writeln!(o, "{}{with} can:", answer.principal)?;
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
