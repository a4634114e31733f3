//! `phiward who-can` and `phiward can`: effective access in a snapshot.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use phiward_access::{AccessModel, KnownContext};
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
    let transitive = args.transitive.then_some(transitive.as_slice());
    let mut o = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let doc = phiward_report::access::json::who_can(&answer, &model.known, transitive)?;
            o.write_all(doc.as_bytes())?;
        }
        Format::Text => {
            phiward_report::access::text::who_can(&mut o, &answer, &model.known, transitive)?
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
            o.write_all(phiward_report::access::json::can(&answer, &model.known)?.as_bytes())?
        }
        Format::Text => phiward_report::access::text::can(&mut o, &answer, &model.known)?,
    }
    Ok(code(incomplete))
}
