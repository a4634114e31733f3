//! `phiward trail verify`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use phiward_trail::digest::PublicKeys;
use phiward_trail::verify::{verify as run_verify, DirSource, Finding};

use crate::exit;
use crate::trail_cmd::Format;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
aws cloudtrail list-public-keys --start-time 2024-01-01T00:00:00Z > keys.json\n  \
phiward trail verify logs/ --public-keys keys.json --signatures signatures.tsv\n\n\
LOGS is a local copy of the trail's bucket (the folder holding AWSLogs/). `aws s3 sync` \
drops the digests' x-amz-meta-signature: docs/trail.md gives the loop that writes the \
signatures file. Exit status: 2 if the keys or signatures could not be read, else 1 if \
any integrity problem was found, else 0.")]
pub(crate) struct VerifyArgs {
    /// The folder holding `AWSLogs/` (digests and log files).
    logs: PathBuf,
    /// The output of `aws cloudtrail list-public-keys` (JSON).
    #[arg(long, value_name = "FILE")]
    public_keys: PathBuf,
    /// Digest signatures: `KEY<TAB>SIGNATURE` lines (see docs/trail.md). Without it,
    /// `DIGEST.json.gz.sig` files beside the digests are read.
    #[arg(long, value_name = "FILE")]
    signatures: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

fn describe(f: &Finding) -> (&'static str, String) {
    match f {
        Finding::DigestUnreadable { digest, reason } => {
            ("digest_unreadable", format!("{digest}: {reason}"))
        }
        Finding::DigestMoved { digest, names } => {
            ("digest_moved", format!("{digest} names itself {names}"))
        }
        Finding::SignatureMissing { digest } => {
            ("signature_missing", format!("{digest}: no signature known"))
        }
        Finding::UnknownKey {
            digest,
            fingerprint,
        } => (
            "unknown_key",
            format!("{digest}: signed with key {fingerprint}, not in the public keys"),
        ),
        Finding::KeyNotValid {
            digest,
            fingerprint,
        } => (
            "key_not_valid",
            format!("{digest}: key {fingerprint} was not in use at the digest's end time"),
        ),
        Finding::BadSignature { digest } => (
            "bad_signature",
            format!("{digest}: the signature does not verify (modified or forged)"),
        ),
        Finding::DigestMissing {
            digest,
            referenced_by,
        } => (
            "digest_missing",
            format!("{digest} (referenced by {referenced_by}) is missing"),
        ),
        Finding::DigestModified {
            digest,
            referenced_by,
        } => (
            "digest_modified",
            format!("{digest} differs from the hash {referenced_by} recorded"),
        ),
        Finding::ChainBroken { digest, previous } => (
            "chain_broken",
            format!("{digest} records another signature for {previous}"),
        ),
        Finding::Gap { chain, from, to } => {
            ("gap", format!("{chain}: no digest from {from} to {to}"))
        }
        Finding::LogMissing { log, digest } => (
            "log_missing",
            format!("{log} (listed by {digest}) is missing"),
        ),
        Finding::LogModified { log, digest } => (
            "log_modified",
            format!("{log} differs from the hash {digest} recorded"),
        ),
        Finding::LogExtra { log } => ("log_extra", format!("{log} is listed by no digest")),
    }
}

pub(crate) fn verify(args: &VerifyArgs) -> Result<u8> {
    let keys_text = std::fs::read(&args.public_keys)
        .with_context(|| format!("cannot read `{}`", args.public_keys.display()))?;
    let keys = PublicKeys::parse(&keys_text)?;
    if !args.logs.is_dir() {
        bail!("`{}` is not a folder", args.logs.display());
    }
    let mut source = DirSource::new(&args.logs);
    if let Some(s) = &args.signatures {
        source = source.with_signatures(s)?;
    }
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads {
        pool = pool.num_threads(n.max(1));
    }
    let report = pool
        .build()
        .context("cannot start worker threads")?
        .install(|| run_verify(&source, &keys))?;
    let mut o = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut o, &report)?;
            writeln!(o)?;
        }
        Format::Csv => {
            crate::trail_out::csv_row(&mut o, &["kind", "detail"])?;
            for f in &report.findings {
                let (k, d) = describe(f);
                crate::trail_out::csv_row(&mut o, &[k, &d])?;
            }
        }
        Format::Text => {
            let span = match (&report.from, &report.to) {
                (Some(a), Some(b)) => format!(", {a} .. {b}"),
                _ => String::new(),
            };
            writeln!(
                o,
                "{} digests ({} signatures valid), {} log files listed ({} intact), {} not yet digested{span}",
                report.digests, report.digests_valid, report.logs, report.logs_valid, report.logs_pending
            )?;
            for f in &report.findings {
                let (k, d) = describe(f);
                writeln!(o, "{k}: {d}")?;
            }
            if report.findings.is_empty() && report.digests > 0 {
                writeln!(o, "no integrity problem found")?;
            }
        }
    }
    if report.digests == 0 {
        eprintln!("warning: no digest files under `{}`", args.logs.display());
        return Ok(exit::INPUT);
    }
    Ok(if report.findings.is_empty() {
        exit::OK
    } else {
        exit::FAILED
    })
}
