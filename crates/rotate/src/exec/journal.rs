//! The journal: one JSON line per step, written (and synced) before the step and after
//! it, so that the next run knows what an interrupted one was doing. AWS stays the
//! truth: the journal only says which key a run created and stored, when a key was
//! deactivated, and which create may have left a key whose secret was never stored.
//!
//! A per-user lock file beside the journal keeps two runs off the same user.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ExecError;

/// A step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// `iam:CreateAccessKey` (done once the key is stored).
    Create,
    /// Writing the new key to the store.
    Store,
    /// `iam:UpdateAccessKey` to `Inactive`.
    Deactivate,
    /// `iam:DeleteAccessKey`.
    Delete,
    /// A key found inactive with no deactivation on record: its grace starts now.
    Observe,
}

/// Where a step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// About to be done.
    Intent,
    /// Finished; AWS was re-read and matches.
    Done,
    /// Failed (the detail says why).
    Failed,
    /// Given up: a create whose key was removed, or that made none.
    Abandoned,
}

/// One line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The run's clock (`--at` when given).
    pub at: DateTime<Utc>,
    /// The machine's clock.
    pub wall: DateTime<Utc>,
    /// The run.
    pub run: String,
    /// The IAM user.
    pub user: String,
    /// The step.
    pub op: Op,
    /// Its phase.
    pub phase: Phase,
    /// The key concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// For a create's intent: the keys that existed before it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub existing: Vec<String>,
    /// The store, for store steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// Why it failed, or a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The journal file.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<Option<File>>,
}

/// The default journal: `$XDG_STATE_HOME/phiward/rotation.jsonl`, else
/// `~/.local/state/phiward/rotation.jsonl`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/state"))
        })?;
    Some(base.join("phiward").join("rotation.jsonl"))
}

fn io(path: &Path, what: &str, e: &std::io::Error) -> ExecError {
    ExecError::Journal(format!("cannot {what} `{}`: {e}", path.display()))
}

impl Journal {
    /// Opens (creating) the journal at `path`; `read_only` opens nothing for writing
    /// (dry runs).
    pub fn open(path: &Path, read_only: bool) -> Result<Journal, ExecError> {
        let file = if read_only {
            None
        } else {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| io(dir, "create", &e))?;
            }
            Some(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| io(path, "open", &e))?,
            )
        };
        Ok(Journal {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry and syncs it to disk before returning.
    pub fn write(&self, e: &Entry) -> Result<(), ExecError> {
        let mut line = serde_json::to_string(e)
            .map_err(|x| ExecError::Journal(format!("cannot encode an entry: {x}")))?;
        line.push('\n');
        let mut guard = self
            .file
            .lock()
            .map_err(|_| ExecError::Journal("the journal's lock is poisoned".into()))?;
        let Some(f) = guard.as_mut() else {
            return Ok(());
        };
        // One write of a whole line to an append-only file: lines never interleave.
        f.write_all(line.as_bytes())
            .and_then(|()| f.sync_data())
            .map_err(|x| io(&self.path, "write", &x))
    }

    /// The entries of `user`, in order. A line that does not parse (the end of a line
    /// cut by a crash) is skipped and reported.
    pub fn entries(&self, user: &str) -> Result<(Vec<Entry>, Vec<String>), ExecError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Vec::new(), Vec::new()))
            }
            Err(e) => return Err(io(&self.path, "read", &e)),
        };
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Entry>(line) {
                Ok(e) if e.user == user => out.push(e),
                Ok(_) => {}
                Err(e) => problems.push(format!("`{}` line {}: {e}", self.path.display(), i + 1)),
            }
        }
        Ok((out, problems))
    }
}

/// What the journal tells about one user.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// The last create intent with no outcome yet: its entry.
    pub open_create: Option<Entry>,
    /// The key of the last store that was done.
    pub stored: Option<String>,
    /// Per key: when it was deactivated (or first seen inactive).
    pub deactivated: Vec<(String, DateTime<Utc>)>,
    /// Per key this journal's runs created: the run's clock at the creation.
    pub created: Vec<(String, DateTime<Utc>)>,
}

impl History {
    /// Reads a user's entries.
    pub fn of(entries: &[Entry]) -> History {
        let mut h = History::default();
        for e in entries {
            match (e.op, e.phase) {
                (Op::Create, Phase::Intent) => h.open_create = Some(e.clone()),
                (Op::Create, Phase::Done | Phase::Abandoned | Phase::Failed) => {
                    h.open_create = None;
                    if let (Phase::Done, Some(k)) = (e.phase, &e.key) {
                        h.created.push((k.clone(), e.at));
                    }
                }
                (Op::Store, Phase::Done) => h.stored.clone_from(&e.key),
                (Op::Deactivate, Phase::Intent) | (Op::Observe, _) => {
                    if let Some(k) = &e.key {
                        if !h.deactivated.iter().any(|(x, _)| x == k) {
                            h.deactivated.push((k.clone(), e.at));
                        }
                    }
                }
                _ => {}
            }
        }
        h
    }

    /// When a run of this journal created `key`, by the run's clock.
    pub fn created_at(&self, key: &str) -> Option<DateTime<Utc>> {
        self.created.iter().find(|(k, _)| k == key).map(|(_, t)| *t)
    }

    /// When `key` was deactivated, as far as the journal knows.
    pub fn deactivated_at(&self, key: &str) -> Option<DateTime<Utc>> {
        self.deactivated
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| *t)
    }
}

/// A user's lock: a file holding the process id, removed when dropped. A lock left by
/// a process that no longer runs (`kill -9`) is taken over.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes the lock of `user` beside `journal`.
    pub fn take(journal: &Path, user: &str) -> Result<Lock, ExecError> {
        let dir = journal.with_extension("locks");
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, "create", &e))?;
        let safe: String = user
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{safe}.lock"));
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    let pid = holder.trim();
                    if running(pid) {
                        return Err(ExecError::Locked {
                            user: user.to_string(),
                            lock: path.display().to_string(),
                            pid: pid.to_string(),
                        });
                    }
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => return Err(io(&path, "create", &e)),
            }
        }
        Err(ExecError::Journal(format!(
            "cannot take the lock `{}`",
            path.display()
        )))
    }
}

/// Whether process `pid` runs (Linux's `/proc`; elsewhere a lock is assumed held).
fn running(pid: &str) -> bool {
    if pid.is_empty() || !pid.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    if pid == std::process::id().to_string() {
        return true;
    }
    if Path::new("/proc/self").exists() {
        return Path::new("/proc").join(pid).exists();
    }
    true
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(op: Op, phase: Phase, key: Option<&str>) -> Entry {
        Entry {
            at: DateTime::default(),
            wall: DateTime::default(),
            run: "r".into(),
            user: "u".into(),
            op,
            phase,
            key: key.map(str::to_string),
            existing: Vec::new(),
            store: None,
            detail: None,
        }
    }

    #[test]
    fn entries_survive_a_torn_last_line_and_tell_the_history() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let path = dir.path().join("j/rotation.jsonl");
        let j = Journal::open(&path, false).unwrap_or_else(|e| unreachable!("{e}"));
        for e in [
            entry(Op::Create, Phase::Intent, None),
            entry(Op::Store, Phase::Intent, Some("AKIA2")),
            entry(Op::Store, Phase::Done, Some("AKIA2")),
            entry(Op::Deactivate, Phase::Intent, Some("AKIA1")),
        ] {
            assert!(j.write(&e).is_ok());
        }
        let mut f = OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| unreachable!("{e}"));
        let _ = f.write_all(b"{\"at\":\"2026-");
        let (entries, problems) = j.entries("u").unwrap_or_default();
        assert_eq!(entries.len(), 4);
        assert_eq!(problems.len(), 1);
        let h = History::of(&entries);
        assert!(h.open_create.is_some());
        assert_eq!(h.stored.as_deref(), Some("AKIA2"));
        assert!(h.deactivated_at("AKIA1").is_some());
    }

    #[test]
    fn a_lock_keeps_a_second_run_out_and_a_dead_holder_does_not() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let journal = dir.path().join("rotation.jsonl");
        let lock = Lock::take(&journal, "etl-svc");
        assert!(lock.is_ok());
        assert!(matches!(
            Lock::take(&journal, "etl-svc"),
            Err(ExecError::Locked { .. })
        ));
        drop(lock);
        assert!(Lock::take(&journal, "etl-svc").is_ok());
        // A lock file left by a process that is gone.
        let stale = journal.with_extension("locks").join("dev.lock");
        let _ = std::fs::write(&stale, "999999999\n");
        assert!(Lock::take(&journal, "dev").is_ok());
    }
}
