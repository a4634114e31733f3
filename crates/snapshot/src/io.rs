//! Bounded file reading and JSON parsing with file, line and column in errors.

use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::Error;

/// The largest file read. `get-account-authorization-details` of a 10,000-policy account
/// is about 100 MiB; a file past this is almost certainly not an export.
pub const MAX_FILE: u64 = 256 * 1024 * 1024;

/// Reads a whole file, refusing one over `limit` bytes.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut buf = Vec::new();
    // Read one byte past the limit rather than trusting metadata, which a FIFO or a
    // growing file would get wrong.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(buf)
}

pub(crate) fn json_error(path: &Path, e: &serde_json::Error) -> Error {
    let full = e.to_string();
    // serde_json appends " at line L column C"; the error names them separately.
    let message = match full.rfind(" at line ") {
        Some(i) => full.get(..i).unwrap_or(&full).to_string(),
        None => full,
    };
    Error::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message,
    }
}

/// Parses one JSON document.
pub fn parse_json<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))
}

/// Parses a file holding one or more JSON documents one after another (paged output
/// appended to one file). An empty file gives no documents.
pub fn parse_pages<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<Vec<T>, Error> {
    let bytes = strip_bom(bytes);
    serde_json::Deserializer::from_slice(bytes)
        .into_iter::<T>()
        .map(|r| r.map_err(|e| json_error(path, &e)))
        .collect()
}

/// Windows tools save UTF-8 with a byte order mark, which JSON parsers reject.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}
