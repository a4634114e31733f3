//! A lake opened for queries: DataFusion embedded in the process, or the same plans sent
//! to a Ballista scheduler (`--cluster df://HOST:PORT`), whose executors read the lake's
//! files themselves (so they must see it at the same path, or in S3).
//!
//! The `events` table is a Hive-partitioned listing of the lake's Parquet files; the views
//! `usage` and `access_to_resource` are plain SQL over it (built-in functions only, so that
//! Ballista's stock executors run them).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::DataType;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::ListingOptions;
use datafusion::execution::SessionStateBuilder;
use datafusion::physical_plan::{collect, execute_stream_partitioned, ExecutionPlan};
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::error::LakeError;
use crate::manifest::Manifest;
use crate::schema::{file_schema, EVENTS, PARTITIONS};

/// Per principal and IAM action: calls, denied calls, first and last seen, per account.
const USAGE_VIEW: &str = "CREATE VIEW usage AS \
SELECT account, principal, principal_kind, action, count(*) AS calls, \
sum(CASE WHEN denied THEN 1 ELSE 0 END) AS denied, \
min(event_time) AS first_seen, max(event_time) AS last_seen \
FROM (SELECT account, principal, principal_kind, denied, event_time, unnest(actions) AS action FROM events) \
GROUP BY account, principal, principal_kind, action";

/// One row per event and resource it touched (`resource_arns`, unnested).
const ACCESS_VIEW: &str = "CREATE VIEW access_to_resource AS \
SELECT resource, event_time, principal, principal_kind, event_source, event_name, actions, \
source_ip, user_agent, error_code, denied, event_id, account, region, day, file, record \
FROM (SELECT unnest(resource_arns) AS resource, event_time, principal, principal_kind, \
event_source, event_name, actions, source_ip, user_agent, error_code, denied, event_id, \
account, region, day, file, record FROM events)";

/// The tables and views a query can name, with what they hold (for `--help` and docs).
pub const TABLES: [(&str, &str); 3] = [
    (
        "events",
        "one row per CloudTrail record (see docs/trail-lake.md for the columns)",
    ),
    (
        "usage",
        "per account, principal and IAM action: calls, denied, first_seen, last_seen",
    ),
    (
        "access_to_resource",
        "one row per event and resource ARN it touched",
    ),
];

/// A query's answer.
#[derive(Debug, Clone)]
pub struct Table {
    /// The batches, in order.
    pub batches: Vec<RecordBatch>,
    /// Bytes the Parquet scans read (embedded DataFusion only; `None` on a cluster).
    pub bytes_scanned: Option<u64>,
}

impl Table {
    /// The rows as a text table.
    pub fn write_text(&self, w: &mut dyn std::io::Write) -> Result<(), LakeError> {
        let t = datafusion::arrow::util::pretty::pretty_format_batches(&self.batches)
            .map_err(|e| LakeError::Query(e.to_string()))?;
        writeln!(w, "{t}").map_err(LakeError::io("standard output"))
    }

    /// The rows as JSON lines, one object per row.
    pub fn write_json_lines(&self, w: &mut dyn std::io::Write) -> Result<(), LakeError> {
        let mut j = datafusion::arrow::json::LineDelimitedWriter::new(w);
        for b in &self.batches {
            j.write(b).map_err(|e| LakeError::Query(e.to_string()))?;
        }
        j.finish().map_err(|e| LakeError::Query(e.to_string()))
    }

    /// The rows as CSV with a header.
    pub fn write_csv(&self, w: &mut dyn std::io::Write) -> Result<(), LakeError> {
        let mut c = datafusion::arrow::csv::Writer::new(w);
        for b in &self.batches {
            c.write(b).map_err(|e| LakeError::Query(e.to_string()))?;
        }
        Ok(())
    }
}

/// A lake opened for queries.
pub struct Lake {
    dir: PathBuf,
    manifest: Manifest,
    runtime: tokio::runtime::Runtime,
    ctx: SessionContext,
    cluster: Option<String>,
    scanned: std::sync::atomic::AtomicU64,
    /// Each query's start and time taken, for `PHIWARD_LAKE_STATS`.
    timings: std::sync::Mutex<Vec<(String, std::time::Duration)>>,
    opened: std::time::Duration,
}

impl std::fmt::Debug for Lake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lake")
            .field("dir", &self.dir)
            .field("files", &self.manifest.files.len())
            .field("cluster", &self.cluster)
            .finish_non_exhaustive()
    }
}

/// Bytes read from a file's end to find its footer and page index in one read.
const METADATA_HINT: usize = 64 << 10;

/// Stack of the query threads.
pub(crate) const STACK: usize = 32 << 20;

fn config(threads: usize) -> SessionConfig {
    let mut c = SessionConfig::new().with_target_partitions(threads.max(1));
    // Statistics are read from each file's footer at scan time, to skip row groups;
    // gathering them for every file while planning only doubled the footer reads of a
    // process's first query (hundreds of files for a 90-day window).
    c.options_mut().execution.collect_statistics = false;
    let p = &mut c.options_mut().execution.parquet;
    // Filters evaluated while decoding: the raw record and other wide columns are decoded
    // only for rows that pass (who-accessed, a principal's policy).
    p.pushdown_filters = true;
    p.reorder_filters = true;
    // A day's partition holds files of a few hundred KB whose footer is about 8 KB: the
    // default 512 KiB hint read (and allocated) whole files just to plan their scans, which
    // was half of a 90-day `trail usage` over two years of logs.
    p.metadata_size_hint = Some(METADATA_HINT);
    c
}

impl Lake {
    /// Opens the lake at `dir`: embedded DataFusion on `threads` partitions, or the Ballista
    /// scheduler at `cluster` (`df://HOST:PORT`).
    pub fn open(dir: &Path, cluster: Option<&str>, threads: usize) -> Result<Lake, LakeError> {
        if !crate::is_lake(dir) {
            return Err(LakeError::Manifest {
                path: dir.join(crate::MANIFEST),
                detail: "no manifest: not a lake (`phiward trail compact` makes one)".into(),
            });
        }
        let manifest = Manifest::load(dir)?;
        let dir = std::path::absolute(dir).map_err(LakeError::io(dir))?;
        let events = dir.join("events");
        std::fs::create_dir_all(&events).map_err(LakeError::io(&events))?;
        let started = std::time::Instant::now();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_stack_size(STACK)
            .enable_all()
            .build()
            .map_err(LakeError::Runtime)?;
        let remote = cluster.map(str::to_string);
        let task = runtime.spawn(async move {
            let ctx = match remote.as_deref() {
                None => SessionContext::new_with_config(config(threads)),
                Some(url) => {
                    use ballista::prelude::{SessionConfigExt as _, SessionContextExt as _};
                    let mut c = SessionConfig::new_with_ballista();
                    c.options_mut().execution.parquet.pushdown_filters = true;
                    let state = SessionStateBuilder::new()
                        .with_config(c)
                        .with_default_features()
                        .build();
                    SessionContext::remote_with_state(url, state).await?
                }
            };
            let options = ListingOptions::new(Arc::new(ParquetFormat::default()))
                .with_file_extension(".parquet")
                .with_collect_stat(false)
                .with_table_partition_cols(
                    PARTITIONS
                        .iter()
                        .map(|p| ((*p).to_string(), DataType::Utf8))
                        .collect(),
                );
            let url = format!("file://{}/", events.display());
            ctx.register_listing_table(EVENTS, url, options, Some(file_schema()), None)
                .await?;
            ctx.sql(USAGE_VIEW).await?;
            ctx.sql(ACCESS_VIEW).await?;
            Ok::<_, datafusion::error::DataFusionError>(ctx)
        });
        let ctx = runtime
            .block_on(task)
            .map_err(|e| LakeError::Query(format!("the query stopped: {e}")))??;
        Ok(Lake {
            dir,
            manifest,
            runtime,
            ctx,
            cluster: cluster.map(str::to_string),
            scanned: std::sync::atomic::AtomicU64::new(0),
            timings: std::sync::Mutex::new(Vec::new()),
            opened: started.elapsed(),
        })
    }

    /// Whether queries run on a Ballista cluster.
    pub(crate) fn remote(&self) -> bool {
        self.cluster.is_some()
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The lake's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Runs one SQL statement.
    pub fn sql(&self, sql: &str) -> Result<Table, LakeError> {
        let started = std::time::Instant::now();
        let label: String = sql.chars().take(60).collect();
        let (ctx, sql, remote) = (self.ctx.clone(), sql.to_string(), self.cluster.is_some());
        // On a runtime thread (deep stacks), not the caller's: planning and serializing
        // plans for Ballista recurse deeply in debug builds.
        let task = self.runtime.spawn(async move {
            let df = ctx.sql(&sql).await?;
            if remote {
                let batches = df.collect().await?;
                return Ok(Table {
                    batches,
                    bytes_scanned: None,
                });
            }
            let plan = df.create_physical_plan().await?;
            let batches = collect(plan.clone(), ctx.task_ctx()).await?;
            Ok::<_, datafusion::error::DataFusionError>(Table {
                batches,
                bytes_scanned: Some(bytes_scanned(plan.as_ref())),
            })
        });
        let t = match self.runtime.block_on(task) {
            Ok(r) => r?,
            Err(e) => return Err(LakeError::Query(format!("the query stopped: {e}"))),
        };
        self.note(label, started, t.bytes_scanned.unwrap_or(0));
        Ok(t)
    }

    /// A query's figures, for [`Lake::bytes_scanned`] and [`Lake::timings`].
    fn note(&self, label: String, started: std::time::Instant, scanned: u64) {
        self.scanned
            .fetch_add(scanned, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut v) = self.timings.lock() {
            v.push((label, started.elapsed()));
        }
    }

    /// Runs one SQL statement in this process and folds its rows as they are decoded: each
    /// of the plan's partitions into its own accumulator (`init`, then `step` per batch),
    /// on the query's threads. The answer is never held whole, so a window of years costs
    /// the memory of a few batches, and decoding and folding overlap.
    pub(crate) fn fold<T, I, F>(&self, sql: &str, init: I, step: F) -> Result<Vec<T>, LakeError>
    where
        T: Send + 'static,
        I: Fn() -> T + Send + Sync + 'static,
        F: Fn(&mut T, &RecordBatch) -> Result<(), LakeError> + Send + Sync + 'static,
    {
        use futures::StreamExt as _;
        let started = std::time::Instant::now();
        let label: String = sql.chars().take(60).collect();
        let (ctx, sql) = (self.ctx.clone(), sql.to_string());
        let (init, step) = (Arc::new(init), Arc::new(step));
        let task = self.runtime.spawn(async move {
            let plan = ctx.sql(&sql).await?.create_physical_plan().await?;
            let streams = execute_stream_partitioned(plan.clone(), ctx.task_ctx())?;
            let parts: Vec<_> = streams
                .into_iter()
                .map(|mut stream| {
                    let (init, step) = (Arc::clone(&init), Arc::clone(&step));
                    tokio::spawn(async move {
                        let mut acc = init();
                        while let Some(b) = stream.next().await {
                            step(&mut acc, &b?)?;
                        }
                        Ok::<T, LakeError>(acc)
                    })
                })
                .collect();
            let mut out = Vec::with_capacity(parts.len());
            for p in parts {
                out.push(
                    p.await
                        .map_err(|e| LakeError::Query(format!("the query stopped: {e}")))??,
                );
            }
            Ok::<_, LakeError>((out, bytes_scanned(plan.as_ref())))
        });
        let (out, scanned) = self
            .runtime
            .block_on(task)
            .map_err(|e| LakeError::Query(format!("the query stopped: {e}")))??;
        self.note(label, started, scanned);
        Ok(out)
    }

    /// How long opening the lake took, and each query so far (its first characters).
    pub fn timings(&self) -> (std::time::Duration, Vec<(String, std::time::Duration)>) {
        let queries = self.timings.lock().map(|v| v.clone()).unwrap_or_default();
        (self.opened, queries)
    }

    /// Bytes the Parquet scans of this lake's queries have read so far (embedded only).
    pub fn bytes_scanned(&self) -> u64 {
        self.scanned.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The `bytes_scanned` metric of every Parquet scan of an executed plan.
fn bytes_scanned(plan: &dyn ExecutionPlan) -> u64 {
    let own: u64 = plan
        .metrics()
        .map(|m| {
            m.iter()
                .filter(|x| x.value().name() == "bytes_scanned")
                .map(|x| x.value().as_usize() as u64)
                .sum()
        })
        .unwrap_or(0);
    own + plan
        .children()
        .iter()
        .map(|c| bytes_scanned(c.as_ref()))
        .sum::<u64>()
}
