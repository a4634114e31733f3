//! `phiward paths`: privilege-escalation paths in a snapshot.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Result};
use phiward_access::org::{who_can_org, OrgAccounts};
use phiward_access::org_paths::org_graph;
use phiward_access::{graph, shortest_paths, Graph};
use phiward_report::paths;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Each path with its steps and the statements behind them.
    Text,
    /// One JSON document: the paths with their nodes and edges.
    Json,
    /// Graphviz DOT of the paths.
    Dot,
    /// GraphML of the paths.
    Graphml,
    /// A Mermaid flowchart of the paths.
    Mermaid,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward paths --snapshot examples/demo-account\n  \
phiward paths --from dev-sam --to admin --snapshot examples/demo-account\n  \
phiward paths --to 's3:GetObject:arn:aws:s3:::mercy-phi-records/*' --snapshot S --format mermaid\n  \
phiward paths --snapshot S --absent aws:MultiFactorAuthPresent\n  \
phiward paths --snapshot ORG --to 's3:GetObject:arn:aws:s3:::phi-bucket/*'\n\n\
An organization snapshot gives paths across its accounts: each account's own, joined \
where a role trusts another account's principals (decided with both accounts' policies).\n\n\
Techniques: assume_role, update_trust_policy, create_access_key, create_login_profile, \
update_login_profile, pass_role_{ec2,lambda,cloud_formation,glue,sage_maker,code_build,ecs,\
data_pipeline,auto_scaling}, ssm_send_command. Exit status: 2 if an input could not be \
read, else 0.")]
pub struct Args {
    /// Start from this user or role (name or ARN); default: every principal with a path.
    #[arg(long, value_name = "PRINCIPAL")]
    from: Option<String>,
    /// `admin` (principals that can change their own permissions), a user or role, or
    /// `ACTION:RESOURCE` (principals that can perform it).
    #[arg(long, value_name = "TARGET", default_value = "admin")]
    to: String,
    /// A snapshot folder or a folder of raw AWS CLI exports.
    #[arg(long, value_name = "DIR")]
    snapshot: PathBuf,
    #[command(flatten)]
    known: crate::access_cmd::KnownArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn node(g: &Graph, arn_or_name: &str) -> Option<usize> {
    g.nodes
        .iter()
        .position(|n| n.arn == arn_or_name)
        .or_else(|| {
            g.nodes.iter().position(|n| {
                n.arn
                    .rsplit('/')
                    .next()
                    .is_some_and(|last| last == arn_or_name)
            })
        })
}

/// `--to` as nodes of `g`; `who_can` answers `ACTION:RESOURCE` with the ARNs that can.
fn targets(
    g: &Graph,
    to: &str,
    who_can: impl FnOnce(&str, &str) -> Vec<String>,
) -> Result<Vec<usize>> {
    if to == "admin" {
        return Ok((0..g.nodes.len())
            .filter(|&i| g.nodes.get(i).is_some_and(|n| n.admin))
            .collect());
    }
    if let Some(i) = node(g, to) {
        return Ok(vec![i]);
    }
    let mut parts = to.splitn(3, ':');
    let (Some(service), Some(name), Some(resource)) = (parts.next(), parts.next(), parts.next())
    else {
        bail!("`{to}` is not `admin`, a principal of the snapshot, or ACTION:RESOURCE");
    };
    let action = format!("{service}:{name}");
    Ok(who_can(&action, resource)
        .iter()
        .filter_map(|arn| node(g, arn))
        .collect())
}

pub fn run(args: &Args) -> Result<u8> {
    let known = args.known.known()?;
    if phiward_snapshot::org::is_org(&args.snapshot) {
        return run_org(args, known);
    }
    let (mut model, incomplete) = crate::access_cmd::load(&args.snapshot)?;
    model.known = known;
    let g = graph(&model);
    let targets = targets(&g, &args.to, |action, resource| {
        let answer = phiward_access::who_can(&model, action, &[action.to_string()], resource);
        answer.principals.into_iter().map(|p| p.arn).collect()
    })?;
    write(args, &g, &targets, &model.known)?;
    Ok(if incomplete {
        crate::exit::INPUT
    } else {
        crate::exit::OK
    })
}

/// Paths across every account of an organization snapshot.
fn run_org(args: &Args, known: phiward_access::KnownContext) -> Result<u8> {
    let org = crate::org_cmd::read(&args.snapshot)?;
    let accounts = OrgAccounts::with_known(&org, known);
    let g = org_graph(&accounts);
    let targets = targets(&g, &args.to, |action, resource| {
        who_can_org(&accounts, action, &[action.to_string()], resource)
            .principals
            .into_iter()
            .map(|p| p.arn)
            .collect()
    })?;
    write(args, &g, &targets, accounts.known())?;
    let problems = accounts.problems();
    for p in &problems {
        eprintln!("warning: {p}");
    }
    Ok(if problems.is_empty() {
        crate::exit::OK
    } else {
        crate::exit::INPUT
    })
}

fn write(
    args: &Args,
    g: &Graph,
    targets: &[usize],
    known: &phiward_access::KnownContext,
) -> Result<()> {
    let from = match &args.from {
        Some(f) => match node(g, f) {
            Some(i) => Some(i),
            None => bail!("`{f}` is no principal of the snapshot"),
        },
        None => None,
    };
    let found = shortest_paths(g, from, targets);
    let mut o = std::io::stdout().lock();
    match args.format {
        Format::Dot => o.write_all(paths::dot::render(g, &found).as_bytes())?,
        Format::Graphml => o.write_all(paths::graphml::render(g, &found).as_bytes())?,
        Format::Mermaid => o.write_all(paths::mermaid::render(g, &found).as_bytes())?,
        Format::Json => {
            let doc = paths::json::render(g, &found, &args.to, known)?;
            o.write_all(doc.as_bytes())?
        }
        Format::Text => paths::text::render(&mut o, g, &found, &args.to, known)?,
    }
    Ok(())
}
