//! `phiward trail unused` and `phiward trail policy`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use phiward_catalog::Catalog;
use phiward_report::trail as out;
use phiward_trail::policy::{diff, least_privilege, Options};
use phiward_trail::unused::{granted, unused as find_unused, usage_of};

use crate::exit;
use crate::trail_cmd::{mine, Format, Window};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward trail unused --snapshot examples/demo-account logs/ --since 90d\n  \
phiward trail unused --snapshot S logs/ --format json\n\n\
Granted means named by an Allow statement of the principal's identity policies (less \
unconditional Deny statements), within its boundary and the SCPs. Exit status: 2 if the \
snapshot or a log file could not be read, else 0.")]
pub(crate) struct UnusedArgs {
    /// Log folder or file.
    logs: PathBuf,
    /// A snapshot folder or a folder of raw AWS CLI exports.
    #[arg(long, value_name = "DIR")]
    snapshot: PathBuf,
    #[command(flatten)]
    window: Window,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward trail policy DataEngineer --snapshot examples/demo-account logs/\n  \
phiward trail policy arn:aws:iam::111122223333:role/etl --snapshot S logs/ --policy-only > etl.json\n\n\
Exit status: 2 if the snapshot or a log file could not be read, else 1 if the generated \
policy has lint errors, else 0.")]
pub(crate) struct PolicyArgs {
    /// The IAM user or role (name or ARN).
    principal: String,
    /// Log folder or file.
    logs: PathBuf,
    /// A snapshot folder or a folder of raw AWS CLI exports.
    #[arg(long, value_name = "DIR")]
    snapshot: PathBuf,
    #[command(flatten)]
    window: Window,
    /// Past this many resources, an action's resources collapse into `prefix/*` patterns.
    #[arg(long, default_value_t = 10, value_name = "N")]
    collapse: usize,
    /// Print only the policy document.
    #[arg(long)]
    policy_only: bool,
    /// Text, or one JSON document with the policy, the diff, lint findings and notes.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(crate) fn unused(args: &UnusedArgs) -> Result<u8> {
    let (model, incomplete) = crate::access_cmd::load(&args.snapshot)?;
    let (usage, complete) = mine(&args.logs, &args.window)?;
    let catalog = Catalog::get().context("the embedded catalog does not load")?;
    let answer = find_unused(&model, &usage, catalog);
    let mut o = std::io::stdout().lock();
    match args.format {
        Format::Json => o.write_all(out::json::unused(&usage, &answer)?.as_bytes())?,
        Format::Csv => out::csv::unused(&mut o, &answer)?,
        Format::Text => out::text::unused(&mut o, &usage, &answer)?,
    }
    Ok(if incomplete || !complete {
        exit::INPUT
    } else {
        exit::OK
    })
}

pub(crate) fn policy(args: &PolicyArgs) -> Result<u8> {
    let (model, incomplete) = crate::access_cmd::load(&args.snapshot)?;
    let Some(p) = model.principal(&args.principal) else {
        anyhow::bail!(
            "`{}` is no user or role of the snapshot `{}`",
            args.principal,
            args.snapshot.display()
        );
    };
    let (usage, complete) = mine(&args.logs, &args.window)?;
    let catalog = Catalog::get().context("the embedded catalog does not load")?;
    let empty = phiward_trail::usage::PrincipalUsage {
        principal: p.arn.clone(),
        kind: phiward_trail::event::PrincipalKind::Other,
        calls: 0,
        denied: 0,
        first_seen: String::new(),
        last_seen: String::new(),
        actions: Vec::new(),
        unknown_events: Vec::new(),
        no_permission_events: Vec::new(),
    };
    let u = usage_of(&usage, p).unwrap_or(&empty);
    let opts = Options {
        collapse_threshold: args.collapse.max(1),
    };
    let generated = least_privilege(u, catalog, opts);
    let text = serde_json::to_string_pretty(&generated.document)?;
    let lint = phiward_lint::lint_text(&text, &phiward_lint::Options::default(), Some(catalog));
    let lint_errors = lint
        .iter()
        .any(|f| f.severity == phiward_lint::Severity::Error);
    let today = granted(&model, p, catalog);
    let d = diff(&generated, &today, catalog);
    let answer = out::PolicyAnswer {
        principal: &p.arn,
        usage: &usage,
        of: u,
        generated: &generated,
        document: &text,
        diff: &d,
        lint: &lint,
    };
    let mut o = std::io::stdout().lock();
    if args.policy_only {
        writeln!(o, "{text}")?;
    } else if args.format == Format::Json {
        o.write_all(out::json::policy(&answer)?.as_bytes())?;
    } else {
        out::text::policy(&mut o, &answer)?;
    }
    Ok(if incomplete || !complete {
        exit::INPUT
    } else if lint_errors {
        exit::FAILED
    } else {
        exit::OK
    })
}
