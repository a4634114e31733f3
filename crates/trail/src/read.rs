//! Finding and reading log files: CloudTrail's S3 layout, single `{"Records": [...]}`
//! documents, and JSON-lines exports, each plain or gzip-compressed.
//!
//! A file is decompressed into one buffer and its events are deserialized from it one at
//! a time, borrowing their strings; no event outlives its callback, so memory stays at one
//! file per thread plus what the caller aggregates.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::event::Event;

/// Files up to this size (decompressed) are read into memory, their events borrowing from
/// it; larger ones (big JSON-lines exports, gzip bombs) are streamed.
const IN_MEMORY: u64 = 256 << 20;

/// Streaming looks this far for the first line to tell JSON lines from a document.
const HEAD_LIMIT: usize = 1 << 20;

/// Streaming reads this much at a time.
const STREAM_CHUNK: usize = 8 << 20;

/// At most this many problems are kept per file; the rest are counted.
const MAX_PROBLEMS_PER_FILE: usize = 20;

/// Why the logs could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The path does not exist or cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// A file, or one of its records, that could not be read; it was skipped.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The file.
    pub path: PathBuf,
    /// The 0-based record (or, for JSON lines, line) index, when one record is at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<usize>,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.record {
            Some(r) => write!(f, "`{}` record {r}: {}", self.path.display(), self.message),
            None => write!(f, "`{}`: {}", self.path.display(), self.message),
        }
    }
}

/// What reading one file produced besides its events.
#[derive(Clone, Debug, Default)]
pub struct FileOutcome {
    /// Records handed to the callback.
    pub events: u64,
    /// Problems (at most a few per file).
    pub problems: Vec<Problem>,
    /// Problems beyond those kept.
    pub more_problems: u64,
}

impl FileOutcome {
    /// Records a problem, keeping only the first few.
    pub fn problem(&mut self, path: &Path, record: Option<usize>, message: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS_PER_FILE {
            self.problems.push(Problem {
                path: path.to_path_buf(),
                record,
                message: message.into(),
            });
        } else {
            self.more_problems += 1;
        }
    }
}

/// Whether [`discover`] would read the file at `key` (a `/`-separated path below the folder
/// it walks): a log file's name, no hidden part, not under `CloudTrail-Digest/`.
pub fn is_log_key(key: &str) -> bool {
    let mut parts: Vec<&str> = key.split('/').filter(|p| !p.is_empty()).collect();
    let Some(name) = parts.pop() else {
        return false;
    };
    is_log_name(name)
        && !name.starts_with('.')
        && parts
            .iter()
            .all(|d| *d != "CloudTrail-Digest" && !d.starts_with('.'))
}

fn is_log_name(name: &str) -> bool {
    [
        ".json",
        ".json.gz",
        ".jsonl",
        ".jsonl.gz",
        ".ndjson",
        ".ndjson.gz",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

/// The log files under `path` (or `path` itself when it is a file), sorted. Digest files
/// (anything under a `CloudTrail-Digest` folder) are left out: they hold no events.
pub fn discover(path: &Path) -> Result<Vec<PathBuf>, Error> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::Io {
                path: dir.clone(),
                source,
            })?;
            let p = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let ft = entry.file_type().map_err(|source| Error::Io {
                path: p.clone(),
                source,
            })?;
            if ft.is_dir() {
                if name != "CloudTrail-Digest" && !name.starts_with('.') {
                    stack.push(p);
                }
            } else if is_log_name(&name) && !name.starts_with('.') {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads `path` into `buf`, decompressing gzip (recognised by its magic bytes, not its
/// name). `Ok(false)` when the file is too large to hold in memory: it is then to be
/// streamed.
pub fn load(path: &Path, raw: &mut Vec<u8>, buf: &mut Vec<u8>) -> Result<bool, String> {
    raw.clear();
    buf.clear();
    let mut f = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let len = f.metadata().map_err(|e| format!("cannot read: {e}"))?.len();
    if len > IN_MEMORY {
        return Ok(false);
    }
    f.read_to_end(raw)
        .map_err(|e| format!("cannot read: {e}"))?;
    inflate(raw, buf)
}

/// What [`load`] does once the file's bytes are in `raw`, for bytes read elsewhere (an
/// object store): decompresses gzip (by its magic bytes) into `buf`, or moves `raw` there.
/// `Ok(false)` when the content is too large to hold in memory (see [`stream`]).
pub fn inflate(raw: &mut Vec<u8>, buf: &mut Vec<u8>) -> Result<bool, String> {
    buf.clear();
    if raw.len() as u64 > IN_MEMORY {
        return Ok(false);
    }
    if raw.starts_with(&[0x1f, 0x8b]) {
        buf.reserve(raw.len().saturating_mul(8).min(64 << 20));
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .take(IN_MEMORY + 1)
            .read_to_end(buf)
            .map_err(|e| format!("not valid gzip: {e}"))?;
        if buf.len() as u64 > IN_MEMORY {
            buf.clear();
            return Ok(false);
        }
    } else {
        std::mem::swap(raw, buf);
    }
    Ok(true)
}

/// Reads one file and hands each event, with its index, to `on_event`. Problems are
/// returned; the readable events are always delivered.
pub fn read_file<F>(
    path: &Path,
    raw: &mut Vec<u8>,
    buf: &mut Vec<u8>,
    mut on_event: F,
) -> FileOutcome
where
    F: FnMut(usize, &Event<'_>),
{
    let mut out = FileOutcome::default();
    match load(path, raw, buf) {
        Ok(true) => read_bytes(path, buf, on_event, &mut out),
        Ok(false) => {
            raw.clear();
            buf.clear();
            if let Err(e) = stream_file(path, &mut on_event, &mut out) {
                out.problem(path, None, e);
            }
        }
        Err(e) => out.problem(path, None, e),
    }
    out
}

fn stream_file<F>(path: &Path, on_event: &mut F, out: &mut FileOutcome) -> Result<(), String>
where
    F: FnMut(usize, &Event<'_>),
{
    let mut f = std::io::BufReader::new(
        std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?,
    );
    let gz = std::io::BufRead::fill_buf(&mut f)
        .map_err(|e| format!("cannot read: {e}"))?
        .starts_with(&[0x1f, 0x8b]);
    if gz {
        stream(
            path,
            flate2::read::MultiGzDecoder::new(f),
            STREAM_CHUNK,
            on_event,
            out,
        )
    } else {
        stream(path, f, STREAM_CHUNK, on_event, out)
    }
}

/// Whether `line` is one event rather than (the start of) a `{"Records": [...]}` document.
fn is_event_line(line: &[u8]) -> bool {
    let mut state = DocState {
        on_event: &mut |_: usize, _: &Event<'_>| {},
        seen_records: false,
        count: 0,
    };
    let mut de = serde_json::Deserializer::from_slice(line);
    let ok = DocSeed(&mut state).deserialize(&mut de).is_ok();
    ok && !state.seen_records
}

/// Streams a file too large for memory: JSON lines a block of lines at a time, a
/// `{"Records": [...]}` document through serde_json's reader (strings are then owned).
pub fn stream<R, F>(
    path: &Path,
    mut r: R,
    chunk: usize,
    on_event: &mut F,
    out: &mut FileOutcome,
) -> Result<(), String>
where
    R: Read,
    F: FnMut(usize, &Event<'_>),
{
    let mut head = Vec::new();
    let fill = |r: &mut R, v: &mut Vec<u8>| {
        r.by_ref()
            .take(chunk as u64)
            .read_to_end(v)
            .map_err(|e| format!("cannot read: {e}"))
    };
    // Enough to see the first line, unless the file is one long line (a document).
    loop {
        if head.contains(&b'\n') || head.len() >= HEAD_LIMIT {
            break;
        }
        if fill(&mut r, &mut head)? == 0 {
            read_bytes(path, &head, on_event, out);
            return Ok(());
        }
    }
    let first = head
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace));
    let complete_line = head.contains(&b'\n');
    if !(complete_line && first.is_some_and(is_event_line)) {
        let mut state = DocState {
            on_event,
            seen_records: false,
            count: 0,
        };
        let mut de = serde_json::Deserializer::from_reader(std::io::Cursor::new(head).chain(r));
        let result = DocSeed(&mut state).deserialize(&mut de);
        out.events += state.count as u64;
        return match result {
            Ok(()) if state.seen_records => Ok(()),
            Ok(()) => Err("not a `{\"Records\": [...]}` document nor JSON lines".into()),
            Err(e) => {
                out.problem(
                    path,
                    Some(state.count),
                    format!("malformed JSON ({e}); the rest of the file was skipped"),
                );
                Ok(())
            }
        };
    }
    let mut carry = head;
    let mut index = 0;
    loop {
        let mut block = Vec::new();
        let n = fill(&mut r, &mut block)?;
        carry.extend_from_slice(&block);
        let end = if n == 0 {
            carry.len()
        } else {
            match carry.iter().rposition(|&b| b == b'\n') {
                Some(i) => i + 1,
                None => continue,
            }
        };
        index = lines_block(path, &carry[..end], index, on_event, out);
        carry.drain(..end);
        if n == 0 {
            return Ok(());
        }
    }
}

/// Reads events from decompressed bytes (see [`read_file`]).
pub fn read_bytes<F>(path: &Path, bytes: &[u8], mut on_event: F, out: &mut FileOutcome)
where
    F: FnMut(usize, &Event<'_>),
{
    // Text checked for UTF-8 once, in bulk, spares serde_json a check per string.
    let (first, seen, count, trailing) = match std::str::from_utf8(bytes) {
        Ok(text) => document(&mut serde_json::Deserializer::from_str(text), &mut on_event),
        Err(_) => document(
            &mut serde_json::Deserializer::from_slice(bytes),
            &mut on_event,
        ),
    };
    out.events += count as u64;
    match first {
        Ok(()) if seen => {
            if trailing {
                out.problem(path, None, "unexpected data after the `Records` document");
            }
        }
        Err(e) if seen => {
            out.problem(
                path,
                Some(count),
                format!("malformed JSON ({e}); the rest of the file was skipped"),
            );
        }
        // Not a `{"Records": [...]}` document: one event per line.
        _ => read_lines(path, bytes, &mut on_event, out),
    }
}

/// Reads a `{"Records": [...]}` document: the result, whether `Records` was seen, how many
/// events were delivered, and whether data follows the document.
fn document<'de, R, F>(
    de: &mut serde_json::Deserializer<R>,
    on_event: &mut F,
) -> (Result<(), serde_json::Error>, bool, usize, bool)
where
    R: serde_json::de::Read<'de>,
    F: FnMut(usize, &Event<'_>),
{
    let mut state = DocState {
        on_event,
        seen_records: false,
        count: 0,
    };
    let first = DocSeed(&mut state).deserialize(&mut *de);
    let (seen, count) = (state.seen_records, state.count);
    let trailing = first.is_ok() && de.end().is_err();
    (first, seen, count, trailing)
}

fn read_lines<F>(path: &Path, bytes: &[u8], on_event: &mut F, out: &mut FileOutcome)
where
    F: FnMut(usize, &Event<'_>),
{
    let before = (out.events, out.problems.len(), out.more_problems);
    lines_block(path, bytes, 0, on_event, out);
    if before == (out.events, out.problems.len(), out.more_problems) {
        out.problem(path, None, "the file holds no events");
    }
}

/// Reads the lines of `bytes`, the first being line `first`; returns the next index.
fn lines_block<F>(
    path: &Path,
    bytes: &[u8],
    first: usize,
    on_event: &mut F,
    out: &mut FileOutcome,
) -> usize
where
    F: FnMut(usize, &Event<'_>),
{
    let mut next = first;
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        next = first + i;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed = match std::str::from_utf8(line) {
            Ok(text) => serde_json::from_str::<Event<'_>>(text),
            Err(_) => serde_json::from_slice::<Event<'_>>(line),
        };
        match parsed {
            Ok(ev) => {
                out.events += 1;
                on_event(first + i, &ev);
            }
            Err(e) => out.problem(path, Some(first + i), format!("malformed JSON line: {e}")),
        }
    }
    // A block ending in a newline ends with an empty piece that is not a line.
    if bytes.ends_with(b"\n") {
        next
    } else {
        next + 1
    }
}

struct DocState<'f, F> {
    on_event: &'f mut F,
    seen_records: bool,
    count: usize,
}

struct DocSeed<'s, 'f, F>(&'s mut DocState<'f, F>);

impl<'de, F: FnMut(usize, &Event<'_>)> DeserializeSeed<'de> for DocSeed<'_, '_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(usize, &Event<'_>)> Visitor<'de> for DocSeed<'_, '_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a CloudTrail log document")
    }
    // A bare array of events, as some exports write.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        self.0.seen_records = true;
        RecordsSeed(&mut *self.0).visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "Records" {
                self.0.seen_records = true;
                map.next_value_seed(RecordsSeed(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct RecordsSeed<'s, 'f, F>(&'s mut DocState<'f, F>);

impl<'de, F: FnMut(usize, &Event<'_>)> DeserializeSeed<'de> for RecordsSeed<'_, '_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(usize, &Event<'_>)> Visitor<'de> for RecordsSeed<'_, '_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of events")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(ev) = seq.next_element::<Event<'de>>()? {
            (self.0.on_event)(self.0.count, &ev);
            self.0.count += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(bytes: &[u8]) -> (Vec<(usize, String)>, FileOutcome) {
        let mut got = Vec::new();
        let mut out = FileOutcome::default();
        read_bytes(
            Path::new("f.json"),
            bytes,
            |i, e| got.push((i, e.event_name.or_empty().to_string())),
            &mut out,
        );
        (got, out)
    }

    #[test]
    fn documents_and_lines() {
        let (got, out) = names(br#"{"Records":[{"eventName":"A"},{"eventName":"B"}]}"#);
        assert_eq!(got, [(0, "A".into()), (1, "B".into())]);
        assert!(out.problems.is_empty());
        let (got, out) = names(b"{\"eventName\":\"A\"}\n\n{\"eventName\":\"B\"}\n");
        assert_eq!(got, [(0, "A".into()), (2, "B".into())]);
        assert!(out.problems.is_empty());
    }

    #[test]
    fn corrupt_records_are_reported_with_their_index() {
        let (got, out) = names(br#"{"Records":[{"eventName":"A"},{"eventName":"B""#);
        assert_eq!(got, [(0, "A".into())]);
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].record, Some(1));
        let (got, out) = names(b"{\"eventName\":\"A\"}\n{\"eventName\n{\"eventName\":\"C\"}");
        assert_eq!(got, [(0, "A".into()), (2, "C".into())]);
        assert_eq!(out.problems[0].record, Some(1));
        let (got, out) = names(b"");
        assert!(got.is_empty());
        assert_eq!(out.problems.len(), 1);
    }

    fn streamed(bytes: &[u8], chunk: usize) -> (Vec<(usize, String)>, FileOutcome) {
        let mut got = Vec::new();
        let mut out = FileOutcome::default();
        let r = stream(
            Path::new("f.json"),
            bytes,
            chunk,
            &mut |i, e: &Event<'_>| got.push((i, e.event_name.or_empty().to_string())),
            &mut out,
        );
        if let Err(e) = r {
            out.problem(Path::new("f.json"), None, e);
        }
        (got, out)
    }

    #[test]
    fn streaming_gives_what_reading_in_memory_gives() {
        let inputs: [&[u8]; 6] = [
            b"{\"eventName\":\"A\"}\n\n{\"eventName\":\"B\"}\n{broken\n{\"eventName\":\"C\"}",
            b"{\"eventName\":\"A\"}\n{\"eventName\":\"B\"}\n",
            br#"{"Records":[{"eventName":"A"},{"eventName":"B\u00e9"}]}"#,
            b"{\"Records\":[\n{\"eventName\":\"A\"},\n{\"eventName\":\"B\"}]}\n",
            br#"{"Records":[{"eventName":"A"},{"eventName":"B""#,
            b"[{\"eventName\":\"A\"}]",
        ];
        for input in inputs {
            let (want, wout) = names(input);
            for chunk in [1, 3, 7, 1000] {
                let (got, gout) = streamed(input, chunk);
                assert_eq!(
                    got,
                    want,
                    "{} chunk {chunk}",
                    String::from_utf8_lossy(input)
                );
                assert_eq!(
                    gout.problems.len(),
                    wout.problems.len(),
                    "{} chunk {chunk}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }

    #[test]
    fn streams_gzip() {
        use std::io::Write as _;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let text = "{\"eventName\":\"A\"}\n".repeat(1000);
        e.write_all(text.as_bytes()).unwrap_or_default();
        let gz = e.finish().unwrap_or_default();
        let mut n = 0;
        let mut out = FileOutcome::default();
        let r = stream(
            Path::new("f.jsonl.gz"),
            flate2::read::MultiGzDecoder::new(gz.as_slice()),
            64,
            &mut |i, _: &Event<'_>| n += i,
            &mut out,
        );
        assert!(r.is_ok() && out.problems.is_empty());
        assert_eq!(n, 999 * 1000 / 2);
    }

    #[test]
    fn problems_are_bounded() {
        let bad = "x\n".repeat(100);
        let (_, out) = names(bad.as_bytes());
        assert_eq!(out.problems.len(), MAX_PROBLEMS_PER_FILE);
        assert_eq!(out.more_problems, 80);
    }
}
