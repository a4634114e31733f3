//! `phiward certify plan` and `phiward certify export`.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use phiward_access::people::{self, PeopleOptions};
use phiward_certify::campaign;
use phiward_certify::export::{self, Format};
use phiward_certify::plan;

use crate::certify_cmd::{say, session};
use crate::exit;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 1 when a revoked right survives the plan (through another \
path, named), 2 when the snapshot could not be read, else 0."
)]
pub struct PlanArgs {
    /// The campaign (name or id).
    campaign: String,
    /// The snapshot to plan against (default: the one the campaign started from).
    #[arg(long, value_name = "DIR")]
    snapshot: Option<PathBuf>,
    /// The configuration (default: phiward.toml in the snapshot folder, else here).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Role-to-person assignments, as the campaign was started with.
    #[arg(long, value_name = "FILE")]
    people: Option<PathBuf>,
    /// Write the JSON plan (changes and proofs) to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    #[command(flatten)]
    store: crate::certify_cmd::StoreArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Json,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The campaign (name or id).
    campaign: String,
    /// Formats (repeatable).
    #[arg(long, value_enum, required = true)]
    format: Vec<ExportFormat>,
    /// The folder to write the pack to.
    #[arg(long, value_name = "DIR", default_value = ".")]
    out: PathBuf,
    /// Who exports (default: $USER).
    #[arg(long = "as", value_name = "NAME")]
    actor: Option<String>,
    #[command(flatten)]
    store: crate::certify_cmd::StoreArgs,
}

pub fn plan(a: &PlanArgs) -> Result<u8> {
    let store = phiward_certify::store::Store::open_existing(&a.store.store)?;
    let c = campaign::get(&store, &a.campaign)?;
    let snapshot = a
        .snapshot
        .clone()
        .unwrap_or_else(|| PathBuf::from(&c.snapshot));
    let (config, _) = phiward_certify::setup::config(a.config.as_deref(), &snapshot)?;
    let loaded = phiward_snapshot::load(&snapshot)
        .with_context(|| format!("cannot read the snapshot `{}`", snapshot.display()))?;
    let assignments = match &a.people {
        Some(p) => people::parse_assignments(
            &std::fs::read_to_string(p)
                .with_context(|| format!("cannot read `{}`", p.display()))?,
        )
        .with_context(|| format!("`{}`", p.display()))?,
        None => Vec::new(),
    };
    let opts = PeopleOptions {
        person_tags: vec!["person".into()],
        assignments,
    };
    let p = plan::plan(&store, &c, &loaded.snapshot, &config, &opts)?;
    if let Some(path) = &a.json {
        std::fs::write(path, serde_json::to_string_pretty(&p)? + "\n")
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    say!(
        "# revocation plan for `{}`: {} revoked rights",
        p.campaign,
        p.changes.len()
    );
    for ch in &p.changes {
        say!("# item {} ({}): {}", ch.item, ch.person, ch.right);
        say!("{}", ch.command);
    }
    let mut survived = false;
    say!("\n# proof: the plan applied to a copy of the snapshot, rights rebuilt and who-can asked again");
    for pr in &p.proofs {
        if pr.gone {
            say!("#   item {}: gone", pr.item);
        } else {
            survived = true;
            say!("#   item {}: SURVIVES", pr.item);
            for s in &pr.survives {
                say!("#     {s}");
            }
        }
    }
    for n in &p.notes {
        say!("# note: {n}");
    }
    Ok(if survived { exit::FAILED } else { exit::OK })
}

pub fn export(a: &ExportArgs) -> Result<u8> {
    let (mut store, key) = a.store.open()?;
    let c = campaign::get(&store, &a.campaign)?;
    let formats: Vec<Format> = a
        .format
        .iter()
        .map(|f| match f {
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Json => Format::Json,
            ExportFormat::Html => Format::Html,
        })
        .collect();
    let actor = a
        .actor
        .clone()
        .unwrap_or_else(|| std::env::var("USER").unwrap_or_else(|_| "officer".into()));
    let e = export::export(&mut store, &key, &c, &formats, &a.out, &actor, &session())?;
    for (p, h) in &e.files {
        say!("{h}  {}", p.display());
    }
    say!("manifest: {}", e.manifest.display());
    say!("ledger head: {}:{}", e.head_seq, e.head_hash);
    say!("signature: {}", e.head_signature);
    say!("public key: {}", e.public_key);
    say!(
        "keep the head elsewhere; later: phiward certify verify {} --head {}:{}",
        a.store.store.display(),
        e.head_seq,
        e.head_hash
    );
    Ok(exit::OK)
}
