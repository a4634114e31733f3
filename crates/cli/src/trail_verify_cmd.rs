//! `phiward trail verify`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use phiward_collect::s3source::{S3Location, S3Source};
use phiward_trail::digest::PublicKeys;
use phiward_trail::verify::{verify as run_verify, DirSource, Finding, ObjectSource, Report};

use crate::exit;
use crate::trail_cmd::Format;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
aws cloudtrail list-public-keys --start-time 2024-01-01T00:00:00Z > keys.json\n  \
phiward trail verify logs/ --public-keys keys.json --signatures signatures.tsv\n  \
phiward trail verify s3://my-trail-bucket/optional/prefix --public-keys keys.json\n\n\
LOGS is a local copy of the trail's bucket (the folder holding AWSLogs/) or the bucket \
itself, s3://BUCKET/PREFIX, read with the AWS SDK (digest signatures included). `aws s3 \
sync` drops the digests' x-amz-meta-signature: docs/trail.md gives the loop that writes \
the signatures file, and the IAM policy reading the bucket needs. Exit status: 2 if the \
keys, signatures, bucket or some object could not be read, else 1 if any integrity \
problem was found, else 0.")]
pub(crate) struct VerifyArgs {
    /// The folder holding `AWSLogs/` (digests and log files), or `s3://BUCKET/PREFIX`.
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
    /// Worker threads (default: one per core; for S3, 16, each waiting on one request).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// S3: the named profile; without it, the default credential chain.
    #[arg(long, value_name = "P")]
    profile: Option<String>,
    /// S3: the region to start from (a bucket elsewhere is followed to its region).
    #[arg(long, value_name = "R")]
    region: Option<String>,
    /// S3: send every call to this endpoint instead of AWS (an emulator such as moto).
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,
}

/// Requests in flight when reading S3: one per worker thread, so more workers than cores
/// (they mostly wait on the network).
const S3_THREADS: usize = 16;

pub(crate) fn verify(args: &VerifyArgs) -> Result<u8> {
    let keys_text = std::fs::read(&args.public_keys)
        .with_context(|| format!("cannot read `{}`", args.public_keys.display()))?;
    let keys = PublicKeys::parse(&keys_text)?;
    let logs = args.logs.to_string_lossy();
    if logs.starts_with("s3://") {
        return verify_s3(args, &logs, &keys);
    }
    if args.profile.is_some() || args.region.is_some() || args.endpoint_url.is_some() {
        bail!("`--profile`, `--region` and `--endpoint-url` apply to an s3:// location only");
    }
    if !args.logs.is_dir() {
        bail!("`{}` is not a folder", args.logs.display());
    }
    let mut source = DirSource::new(&args.logs);
    if let Some(s) = &args.signatures {
        source = source.with_signatures(s)?;
    }
    let report = run(args.threads, &source, &keys)?;
    print(args, &report, &logs, false)
}

fn verify_s3(args: &VerifyArgs, url: &str, keys: &PublicKeys) -> Result<u8> {
    if args.signatures.is_some() {
        bail!("`--signatures` applies to a local copy: S3 holds the signatures itself");
    }
    let options = phiward_collect::Options {
        profile: args.profile.clone(),
        regions: args.region.iter().cloned().collect(),
        endpoint_url: args.endpoint_url.clone(),
        ..phiward_collect::Options::default()
    };
    let source = match S3Location::parse(url).and_then(|l| S3Source::open(l, &options)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            if matches!(e, phiward_collect::CollectError::Credentials(_)) {
                eprintln!("hint: set AWS_PROFILE or pass --profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
            }
            return Ok(exit::INPUT);
        }
    };
    let report = run(Some(args.threads.unwrap_or(S3_THREADS)), &source, keys)?;
    let (failed, kept) = source.failed_reads();
    for f in &kept {
        eprintln!("warning: {f}");
    }
    if failed > kept.len() {
        eprintln!("warning: {} more reads failed", failed - kept.len());
    }
    print(args, &report, url, failed > 0)
}

fn run(threads: Option<usize>, source: &dyn ObjectSource, keys: &PublicKeys) -> Result<Report> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n.max(1));
    }
    Ok(pool
        .build()
        .context("cannot start worker threads")?
        .install(|| run_verify(source, keys))?)
}

/// Prints the report; the exit status. `unread`: some object could not be read.
fn print(args: &VerifyArgs, report: &Report, logs: &str, unread: bool) -> Result<u8> {
    let mut o = std::io::stdout().lock();
    match args.format {
        Format::Json => o.write_all(phiward_report::trail::json::verify(report)?.as_bytes())?,
        Format::Csv => phiward_report::trail::csv::verify(&mut o, report)?,
        Format::Text => phiward_report::trail::text::verify(&mut o, report)?,
    }
    if report.digests == 0 {
        eprintln!("warning: no digest files under `{logs}`");
        return Ok(exit::INPUT);
    }
    let unreadable = report
        .findings
        .iter()
        .any(|f| matches!(f, Finding::LogUnreadable { .. }));
    Ok(if unread || unreadable {
        exit::INPUT
    } else if report.findings.is_empty() {
        exit::OK
    } else {
        exit::FAILED
    })
}
