//! `phiward certify export`: the evidence pack an auditor receives. Every item with its
//! person, right, reviewer, decision, reason, timestamps and the statements that grant
//! it, as CSV, JSON or one self-contained HTML page; a manifest of the files' SHA-256
//! hashes; and an `export` entry in the ledger whose hash and signature (the new head)
//! are printed, to be kept elsewhere (an S3 Object Lock bucket, a ticket) so that
//! `phiward certify verify --head` can later prove nothing was cut from the ledger.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{json, Value};

use crate::campaign::{self, Campaign, Item};
use crate::keys::Key;
use crate::ledger::{self, Event};
use crate::store::{DbResult as _, Store};
use crate::{Error, Result};

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One row per item (formula-safe).
    Csv,
    /// Everything, with the campaign's ledger entries.
    Json,
    /// One self-contained page.
    Html,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

/// What an export wrote.
#[derive(Clone, Debug, Serialize)]
pub struct Exported {
    /// The files, with their SHA-256.
    pub files: Vec<(PathBuf, String)>,
    /// The manifest.
    pub manifest: PathBuf,
    /// The ledger head after the export entry: sequence number.
    pub head_seq: i64,
    /// Its hash.
    pub head_hash: String,
    /// Its signature.
    pub head_signature: String,
    /// The store's public key (hex).
    pub public_key: String,
}

/// A CSV cell that a spreadsheet will not run: cells starting with `=`, `+`, `-`, `@`,
/// tab or carriage return get a leading `'` (OWASP, "CSV Injection").
pub fn safe_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// `policy statement N (Sid)` for each statement of an item's evidence.
pub fn statements(evidence: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |s: &Value| {
        let policy = s["policy"].as_str().unwrap_or_default();
        let n = s["statement"]
            .as_u64()
            .map(|n| format!(" statement {n}"))
            .unwrap_or_default();
        let sid = s["sid"]
            .as_str()
            .map(|x| format!(" ({x})"))
            .unwrap_or_default();
        out.push(format!("{policy}{n}{sid}"));
    };
    for s in evidence["statements"].as_array().into_iter().flatten() {
        push(s);
    }
    for s in evidence["trust"].as_array().into_iter().flatten() {
        push(s);
    }
    for hop in evidence["path"].as_array().into_iter().flatten() {
        for step in hop["steps"].as_array().into_iter().flatten() {
            for s in step["statements"].as_array().into_iter().flatten() {
                push(s);
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.clone()));
    out
}

const CSV_HEADER: &str = "item,campaign,person,email,kind,right,principal,via,phi,change,reviewer,orphan,status,reason,decided_by,decided_at,evidence_sha256,statements";

fn csv(c: &Campaign, items: &[Item]) -> String {
    let mut out = format!("{CSV_HEADER}\r\n");
    for i in items {
        let cells = [
            i.id.to_string(),
            c.name.clone(),
            i.person.clone(),
            i.email.clone().unwrap_or_default(),
            i.kind.clone(),
            i.right_name.clone(),
            i.principal.clone(),
            i.via.clone(),
            i.phi.to_string(),
            i.change.clone(),
            i.reviewer.clone(),
            i.orphan.to_string(),
            i.status.clone(),
            i.reason.clone().unwrap_or_default(),
            i.decided_by.clone().unwrap_or_default(),
            i.decided_at.clone().unwrap_or_default(),
            i.digest.clone(),
            statements(&i.evidence).join("; "),
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| safe_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

fn json_doc(store: &Store, c: &Campaign, items: &[Item]) -> Result<String> {
    let entries = ledger::campaign_entries(&store.conn, &store.path, c.id)?;
    let doc = json!({"schema_version": 1, "campaign": c, "items": items, "ledger": entries});
    Ok(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n")
}

const HTML: &str = include_str!("web/templates/export.html");

fn html(c: &Campaign, items: &[Item]) -> Result<String> {
    let mut env = minijinja::Environment::new();
    env.add_template("export.html", HTML)
        .map_err(|e| Error::refused(e.to_string()))?;
    let rows: Vec<Value> = items
        .iter()
        .map(|i| json!({"item": i, "statements": statements(&i.evidence), "evidence": serde_json::to_string_pretty(&i.evidence).unwrap_or_default()}))
        .collect();
    env.get_template("export.html")
        .and_then(|t| t.render(minijinja::context! {campaign => c, rows => rows, tool => format!("phiward {}", env!("CARGO_PKG_VERSION"))}))
        .map_err(|e| Error::refused(e.to_string()))
}

fn write(path: &Path, text: &str) -> Result<String> {
    std::fs::write(path, text).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    Ok(crate::sha256_hex(text.as_bytes()))
}

/// Writes the pack into `dir` and records the export in the ledger.
pub fn export(
    store: &mut Store,
    key: &Key,
    c: &Campaign,
    formats: &[Format],
    dir: &Path,
    actor: &str,
    session: &str,
) -> Result<Exported> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let items = campaign::items(store, c.id, None)?;
    let mut files = Vec::new();
    for f in formats {
        let text = match f {
            Format::Csv => csv(c, &items),
            Format::Json => json_doc(store, c, &items)?,
            Format::Html => html(c, &items)?,
        };
        let path = dir.join(format!("{}-evidence.{}", c.name, f.ext()));
        let sha = write(&path, &text)?;
        files.push((path, sha));
    }
    let listed: Vec<Value> = files
        .iter()
        .map(|(p, h)| json!({"file": p.file_name().map(|n| n.to_string_lossy().to_string()), "sha256": h}))
        .collect();
    let path = store.path.clone();
    let tx = store.conn.transaction().db(&path)?;
    let e = ledger::append(
        &tx,
        &path,
        key,
        &Event {
            kind: "export",
            campaign: Some(c.id),
            item: None,
            actor,
            session,
            digest: &c.snapshot_digest,
            payload: json!({"files": listed}),
        },
    )?;
    tx.commit().db(&path)?;
    let manifest = json!({
        "campaign": c.name,
        "snapshot_digest": c.snapshot_digest,
        "files": listed,
        "ledger_head": {"seq": e.seq, "hash": e.hash, "signature": e.signature},
        "public_key": key.public_hex(),
        "verify": format!("phiward certify verify STORE --head {}:{}", e.seq, e.hash),
    });
    let mpath = dir.join(format!("{}-manifest.json", c.name));
    write(
        &mpath,
        &(serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n"),
    )?;
    Ok(Exported {
        files,
        manifest: mpath,
        head_seq: e.seq,
        head_hash: e.hash,
        head_signature: e.signature,
        public_key: key.public_hex(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_spreadsheets_would_run_are_defused() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(safe_cell("+1"), "'+1");
        assert_eq!(safe_cell("-2"), "'-2");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("\tx"), "'\tx");
        assert_eq!(safe_cell("dr-lee"), "dr-lee");
        assert_eq!(safe_cell("a,b"), "\"a,b\"");
    }
}
