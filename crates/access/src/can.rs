//! `can`: what a principal can do, each of some actions on each of some resources.
//!
//! Asked about thousands of actions (every Write action of the catalog, for LP-012), the
//! actions every policy of the principal names alike are decided once per resource
//! ([`ActionIndex::classes`]), and a resource neither one of the principal's Allow
//! statements nor the resource's own policy could name is not asked: within the account
//! nothing else can grant (AWS: IAM User Guide, "Policy evaluation logic").

use std::sync::Arc;

use phiward_policy::Effect;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::actions::ActionIndex;
use crate::bits::Bits;
use crate::model::{AccessModel, Principal, Resource};
use crate::query::{
    decide, request_for, set_for_actions, with_resource, Can, Capability, Decided, Reach,
};

/// Actions decided alike on one resource: what [`can_grouped`] gives.
#[derive(Clone, Debug)]
pub struct Decisions {
    /// The resource (index into the resources asked about).
    pub resource: usize,
    /// The actions (indices into the actions asked about), in order.
    pub actions: Vec<usize>,
    /// The decision they share (its conditions are kept only when conditional).
    pub decided: Decided,
}

/// [`can`] without a capability per action: the decisions, each with the actions and
/// resource it holds for. The same pairs as [`can`], each pair once (duplicate actions
/// or resources asked about count once, at their first place).
pub fn can_grouped(
    m: &AccessModel,
    p: &Principal,
    actions: &[String],
    resources: &[String],
) -> Vec<Decisions> {
    let only: Vec<&str> = actions.iter().map(String::as_str).collect();
    let index = m
        .cuts
        .of(&only)
        .index()
        .cloned()
        .unwrap_or_else(|| Arc::new(ActionIndex::new(&only)));
    let mut set = set_for_actions(m, Some(p), None, Some(&only));
    // Within the account a request is allowed only by an Allow in an identity-based or
    // resource-based policy: an action no identity statement allows is asked only where
    // a resource policy may grant it.
    let mut named = Bits::empty(index.len());
    let identity = set.identity.clone();
    let allows: Vec<&phiward_policy::Statement> = identity
        .iter()
        .flat_map(|x| x.statements.iter())
        .filter(|s| s.effect == Effect::Allow)
        .collect();
    for s in &allows {
        named.union(&index.named_by(&s.action));
    }
    let mut first_action: FxHashSet<&str> = FxHashSet::default();
    let unique: Vec<bool> = only.iter().map(|a| first_action.insert(a)).collect();
    let mut first_resource: FxHashSet<&str> = FxHashSet::default();
    let mut out: Vec<Decisions> = Vec::new();
    for (ri, resource) in resources.iter().enumerate() {
        if !first_resource.insert(resource) {
            continue;
        }
        let governing: Vec<Option<&Resource>> = actions
            .iter()
            .map(|a| m.resource_for_action(resource, a))
            .collect();
        let parsed = phiward_policy::document::ParsedResource::new(resource);
        let identity_may = allows.iter().any(|s| {
            s.resource
                .as_ref()
                .is_none_or(|r| r.may_apply_to_parsed(&parsed))
        });
        let unnamed = !identity_may
            && !governing
                .iter()
                .flatten()
                .filter_map(|r| r.policy.as_ref())
                .any(|n| may_name(&n.policy, p));
        // The distinct resource policies governing the actions, each a key of its own.
        let mut distinct: Vec<&Resource> = Vec::new();
        let apart: Vec<usize> = governing
            .iter()
            .map(|g| match g {
                None => 0,
                Some(r) => match distinct.iter().position(|d| std::ptr::eq(*d, *r)) {
                    Some(k) => k + 1,
                    None => {
                        distinct.push(r);
                        distinct.len()
                    }
                },
            })
            .collect();
        let policies = set
            .identity
            .iter()
            .chain(&set.boundary)
            .chain(set.scps.iter().flatten())
            .chain(set.rcps.iter().flatten())
            .map(|x| &**x)
            .chain(
                distinct
                    .iter()
                    .filter_map(|r| r.policy.as_ref())
                    .map(|n| &*n.policy),
            );
        let classes = index.classes(policies, resource != "*", |k| {
            apart.get(k).copied().unwrap_or(0)
        });
        // Per class: the group its allowed actions go to, or `None` when denied.
        let mut decided: FxHashMap<u32, Option<usize>> = FxHashMap::default();
        for (k, a) in actions.iter().enumerate() {
            let gov = governing.get(k).copied().flatten();
            if !unique.get(k).copied().unwrap_or(false)
                || !named.has(k) && gov.and_then(|r| r.policy.as_ref()).is_none()
                || unnamed && !index.needs_no_permission(k)
            {
                continue;
            }
            let class = classes.get(k).copied().unwrap_or(u32::MAX);
            let group = match decided.get(&class) {
                Some(g) => *g,
                None => {
                    with_resource(&mut set, gov);
                    let d = request_for(m, p, a, resource, &[]).and_then(|req| decide(&set, &req));
                    let g = d.map(|mut d| {
                        if d.reach != Reach::Conditional {
                            d.conditions.clear();
                        }
                        out.push(Decisions {
                            resource: ri,
                            actions: Vec::new(),
                            decided: d,
                        });
                        out.len() - 1
                    });
                    decided.insert(class, g);
                    g
                }
            };
            if let Some(d) = group.and_then(|g| out.get_mut(g)) {
                d.actions.push(k);
            }
        }
    }
    out
}

/// What `principal` can do: each of `actions` on each of `resources`, one capability
/// per allowed pair, by resource then action, in the order asked.
pub fn can(m: &AccessModel, p: &Principal, actions: &[String], resources: &[String]) -> Can {
    let groups = can_grouped(m, p, actions, resources);
    let mut pairs: Vec<(usize, usize, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(g, d)| d.actions.iter().map(move |&k| (d.resource, k, g)))
        .collect();
    pairs.sort_unstable();
    let capabilities = pairs
        .into_iter()
        .filter_map(|(r, k, g)| {
            let d = &groups.get(g)?.decided;
            Some(Capability {
                action: actions.get(k)?.clone(),
                resource: resources.get(r)?.clone(),
                access: d.reach,
                conditions: d.conditions.clone(),
                via: d.via.clone(),
            })
        })
        .collect();
    Can {
        principal: p.arn.clone(),
        capabilities,
        notes: m.notes.clone(),
    }
}

/// Whether an Allow statement of a resource policy could name principal `p` of the
/// account as the caller (its ARN, a session of the role, everyone, or a pattern): the
/// only way a resource policy grants within the account on its own (AWS: IAM User Guide,
/// "Policy evaluation logic"). Conservative: `true` where it cannot be told cheaply.
fn may_name(policy: &phiward_policy::Policy, p: &Principal) -> bool {
    use phiward_policy::document::{PrincipalId, PrincipalSpec};
    let name = p.name.to_lowercase();
    policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .any(|s| match s.principal.as_ref() {
            None => true,
            Some(pr) if pr.negated => true,
            Some(pr) => match &pr.spec {
                PrincipalSpec::Wildcard => true,
                PrincipalSpec::Map(entries) => {
                    entries.iter().flat_map(|e| &e.ids).any(|id| match id {
                        PrincipalId::Everyone | PrincipalId::CanonicalUser(_) => true,
                        PrincipalId::Account(_)
                        | PrincipalId::Service(_)
                        | PrincipalId::Federated(_) => false,
                        PrincipalId::Arn(arn) => {
                            let lower = arn.to_lowercase();
                            lower.contains(['*', '?'])
                                || lower.split(['/', ':']).any(|part| part == name)
                        }
                    })
                }
            },
        })
}
