//! `phiward certify`: access recertification campaigns, their decisions, their signed
//! ledger and its verification, the revocation plan and the evidence pack
//! (`docs/certify.md`).

use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use phiward_certify::campaign::{self, Start, Unreviewed};
use phiward_certify::decide::{self, Actor, Decision};
use phiward_certify::keys::{self, Key};
use phiward_certify::store::Store;
use phiward_certify::{close, setup};

use crate::exit;

/// `println!` that returns the write error (a closed pipe ends the command quietly).
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($t)*)?;
    }};
}
pub(crate) use say;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward certify start --snapshot examples/demo-account --directory examples/demo-account/directory.csv --name Q1-2027 --due 2027-01-31\n  \
phiward certify items Q1-2027 --reviewer dr-chen\n  \
phiward certify decide 12 --as dr-chen --revoke --reason \"left the ward\"\n  \
phiward certify close Q1-2027 && phiward certify plan Q1-2027\n  \
phiward certify export Q1-2027 --format html --out evidence/\n  \
phiward certify verify certify.db --head 1234:9f86d0...\n\n\
The store is --store (default certify.db); its signing key is STORE.key (--key), created 0600.")]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    /// The campaign store (SQLite).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "certify.db",
        env = "PHIWARD_CERTIFY_STORE"
    )]
    pub store: PathBuf,
    /// The Ed25519 signing key file (default: STORE.key), kept outside the database.
    #[arg(long, value_name = "FILE", env = "PHIWARD_CERTIFY_KEY")]
    key: Option<PathBuf>,
}

impl StoreArgs {
    fn key_path(&self) -> PathBuf {
        self.key
            .clone()
            .unwrap_or_else(|| keys::default_path(&self.store))
    }
    pub fn open(&self) -> Result<(Store, Key)> {
        let store = Store::open_existing(&self.store)?;
        let key = Key::load(&self.key_path())?;
        check_key(&store, &key)?;
        Ok((store, key))
    }
}

/// Refuses a key that is not the one the store was started with.
pub(crate) fn check_key(store: &Store, key: &Key) -> Result<()> {
    match store.meta("public_key")? {
        Some(k) if k != key.public_hex() => bail!(
            "the key `{}` is not the key this store's ledger is signed with",
            key.path.display()
        ),
        Some(_) => Ok(()),
        None => Ok(store.set_meta("public_key", &key.public_hex())?),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// Start a campaign: one item per (person, right), each assigned a reviewer.
    Start(StartArgs),
    /// Campaigns and their progress by reviewer.
    Status {
        /// A campaign (name or id); default: every campaign.
        campaign: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// A campaign's items, PHI first, by person.
    Items {
        /// The campaign (name or id).
        campaign: String,
        /// Only this reviewer's items.
        #[arg(long)]
        reviewer: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Approve, revoke or reassign items (or bulk-approve unchanged rights).
    Decide(DecideArgs),
    /// What changed since the last completed campaign: new rights first.
    Diff {
        /// The campaign (name or id).
        campaign: String,
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Close a campaign: unreviewed items follow `[recertification] unreviewed`.
    Close {
        /// The campaign (name or id).
        campaign: String,
        #[command(flatten)]
        store: StoreArgs,
        /// Who closes it.
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
    /// Verify the ledger's hashes, signatures and order, and the tables against it.
    Verify(crate::certify_out::VerifyArgs),
    /// The AWS CLI commands that remove each revoked right, proved on a copy of the snapshot.
    Plan(crate::certify_out::PlanArgs),
    /// The evidence pack: every item, decision and statement, with a SHA-256 manifest.
    Export(crate::certify_out::ExportArgs),
    /// Web accounts for `phiward serve` (argon2id password + TOTP).
    Account(crate::serve_cmd::AccountArgs),
    /// Print the current TOTP code of a base32 secret (for the demo and scripts).
    Totp {
        /// The base32 secret `certify account add` printed.
        secret: String,
    },
}

#[derive(Debug, clap::Args)]
struct StartArgs {
    /// The snapshot folder (or raw AWS CLI exports).
    #[arg(long, value_name = "DIR")]
    snapshot: PathBuf,
    /// The configuration (default: phiward.toml in the snapshot folder, else here).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The campaign's name (default: `campaign-<today>`).
    #[arg(long)]
    name: Option<String>,
    /// The due date, YYYY-MM-DD (default: in 30 days).
    #[arg(long)]
    due: Option<chrono::NaiveDate>,
    /// The directory export: CSV with the columns employee, manager, email.
    #[arg(long, value_name = "FILE")]
    directory: Option<PathBuf>,
    /// Role-to-person assignments, as for `access-report --people`.
    #[arg(long, value_name = "FILE")]
    people: Option<PathBuf>,
    /// A tag naming the person holding a user or role (repeatable).
    #[arg(long, value_name = "KEY", default_values_t = vec!["person".to_string()])]
    person_tag: Vec<String>,
    #[command(flatten)]
    store: StoreArgs,
    /// Who starts it (default: $USER).
    #[arg(long = "as", value_name = "NAME")]
    actor: Option<String>,
}

#[derive(Debug, clap::Args)]
struct DecideArgs {
    /// Item ids.
    items: Vec<i64>,
    /// Who decides: the items' reviewer.
    #[arg(long = "as", value_name = "NAME")]
    actor: String,
    /// Keep the right.
    #[arg(long, group = "what")]
    approve: bool,
    /// Remove the right (needs --reason).
    #[arg(long, group = "what")]
    revoke: bool,
    /// Hand the items to another reviewer.
    #[arg(long, group = "what", value_name = "REVIEWER")]
    reassign: Option<String>,
    /// Approve every pending item of yours in this campaign whose right did not change
    /// since the last campaign approved it.
    #[arg(long, group = "what", value_name = "CAMPAIGN")]
    approve_unchanged: Option<String>,
    /// Why (required to revoke and to approve PHI access).
    #[arg(long)]
    reason: Option<String>,
    /// Act as the compliance officer (may reassign any item).
    #[arg(long)]
    officer: bool,
    #[command(flatten)]
    store: StoreArgs,
}

/// `cli:<user>:<pid>`: where a command-line decision came from.
pub fn session() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}:{}", std::process::id())
}

fn user() -> String {
    std::env::var("USER").unwrap_or_else(|_| "officer".into())
}

pub(crate) fn print_json(v: &impl serde::Serialize) -> Result<()> {
    say!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

pub fn run(args: &Args) -> Result<u8> {
    match &args.command {
        Cmd::Start(a) => start(a),
        Cmd::Status {
            campaign,
            store,
            format,
        } => status(campaign.as_deref(), store, *format),
        Cmd::Items {
            campaign,
            reviewer,
            store,
            format,
        } => items(campaign, reviewer.as_deref(), store, *format),
        Cmd::Decide(a) => decide_cmd(a),
        Cmd::Diff {
            campaign,
            store,
            format,
        } => diff(campaign, store, *format),
        Cmd::Close {
            campaign,
            store,
            actor,
        } => {
            let (mut s, key) = store.open()?;
            let who = actor.clone().unwrap_or_else(user);
            let c = close::close(&mut s, &key, campaign, &who, &session())?;
            say!(
                "closed `{}` at {}: {} unreviewed items {}",
                c.campaign,
                c.closed_at,
                c.unreviewed,
                c.outcome
            );
            Ok(exit::OK)
        }
        Cmd::Verify(a) => crate::certify_out::verify_cmd(a),
        Cmd::Plan(a) => crate::certify_out::plan(a),
        Cmd::Export(a) => crate::certify_out::export(a),
        Cmd::Account(a) => crate::serve_cmd::account(a),
        Cmd::Totp { secret } => {
            let code = phiward_certify::totp::now(secret).context("not a base32 TOTP secret")?;
            say!("{code}");
            Ok(exit::OK)
        }
    }
}

/// Opens (creating) the store and its key for a new campaign.
pub fn open_or_create(store: &Path, key: &Path) -> Result<(Store, Key)> {
    let s = Store::open(store)?;
    let k = Key::load_or_create(key)?;
    check_key(&s, &k)?;
    Ok((s, k))
}

fn start(a: &StartArgs) -> Result<u8> {
    let (config, config_dir) = setup::config(a.config.as_deref(), &a.snapshot)?;
    let unreviewed =
        Unreviewed::parse(&config.recertification.unreviewed).unwrap_or(Unreviewed::Flag);
    let prepared = setup::prepare(
        &a.snapshot,
        &config,
        &config_dir,
        a.directory.as_deref(),
        a.people.as_deref(),
        &a.person_tag,
    )?;
    for p in &prepared.problems {
        eprintln!("warning: {p}");
    }
    let (mut store, key) = open_or_create(&a.store.store, &a.store.key_path())?;
    let today = chrono::Utc::now().date_naive();
    let name = a
        .name
        .clone()
        .unwrap_or_else(|| format!("campaign-{today}"));
    let due = a.due.unwrap_or(today + chrono::Days::new(30));
    let actor = a.actor.clone().unwrap_or_else(user);
    let snapshot = a.snapshot.display().to_string();
    let started = campaign::start(
        &mut store,
        &key,
        &prepared.built,
        &prepared.reviewers,
        &Start {
            name: &name,
            due,
            snapshot: &snapshot,
            snapshot_digest: &prepared.digest,
            account: prepared.account.as_deref(),
            unreviewed,
            actor: &actor,
            session: &session(),
        },
    )?;
    let people: std::collections::BTreeSet<&str> = prepared
        .built
        .rights
        .iter()
        .map(|r| r.person.as_str())
        .collect();
    say!(
        "started `{}` (id {}), due {}: {} items for {} people, {} orphan items, {} new and {} changed since the last campaign",
        started.campaign.name,
        started.campaign.id,
        started.campaign.due,
        started.items,
        people.len(),
        started.orphans,
        started.new,
        started.changed
    );
    for p in campaign::progress(&store, started.campaign.id)? {
        say!(
            "  {:<28} {:>5} items ({} orphan)",
            p.reviewer,
            p.total,
            p.orphans
        );
    }
    for n in &prepared.built.notes {
        say!("note: {n}");
    }
    Ok(if prepared.problems.is_empty() {
        exit::OK
    } else {
        exit::INPUT
    })
}

fn status(which: Option<&str>, sa: &StoreArgs, format: Format) -> Result<u8> {
    let store = Store::open_existing(&sa.store)?;
    let list = match which {
        Some(w) => vec![campaign::get(&store, w)?],
        None => campaign::list(&store)?,
    };
    let mut out = Vec::new();
    for c in list {
        let progress = campaign::progress(&store, c.id)?;
        out.push(serde_json::json!({"campaign": c, "reviewers": progress}));
        if format == Format::Text {
            let total: usize = progress.iter().map(|p| p.total).sum();
            let pending: usize = progress.iter().map(|p| p.pending).sum();
            let overdue = c.status == "open" && c.due < chrono::Utc::now().date_naive().to_string();
            say!(
                "{} (id {}): {}{}, due {}, {} of {} items decided",
                c.name,
                c.id,
                c.status,
                if overdue { ", OVERDUE" } else { "" },
                c.due,
                total - pending,
                total
            );
            for p in &progress {
                say!(
                    "  {:<28} {:>5} pending {:>5} approved {:>5} revoked {:>5} flagged ({} orphan)",
                    p.reviewer,
                    p.pending,
                    p.approved,
                    p.revoked,
                    p.flagged,
                    p.orphans
                );
            }
        }
    }
    if format == Format::Json {
        print_json(&out)?;
    }
    Ok(exit::OK)
}

fn items(which: &str, reviewer: Option<&str>, sa: &StoreArgs, format: Format) -> Result<u8> {
    let store = Store::open_existing(&sa.store)?;
    let c = campaign::get(&store, which)?;
    let list = campaign::items(&store, c.id, reviewer)?;
    if format == Format::Json {
        print_json(&list)?;
        return Ok(exit::OK);
    }
    let mut person = "";
    for i in &list {
        if i.person != person {
            person = &i.person;
            say!("{person} (reviewer {})", i.reviewer);
        }
        let phi = if i.phi { " [PHI]" } else { "" };
        let change = if matches!(i.change.as_str(), "new" | "changed") {
            format!(" ({})", i.change.to_uppercase())
        } else {
            String::new()
        };
        say!(
            "  #{:<6} {:<9} {:<13} {}{phi}{change} via {} [{}]",
            i.id,
            i.status,
            i.kind,
            i.right_name,
            i.via,
            i.principal
        );
    }
    Ok(exit::OK)
}

fn decide_cmd(a: &DecideArgs) -> Result<u8> {
    let (mut store, key) = a.store.open()?;
    let session = session();
    let actor = Actor {
        name: &a.actor,
        session: &session,
        officer: a.officer,
    };
    if let Some(c) = &a.approve_unchanged {
        let c = campaign::get(&store, c)?;
        let b = decide::approve_unchanged(&mut store, &key, c.id, &actor, a.reason.as_deref())?;
        say!(
            "approved {} unchanged items; left {} new or changed and {} PHI items (PHI needs --reason) for one-by-one review",
            b.approved, b.left_changed, b.left_phi
        );
        return Ok(exit::OK);
    }
    let d = match (a.approve, a.revoke, &a.reassign) {
        (true, _, _) => Decision::Approve,
        (_, true, _) => Decision::Revoke,
        (_, _, Some(to)) => Decision::Reassign(to.clone()),
        _ => bail!("say --approve, --revoke, --reassign REVIEWER or --approve-unchanged CAMPAIGN"),
    };
    if a.items.is_empty() {
        bail!("name the items to decide");
    }
    let mut failed = false;
    for id in &a.items {
        match decide::decide(&mut store, &key, *id, &actor, &d, a.reason.as_deref()) {
            Ok(i) => say!("item {}: {} (reviewer {})", i.id, i.status, i.reviewer),
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    Ok(if failed { exit::INPUT } else { exit::OK })
}

fn diff(which: &str, sa: &StoreArgs, format: Format) -> Result<u8> {
    let store = Store::open_existing(&sa.store)?;
    let c = campaign::get(&store, which)?;
    let d = campaign::diff(&store, &c)?;
    if format == Format::Json {
        print_json(&d)?;
        return Ok(exit::OK);
    }
    match &d.previous {
        Some(p) => say!("`{}` against `{p}`:", c.name),
        None => say!(
            "`{}` is the first completed-campaign baseline: every right is new to review",
            c.name
        ),
    }
    for (title, list) in [("new rights", &d.new), ("changed rights", &d.changed)] {
        say!("{title} ({}):", list.len());
        for i in list.iter() {
            let phi = if i.phi { " [PHI]" } else { "" };
            say!(
                "  #{:<6} {:<20} {:<13} {}{phi} [{}]",
                i.id,
                i.person,
                i.kind,
                i.right_name,
                i.principal
            );
        }
    }
    say!("rights gone since ({}):", d.removed.len());
    for k in &d.removed {
        say!("  {k}");
    }
    Ok(exit::OK)
}

/// The web app's store and key, for `serve`.
pub fn open_for_serve(store: &Path, key: Option<&Path>) -> Result<(Store, Key)> {
    let key = key
        .map(Path::to_path_buf)
        .unwrap_or_else(|| keys::default_path(store));
    let s = Store::open_existing(store)?;
    let k = Key::load(&key)?;
    check_key(&s, &k)?;
    Ok((s, k))
}

/// Reads a password from standard input (one line).
pub fn password_stdin() -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let p = s.lines().next().unwrap_or_default().to_string();
    if p.len() < 12 {
        bail!("the password must be at least 12 characters");
    }
    Ok(p)
}
