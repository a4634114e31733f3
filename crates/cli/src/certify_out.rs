//! `phiward certify plan`, `export` and `verify`, and the record `phiward audit` reads.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use phiward_access::people::{self, PeopleOptions};
use phiward_certify::campaign;
use phiward_certify::export;
use phiward_certify::plan;

use std::path::Path;

use anyhow::bail;
use phiward_certify::keys::{self, Key};
use phiward_certify::store::Store;
use phiward_certify::verify::{self, Head};

use crate::certify_cmd::{print_json, say, session, Format};
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
    let formats: Vec<export::Format> = a
        .format
        .iter()
        .map(|f| match f {
            ExportFormat::Csv => export::Format::Csv,
            ExportFormat::Json => export::Format::Json,
            ExportFormat::Html => export::Format::Html,
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

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The campaign store.
    store: PathBuf,
    /// The head an export printed (`SEQ:HASH` or `HASH`): entries removed after it are found.
    #[arg(long, value_name = "HASH")]
    head: Option<String>,
    /// The signing key file (default: STORE.key); its public half verifies.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// The public key (hex), when the key file is not at hand.
    #[arg(long, value_name = "HEX")]
    public_key: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn verify_cmd(a: &VerifyArgs) -> Result<u8> {
    let store = Store::open_existing(&a.store)?;
    let mut notes = Vec::new();
    let public = if let Some(hexed) = &a.public_key {
        keys::public_from_hex(hexed).context("--public-key: not an Ed25519 public key in hex")?
    } else {
        let path = a
            .key
            .clone()
            .unwrap_or_else(|| keys::default_path(&a.store));
        if path.exists() {
            Key::load(&path)?.public()
        } else {
            notes.push(format!(
                "no key file `{}` or --public-key: trusting the public key recorded in the store itself",
                path.display()
            ));
            let hexed = store
                .meta("public_key")?
                .context("the store records no public key")?;
            keys::public_from_hex(&hexed).context("the store's public key is malformed")?
        }
    };
    let head =
        match &a.head {
            Some(h) => Some(Head::parse(h).with_context(|| {
                format!("--head `{h}`: expected HASH or SEQ:HASH (64 hex digits)")
            })?),
            None => None,
        };
    let mut v = verify::verify(&store, &public, head.as_ref())?;
    v.notes.extend(notes);
    if a.format == Format::Json {
        print_json(&v)?;
    } else {
        for p in &v.problems {
            say!("TAMPERED: {p}");
        }
        for n in &v.notes {
            say!("note: {n}");
        }
        let head = v
            .head
            .as_ref()
            .map(|(s, h)| format!("{s}:{h}"))
            .unwrap_or_else(|| "(empty)".into());
        if v.ok() {
            say!("ledger intact: {} entries, head {head}", v.entries);
        } else {
            say!(
                "ledger NOT intact: {} problems in {} entries",
                v.problems.len(),
                v.entries
            );
        }
    }
    Ok(if v.ok() { exit::OK } else { exit::FAILED })
}

/// The recertification record for `phiward audit` (CERT-002): `--certify-store`, else
/// `[recertification] store` relative to the configuration file; verified first.
pub fn recertified(
    explicit: &Option<PathBuf>,
    config_file: &Option<PathBuf>,
    snapshot: &Path,
    config: &phiward_checks::Config,
) -> Result<Option<Vec<phiward_checks::Recertified>>> {
    let path = match (explicit, &config.recertification.store) {
        (Some(p), _) => p.clone(),
        (None, Some(rel)) => {
            let base = match config_file {
                Some(c) => c.parent().map(Path::to_path_buf).unwrap_or_default(),
                None if snapshot.join("phiward.toml").is_file() => snapshot.to_path_buf(),
                None => PathBuf::from("."),
            };
            base.join(rel)
        }
        (None, None) => return Ok(None),
    };
    let store = Store::open_existing(&path)?;
    let public = match Key::load(&keys::default_path(&path)) {
        Ok(k) => k.public(),
        Err(_) => {
            let hexed = store
                .meta("public_key")?
                .context("the campaign store records no public key")?;
            keys::public_from_hex(&hexed).context("the campaign store's public key is malformed")?
        }
    };
    let v = verify::verify(&store, &public, None)?;
    if !v.ok() {
        bail!(
            "the campaign store `{}` does not verify ({}); run `phiward certify verify`",
            path.display(),
            v.problems.first().cloned().unwrap_or_default()
        );
    }
    Ok(Some(phiward_certify::certs::recertified(&store)?))
}
