//! An organization snapshot: the AWS Organizations tree (root, OUs, accounts), its SCPs and
//! RCPs with their attachments and its delegated administrators in `organization.json`,
//! and one ordinary snapshot folder per account under `accounts/ID/`, described in
//! `docs/organization.md`.
//!
//! Accounts are read one at a time ([`OrgSnapshot::load_account`]), so that a command
//! walking 500 accounts holds one account's model at a time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dates::Timestamp;
use crate::model::org::{OrgParent, OrgPolicy, Organization, OrganizationInfo};
use crate::model::{Source, FORMAT_VERSION};
use crate::{Collected, Collection, Error, Loaded};

/// The tree and the organization's policies.
pub const ORG_FILE: &str = "organization.json";
/// The folder holding one snapshot folder per account.
pub const ACCOUNTS_DIR: &str = "accounts";

/// `organization.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgTree {
    /// The layout version, [`FORMAT_VERSION`] when written by this library.
    pub format_version: u32,
    /// When the tree was read.
    pub created: Timestamp,
    /// Where it came from.
    pub source: Source,
    /// `describe-organization`.
    pub organization: OrganizationInfo,
    /// The roots (one in practice).
    #[serde(default)]
    pub roots: Vec<OrgNode>,
    /// Organizational units, each with its parent.
    #[serde(default)]
    pub units: Vec<OrgNode>,
    /// Every account, each with its parent and what its collection gave.
    #[serde(default)]
    pub accounts: Vec<OrgAccount>,
    /// Service control policies, with their targets.
    #[serde(default)]
    pub scps: Collected<Vec<OrgPolicy>>,
    /// Resource control policies, with their targets.
    #[serde(default)]
    pub rcps: Collected<Vec<OrgPolicy>>,
    /// Member accounts registered as delegated administrators, with their services.
    #[serde(default)]
    pub delegated_administrators: Collected<Vec<DelegatedAdministrator>>,
    /// The calls made to read the tree (`collection.json` beside it).
    #[serde(skip)]
    pub collection: Collection,
}

/// A root or an organizational unit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrgNode {
    /// `r-...` or `ou-...`.
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// The parent's id; `None` for a root.
    #[serde(default)]
    pub parent_id: Option<String>,
}

/// An account of the organization.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrgAccount {
    /// The 12-digit id.
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Its root user's email.
    #[serde(default)]
    pub email: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.
    #[serde(default)]
    pub status: String,
    /// The root or OU it sits in.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// What collecting it gave.
    #[serde(default)]
    pub collection: AccountCollection,
}

/// Whether an account's folder holds a snapshot, and if not, why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountCollection {
    /// The outcome.
    pub status: AccountStatus,
    /// Why it was not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When it was collected (for `--max-age`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<Timestamp>,
}

/// The outcome of collecting one account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// `accounts/ID/` holds its snapshot.
    Collected,
    /// Assuming the role or collecting failed; `error` says why.
    Failed,
    /// Not attempted: suspended, or outside `--accounts`/`--ou`.
    #[default]
    Skipped,
}

/// A delegated administrator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DelegatedAdministrator {
    /// The account.
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// The service principals it administers.
    #[serde(default)]
    pub services: Collected<Vec<String>>,
}

impl OrgTree {
    /// An empty tree of the current format.
    pub fn new(source: Source, created: Timestamp, organization: OrganizationInfo) -> OrgTree {
        OrgTree {
            format_version: FORMAT_VERSION,
            created,
            source,
            organization,
            roots: Vec::new(),
            units: Vec::new(),
            accounts: Vec::new(),
            scps: Collected::default(),
            rcps: Collected::default(),
            delegated_administrators: Collected::default(),
            collection: Collection::default(),
        }
    }

    /// The account with this id.
    pub fn account(&self, id: &str) -> Option<&OrgAccount> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// The management account's id.
    pub fn management_account(&self) -> Option<&str> {
        self.organization.master_account_id.as_deref()
    }

    /// The parents of a root, OU or account, nearest first, ending at the root. A parent
    /// the tree does not hold ends the path there.
    pub fn path_of(&self, id: &str) -> Vec<OrgParent> {
        let nodes: HashMap<&str, (&OrgNode, &str)> = self
            .roots
            .iter()
            .map(|r| (r.id.as_str(), (r, "ROOT")))
            .chain(
                self.units
                    .iter()
                    .map(|u| (u.id.as_str(), (u, "ORGANIZATIONAL_UNIT"))),
            )
            .collect();
        let mut next = match self.account(id) {
            Some(a) => a.parent_id.clone(),
            None => nodes.get(id).and_then(|(n, _)| n.parent_id.clone()),
        };
        let mut path = Vec::new();
        // A cycle in a hand-written tree must not loop: a path is at most every node.
        while let Some(pid) = next.take() {
            let Some((node, kind)) = nodes.get(pid.as_str()) else {
                break;
            };
            if path.len() >= nodes.len() {
                break;
            }
            path.push(OrgParent {
                id: pid.clone(),
                parent_type: (*kind).to_string(),
            });
            next = node.parent_id.clone();
        }
        path
    }

    /// The organization as one of its accounts sees it: the tree's SCPs and RCPs with
    /// their targets and the account's path, which the access model evaluates level by
    /// level.
    pub fn organization_for(&self, account: &str) -> Organization {
        Organization {
            organization: self.organization.clone(),
            ou_path: Collected::Known(self.path_of(account)),
            scps: self.scps.clone(),
            rcps: self.rcps.clone(),
        }
    }

    /// The name of a root, OU or account.
    pub fn name_of(&self, id: &str) -> Option<&str> {
        self.roots
            .iter()
            .chain(&self.units)
            .find(|n| n.id == id)
            .map(|n| n.name.as_str())
            .or_else(|| self.account(id).map(|a| a.name.as_str()))
    }
}

/// An organization snapshot folder.
#[derive(Clone, Debug)]
pub struct OrgSnapshot {
    /// The folder.
    pub dir: PathBuf,
    /// `organization.json`.
    pub tree: OrgTree,
}

/// Whether `dir` holds an organization snapshot.
pub fn is_org(dir: &Path) -> bool {
    dir.join(ORG_FILE).is_file()
}

impl OrgSnapshot {
    /// Reads `organization.json` (and `collection.json` beside it, when there).
    pub fn read(dir: &Path) -> Result<OrgSnapshot, Error> {
        let (mut tree, collection): (OrgTree, _) = crate::layout::read_versioned(dir, ORG_FILE)?;
        if let Some(c) = collection {
            tree.collection = c;
        }
        Ok(OrgSnapshot {
            dir: dir.to_path_buf(),
            tree,
        })
    }

    /// The folder of one account.
    pub fn account_dir(&self, id: &str) -> PathBuf {
        self.dir.join(ACCOUNTS_DIR).join(id)
    }

    /// The accounts whose folder holds a snapshot, in the tree's order.
    pub fn collected(&self) -> impl Iterator<Item = &OrgAccount> {
        self.tree
            .accounts
            .iter()
            .filter(|a| a.collection.status == AccountStatus::Collected)
    }

    /// Reads one account. Its `organization` is the tree's as the account sees it (the
    /// member account's own view of Organizations is usually denied), so that SCPs and
    /// RCPs apply level by level along its path.
    pub fn load_account(&self, id: &str) -> Result<Loaded, Error> {
        let mut loaded = crate::load(&self.account_dir(id))?;
        if self.tree.scps.is_collected() || self.tree.rcps.is_collected() {
            loaded.snapshot.organization = Collected::Known(Some(self.tree.organization_for(id)));
        }
        if loaded.snapshot.account.id.is_none() {
            loaded.snapshot.account.id = Some(id.to_string());
        }
        Ok(loaded)
    }

    /// Writes `organization.json` and `collection.json` into `dir` (created when
    /// missing); account folders are written by [`crate::write_snapshot`].
    pub fn write_tree(tree: &OrgTree, dir: &Path) -> Result<(), Error> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.to_path_buf(),
            source,
        })?;
        crate::layout::write_json(&dir.join(ORG_FILE), tree)?;
        crate::layout::write_collection(dir, &tree.collection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> OrgTree {
        let mut t = OrgTree::new(
            Source::default(),
            chrono::DateTime::from_timestamp(0, 0).unwrap_or_default(),
            OrganizationInfo {
                id: "o-1".into(),
                master_account_id: Some("111111111111".into()),
                ..Default::default()
            },
        );
        t.roots.push(OrgNode {
            id: "r-1".into(),
            name: "Root".into(),
            parent_id: None,
        });
        t.units.push(OrgNode {
            id: "ou-a".into(),
            name: "Workloads".into(),
            parent_id: Some("r-1".into()),
        });
        t.units.push(OrgNode {
            id: "ou-b".into(),
            name: "PHI".into(),
            parent_id: Some("ou-a".into()),
        });
        t.accounts.push(OrgAccount {
            id: "222222222222".into(),
            parent_id: Some("ou-b".into()),
            ..Default::default()
        });
        t
    }

    #[test]
    fn path_nearest_first() {
        let ids: Vec<String> = tree()
            .path_of("222222222222")
            .into_iter()
            .map(|p| format!("{}:{}", p.id, p.parent_type))
            .collect();
        assert_eq!(
            ids,
            [
                "ou-b:ORGANIZATIONAL_UNIT",
                "ou-a:ORGANIZATIONAL_UNIT",
                "r-1:ROOT"
            ]
        );
    }

    #[test]
    fn cycle_ends() {
        let mut t = tree();
        t.units[0].parent_id = Some("ou-b".into());
        assert!(t.path_of("222222222222").len() <= 3);
    }
}
