//! `phiward trail compact`: new log files of a source into the lake.
//!
//! Files are read in batches (in parallel on the current rayon pool) by `phiward_trail`'s
//! reader; each batch writes one Parquet file per partition it touches, and the manifest
//! is saved after each batch, so an interrupted run loses at most one batch, which the
//! next run redoes. At the end, the partitions this run touched are merged into one file
//! each while they stay small, so that incremental runs do not bring the small-files
//! problem back.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use phiward_catalog::Catalog;
use phiward_trail::digest::{sha256_hex, PublicKeys};
use phiward_trail::read::{FileOutcome, Problem};
use phiward_trail::verify::{logical_key, DirSource, Finding, ObjectSource, Report};
use rayon::prelude::*;

use crate::error::LakeError;
use crate::manifest::{Manifest, SourceFile, StoredProblem};
use crate::partition::Partition;
use crate::rows::{to_batch, ActionCache, Row};
use crate::source::{Log, Source};
use crate::write::{read, write, WriteOptions};

/// Records without a valid time listed per file; the rest are counted.
const NO_TIME_KEPT: usize = 20;

/// How to compact.
#[derive(Debug, Default)]
pub struct CompactOptions {
    /// Verify the source's digest chain (`trail verify`) with these keys first.
    pub keys: Option<PublicKeys>,
    /// Signatures of a local copy's digests (`KEY<TAB>SIGNATURE`, see `trail verify`).
    pub signatures: Option<PathBuf>,
    /// Leave out files that did not verify (modified, not listed by a valid digest, or
    /// not digested yet: those are added by a later run).
    pub verified_only: bool,
    /// Bytes of source files (as stored) read per batch; 0 for the default (64 MiB).
    pub batch_bytes: u64,
    /// How Parquet is written.
    pub write: WriteOptions,
    /// A touched partition whose files add up to less than this is rewritten as one file;
    /// 0 for the default (256 MiB).
    pub merge_below: u64,
}

/// What a run did.
#[derive(Clone, Debug, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Compacted {
    /// Log files in the source.
    pub listed: usize,
    /// Of those, already in the lake.
    pub already: usize,
    /// Compacted by this run.
    pub added: usize,
    /// Bytes of those (as stored).
    pub bytes_in: u64,
    /// Records they held.
    pub records: u64,
    /// Rows written (records with a valid time).
    pub rows: u64,
    /// Files already in the lake whose size differs now (a log file never changes:
    /// they are reported and left as compacted).
    pub changed: Vec<String>,
    /// Files that failed verification, with why (their keys).
    pub unverified: Vec<(String, String)>,
    /// Of the files not yet in the lake, those left out by `--verified-only`.
    pub left_out: usize,
    /// The verification report, when keys were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<Report>,
    /// Parquet files written (batches and merges).
    pub parquet_written: usize,
    /// Partitions merged into one file.
    pub merged: usize,
    /// Unreadable files and records of the new files.
    pub problems: Vec<Problem>,
}

struct FileResult {
    entry: SourceFile,
    logical: String,
    rows: Vec<(Partition, Row)>,
    problems: Vec<Problem>,
}

fn now() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    phiward_trail::time::format(t)
}

/// A name for this run's files: time and process, so two runs never collide.
fn run_id() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "{}{:09}-{}",
        d.as_secs(),
        d.subsec_nanos(),
        std::process::id()
    )
}

/// Reads one log file into rows.
fn read_log(
    source: &Source<'_>,
    log: &Log,
    catalog: &Catalog,
    cache: &mut ActionCache,
) -> FileResult {
    let path = Path::new(&log.name);
    let file: Arc<str> = Arc::from(log.name.as_str());
    let mut entry = SourceFile {
        source: source.label(),
        key: log.key.clone(),
        name: log.name.clone(),
        size: 0,
        sha256: String::new(),
        compacted: now(),
        records: 0,
        rows: 0,
        parquet: Vec::new(),
        problems: Vec::new(),
        more_problems: 0,
        no_time: Vec::new(),
        no_time_count: 0,
    };
    let mut rows = Vec::new();
    let mut out = FileOutcome::default();
    let mut no_time = (Vec::new(), 0u64);
    match source.get(log) {
        Err(e) => out.problem(path, None, e),
        Ok(mut bytes) => {
            entry.size = bytes.len() as u64;
            entry.sha256 = sha256_hex(&bytes);
            let mut on_event = |i: usize, ev: &phiward_trail::event::Event<'_>| {
                let Some(t) = ev.event_time.get().and_then(phiward_trail::time::parse) else {
                    if no_time.0.len() < NO_TIME_KEPT {
                        no_time.0.push(i);
                    }
                    no_time.1 += 1;
                    return;
                };
                let row = Row::of(ev, t, catalog, cache, &file, i);
                rows.push((Partition::of(&row, &log.key), row));
            };
            let mut buf = Vec::new();
            match phiward_trail::read::inflate(&mut bytes, &mut buf) {
                Ok(true) => {
                    phiward_trail::read::read_bytes(path, &buf, &mut on_event, &mut out);
                    let raw = crate::raw::records(&buf);
                    for (_, r) in &mut rows {
                        r.raw = usize::try_from(r.record)
                            .ok()
                            .and_then(|i| raw.get(i).copied().flatten())
                            .map(str::to_string);
                    }
                }
                // Too large to hold: streamed, without the records' text.
                Ok(false) => {
                    let result = if bytes.starts_with(&[0x1f, 0x8b]) {
                        let gz = flate2::read::MultiGzDecoder::new(bytes.as_slice());
                        phiward_trail::read::stream(path, gz, 8 << 20, &mut on_event, &mut out)
                    } else {
                        phiward_trail::read::stream(
                            path,
                            bytes.as_slice(),
                            8 << 20,
                            &mut on_event,
                            &mut out,
                        )
                    };
                    if let Err(e) = result {
                        out.problem(path, None, e);
                    }
                }
                Err(e) => out.problem(path, None, e),
            }
        }
    }
    entry.records = out.events;
    entry.rows = rows.len() as u64;
    entry.problems = out
        .problems
        .iter()
        .map(|p| StoredProblem {
            record: p.record,
            message: p.message.clone(),
        })
        .collect();
    entry.more_problems = out.more_problems;
    (entry.no_time, entry.no_time_count) = no_time;
    FileResult {
        logical: logical_key(&log.key).to_string(),
        entry,
        rows,
        problems: out.problems,
    }
}

/// The logs that verified, and the failures to report (by logical key).
fn verified(report: &Report) -> (HashSet<String>, Vec<(String, String)>) {
    let mut bad_digests: HashSet<&str> = HashSet::new();
    let mut failed = Vec::new();
    for f in &report.findings {
        match f {
            Finding::SignatureMissing { digest }
            | Finding::UnknownKey { digest, .. }
            | Finding::KeyNotValid { digest, .. }
            | Finding::BadSignature { digest }
            | Finding::DigestMoved { digest, .. }
            | Finding::DigestModified { digest, .. } => {
                bad_digests.insert(logical_key(digest));
            }
            Finding::LogModified { log, .. } => {
                failed.push((log.clone(), "modified since its digest".into()))
            }
            Finding::LogUnreadable { log, reason, .. } => {
                failed.push((log.clone(), format!("unreadable: {reason}")))
            }
            Finding::LogExtra { log } => failed.push((log.clone(), "listed by no digest".into())),
            _ => {}
        }
    }
    let mut ok = HashSet::new();
    for (log, digest) in &report.valid_logs {
        if bad_digests.contains(logical_key(digest)) {
            failed.push((log.clone(), format!("its digest `{digest}` did not verify")));
        } else {
            ok.insert(logical_key(log).to_string());
        }
    }
    failed.sort();
    (ok, failed)
}

/// Deletes what an interrupted run left: temporary files, and Parquet files the manifest
/// does not name (written, but their sources were not recorded: the next run redoes them).
fn clean(lake: &Path, manifest: &Manifest) -> Result<(), LakeError> {
    let known = manifest.parquet_files();
    for f in list_files(&lake.join("events"))? {
        let rel = relative(lake, &f);
        let stray =
            rel.ends_with(".tmp") || (rel.ends_with(".parquet") && !known.contains(rel.as_str()));
        if stray {
            std::fs::remove_file(&f).map_err(LakeError::io(&f))?;
        }
    }
    Ok(())
}

fn list_files(dir: &Path) -> Result<Vec<PathBuf>, LakeError> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).map_err(LakeError::io(&d))? {
            let e = e.map_err(LakeError::io(&d))?;
            let p = e.path();
            if e.file_type().map_err(LakeError::io(&p))?.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn relative(lake: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(lake).unwrap_or(p);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Compacts the source's new log files into the lake at `lake` (created if missing).
/// `progress` is called with the bytes read so far and the total to read.
pub fn compact(
    source: &Source<'_>,
    lake: &Path,
    opts: &CompactOptions,
    catalog: &Catalog,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Compacted, LakeError> {
    std::fs::create_dir_all(lake).map_err(LakeError::io(lake))?;
    let mut manifest = Manifest::load(lake)?;
    clean(lake, &manifest)?;
    let mut done = Compacted::default();
    let logs = source.logs()?;
    done.listed = logs.len();
    let mut new: Vec<Log> = Vec::new();
    let mut sizes: HashMap<String, u64> = HashMap::new();
    let mut seen: HashSet<String> = HashSet::new();
    for log in logs {
        let lk = logical_key(&log.key).to_string();
        if let Some(old) = manifest.files.get(&lk) {
            done.already += 1;
            if let Source::Local(_) = source {
                let size = std::fs::metadata(&log.name).map(|m| m.len()).unwrap_or(0);
                if size != old.size && !old.sha256.is_empty() {
                    done.changed.push(log.key.clone());
                }
            }
            continue;
        }
        // Two keys of one source with the same logical key (a copy with and without the
        // bucket's prefix) are one file.
        if !seen.insert(lk) {
            done.already += 1;
            continue;
        }
        if let Source::Local(_) = source {
            sizes.insert(
                log.key.clone(),
                std::fs::metadata(&log.name).map(|m| m.len()).unwrap_or(0),
            );
        }
        new.push(log);
    }
    if let Some(keys) = &opts.keys {
        let report = match source {
            Source::Objects { store, .. } => phiward_trail::verify::verify(*store, keys),
            Source::Local(root) => {
                let mut dir = DirSource::new(root);
                if let Some(s) = &opts.signatures {
                    dir = dir.with_signatures(s).map_err(|e| LakeError::Source {
                        source_name: s.display().to_string(),
                        detail: e.to_string(),
                    })?;
                }
                let store: &dyn ObjectSource = &dir;
                phiward_trail::verify::verify(store, keys)
            }
        }
        .map_err(|e| LakeError::Source {
            source_name: source.label(),
            detail: e.to_string(),
        })?;
        let (ok, failed) = verified(&report);
        let new_keys: HashSet<&str> = new.iter().map(|l| logical_key(&l.key)).collect();
        done.unverified = failed
            .into_iter()
            .filter(|(k, _)| new_keys.contains(logical_key(k)))
            .collect();
        if opts.verified_only {
            let before = new.len();
            new.retain(|l| ok.contains(logical_key(&l.key)));
            done.left_out = before - new.len();
        }
        done.verify = Some(report);
    }
    let batch_bytes = if opts.batch_bytes == 0 {
        64 << 20
    } else {
        opts.batch_bytes
    };
    let size_of = |l: &Log| sizes.get(&l.key).copied().unwrap_or(1 << 20).max(1);
    let total: u64 = new.iter().map(size_of).sum();
    let run = run_id();
    let mut touched: BTreeSet<Partition> = BTreeSet::new();
    let mut read_so_far = 0u64;
    let mut seq = 0usize;
    let mut start = 0;
    while start < new.len() {
        let mut end = start;
        let mut bytes = 0;
        while end < new.len() && (end == start || bytes + size_of(&new[end]) <= batch_bytes) {
            bytes += size_of(&new[end]);
            end += 1;
        }
        let results: Vec<FileResult> = new[start..end]
            .par_iter()
            .map_init(ActionCache::default, |cache, log| {
                read_log(source, log, catalog, cache)
            })
            .collect();
        start = end;
        read_so_far += bytes;
        write_batch(
            lake,
            &run,
            &mut seq,
            results,
            &mut manifest,
            &mut done,
            &mut touched,
            opts.write,
        )?;
        manifest.save(lake)?;
        progress(read_so_far, total);
    }
    let merge_below = if opts.merge_below == 0 {
        256 << 20
    } else {
        opts.merge_below
    };
    for p in &touched {
        if merge(lake, &run, p, &mut manifest, merge_below, opts.write)? {
            done.merged += 1;
            done.parquet_written += 1;
        }
    }
    done.problems
        .sort_by(|a, b| (&a.path, a.record).cmp(&(&b.path, b.record)));
    Ok(done)
}

/// Writes one batch's rows, one file per partition, and records its files in the
/// manifest.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the state of one run"
)]
fn write_batch(
    lake: &Path,
    run: &str,
    seq: &mut usize,
    results: Vec<FileResult>,
    manifest: &mut Manifest,
    done: &mut Compacted,
    touched: &mut BTreeSet<Partition>,
    w: WriteOptions,
) -> Result<(), LakeError> {
    let mut parts: BTreeMap<Partition, Vec<Row>> = BTreeMap::new();
    let mut entries: HashMap<Arc<str>, (String, SourceFile)> = HashMap::new();
    for r in results {
        done.added += 1;
        done.bytes_in += r.entry.size;
        done.records += r.entry.records;
        done.rows += r.entry.rows;
        done.problems.extend(r.problems);
        let name: Arc<str> = Arc::from(r.entry.name.as_str());
        for (p, row) in r.rows {
            parts.entry(p).or_default().push(row);
        }
        entries.insert(name, (r.logical, r.entry));
    }
    let mut written = 0;
    for (p, mut rows) in parts {
        rows.sort_by(|a, b| {
            (&a.principal, a.time, &a.file, a.record).cmp(&(
                &b.principal,
                b.time,
                &b.file,
                b.record,
            ))
        });
        let batch = to_batch(&rows).map_err(|e| LakeError::Parquet {
            path: lake.join(p.dir()),
            detail: e.to_string(),
        })?;
        *seq += 1;
        let rel = format!("events/{}/part-{run}-{seq}.parquet", p.dir());
        write(&lake.join(&rel), &[batch], w)?;
        written += 1;
        let files: BTreeSet<&Arc<str>> = rows.iter().map(|r| &r.file).collect();
        for f in files {
            if let Some((_, e)) = entries.get_mut(f) {
                e.parquet.push(rel.clone());
            }
        }
        touched.insert(p);
    }
    done.parquet_written += written;
    for (_, (logical, e)) in entries {
        manifest.files.insert(logical, e);
    }
    Ok(())
}

/// Rewrites a partition's files as one when there are several and together they are
/// smaller than `below`. Whether it did.
fn merge(
    lake: &Path,
    run: &str,
    p: &Partition,
    manifest: &mut Manifest,
    below: u64,
    w: WriteOptions,
) -> Result<bool, LakeError> {
    let dir = lake.join("events").join(p.dir());
    let files: Vec<PathBuf> = list_files(&dir)?
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "parquet"))
        .collect();
    let size: u64 = files
        .iter()
        .map(|f| {
            std::fs::metadata(f)
                .map(|m| m.len())
                .unwrap_or(u64::MAX / 4)
        })
        .sum();
    if files.len() < 2 || size >= below {
        return Ok(false);
    }
    let mut batches = Vec::new();
    for f in &files {
        batches.extend(read(f)?);
    }
    let rel = format!("events/{}/part-{run}-merged.parquet", p.dir());
    write(&lake.join(&rel), &batches, w)?;
    let old: HashSet<String> = files.iter().map(|f| relative(lake, f)).collect();
    for e in manifest.files.values_mut() {
        if e.parquet.iter().any(|x| old.contains(x)) {
            e.parquet.retain(|x| !old.contains(x));
            e.parquet.push(rel.clone());
            e.parquet.sort();
            e.parquet.dedup();
        }
    }
    manifest.save(lake)?;
    for f in &files {
        std::fs::remove_file(f).map_err(LakeError::io(f))?;
    }
    Ok(true)
}
