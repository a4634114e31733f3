//! The snapshot folder: `snapshot.json` (the account) and `collection.json` (what was
//! collected), described in `docs/snapshot.md`.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::io::{parse_json, read_limited, MAX_FILE};
use crate::model::FORMAT_VERSION;
use crate::{Collection, Error, Snapshot};

/// The account data.
pub const SNAPSHOT_FILE: &str = "snapshot.json";
/// The collection record.
pub const COLLECTION_FILE: &str = "collection.json";

#[derive(Serialize, Deserialize)]
struct CollectionFile {
    format_version: u32,
    #[serde(flatten)]
    collection: Collection,
}

#[derive(Deserialize)]
struct Header {
    format_version: u64,
}

/// Writes a snapshot folder. The folder is created when missing; one that already holds
/// files is refused unless `force`, and then only the snapshot's own files are replaced.
pub fn write_snapshot(snapshot: &Snapshot, dir: &Path, force: bool) -> Result<(), Error> {
    let werr = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    if !force && !is_empty_or_missing(dir)? {
        return Err(Error::NotEmpty {
            path: dir.to_path_buf(),
        });
    }
    std::fs::create_dir_all(dir).map_err(werr(dir))?;
    write_json(&dir.join(SNAPSHOT_FILE), snapshot)?;
    write_collection(dir, &snapshot.collection)
}

pub(crate) fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), Error> {
    let werr = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut text = serde_json::to_vec_pretty(value)
        .map_err(|e| werr(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
    text.push(b'\n');
    // Write beside and rename so a reader never sees half a snapshot.
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, &text).map_err(werr)?;
    std::fs::rename(&tmp, path).map_err(werr)
}

/// Whether `dir` is missing or an empty folder.
pub fn is_empty_or_missing(dir: &Path) -> Result<bool, Error> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(source) => Err(Error::Io {
            path: dir.to_path_buf(),
            source,
        }),
    }
}

/// Whether `dir` holds a snapshot (rather than raw exports).
pub fn is_snapshot(dir: &Path) -> bool {
    dir.join(SNAPSHOT_FILE).is_file()
}

/// Reads a snapshot folder. A `collection.json` that is missing reads as an empty record.
pub fn read_snapshot(dir: &Path) -> Result<Snapshot, Error> {
    let (mut snapshot, collection): (Snapshot, _) = read_versioned(dir, SNAPSHOT_FILE)?;
    if let Some(c) = collection {
        snapshot.collection = c;
    }
    Ok(snapshot)
}

/// Reads `dir/file`, a JSON document whose `format_version` this build reads, and the
/// collection record beside it (`None` when there is none): the account snapshot's and
/// the organization tree's layout alike.
pub(crate) fn read_versioned<T: DeserializeOwned>(
    dir: &Path,
    file: &str,
) -> Result<(T, Option<Collection>), Error> {
    let path = dir.join(file);
    let bytes = read_limited(&path, MAX_FILE)?;
    let header: Header = parse_json(&path, &bytes)?;
    if header.format_version > u64::from(FORMAT_VERSION) {
        return Err(Error::UnsupportedVersion {
            path,
            found: header.format_version,
            supported: FORMAT_VERSION,
        });
    }
    let value: T = parse_json(&path, &bytes)?;
    let cpath = dir.join(COLLECTION_FILE);
    if !cpath.exists() {
        return Ok((value, None));
    }
    let bytes = read_limited(&cpath, MAX_FILE)?;
    let file: CollectionFile = parse_json(&cpath, &bytes)?;
    Ok((value, Some(file.collection)))
}

/// Writes `dir/collection.json`.
pub(crate) fn write_collection(dir: &Path, collection: &Collection) -> Result<(), Error> {
    write_json(
        &dir.join(COLLECTION_FILE),
        &CollectionFile {
            format_version: FORMAT_VERSION,
            collection: collection.clone(),
        },
    )
}
