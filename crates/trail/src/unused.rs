//! Granted actions never used: what a principal's policies allow against what its calls
//! needed in the window.
//!
//! "Granted" is read from the policies, not decided request by request: the actions some
//! Allow statement of the identity policies names (`NotAction` by complement), less those
//! an unconditional `Deny` on every resource names, kept only where the permissions
//! boundary and every SCP level also name them. Conditions on Allow statements are not
//! weighed (an action allowed only with MFA is granted), and grants through resource-based
//! policies alone are not counted: the answer is the identity side's excess.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use phiward_access::model::Named;
use phiward_access::{AccessModel, Principal, PrincipalType};
use phiward_catalog::Catalog;
use phiward_policy::{Effect, Policy};
use serde::Serialize;

use crate::usage::{PrincipalUsage, Usage};

/// Sets of catalog actions as bit vectors indexed by [`phiward_catalog::Action::index`].
type Bits = Vec<bool>;

fn mark(catalog: &Catalog, bits: &mut Bits, patterns: &[String], negated: bool) {
    let it = patterns.iter().map(String::as_str);
    let actions = if negated {
        catalog.complement(it)
    } else if patterns.iter().any(|p| p == "*") {
        bits.iter_mut().for_each(|b| *b = true);
        return;
    } else {
        catalog.expand_all(it)
    };
    for a in actions {
        if let Some(b) = bits.get_mut(a.index()) {
            *b = true;
        }
    }
}

/// The actions some Allow statement of a policy names, and those an unconditional Deny
/// on `*` names.
fn allow_deny(catalog: &Catalog, p: &Policy) -> (Bits, Bits) {
    let n = catalog.actions().len();
    let (mut allow, mut deny) = (vec![false; n], vec![false; n]);
    for s in &p.statements {
        match s.effect {
            Effect::Allow => mark(catalog, &mut allow, &s.action.list.items, s.action.negated),
            Effect::Deny => {
                let everywhere = s
                    .resource
                    .as_ref()
                    .is_none_or(|r| !r.negated && r.list.items.iter().any(|x| x == "*"));
                if everywhere && s.conditions.is_empty() {
                    mark(catalog, &mut deny, &s.action.list.items, s.action.negated);
                }
            }
        }
    }
    (allow, deny)
}

/// Reads grants from policies, each policy once (managed policies and SCPs are shared
/// between principals).
#[derive(Debug)]
pub struct Grants<'c> {
    catalog: &'c Catalog,
    cache: HashMap<usize, Rc<(Bits, Bits)>>,
    scp: Option<Bits>,
}

impl<'c> Grants<'c> {
    /// An empty cache over the catalog.
    pub fn new(catalog: &'c Catalog) -> Grants<'c> {
        Grants {
            catalog,
            cache: HashMap::new(),
            scp: None,
        }
    }

    fn of(&mut self, n: &Named) -> Rc<(Bits, Bits)> {
        let key = std::ptr::from_ref(n) as usize;
        let catalog = self.catalog;
        self.cache
            .entry(key)
            .or_insert_with(|| Rc::new(allow_deny(catalog, &n.policy)))
            .clone()
    }

    /// Allowed by some policy of the set and denied by none.
    fn allowed<'n>(&mut self, policies: impl Iterator<Item = &'n Named>) -> Bits {
        let n = self.catalog.actions().len();
        let (mut allow, mut deny) = (vec![false; n], vec![false; n]);
        for p in policies {
            let ad = self.of(p);
            for (a, b) in allow.iter_mut().zip(&ad.0) {
                *a |= *b;
            }
            for (d, b) in deny.iter_mut().zip(&ad.1) {
                *d |= *b;
            }
        }
        for (a, d) in allow.iter_mut().zip(&deny) {
            *a &= !*d;
        }
        allow
    }

    /// The actions `p`'s policies grant (see the module documentation), sorted.
    pub fn granted(&mut self, m: &AccessModel, p: &Principal) -> BTreeSet<String> {
        let set = self.granted_bits(m, p);
        self.catalog
            .actions()
            .filter(|a| set.get(a.index()) == Some(&true))
            .map(|a| a.full_name())
            .collect()
    }

    /// [`Grants::granted`] as one flag per catalog action, by
    /// [`phiward_catalog::Action::index`]: no name is allocated, for callers weighing
    /// many principals (the audit's LP-008).
    pub fn granted_bits(&mut self, m: &AccessModel, p: &Principal) -> Vec<bool> {
        let mut set = self.allowed(p.identity.iter().map(|n| n.as_ref()));
        if let Some(b) = &p.boundary {
            let bound = self.allowed(std::iter::once(b.as_ref()));
            for (a, b) in set.iter_mut().zip(&bound) {
                *a &= *b;
            }
        }
        if !p.service_linked {
            if self.scp.is_none() {
                let n = self.catalog.actions().len();
                let mut all = vec![true; n];
                for level in m.scps.iter().filter(|l| !l.is_empty()) {
                    let allowed = self.allowed(level.iter());
                    for (a, b) in all.iter_mut().zip(&allowed) {
                        *a &= *b;
                    }
                }
                self.scp = Some(all);
            }
            if let Some(scp) = &self.scp {
                for (a, b) in set.iter_mut().zip(scp) {
                    *a &= *b;
                }
            }
        }
        set
    }
}

/// The actions `p`'s policies grant (see the module documentation).
pub fn granted(m: &AccessModel, p: &Principal, catalog: &Catalog) -> BTreeSet<String> {
    Grants::new(catalog).granted(m, p)
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
    let mut grants = Grants::new(catalog);
    let mut out: Vec<PrincipalUnused> = m
        .principals
        .iter()
        .map(|p| {
            let granted = grants.granted(m, p);
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
