//! The campaign store: one SQLite file in WAL mode, its schema versioned with
//! `PRAGMA user_version` and migrated forward on open.
//!
//! WAL with `synchronous = NORMAL` makes every committed transaction survive the process
//! being killed (the commit is in the write-ahead log before `COMMIT` returns); only a
//! power loss can take back the newest commits, which the ledger's exported head then
//! shows as truncation (<https://www.sqlite.org/wal.html>,
//! <https://www.sqlite.org/pragma.html#pragma_synchronous>).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::{Error, Result};

/// Each migration brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: campaigns, items, the ledger, web accounts and sessions.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        snapshot TEXT NOT NULL,
        snapshot_digest TEXT NOT NULL,
        account TEXT,
        started_at TEXT NOT NULL,
        due TEXT NOT NULL,
        unreviewed TEXT NOT NULL,
        previous INTEGER,
        status TEXT NOT NULL,
        closed_at TEXT);
     CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        campaign INTEGER NOT NULL REFERENCES campaigns(id),
        person TEXT NOT NULL,
        email TEXT,
        kind TEXT NOT NULL,
        principal TEXT NOT NULL,
        right_name TEXT NOT NULL,
        via TEXT NOT NULL,
        phi INTEGER NOT NULL,
        key TEXT NOT NULL,
        evidence TEXT NOT NULL,
        digest TEXT NOT NULL,
        change TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        orphan INTEGER NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        decided_by TEXT,
        decided_at TEXT,
        UNIQUE (campaign, key));
     CREATE INDEX items_by_reviewer ON items (campaign, reviewer);
     CREATE TABLE ledger (
        pos INTEGER PRIMARY KEY,
        seq INTEGER NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL,
        kind TEXT NOT NULL,
        campaign INTEGER,
        item INTEGER,
        actor TEXT NOT NULL,
        session TEXT NOT NULL,
        at TEXT NOT NULL,
        digest TEXT NOT NULL,
        payload TEXT NOT NULL,
        signature TEXT NOT NULL);
     CREATE INDEX ledger_by_hash ON ledger (hash);
     CREATE TABLE accounts (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        email TEXT,
        password TEXT NOT NULL,
        totp TEXT NOT NULL,
        created_at TEXT NOT NULL);
     CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at INTEGER NOT NULL);",
];

/// The newest schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Maps SQLite errors to [`Error::Db`] naming the store.
pub(crate) trait DbResult<T> {
    fn db(self, path: &str) -> Result<T>;
}

impl<T> DbResult<T> for std::result::Result<T, rusqlite::Error> {
    fn db(self, path: &str) -> Result<T> {
        self.map_err(|source| Error::Db {
            path: path.to_string(),
            source,
        })
    }
}

/// An open campaign store.
#[derive(Debug)]
pub struct Store {
    /// The connection.
    pub conn: Connection,
    /// The file, for messages.
    pub path: String,
    /// Where the file is.
    pub file: PathBuf,
}

impl Store {
    /// Opens (creating when missing) and migrates the store.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with(path, true)
    }

    /// Opens an existing store without creating it.
    pub fn open_existing(path: &Path) -> Result<Store> {
        if !path.is_file() {
            return Err(Error::NotFound {
                what: "campaign store",
                name: path.display().to_string(),
            });
        }
        Self::open_with(path, false)
    }

    fn open_with(path: &Path, create: bool) -> Result<Store> {
        let name = path.display().to_string();
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags).db(&name)?;
        conn.busy_timeout(Duration::from_secs(10)).db(&name)?;
        conn.pragma_update(None, "journal_mode", "WAL").db(&name)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .db(&name)?;
        conn.pragma_update(None, "foreign_keys", "ON").db(&name)?;
        let mut store = Store {
            conn,
            path: name,
            file: path.to_path_buf(),
        };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .db(&path)?;
        if version > SCHEMA_VERSION {
            return Err(Error::Schema {
                path,
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.conn.transaction().db(&path)?;
            tx.execute_batch(sql).db(&path)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)
                .db(&path)?;
            tx.commit().db(&path)?;
        }
        Ok(())
    }

    /// A value of the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension as _;
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .db(&self.path)
    }

    /// Sets a value of the `meta` table.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .db(&self.path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_migrates_and_refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.db");
        let s = Store::open(&p).unwrap();
        let v: i64 = s
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let mode: String = s
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        s.conn
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(s);
        assert!(matches!(Store::open(&p), Err(Error::Schema { .. })));
    }
}
