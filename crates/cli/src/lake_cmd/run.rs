//! The lake commands, with DataFusion and Ballista (the `lake` feature).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use phiward_catalog::Catalog;
use phiward_lake::{compact as run_compact, CompactOptions, Filter, Lake, Source, WriteOptions};
use phiward_trail::digest::PublicKeys;

use crate::bar::Bar;
use crate::exit;
use crate::trail_cmd::{Format, Window};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward trail compact logs/ --out lake/\n  \
phiward trail compact s3://my-trail-bucket/prefix --out lake/ --public-keys keys.json --verified-only\n\n\
SOURCE is a folder in CloudTrail's layout (or one file), or s3://BUCKET/PREFIX. Each run \
adds only the files the lake's manifest does not list yet: run it again each day. \
Exit status: 2 if the source, or a file or record in it, could not be read (named on \
standard error), else 1 if a new file failed verification, else 0.")]
pub(crate) struct CompactArgs {
    /// Log folder, file, or `s3://BUCKET/PREFIX`.
    source: PathBuf,
    /// The lake's folder (created if missing).
    #[arg(long, value_name = "LAKE")]
    out: PathBuf,
    /// Verify the digest chain first (`trail verify`) with these keys (the output of
    /// `aws cloudtrail list-public-keys`); files that fail are reported.
    #[arg(long, value_name = "FILE")]
    public_keys: Option<PathBuf>,
    /// Digest signatures of a local copy (see `trail verify`).
    #[arg(long, value_name = "FILE")]
    signatures: Option<PathBuf>,
    /// Leave out files that did not verify, and those not digested yet (a later run adds
    /// them once they are). Needs `--public-keys`.
    #[arg(long)]
    verified_only: bool,
    /// Source bytes (as stored) read per batch, in MiB.
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    batch_mb: u64,
    /// Row groups are cut past this many MiB (encoded).
    #[arg(long, default_value_t = 256, value_name = "MIB")]
    row_group_mb: usize,
    /// zstd level of the Parquet files.
    #[arg(long, default_value_t = 3, value_name = "N")]
    zstd_level: i32,
    /// Text, or one JSON document.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Worker threads (default: one per core; for S3, 16).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// S3: the named profile; without it, the default credential chain.
    #[arg(long, value_name = "P")]
    profile: Option<String>,
    /// S3: the region to start from.
    #[arg(long, value_name = "R")]
    region: Option<String>,
    /// S3: send every call to this endpoint instead of AWS (an emulator such as moto).
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward trail query lake/ \"SELECT principal, count(*) FROM events WHERE day >= '2024-05-01' GROUP BY 1 ORDER BY 2 DESC LIMIT 10\"\n  \
phiward trail query lake/ \"SELECT * FROM usage WHERE principal LIKE '%:role/etl'\" --format csv\n\n\
Tables: events (one row per record; partitions account, region, day), usage (per account, \
principal and action), access_to_resource (one row per event and resource). Columns: \
docs/trail-lake.md. Filters on day and account skip whole partitions.")]
pub(crate) struct QueryArgs {
    /// The lake's folder.
    lake: PathBuf,
    /// One SQL statement (DataFusion's dialect).
    sql: String,
    /// Text table, JSON lines, or CSV.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Run on this Ballista scheduler (`df://HOST:PORT`) instead of in this process.
    #[arg(long, value_name = "URL")]
    cluster: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
phiward trail who-accessed arn:aws:s3:::phi-records lake/ --since 6y\n  \
PHIWARD_LAKE=lake/ phiward trail who-accessed 'arn:aws:s3:::phi-records/patients/*' --format json\n\n\
A bucket (or any ARN) matches itself and everything below it (ARN/...); a trailing * \
matches a prefix. Every principal that touched it: calls, denied and failed calls, first \
and last time, events, source addresses and accounts.")]
pub(crate) struct WhoArgs {
    /// The resource's ARN (a bucket covers its objects), or a prefix ending in `*`.
    arn: String,
    /// The lake's folder.
    #[arg(env = "PHIWARD_LAKE")]
    lake: PathBuf,
    /// How far back from `--now`: `6y`, `90d`, an absolute time, or `all`.
    #[arg(long, default_value = "6y", value_name = "WINDOW")]
    since: String,
    /// The end of the window; default the current time.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// Only these accounts (repeatable).
    #[arg(long, value_name = "ID")]
    account: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Run on this Ballista scheduler (`df://HOST:PORT`) instead of in this process.
    #[arg(long, value_name = "URL")]
    cluster: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// With `PHIWARD_LAKE_STATS` set, the bytes the queries read, then the time opening the
/// lake and each query took, on standard error (for `bench/lake-bench.sh`).
fn stats(lake: &Lake) {
    if std::env::var_os("PHIWARD_LAKE_STATS").is_some() {
        eprintln!("lake: {} bytes scanned", lake.bytes_scanned());
        let (opened, queries) = lake.timings();
        eprintln!("lake: opened in {:.1} ms", opened.as_secs_f64() * 1e3);
        for (q, t) in queries {
            eprintln!("lake: {:8.1} ms  {q}", t.as_secs_f64() * 1e3);
        }
    }
}

fn threads(n: Option<usize>) -> usize {
    n.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
}

fn open(lake: &Path, cluster: Option<&str>, n: Option<usize>) -> Result<Lake> {
    Lake::open(lake, cluster, threads(n))
        .with_context(|| format!("cannot open the lake `{}`", lake.display()))
}

pub(crate) fn compact(args: &CompactArgs) -> Result<u8> {
    if args.verified_only && args.public_keys.is_none() {
        bail!("`--verified-only` needs `--public-keys`");
    }
    let keys = match &args.public_keys {
        Some(p) => Some(PublicKeys::parse(
            &std::fs::read(p).with_context(|| format!("cannot read `{}`", p.display()))?,
        )?),
        None => None,
    };
    let opts = CompactOptions {
        keys,
        signatures: args.signatures.clone(),
        verified_only: args.verified_only,
        batch_bytes: args.batch_mb.max(1) << 20,
        write: WriteOptions {
            row_group_bytes: args.row_group_mb.max(1) << 20,
            zstd_level: args.zstd_level,
        },
        merge_below: 0,
    };
    let catalog = Catalog::get().context("the embedded catalog does not load")?;
    let url = args.source.to_string_lossy().to_string();
    let s3 = if url.starts_with("s3://") {
        let options = phiward_collect::Options {
            profile: args.profile.clone(),
            regions: args.region.iter().cloned().collect(),
            endpoint_url: args.endpoint_url.clone(),
            ..phiward_collect::Options::default()
        };
        Some(
            phiward_collect::s3source::S3Location::parse(&url)
                .and_then(|l| phiward_collect::s3source::S3Source::open(l, &options))?,
        )
    } else {
        if args.profile.is_some() || args.region.is_some() || args.endpoint_url.is_some() {
            bail!("`--profile`, `--region` and `--endpoint-url` apply to an s3:// source only");
        }
        None
    };
    let (source, n) = match &s3 {
        Some(s) => (
            Source::Objects {
                label: s.location().to_string(),
                store: s,
            },
            Some(args.threads.unwrap_or(16)),
        ),
        None => (Source::Local(args.source.clone()), args.threads),
    };
    let bar = Bar::new(None, "{spinner} compacting: {msg}");
    let progress = |done: u64, total: u64| {
        bar.say(format!("{} / {} MiB", done >> 20, total >> 20));
    };
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = n {
        pool = pool.num_threads(n.max(1));
    }
    let done = pool
        .build()
        .context("cannot start worker threads")?
        .install(|| run_compact(&source, &args.out, &opts, catalog, &progress))?;
    bar.finish();
    let complete = warn_problems(&done.problems, 0);
    for (k, why) in &done.unverified {
        eprintln!("warning: `{k}` did not verify: {why}");
    }
    for k in &done.changed {
        eprintln!("warning: `{k}` changed since it was compacted (kept as compacted)");
    }
    let mut o = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut o, &done)?;
            writeln!(o)?;
        }
        _ => {
            writeln!(
                o,
                "{} log files in the source, {} already in the lake, {} added ({} MiB, {} records, {} rows), {} Parquet files written, {} partitions merged",
                done.listed, done.already, done.added, done.bytes_in >> 20, done.records, done.rows,
                done.parquet_written, done.merged
            )?;
            if done.left_out > 0 {
                writeln!(o, "{} files left out (not verified)", done.left_out)?;
            }
        }
    }
    let failed_reads = s3.as_ref().map_or(0, |s| {
        let (n, kept) = s.failed_reads();
        for k in &kept {
            eprintln!("warning: {k}");
        }
        n
    });
    Ok(if !complete || failed_reads > 0 {
        exit::INPUT
    } else if !done.unverified.is_empty() {
        exit::FAILED
    } else {
        exit::OK
    })
}

pub(crate) fn query(args: &QueryArgs) -> Result<u8> {
    let lake = open(&args.lake, args.cluster.as_deref(), args.threads)?;
    let t = lake.sql(&args.sql)?;
    stats(&lake);
    let mut o = std::io::stdout().lock();
    match args.format {
        Format::Text => t.write_text(&mut o)?,
        Format::Json => t.write_json_lines(&mut o)?,
        Format::Csv => t.write_csv(&mut o)?,
    }
    Ok(exit::OK)
}

/// `6y` (years of 365.25 days, rounded up), else what `trail usage` takes.
fn since_years(since: &str) -> String {
    match since.strip_suffix('y').and_then(|n| n.parse::<u64>().ok()) {
        Some(y) => format!("{}d", (y * 36525).div_ceil(100)),
        None => since.to_string(),
    }
}

pub(crate) fn who_accessed(args: &WhoArgs) -> Result<u8> {
    let window = Window::new(since_years(&args.since), args.now.clone());
    let w = window.options()?;
    let lake = open(&args.lake, args.cluster.as_deref(), args.threads)?;
    let filter = Filter {
        since: w.since,
        until: Some(w.until),
        accounts: args.account.clone(),
        principals: Vec::new(),
    };
    let answer = lake.who_accessed(&args.arn, &filter)?;
    stats(&lake);
    let mut o = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut o, &answer)?;
            writeln!(o)?;
        }
        Format::Csv => {
            phiward_report::trail::csv::row(
                &mut o,
                &[
                    "principal",
                    "kind",
                    "calls",
                    "denied",
                    "errors",
                    "first_seen",
                    "last_seen",
                    "resources",
                    "events",
                    "source_ips",
                    "accounts",
                ],
            )?;
            for a in &answer.principals {
                phiward_report::trail::csv::row(
                    &mut o,
                    &[
                        &a.principal,
                        &a.kind,
                        &a.calls.to_string(),
                        &a.denied.to_string(),
                        &a.errors.to_string(),
                        &a.first_seen,
                        &a.last_seen,
                        &a.resources.to_string(),
                        &a.events.join(" "),
                        &a.source_ips.join(" "),
                        &a.accounts.join(" "),
                    ],
                )?;
            }
        }
        Format::Text => {
            writeln!(
                o,
                "{}: {} principals{}",
                answer.resource,
                answer.principals.len(),
                answer
                    .since
                    .as_ref()
                    .map(|s| format!(" since {s}"))
                    .unwrap_or_default()
            )?;
            for a in &answer.principals {
                writeln!(
                    o,
                    "{} ({}): {} calls, {} denied, {} failed, {} .. {}, {} resources\n  events: {}\n  from: {}",
                    a.principal, a.kind, a.calls, a.denied, a.errors, a.first_seen, a.last_seen,
                    a.resources, a.events.join(", "), a.source_ips.join(", ")
                )?;
            }
        }
    }
    Ok(exit::OK)
}

fn filter(window: &Window, opts: &phiward_trail::usage::Options) -> Filter {
    Filter {
        since: opts.since,
        until: Some(opts.until),
        accounts: window.accounts.clone(),
        principals: window.principals.clone(),
    }
}

/// Usage from a lake, as `trail_cmd::mine` answers it from logs.
pub(crate) fn mine(path: &Path, window: &Window) -> Result<(phiward_trail::usage::Usage, bool)> {
    let opts = window.options()?;
    let catalog = Catalog::get().context("the embedded catalog does not load")?;
    let lake = open(path, window.cluster.as_deref(), window.threads)?;
    let usage = lake.usage(opts, &filter(window, &opts), catalog)?;
    stats(&lake);
    let complete = warn_problems(&usage.problems, usage.more_problems);
    Ok((usage, complete))
}

/// The audit's review from a lake (the only log input, then).
pub(crate) fn review(
    roots: &[PathBuf],
    automation: Vec<String>,
    until: i64,
) -> Result<phiward_trail::review::Review> {
    let [root] = roots else {
        bail!("a lake must be the only `--logs` input");
    };
    let catalog = Catalog::get().context("the embedded action catalog does not load")?;
    let opts = phiward_trail::detect::Options {
        automation,
        ..Default::default()
    };
    let window = phiward_trail::usage::Options::window(until, None);
    let lake = open(root, None, None)?;
    Ok(lake.review(&opts, window, &Filter::default(), catalog)?)
}

/// Reports the lake's problems as `trail_cmd::mine` reports the logs' ones.
fn warn_problems(problems: &[phiward_trail::read::Problem], more: u64) -> bool {
    for p in problems {
        eprintln!("warning: skipped {p}");
    }
    if more > 0 {
        eprintln!("warning: {more} more problems not shown");
    }
    problems.is_empty() && more == 0
}
