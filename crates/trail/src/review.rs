//! What `phiward audit --logs` reads from CloudTrail: the detections (LOG-013) and each
//! principal's usage (LP-008), in one pass over the files, so that logs are read and
//! decompressed once.

use std::path::PathBuf;

use phiward_catalog::Catalog;

use crate::detect::{self, Detections, Finder};
use crate::scan::{scan, Both};
use crate::usage::{self, Aggregate, Usage};

/// Detections and usage of the same files.
#[derive(Debug)]
pub struct Review {
    /// What the audit must show (root activity, logging stopped, ...).
    pub detections: Detections,
    /// What each principal used.
    pub usage: Usage,
}

/// Reads the files once (in parallel on the current rayon pool) for both. Skipped files
/// and records are listed in both answers, each once.
pub fn review(
    paths: &[PathBuf],
    detect: &detect::Options,
    usage: usage::Options,
    catalog: &Catalog,
) -> Review {
    let scanned = scan(paths, || {
        Both::new(Finder::new(detect), Aggregate::new(usage))
    });
    let (d, u) = scanned.split();
    Review {
        detections: detect::finish_detections(d),
        usage: usage::finish_usage(u, usage, catalog),
    }
}
