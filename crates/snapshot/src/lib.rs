//! An AWS account at one moment: the snapshot model, its on-disk layout, and the import
//! of raw AWS CLI exports.
//!
//! Every command reads accounts through [`load`], which takes either a snapshot folder
//! (written by `phiward snapshot import` or `phiward collect`) or a folder of raw AWS CLI
//! exports, and tells which parts of the account are unknown: a part that is missing or
//! failed is [`Collected::Unknown`], never an empty list.
//!
//! ```no_run
//! let loaded = phiward_snapshot::load(std::path::Path::new("examples/demo-account"))?;
//! if let Some(iam) = loaded.snapshot.iam.get() {
//!     println!("{} users", iam.users.len());
//! }
//! for problem in &loaded.problems {
//!     eprintln!("{problem}");
//! }
//! # Ok::<(), phiward_snapshot::Error>(())
//! ```
//!
//! The crate does no printing and no network access.

pub mod calls;
pub mod collection;
pub mod credential_report;
pub mod dates;
mod error;
pub mod import;
pub mod io;
pub mod layout;
pub mod model;
pub mod org;
pub mod policies;
pub mod policy_text;

use std::path::Path;

pub use calls::Call;
pub use collection::{
    Collected, Collection, CollectionEntry, EntryStatus, Got, NotCollected, Reason,
};
pub use credential_report::{CredentialReport, CredentialReportRow, ReportValue};
pub use error::Error;
pub use import::{load_raw_exports, Loaded};
pub use layout::{read_snapshot, write_snapshot};
pub use model::{Account, Snapshot, Source, SourceKind, FORMAT_VERSION};
pub use policy_text::PolicyText;

/// Reads a snapshot folder, a snapshot's `snapshot.json`, or a folder of raw AWS CLI
/// exports, whichever `path` is.
///
/// Fails when nothing could be read; with raw exports, single unreadable files are listed
/// in [`Loaded::problems`] instead and their parts of the snapshot are not collected.
pub fn load(path: &Path) -> Result<Loaded, Error> {
    let dir = if path.is_file() && path.file_name().is_some_and(|n| n == layout::SNAPSHOT_FILE) {
        path.parent().unwrap_or(Path::new("."))
    } else {
        path
    };
    if org::is_org(dir) {
        return Err(Error::Organization {
            path: dir.to_path_buf(),
        });
    }
    if layout::is_snapshot(dir) {
        return Ok(Loaded {
            snapshot: read_snapshot(dir)?,
            problems: Vec::new(),
        });
    }
    load_raw_exports(dir)
}
