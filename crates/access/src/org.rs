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
use std::sync::{Arc, Mutex, OnceLock};

use phiward_snapshot::org::OrgSnapshot;
use phiward_snapshot::{PolicyText, Snapshot};
use serde::Serialize;

pub use crate::org_reach::{entry_closure, reach_foreign, reach_org};
use crate::query::{who_can, Grant, Reach};
use crate::{AccessModel, KnownContext, PrincipalType};

/// How many account snapshots, and how many models, stay in memory at once: memory
/// follows the largest accounts, not the account count.
const CACHED: usize = 6;

/// A few values by key, the least recently used dropped first.
#[derive(Debug)]
struct Recent<T> {
    entries: VecDeque<(String, Arc<T>)>,
}

impl<T> Recent<T> {
    fn get(&mut self, key: &str) -> Option<Arc<T>> {
        let at = self.entries.iter().position(|(k, _)| k == key)?;
        let e = self.entries.remove(at)?;
        let v = e.1.clone();
        self.entries.push_back(e);
        Some(v)
    }

    fn put(&mut self, key: String, v: Arc<T>) {
        if self.entries.len() >= CACHED {
            self.entries.pop_front();
        }
        self.entries.push_back((key, v));
    }
}

impl<T> Default for Recent<T> {
    fn default() -> Self {
        Recent {
            entries: VecDeque::new(),
        }
    }
}

/// The accounts of an organization snapshot, read on demand, with the access models
/// built from them (each account's once while it stays in memory, and each pair of
/// accounts' cross-account model).
#[derive(Debug)]
pub struct OrgAccounts<'o> {
    /// The snapshot.
    pub org: &'o OrgSnapshot,
    known: KnownContext,
    /// The collected accounts' ids, asked for by every cross-account question.
    ids: Vec<String>,
    cache: Mutex<Recent<Snapshot>>,
    models: Mutex<Recent<AccessModel>>,
    /// Bucket name -> the account that lists it, read once on first need.
    buckets: OnceLock<HashMap<String, String>>,
    problems: Mutex<Vec<String>>,
}

impl<'o> OrgAccounts<'o> {
    /// Reads nothing yet.
    pub fn new(org: &'o OrgSnapshot) -> OrgAccounts<'o> {
        OrgAccounts::with_known(org, KnownContext::default())
    }

    /// Reads nothing yet; every question is asked with `known` context keys fixed.
    pub fn with_known(org: &'o OrgSnapshot, known: KnownContext) -> OrgAccounts<'o> {
        OrgAccounts {
            org,
            known,
            ids: org.collected().map(|a| a.id.clone()).collect(),
            cache: Mutex::new(Recent::default()),
            models: Mutex::new(Recent::default()),
            buckets: OnceLock::new(),
            problems: Mutex::new(Vec::new()),
        }
    }

    /// The context keys the questions fix.
    pub fn known(&self) -> &KnownContext {
        &self.known
    }

    /// The collected accounts' ids.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// One account; `None` (and a problem recorded once) when it cannot be read.
    pub fn load(&self, id: &str) -> Option<Arc<Snapshot>> {
        if let Some(s) = self.cache.lock().ok().and_then(|mut c| c.get(id)) {
            return Some(s);
        }
        match self.org.load_account(id) {
            Ok(loaded) => {
                let snap = Arc::new(loaded.snapshot);
                self.problems_extend(
                    loaded
                        .problems
                        .iter()
                        .map(|p| format!("account `{id}`: {p}")),
                );
                if let Ok(mut cache) = self.cache.lock() {
                    cache.put(id.to_string(), snap.clone());
                }
                Some(snap)
            }
            Err(e) => {
                self.problems_extend([format!("account `{id}`: {e}")]);
                None
            }
        }
    }

    /// One account's access model (its principals and resources).
    pub fn model(&self, id: &str) -> Option<Arc<AccessModel>> {
        if let Some(m) = self.models.lock().ok().and_then(|mut c| c.get(id)) {
            return Some(m);
        }
        let snap = self.load(id)?;
        let mut m = AccessModel::new(&snap);
        m.known = self.known.clone();
        let m = Arc::new(m);
        if let Ok(mut cache) = self.models.lock() {
            cache.put(id.to_string(), m.clone());
        }
        Some(m)
    }

    /// The principals of account `from` asking for the resources of account `to`
    /// ([`AccessModel::across`]).
    pub fn across(&self, from: &str, to: &str) -> Option<Arc<AccessModel>> {
        let key = format!("{from}>{to}");
        if let Some(m) = self.models.lock().ok().and_then(|mut c| c.get(&key)) {
            return Some(m);
        }
        let resources = self.model(to)?;
        let principals = self.model(from)?;
        let m = Arc::new(AccessModel::across(&principals, &resources));
        if let Ok(mut cache) = self.models.lock() {
            cache.put(key, m.clone());
        }
        Some(m)
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
            let owners = self.buckets.get_or_init(|| {
                let mut owners = HashMap::new();
                for id in self.ids() {
                    if let Some(bs) = self.load(id).as_ref().and_then(|s| s.buckets.get()) {
                        for b in bs {
                            owners.entry(b.name.clone()).or_insert_with(|| id.clone());
                        }
                    }
                }
                owners
            });
            return owners.get(bucket).cloned();
        }
        account_of(arn).map(str::to_string)
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

/// The accounts of `ids` (other than `owner`) that the policy could grant to: every one
/// when an `Allow` statement's `Principal` holds a wildcard or it has a `NotPrincipal`,
/// else those whose id an `Allow` statement holds. `Deny` statements are left out: they
/// grant nothing, and the `"Principal": "*"` of a bucket's "deny without TLS" statement
/// would otherwise send every account of the organization to be asked.
pub fn named_accounts(policy: Option<&PolicyText>, owner: &str, ids: &[String]) -> Vec<String> {
    let Some(text) = policy else {
        return Vec::new();
    };
    let allows: Option<Vec<serde_json::Value>> =
        serde_json::from_str::<serde_json::Value>(text.as_str())
            .ok()
            .map(|v| {
                let statements = match v.get("Statement") {
                    Some(serde_json::Value::Array(a)) => a.clone(),
                    Some(s) => vec![s.clone()],
                    None => Vec::new(),
                };
                statements
                    .into_iter()
                    .filter(|s| s.get("Effect").and_then(|e| e.as_str()) != Some("Deny"))
                    .collect()
            });
    // A document that does not parse as JSON is asked about everywhere.
    let Some(allows) = allows else {
        return ids
            .iter()
            .filter(|id| id.as_str() != owner)
            .cloned()
            .collect();
    };
    let wildcard = allows.iter().any(|s| {
        s.get("NotPrincipal").is_some()
            || s.get("Principal")
                .is_some_and(|p| p.to_string().contains('*'))
    });
    let texts: Vec<String> = allows.iter().map(|s| s.to_string()).collect();
    ids.iter()
        .filter(|id| {
            id.as_str() != owner && (wildcard || texts.iter().any(|t| t.contains(id.as_str())))
        })
        .cloned()
        .collect()
}

/// The policy of the resource `arn` in `snap`: a bucket's (for its objects too), a key's,
/// a role's trust policy.
pub(crate) fn policy_of<'s>(snap: &'s Snapshot, arn: &str) -> Option<&'s PolicyText> {
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
    pattern: &str,
    actions: &[String],
    resource: &str,
) -> OrgWhoCan {
    who_can_in(accounts, pattern, actions, resource, None)
}

/// [`who_can_org`] for a resource whose account is known (`None`: found by
/// [`OrgAccounts::owner`]).
pub fn who_can_in(
    accounts: &OrgAccounts<'_>,
    pattern: &str,
    actions: &[String],
    resource: &str,
    owner: Option<&str>,
) -> OrgWhoCan {
    let owner = owner
        .map(str::to_string)
        .or_else(|| accounts.owner(resource));
    match owner {
        Some(owner) => who_can_many(accounts, pattern, actions, &owner, &[resource.to_string()])
            .pop()
            .unwrap_or_else(|| answer(pattern, resource)),
        None => {
            let mut out = answer(pattern, resource);
            out.notes.push(format!(
                "no collected account of the organization holds `{resource}`"
            ));
            out
        }
    }
}

fn answer(pattern: &str, resource: &str) -> OrgWhoCan {
    OrgWhoCan {
        action: pattern.to_string(),
        resource: resource.to_string(),
        resource_account: None,
        principals: Vec::new(),
        transitive: Vec::new(),
        notes: Vec::new(),
    }
}

/// [`who_can_in`] for several resources of one account, in order: the account's model is
/// built once, and each other account a resource's policy names is asked once for all
/// the resources that name it.
pub fn who_can_many(
    accounts: &OrgAccounts<'_>,
    pattern: &str,
    actions: &[String],
    owner: &str,
    resources: &[String],
) -> Vec<OrgWhoCan> {
    let mut outs: Vec<OrgWhoCan> = resources
        .iter()
        .map(|r| {
            let mut a = answer(pattern, r);
            a.resource_account = Some(owner.to_string());
            a
        })
        .collect();
    let (Some(home), Some(m)) = (accounts.load(owner), accounts.model(owner)) else {
        for (out, r) in outs.iter_mut().zip(resources) {
            out.notes.push(format!(
                "account `{owner}`, which holds `{r}`, could not be read"
            ));
        }
        return outs;
    };
    let ids = accounts.ids();
    // account -> the resources whose policies could name it
    let mut asked: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, (out, resource)) in outs.iter_mut().zip(resources).enumerate() {
        let local = who_can(&m, pattern, actions, resource);
        out.notes.extend(local.notes);
        let named = named_accounts(policy_of(&home, resource), owner, ids);
        let named_set: HashSet<&str> = named.iter().map(String::as_str).collect();
        // External grants naming an account of the organization are replaced by the
        // decisions of that account's own principals.
        out.principals
            .extend(local.principals.into_iter().filter(|g| {
                !(g.kind == PrincipalType::External
                    && account_of(&g.arn).is_some_and(|a| named_set.contains(a) || a == owner))
            }));
        for id in named {
            match asked.iter_mut().find(|(a, _)| *a == id) {
                Some((_, rs)) => rs.push(i),
                None => asked.push((id, vec![i])),
            }
        }
    }
    drop(m);
    for (id, which) in asked {
        let Some(f) = accounts.across(&id, owner) else {
            for i in which {
                outs[i].notes.push(format!(
                    "account `{id}` could not be read: its principals are not listed"
                ));
            }
            continue;
        };
        for i in which {
            let ans = who_can(&f, pattern, actions, &resources[i]);
            outs[i].principals.extend(
                ans.principals
                    .into_iter()
                    .filter(|g| g.kind != PrincipalType::External),
            );
        }
    }
    let uncollected: Vec<&str> = accounts
        .org
        .tree
        .accounts
        .iter()
        .filter(|a| a.collection.status != phiward_snapshot::org::AccountStatus::Collected)
        .map(|a| a.id.as_str())
        .collect();
    for out in &mut outs {
        if !uncollected.is_empty() {
            out.notes.push(format!(
                "accounts not collected, whose principals are not listed: {}",
                uncollected.join(", ")
            ));
        }
        out.notes.sort();
        out.notes.dedup();
    }
    outs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> Vec<String> {
        ["111111111111", "222222222222", "333333333333"]
            .map(String::from)
            .to_vec()
    }

    fn text(s: &str) -> PolicyText {
        PolicyText::from_source(s)
    }

    /// Regression: a bucket's `Deny` with `"Principal": "*"` (no TLS, outside the network)
    /// sent every account of the organization to be asked, for every PHI bucket.
    #[test]
    fn deny_statements_name_no_account() {
        let p = text(
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"},
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"s3:GetObject","Resource":"*"}]}"#,
        );
        assert_eq!(
            named_accounts(Some(&p), "111111111111", &ids()),
            ["222222222222"]
        );
    }

    #[test]
    fn wildcard_allows_and_not_principal_name_every_other_account() {
        for doc in [
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}"#,
            r#"{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"s3:GetObject","Resource":"*"}]}"#,
            "not json",
        ] {
            assert_eq!(
                named_accounts(Some(&text(doc)), "111111111111", &ids()),
                ["222222222222", "333333333333"],
                "{doc}"
            );
        }
        assert!(named_accounts(None, "111111111111", &ids()).is_empty());
    }
}
