//! `phiward rotate run`: rotate users' access keys in AWS, one safe step at a time.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context as _, Result};
use phiward_rotate::consumers::Consumers;
use phiward_rotate::exec::{self, End, Fault, FaultHook, Store, Target};

use crate::exit;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward rotate run --user etl-svc --store secretsmanager:phiward/keys/etl-svc --dry-run\n  \
phiward rotate run --user etl-svc --store file:/etc/etl/aws-key.json\n  \
phiward rotate run --all --max-parallel 4 --store 'secretsmanager:phiward/keys/{user}'\n\n\
Run it daily (cron): each run re-reads AWS and does what is due, so an interrupted run is \
finished by the next. The IAM policy it needs is docs/rotation-policy.json; the journal, \
recovery and invariants are described in docs/rotation.md.\n\
Exit status: 2 if a user's run failed (an AWS, store or journal error), else 1 if a user's \
rotation is on hold until its owner acts, else 0.")]
pub struct Args {
    /// The user to rotate (repeatable).
    #[arg(long, value_name = "U", required_unless_present = "all")]
    user: Vec<String>,
    /// Every user of the account (those with nothing due are left alone).
    #[arg(long, conflicts_with = "user")]
    all: bool,
    /// With --all, the most users rotated at once.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    max_parallel: u16,
    /// Where new keys go: `secretsmanager:NAME` (a secret only the user may read),
    /// `file:PATH` (mode 0600) or `exec:CMD` (run with the key on standard input).
    /// `{user}` is replaced by the user name.
    #[arg(long, value_name = "STORE")]
    store: String,
    /// Say what would be done; change nothing and write no journal.
    #[arg(long)]
    dry_run: bool,
    /// Deactivate the old key at the overlap's end even if the new key was not seen in use.
    #[arg(long)]
    force: bool,
    /// Start a rotation now even if the schedule does not call for one yet.
    #[arg(long)]
    start: bool,
    /// The journal (default: `$XDG_STATE_HOME/phiward/rotation.jsonl`, else
    /// `~/.local/state/phiward/rotation.jsonl`).
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,
    /// The configuration (`[rotation]`); default `phiward.toml` in the working directory,
    /// else the documented defaults.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// CloudTrail logs showing the new key in use (repeatable), besides IAM's last use.
    #[arg(long, value_name = "PATH")]
    logs: Vec<PathBuf>,
    /// Keep polling this many seconds for the new key's first use before ending the run.
    #[arg(long, value_name = "SECONDS")]
    wait: Option<u64>,
    /// Poll every this many seconds while waiting.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    poll: u64,
    /// The named profile; without it, the default credential chain.
    #[arg(long, value_name = "P")]
    profile: Option<String>,
    /// The region (of the Secrets Manager store).
    #[arg(long, value_name = "R")]
    region: Option<String>,
    /// Send every call to this endpoint instead of AWS (an emulator such as moto).
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,
    /// Act as if it were this moment (RFC 3339): dry runs of future days, and tests.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

/// `PHIWARD_ROTATE_FAULT=KIND@N[:USER]` (tests): at fault point N, `error` makes the
/// next call fail, `crash` aborts the process, `pause` says so on standard error and
/// sleeps, to be killed.
#[derive(Debug)]
struct EnvFault {
    kind: String,
    point: usize,
    user: Option<String>,
}

impl EnvFault {
    fn from_env() -> Result<Option<EnvFault>> {
        let Ok(spec) = std::env::var("PHIWARD_ROTATE_FAULT") else {
            return Ok(None);
        };
        let (kind, rest) = spec
            .split_once('@')
            .with_context(|| format!("PHIWARD_ROTATE_FAULT `{spec}`: expected KIND@N"))?;
        let (n, user) = match rest.split_once(':') {
            Some((n, u)) => (n, Some(u.to_string())),
            None => (rest, None),
        };
        Ok(Some(EnvFault {
            kind: kind.to_string(),
            point: n
                .parse()
                .with_context(|| format!("PHIWARD_ROTATE_FAULT `{spec}`: bad point"))?,
            user,
        }))
    }
}

impl FaultHook for EnvFault {
    fn at(&self, user: &str, point: usize, label: &str) -> Option<Fault> {
        if point != self.point || self.user.as_deref().is_some_and(|u| u != user) {
            return None;
        }
        match self.kind.as_str() {
            "error" => Some(Fault::Error),
            "crash" => std::process::abort(),
            "pause" => {
                eprintln!("phiward-fault: paused at point {point} ({label})");
                std::thread::sleep(Duration::from_secs(600));
                None
            }
            _ => None,
        }
    }
}

/// Runs `phiward rotate run`.
pub fn run(args: &Args) -> Result<u8> {
    let config = super::load_config(args.config.as_deref(), None)?;
    let schedule = super::schedule(&config)?;
    let store = Store::parse(&args.store).map_err(|e| anyhow::anyhow!("--store {e}"))?;
    let journal = match &args.journal {
        Some(p) => p.clone(),
        None => exec::journal::default_path()
            .context("no journal path: set --journal, XDG_STATE_HOME or HOME")?,
    };
    let now = match &args.at {
        Some(t) => Some(
            exec::parse_time(t)
                .with_context(|| format!("--at `{t}`: expected an RFC 3339 time"))?,
        ),
        None => None,
    };
    let consumers = if args.logs.is_empty() {
        None
    } else {
        let c = Consumers::read(&args.logs);
        if !c.problems.is_empty() {
            for p in &c.problems {
                eprintln!("skipped: CloudTrail log {p}");
            }
            bail!("some CloudTrail logs could not be read");
        }
        Some(Arc::new(c))
    };
    let faults: Option<Arc<dyn FaultHook>> = match EnvFault::from_env()? {
        Some(f) => Some(Arc::new(f)),
        None => None,
    };
    let opts = exec::Options {
        schedule,
        store,
        journal,
        dry_run: args.dry_run,
        force: args.force,
        start: args.start,
        now,
        consumers,
        exempt_tag: config.rotation.exempt_tag.clone(),
        exempt_groups: config.rotation.exempt_groups.clone(),
        wait: args.wait.map(Duration::from_secs),
        poll: Duration::from_secs(args.poll.max(1)),
        faults,
    };
    let connect = exec::Connect {
        profile: args.profile.clone(),
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        max_attempts: 5,
        credentials: None,
    };
    let target = if args.all {
        Target::All {
            max_parallel: usize::from(args.max_parallel),
        }
    } else {
        Target::Users(args.user.clone())
    };
    let (outcomes, _calls) = exec::run_blocking(&connect, opts, &target)?;
    let (mut failed, mut held) = (false, false);
    for o in &outcomes {
        let quiet = args.all
            && o.steps.is_empty()
            && matches!(o.end, End::NoKeys | End::Idle(_) | End::Exempt(_));
        if quiet {
            continue;
        }
        for s in &o.steps {
            println!("{}: {s}", o.user);
        }
        let end = match &o.end {
            End::Idle(Some(next)) => format!("nothing more due; next: {next}"),
            End::Idle(None) => "nothing more due".to_string(),
            End::Waiting(why) => format!("waiting: {why}"),
            End::Hold(why) => {
                held = true;
                format!("on hold: {why}")
            }
            End::Exempt(why) => format!("exempt: {why}"),
            End::NoKeys => "no access keys: nothing to rotate".to_string(),
            End::Failed(why) => {
                failed = true;
                format!("stopped: {why}")
            }
        };
        println!("{}: {end}", o.user);
    }
    if args.all {
        let acted = outcomes.iter().filter(|o| !o.steps.is_empty()).count();
        println!(
            "{} users read, {acted} with steps{}",
            outcomes.len(),
            if args.dry_run { " (dry run)" } else { "" }
        );
    }
    Ok(if failed {
        exit::INPUT
    } else if held {
        exit::FAILED
    } else {
        exit::OK
    })
}
