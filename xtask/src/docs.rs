//! `cargo xtask docs [--check]`: every generated documentation page, from one command.
//!
//! The check pages (`docs/checks/`) come from each check's `///` comment and metadata,
//! the lint rule pages (`docs/rules/`) from each rule's, and the rule table in
//! `docs/lint.md` from the rule list. Without `--check` the pages are written and pages
//! of checks or rules that no longer exist are deleted; with `--check` nothing is written
//! and any difference fails (CI runs it).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The folders whose every file is generated.
const GENERATED_DIRS: [&str; 2] = ["checks", "rules"];

pub fn run(args: &[String]) -> Result<()> {
    let check = match args {
        [] => false,
        [a] if a == "--check" => true,
        _ => bail!("usage: cargo xtask docs [--check]"),
    };
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    let mut pages = phiward_checks::pages();
    pages.extend(phiward_lint::docs::pages());
    let lint_md = docs.join("lint.md");
    let have = std::fs::read_to_string(&lint_md).context("reading docs/lint.md")?;
    let table = phiward_lint::docs::with_rule_table(&have)
        .context("docs/lint.md has no rule-table markers")?;
    pages.push(("lint.md".to_string(), table));
    let mut stale = Vec::new();
    let mut generated = BTreeSet::new();
    for (rel, want) in &pages {
        let path = docs.join(rel);
        generated.insert(path.clone());
        if std::fs::read_to_string(&path).ok().as_deref() == Some(want.as_str()) {
            continue;
        }
        stale.push(rel.clone());
        if !check {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, want).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    for dir in GENERATED_DIRS {
        for entry in std::fs::read_dir(docs.join(dir))? {
            let path: PathBuf = entry?.path();
            if generated.contains(&path) {
                continue;
            }
            stale.push(format!("{} (no check or rule)", path.display()));
            if !check {
                std::fs::remove_file(&path)?;
            }
        }
    }
    if check && !stale.is_empty() {
        bail!("stale documentation, run `cargo xtask docs`: {stale:?}");
    }
    for s in &stale {
        eprintln!("updated {s}");
    }
    Ok(())
}
