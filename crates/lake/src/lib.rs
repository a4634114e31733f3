//! A compacted Parquet CloudTrail lake for phiward, queried by Apache DataFusion embedded
//! in the process or, with the same plans, by an Apache Ballista cluster.
//!
//! CloudTrail's thousands of small gzip files a day per account and region become Parquet
//! (zstd), partitioned by account, region and event day (`events/account=A/region=R/
//! day=YYYY-MM-DD/*.parquet`, Hive style, as Athena reads it), with typed columns for what
//! phiward reads and the raw record kept beside them. A manifest lists every source file
//! and which Parquet files hold it, so that compaction is incremental and idempotent.
//!
//! Events are read by `phiward_trail`'s reader and attributed by its code (principal,
//! denied, resources), so that `trail usage`, `unused`, `policy` and the audit's
//! detections answer from the lake exactly what they answer from the raw logs.
//!
//! The whole crate sits behind the `engine` feature: DataFusion, Arrow, Parquet and
//! Ballista take minutes to build, and `phiward` only builds them with its `lake` feature.
//! Without it the crate is empty, so `cargo build --workspace` does not pay for them.

#![cfg(feature = "engine")]

mod columns;
mod compact;
mod engine;
mod error;
mod manifest;
mod partition;
mod queries;
mod raw;
mod rows;
pub mod schema;
mod source;
mod who;
mod write;

#[cfg(feature = "local-cluster")]
pub mod cluster;

pub use compact::{compact, CompactOptions, Compacted};
pub use engine::{Lake, Table, TABLES};
pub use error::LakeError;
pub use manifest::{Manifest, SourceFile, StoredProblem, MANIFEST};
pub use queries::Filter;
pub use source::Source;
pub use who::{Access, WhoAccessed};
pub use write::WriteOptions;

/// Whether `path` is a lake: a folder (or `s3://` prefix is not supported yet) holding
/// the manifest.
pub fn is_lake(path: &std::path::Path) -> bool {
    path.join(MANIFEST).is_file()
}
