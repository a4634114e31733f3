//! Granted actions never used: what a principal's policies allow against what its calls
//! needed in the window.
//!
//! "Granted" is read from the policies, not decided request by request: the actions some
//! Allow statement of the identity policies names (`NotAction` by complement), less those
//! an unconditional `Deny` on every resource names, kept only where the permissions
//! boundary and every SCP level also name them. Conditions on Allow statements are not
//! weighed (an action allowed only with MFA is granted), and grants through resource-based
//! policies alone are not counted: the answer is the identity side's excess.

use std::collections::{BTreeMap, BTreeSet};

use phiward_access::model::Named;
use phiward_access::{AccessModel, Principal, PrincipalType};
use phiward_catalog::Catalog;
use phiward_policy::{Effect, Policy};
use serde::Serialize;

use crate::usage::{PrincipalUsage, Usage};

fn names<'c>(
    catalog: &'c Catalog,
    patterns: &[String],
    negated: bool,
) -> Vec<phiward_catalog::Action<'c>> {
    let it = patterns.iter().map(String::as_str);
    if negated {
        catalog.complement(it)
    } else {
        catalog.expand_all(it)
    }
}

/// The actions some Allow statement of `policies` names, less those an unconditional
/// Deny on `*` names.
fn allowed_by(catalog: &Catalog, policies: &[&Policy]) -> BTreeSet<String> {
    let mut allowed = BTreeSet::new();
    let mut denied = BTreeSet::new();
    for p in policies {
        for s in &p.statements {
            match s.effect {
                Effect::Allow => {
                    for a in names(catalog, &s.action.list.items, s.action.negated) {
                        allowed.insert(a.full_name());
                    }
                }
                Effect::Deny => {
                    let everywhere = s
                        .resource
                        .as_ref()
                        .is_none_or(|r| !r.negated && r.list.items.iter().any(|x| x == "*"));
                    if everywhere && s.conditions.is_empty() {
                        for a in names(catalog, &s.action.list.items, s.action.negated) {
                            denied.insert(a.full_name());
                        }
                    }
                }
            }
        }
    }
    allowed.retain(|a| !denied.contains(a));
    allowed
}

/// The actions `p`'s identity policies grant (see the module documentation).
pub fn granted(m: &AccessModel, p: &Principal, catalog: &Catalog) -> BTreeSet<String> {
    let identity: Vec<&Policy> = p.identity.iter().map(|n| &n.policy).collect();
    let mut set = allowed_by(catalog, &identity);
    if let Some(b) = &p.boundary {
        let bound = allowed_by(catalog, &[&b.policy]);
        set.retain(|a| bound.contains(a));
    }
    if !p.service_linked {
        for level in m.scps.iter().filter(|l| !l.is_empty()) {
            let scp: Vec<&Policy> = level.iter().map(|n: &Named| &n.policy).collect();
            let allowed = allowed_by(catalog, &scp);
            set.retain(|a| allowed.contains(a));
        }
    }
    set
}

/// Actions of one service, by access level.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ServiceActions {
    /// The service prefix.
    pub service: String,
    /// Access level (`Read`, `Write`, ...) to actions.
    pub levels: BTreeMap<String, Vec<String>>,
}

/// Groups `service:Action` names by service and access level.
pub fn group(catalog: &Catalog, actions: &BTreeSet<String>) -> Vec<ServiceActions> {
    let mut by: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for a in actions {
        let (service, _) = a.split_once(':').unwrap_or((a, ""));
        let level = catalog
            .action(a)
            .map_or("Unknown", |x| x.access_level().as_str());
        by.entry(service.to_string())
            .or_default()
            .entry(level.to_string())
            .or_default()
            .push(a.clone());
    }
    by.into_iter()
        .map(|(service, levels)| ServiceActions { service, levels })
        .collect()
}

/// One principal's unused access.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrincipalUnused {
    /// The user's or role's ARN.
    pub principal: String,
    /// User or role.
    pub kind: PrincipalType,
    /// Actions granted.
    pub granted: usize,
    /// Granted actions used in the window.
    pub used: usize,
    /// Last call in the window, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// Granted actions never used, by service and level.
    pub unused: Vec<ServiceActions>,
    /// How many those are.
    pub unused_count: usize,
}

/// The actions a principal used successfully at least once.
pub fn used_actions(u: Option<&PrincipalUsage>) -> BTreeSet<String> {
    u.map(|u| {
        u.actions
            .iter()
            .filter(|a| a.count > a.denied)
            .map(|a| a.action.clone())
            .collect()
    })
    .unwrap_or_default()
}

/// Finds the usage of a principal of the model: by ARN, else by name (CloudTrail may
/// record a role without its path).
pub fn usage_of<'u>(usage: &'u Usage, p: &Principal) -> Option<&'u PrincipalUsage> {
    usage.principal(&p.arn).or_else(|| {
        let account = p.arn.split(':').nth(4).unwrap_or("");
        usage.principals.iter().find(|u| {
            u.principal.split(':').nth(4) == Some(account)
                && u.principal.rsplit('/').next() == Some(p.name.as_str())
                && u.principal.contains(match p.kind {
                    PrincipalType::User => ":user/",
                    _ => ":role/",
                })
        })
    })
}

/// Unused access of every user and role of the model, most unused first.
pub fn unused(m: &AccessModel, usage: &Usage, catalog: &Catalog) -> Vec<PrincipalUnused> {
    let mut out: Vec<PrincipalUnused> = m
        .principals
        .iter()
        .map(|p| {
            let granted = granted(m, p, catalog);
            let u = usage_of(usage, p);
            let used = used_actions(u);
            let never: BTreeSet<String> = granted.difference(&used).cloned().collect();
            PrincipalUnused {
                principal: p.arn.clone(),
                kind: p.kind,
                granted: granted.len(),
                used: granted.len() - never.len(),
                last_seen: u.map(|u| u.last_seen.clone()),
                unused_count: never.len(),
                unused: group(catalog, &never),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.unused_count
            .cmp(&a.unused_count)
            .then(a.principal.cmp(&b.principal))
    });
    out
}
