//! An organization as one model: who in any account can reach a resource of any account,
//! directly or through roles assumed across accounts.
//!
//! Accounts are read on demand ([`OrgAccounts`], a few kept in memory), and a request
//! from one account to another's resource is decided by [`AccessModel::foreign`]: the
//! principal's identity policies, boundary and SCPs (its account's path) with the
//! resource's policy and RCPs (the resource account's path). Another account is asked
//! only when the resource's policy could name it: its id, or a wildcard principal.
//! Across accounts the resource-based policy must allow too (IAM User Guide,
//! "Cross-account policy evaluation logic"), so an account it cannot name is never
//! granted.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use phiward_snapshot::org::OrgSnapshot;
use phiward_snapshot::{PolicyText, Snapshot};
use serde::Serialize;

use crate::query::{who_can, Grant, Reach};
use crate::{AccessModel, KnownContext, PrincipalType};

/// How many account snapshots stay in memory at once.
const CACHED: usize = 6;

/// The accounts of an organization snapshot, read on demand.
#[derive(Debug)]
pub struct OrgAccounts<'o> {
    /// The snapshot.
    pub org: &'o OrgSnapshot,
    cache: Mutex<VecDeque<(String, Arc<Snapshot>)>>,
    problems: Mutex<Vec<String>>,
}

impl<'o> OrgAccounts<'o> {
    /// Reads nothing yet.
    pub fn new(org: &'o OrgSnapshot) -> OrgAccounts<'o> {
        OrgAccounts {
            org,
            cache: Mutex::new(VecDeque::new()),
            problems: Mutex::new(Vec::new()),
        }
    }

    /// The collected accounts' ids.
    pub fn ids(&self) -> Vec<String> {
        self.org.collected().map(|a| a.id.clone()).collect()
    }

    /// One account; `None` (and a problem recorded once) when it cannot be read.
    pub fn load(&self, id: &str) -> Option<Arc<Snapshot>> {
        if let Ok(cache) = self.cache.lock() {
            if let Some((_, s)) = cache.iter().find(|(i, _)| i == id) {
                return Some(s.clone());
            }
        }
        match self.org.load_account(id) {
            Ok(loaded) => {
                let snap = Arc::new(loaded.snapshot);
                self.problems_extend(loaded.problems.iter().map(|p| p.to_string()));
                if let Ok(mut cache) = self.cache.lock() {
                    if cache.len() >= CACHED {
                        cache.pop_front();
                    }
                    cache.push_back((id.to_string(), snap.clone()));
                }
                Some(snap)
            }
            Err(e) => {
                self.problems_extend([format!("account `{id}`: {e}")]);
                None
            }
        }
    }

    fn problems_extend(&self, more: impl IntoIterator<Item = String>) {
        if let Ok(mut p) = self.problems.lock() {
            for m in more {
                if !p.contains(&m) {
                    p.push(m);
                }
            }
        }
    }

    /// Files or accounts that could not be read so far.
    pub fn problems(&self) -> Vec<String> {
        self.problems.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// The account that owns `arn`: the ARN's account field, or for an S3 bucket or
    /// object the account whose snapshot lists the bucket.
    pub fn owner(&self, arn: &str) -> Option<String> {
        if let Some(rest) = arn.strip_prefix("arn:aws:s3:::") {
            let bucket = rest.split('/').next()?;
            return self.ids().into_iter().find(|id| {
                self.load(id).is_some_and(|s| {
                    s.buckets
                        .get()
                        .is_some_and(|bs| bs.iter().any(|b| b.name == bucket))
                })
            });
        }
        arn.split(':')
            .nth(4)
            .filter(|a| a.len() == 12)
            .map(str::to_string)
    }
}

/// The answer to an organization-wide `who-can`.
#[derive(Clone, Debug, Serialize)]
pub struct OrgWhoCan {
    /// The action or pattern.
    pub action: String,
    /// The resource.
    pub resource: String,
    /// The account that owns it, when found.
    pub resource_account: Option<String>,
    /// Principals of every account that can (their ARNs name their account), and
    /// external principals outside the organization the resource's policy admits.
    pub principals: Vec<Grant>,
    /// Principals that reach one of them by assuming roles, each with its path.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transitive: Vec<OrgPath>,
    /// What the answer cannot account for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A principal that reaches the resource through roles, hop by hop.
#[derive(Clone, Debug, Serialize)]
pub struct OrgPath {
    /// Where it starts.
    pub from: String,
    /// `allowed` when every hop and the last grant are, else `conditional`.
    pub access: Reach,
    /// The hops, in order: each `sts:AssumeRole` from one principal to a role, with the
    /// statements that allow it; the last role is one of [`OrgWhoCan::principals`].
    pub steps: Vec<Grant>,
}

impl OrgPath {
    /// Whether some hop goes from one account to another.
    pub fn crosses_accounts(&self) -> bool {
        let mut accounts = std::iter::once(self.from.as_str())
            .chain(self.steps.iter().map(|s| s.arn.as_str()))
            .filter_map(account_of);
        let first = accounts.next();
        accounts.any(|a| Some(a) != first)
    }
}

/// The account field of an IAM ARN.
pub fn account_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| a.len() == 12)
}

/// The accounts of `ids` (other than `owner`) that the policy could name: every one when
/// a `Principal` or `NotPrincipal` holds a wildcard, else those whose id it holds.
pub fn named_accounts(policy: Option<&PolicyText>, owner: &str, ids: &[String]) -> Vec<String> {
    let Some(text) = policy else {
        return Vec::new();
    };
    let wildcard = serde_json::from_str::<serde_json::Value>(text.as_str())
        .map(|v| {
            let statements = match v.get("Statement") {
                Some(serde_json::Value::Array(a)) => a.clone(),
                Some(s) => vec![s.clone()],
                None => Vec::new(),
            };
            statements.iter().any(|s| {
                s.get("NotPrincipal").is_some()
                    || s.get("Principal")
                        .is_some_and(|p| p.to_string().contains('*'))
            })
        })
        // A document that does not parse as JSON is asked about everywhere.
        .unwrap_or(true);
    ids.iter()
        .filter(|id| id.as_str() != owner && (wildcard || text.as_str().contains(id.as_str())))
        .cloned()
        .collect()
}

/// The policy of the resource `arn` in `snap`: a bucket's (for its objects too), a key's,
/// a role's trust policy.
fn policy_of<'s>(snap: &'s Snapshot, arn: &str) -> Option<&'s PolicyText> {
    if let Some(rest) = arn.strip_prefix("arn:aws:s3:::") {
        let bucket = rest.split('/').next()?;
        return snap
            .buckets
            .get()?
            .iter()
            .find(|b| b.name == bucket)?
            .policy
            .get()?
            .as_ref();
    }
    if arn.contains(":role/") {
        let name = arn.rsplit('/').next()?;
        return snap
            .iam
            .get()?
            .roles
            .iter()
            .find(|r| r.arn == arn || r.role_name == name)?
            .assume_role_policy_document
            .as_ref();
    }
    snap.kms_keys
        .get()?
        .iter()
        .find(|k| k.key_arn.as_deref() == Some(arn))?
        .policy
        .get()
}

/// Who in any account of the organization can perform one of `actions` on `resource`.
pub fn who_can_org(
    accounts: &OrgAccounts<'_>,
    known: &KnownContext,
    pattern: &str,
    actions: &[String],
    resource: &str,
) -> OrgWhoCan {
    who_can_in(accounts, known, pattern, actions, resource, None)
}

/// [`who_can_org`] for a resource whose account is known (`None`: found by
/// [`OrgAccounts::owner`]).
pub fn who_can_in(
    accounts: &OrgAccounts<'_>,
    known: &KnownContext,
    pattern: &str,
    actions: &[String],
    resource: &str,
    owner: Option<&str>,
) -> OrgWhoCan {
    let mut out = OrgWhoCan {
        action: pattern.to_string(),
        resource: resource.to_string(),
        resource_account: None,
        principals: Vec::new(),
        transitive: Vec::new(),
        notes: Vec::new(),
    };
    let Some(owner) = owner
        .map(str::to_string)
        .or_else(|| accounts.owner(resource))
    else {
        out.notes.push(format!(
            "no collected account of the organization holds `{resource}`"
        ));
        return out;
    };
    out.resource_account = Some(owner.clone());
    let Some(home) = accounts.load(&owner) else {
        out.notes.push(format!(
            "account `{owner}`, which holds `{resource}`, could not be read"
        ));
        return out;
    };
    let mut m = AccessModel::new(&home);
    m.known = known.clone();
    let local = who_can(&m, pattern, actions, resource);
    out.notes.extend(local.notes);
    let ids = accounts.ids();
    let asked = named_accounts(policy_of(&home, resource), &owner, &ids);
    let asked_set: HashSet<&str> = asked.iter().map(String::as_str).collect();
    // External grants naming an account of the organization are replaced by the
    // decisions of that account's own principals.
    for g in local.principals {
        let in_org = g.kind == PrincipalType::External
            && account_of(&g.arn).is_some_and(|a| asked_set.contains(a) || a == owner);
        if !in_org {
            out.principals.push(g);
        }
    }
    for id in &asked {
        let Some(snap) = accounts.load(id) else {
            out.notes.push(format!(
                "account `{id}` could not be read: its principals are not listed"
            ));
            continue;
        };
        let mut f = AccessModel::foreign(&snap, &home);
        f.known = known.clone();
        let ans = who_can(&f, pattern, actions, resource);
        out.principals.extend(
            ans.principals
                .into_iter()
                .filter(|g| g.kind != PrincipalType::External),
        );
    }
    let uncollected: Vec<&str> = accounts
        .org
        .tree
        .accounts
        .iter()
        .filter(|a| a.collection.status != phiward_snapshot::org::AccountStatus::Collected)
        .map(|a| a.id.as_str())
        .collect();
    if !uncollected.is_empty() {
        out.notes.push(format!(
            "accounts not collected, whose principals are not listed: {}",
            uncollected.join(", ")
        ));
    }
    out.notes.sort();
    out.notes.dedup();
    out
}

/// [`who_can_org`], with the principals that reach one of its roles by assuming roles
/// (up to `max_hops` hops), each with its shortest path.
pub fn reach_org(
    accounts: &OrgAccounts<'_>,
    known: &KnownContext,
    pattern: &str,
    actions: &[String],
    resource: &str,
    owner: Option<&str>,
    max_hops: usize,
) -> OrgWhoCan {
    let mut out = who_can_in(accounts, known, pattern, actions, resource, owner);
    let mut seen: HashSet<String> = out.principals.iter().map(|g| g.arn.clone()).collect();
    // principal -> (the grant of its hop, the role it assumes)
    let mut hop: HashMap<String, Grant> = HashMap::new();
    let mut frontier: Vec<String> = out
        .principals
        .iter()
        .filter(|g| g.kind == PrincipalType::Role)
        .map(|g| g.arn.clone())
        .collect();
    let assume = ["sts:AssumeRole".to_string()];
    let mut order: Vec<String> = Vec::new();
    for _ in 0..max_hops {
        let mut next = Vec::new();
        for role in &frontier {
            let ans = who_can_org(accounts, known, "sts:AssumeRole", &assume, role);
            for mut g in ans.principals {
                if g.kind == PrincipalType::External || seen.contains(&g.arn) {
                    continue;
                }
                seen.insert(g.arn.clone());
                let from = std::mem::replace(&mut g.arn, role.clone());
                if g.kind == PrincipalType::Role {
                    next.push(from.clone());
                }
                g.kind = PrincipalType::Role;
                order.push(from.clone());
                hop.insert(from, g);
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    let direct: HashMap<&str, Reach> = out
        .principals
        .iter()
        .map(|g| (g.arn.as_str(), g.access))
        .collect();
    for from in order {
        let mut steps = Vec::new();
        let mut at = from.clone();
        while let Some(g) = hop.get(&at) {
            steps.push(g.clone());
            at = g.arn.clone();
            if direct.contains_key(at.as_str()) || steps.len() > max_hops {
                break;
            }
        }
        let last = direct
            .get(at.as_str())
            .copied()
            .unwrap_or(Reach::Conditional);
        let access = if last == Reach::Allowed && steps.iter().all(|s| s.access == Reach::Allowed) {
            Reach::Allowed
        } else {
            Reach::Conditional
        };
        out.transitive.push(OrgPath {
            from,
            access,
            steps,
        });
    }
    out
}
