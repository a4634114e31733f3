//! Reading a campaign's inputs: the snapshot, the configuration, the directory export and
//! the people list, and building the rights and the reviewers from them. Shared by
//! `phiward certify start` and the demo of `phiward serve`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use phiward_access::people::{self, PeopleOptions};
use phiward_access::AccessModel;
use phiward_checks::Config;

use crate::directory::{Directory, Reviewers};
use crate::rights::{self, Built};
use crate::{Error, Result};

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

/// The configuration `explicit` names, else `phiward.toml` in the snapshot folder, else in
/// the working directory, else the defaults; with the folder relative paths in it start
/// from.
pub fn config(explicit: Option<&Path>, snapshot: &Path) -> Result<(Config, PathBuf)> {
    let candidates = match explicit {
        Some(p) => vec![p.to_path_buf()],
        None => vec![snapshot.join("phiward.toml"), PathBuf::from("phiward.toml")],
    };
    for path in candidates {
        if explicit.is_none() && !path.is_file() {
            continue;
        }
        let text = read(&path)?;
        let c = Config::parse(&text, &path.display().to_string()).map_err(|e| Error::Input {
            path: e.path.clone(),
            message: e.message.clone(),
        })?;
        if crate::campaign::Unreviewed::parse(&c.recertification.unreviewed).is_none() {
            return Err(Error::Input {
                path: path.display().to_string(),
                message: format!(
                    "`recertification.unreviewed` is `{}`; expected `keep`, `revoke` or `flag`",
                    c.recertification.unreviewed
                ),
            });
        }
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        return Ok((c, dir));
    }
    Ok((Config::default(), PathBuf::from(".")))
}

/// What a campaign is built from.
#[derive(Debug)]
pub struct Prepared {
    /// The rights.
    pub built: Built,
    /// The reviewers' rules.
    pub reviewers: Reviewers,
    /// The snapshot's digest.
    pub digest: String,
    /// The account.
    pub account: Option<String>,
    /// Files or documents that could not be read (the campaign leaves them out).
    pub problems: Vec<String>,
}

/// Loads the snapshot and builds the rights and reviewers.
pub fn prepare(
    snapshot: &Path,
    config: &Config,
    config_dir: &Path,
    directory: Option<&Path>,
    people_file: Option<&Path>,
    person_tags: &[String],
) -> Result<Prepared> {
    let loaded = phiward_snapshot::load(snapshot).map_err(|e| Error::Input {
        path: snapshot.display().to_string(),
        message: e.to_string(),
    })?;
    let mut problems: Vec<String> = loaded.problems.iter().map(|p| p.to_string()).collect();
    let snap = &loaded.snapshot;
    let model = AccessModel::new(snap);
    problems.extend(
        model
            .skipped
            .iter()
            .map(|s| format!("{}: {}", s.place, s.reason)),
    );
    let catalog = phiward_catalog::Catalog::get().map_err(|e| Error::Input {
        path: "(embedded catalog)".into(),
        message: e.to_string(),
    })?;
    let assignments = match people_file {
        Some(p) => people::parse_assignments(&read(p)?).map_err(|e| Error::Input {
            path: p.display().to_string(),
            message: e.to_string(),
        })?,
        None => Vec::new(),
    };
    let opts = PeopleOptions {
        person_tags: person_tags.to_vec(),
        assignments,
    };
    let built = rights::build(snap, &model, catalog, config, &opts);
    let dir_path = directory.map(Path::to_path_buf).or_else(|| {
        config
            .recertification
            .directory
            .as_ref()
            .map(|d| config_dir.join(d))
    });
    let directory = match dir_path {
        Some(p) => Some(Directory::parse(&read(&p)?, &p.display().to_string())?),
        None => None,
    };
    let mut tagged = HashMap::new();
    if let (Some(tag), Some(iam)) = (&config.recertification.manager_tag, snap.iam.get()) {
        let tags: HashMap<&str, &[phiward_snapshot::model::iam::Tag]> = iam
            .users
            .iter()
            .map(|u| (u.arn.as_str(), u.tags.as_slice()))
            .chain(
                iam.roles
                    .iter()
                    .map(|r| (r.arn.as_str(), r.tags.as_slice())),
            )
            .collect();
        for (person, principals) in &built.principals {
            // Users first: a person's own account speaks for them before a shared role.
            let mut ordered: Vec<&String> = principals.iter().collect();
            ordered.sort_by_key(|p| !p.contains(":user/"));
            let found = ordered.iter().find_map(|p| {
                tags.get(p.as_str())?
                    .iter()
                    .find(|t| t.key.eq_ignore_ascii_case(tag) && !t.value.trim().is_empty())
                    .map(|t| t.value.trim().to_string())
            });
            if let Some(m) = found {
                tagged.insert(person.clone(), m);
            }
        }
    }
    let reviewers = Reviewers {
        tagged,
        directory,
        fallback: config.recertification.fallback_reviewers.clone(),
    };
    Ok(Prepared {
        built,
        reviewers,
        digest: crate::campaign::snapshot_digest(snap),
        account: snap.account.id.clone(),
        problems,
    })
}
