//! Some actions on many resources for every principal of a model: the engine's answer
//! for each pair that can be allowed, deciding as few pairs as is exact.
//!
//! Two cuts, both exact. A pair is asked only when one of the principal's identity Allow
//! statements could name the resource, or the resource's own policy names the principal
//! (see [`crate::callers`]): within the account nothing else can grant. And resources
//! whose policies are the same but for their own ARN (every PHI bucket of a team has the
//! same TLS and network denies) get one decision per principal: a principal the policy
//! does not name sees only the statements that do not name anyone, and when those, the
//! region and the principal's statements that could name the resource are the same, so
//! is the decision (AWS: IAM User Guide, "Policy evaluation logic": a decision is a
//! function of the request context and the policies). The shared answer is then told
//! about its own resource: the resource policy's name, and its ARN in condition values.

use std::collections::HashMap;
use std::sync::Arc;

use phiward_policy::{Effect, PolicySet, Statement};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::bits::{signature, Sig};
use crate::callers::{callers, Callers, Index};
use crate::model::{AccessModel, Resource};
use crate::query::{
    decide, finish, merge, request_for, set_for_actions, with_resource, Decided, Grant, Reach,
};
use crate::targets::{Bits, Targets};

/// For one principal and one resource: each action (by index) it can perform, decided.
pub(crate) type Answers = Vec<(usize, Decided)>;

/// Whether an Allow statement names only principals given by ARN, service or provider:
/// for a principal of the account it does not name, it never applies.
fn names_only_others(st: &Statement) -> bool {
    use phiward_policy::document::{PrincipalId, PrincipalSpec};
    st.effect == Effect::Allow
        && st.principal.as_ref().is_some_and(|p| {
            !p.negated
                && matches!(&p.spec, PrincipalSpec::Map(entries) if entries.iter().flat_map(|e| &e.ids).all(|id| matches!(id, PrincipalId::Arn(_) | PrincipalId::Service(_) | PrincipalId::Federated(_))))
        })
}

/// `text` with `arn` replaced where it stands for the resource itself (followed by a
/// quote or a slash).
fn placeholder(text: &str, arn: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(arn) {
        let after = rest.get(at + arn.len()..).unwrap_or("");
        out.push_str(rest.get(..at).unwrap_or(""));
        if after.starts_with(['"', '/']) {
            out.push_str("\u{0}RESOURCE\u{0}");
        } else {
            out.push_str(arn);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The shape of a resource for principals its policy does not name: equal shapes give
/// equal decisions, up to the resource's own ARN. `None` when it cannot be told.
fn shape(m: &AccessModel, resource: &str, actions: &[&str]) -> Option<String> {
    let res: Option<&Resource> = m.resource_for(resource);
    // The policy governing the actions (a role's trust policy governs `sts:` actions
    // only): the same for all of them, or none.
    let governing = m
        .resource_for_action(resource, actions.first()?)
        .map(|r| r as *const Resource);
    if actions.iter().any(|a| {
        m.resource_for_action(resource, a)
            .map(|r| r as *const Resource)
            != governing
    }) {
        return None;
    }
    let base = res.map_or(resource, |r| r.arn.as_str());
    let suffix = resource.strip_prefix(base)?;
    // Buckets, keys and IAM users, roles, groups and policies only: the engine's rules
    // read other resource names (reserved roles, AWS managed key aliases; AWS managed
    // policies differ in the account, which the key holds), and a key ARN's `key/`
    // tells the key policy rule that it applies.
    let mut parts = base.splitn(6, ':');
    let head: Vec<&str> = parts.by_ref().take(5).collect();
    let rest = parts.next().unwrap_or("").to_lowercase();
    let kind = match head.get(2).copied() {
        Some("s3") if !rest.contains(['/', ':']) => "bucket",
        Some("kms") if rest.starts_with("key/") => "key",
        Some("iam") if rest.contains("aws-reserved") => return None,
        Some("iam") => ["role/", "user/", "group/", "policy/"]
            .into_iter()
            .find(|k| rest.starts_with(k))?,
        _ => return None,
    };
    let mut key = format!(
        "{head:?}|{kind:?}|{suffix}|{:?}|",
        res.and_then(|r| r.region.as_deref())
    );
    let policy = governing.and(res).and_then(|r| r.policy.as_ref());
    if let Some(n) = policy {
        key.push_str(&format!("{:?}|", n.policy.version));
        for st in &n.policy.statements {
            if names_only_others(st) {
                key.push_str("-\n");
            } else {
                let text = placeholder(&st.to_json(), base);
                key.push_str(&format!("{}:{text}\n", st.pos.line));
            }
        }
    }
    Some(key)
}

/// A decision shared by resources of one shape, told about resource `to`.
fn relabel(d: &Decided, from: &Resource, to: &Resource) -> Decided {
    let mut d = d.clone();
    let (Some(old), Some(new)) = (from.policy.as_ref(), to.policy.as_ref()) else {
        return d;
    };
    let (old, new) = (&old.name, &new.name);
    for v in d.via.iter_mut().filter(|v| v.policy == *old) {
        v.policy = new.clone();
    }
    for c in d.conditions.iter_mut().filter(|c| c.policy == *old) {
        c.policy = new.clone();
        for v in &mut c.values {
            if let Some(rest) = v.strip_prefix(from.arn.as_str()) {
                if rest.is_empty() || rest.starts_with('/') {
                    *v = format!("{}{rest}", to.arn);
                }
            }
        }
    }
    d
}

/// The statements of a principal's set that could tell two resources apart: those
/// naming one of the actions, in every policy but the resource's own. `None` when their
/// match with a resource cannot be told exactly (a policy variable may match differently
/// per request; `NotResource` applies exactly where its patterns do not match only when
/// they are plain ARNs).
pub(crate) fn signed<'s>(
    set: &'s PolicySet,
    actions: &[&str],
) -> Option<Vec<Option<&'s phiward_policy::document::ResourceElement>>> {
    let all: Vec<_> = set
        .identity
        .iter()
        .chain(&set.boundary)
        .chain(set.scps.iter().flatten())
        .chain(set.rcps.iter().flatten())
        .flat_map(|p| p.statements.iter())
        .filter(|s| actions.iter().any(|a| s.action.applies_to(a)))
        .map(|s| s.resource.as_ref())
        .collect();
    let exact = all
        .iter()
        .flatten()
        .all(|r| !r.list.items.iter().any(|x| x.contains("${")) && (!r.negated || r.is_plain()));
    exact.then_some(all)
}

/// Decisions for one principal on one resource, shared by the resources of its shape.
#[derive(Debug)]
pub(crate) struct Found {
    /// The resource (by index) the decisions were made on.
    resource: usize,
    /// Each action (by index) allowed, decided.
    answers: Answers,
}

/// Every pair (principal index, resource index) that can be allowed, with its
/// decisions: per principal, in resource order.
pub(crate) fn decide_all(
    m: &AccessModel,
    actions: &[&str],
    resources: &[String],
) -> Vec<Vec<(usize, Arc<Found>)>> {
    let targets = Targets::new(resources.iter().map(String::as_str));
    let index = Index::new(m);
    // Per resource, whom its policies could name for one of the actions.
    let named: Vec<Vec<Callers>> = resources
        .iter()
        .map(|r| {
            actions
                .iter()
                .filter_map(|a| {
                    let n = m.resource_for_action(r, a)?.policy.as_ref()?;
                    Some(callers(&index, &n.policy, &[a]))
                })
                .collect()
        })
        .collect();
    let mut interned: HashMap<String, u32> = HashMap::new();
    let shapes: Vec<Option<u32>> = resources
        .iter()
        .map(|r| {
            let key = shape(m, r, actions)?;
            let next = interned.len() as u32;
            Some(*interned.entry(key).or_insert(next))
        })
        .collect();
    m.principals
        .par_iter()
        .enumerate()
        .map(|(pi, p)| {
            let mut set = set_for_actions(m, Some(p), None, Some(actions));
            let mut reach = Bits::empty(targets.len());
            for s in set.identity.iter().flat_map(|x| x.statements.iter()) {
                if s.effect == Effect::Allow {
                    reach.union(&targets.named_by(s.resource.as_ref()));
                }
            }
            let elements: Option<Vec<Arc<Bits>>> = signed(&set, actions)
                .map(|all| all.into_iter().map(|e| targets.listed_by(e)).collect());
            let mut memo: FxHashMap<(u32, Sig), Option<Arc<Found>>> = FxHashMap::default();
            let mut out = Vec::new();
            for i in 0..resources.len() {
                let admitted = named.get(i).is_some_and(|c| c.iter().any(|c| c.admits(pi)));
                if !reach.has(i) && !admitted {
                    continue;
                }
                let Some(resource) = resources.get(i) else {
                    continue;
                };
                let key = match (&elements, shapes.get(i).copied().flatten()) {
                    (Some(bits), Some(shape)) if !admitted => Some((shape, signature(bits, i))),
                    _ => None,
                };
                if let Some(hit) = key.as_ref().and_then(|k| memo.get(k)) {
                    out.extend(hit.as_ref().map(|f| (i, f.clone())));
                    continue;
                }
                let mut answers = Vec::new();
                for (k, a) in actions.iter().enumerate() {
                    with_resource(&mut set, m.resource_for_action(resource, a));
                    let Some(req) = request_for(m, p, a, resource, &[]) else {
                        continue;
                    };
                    if let Some(d) = decide(&set, &req) {
                        answers.push((k, d));
                    }
                }
                let found = (!answers.is_empty()).then(|| {
                    Arc::new(Found {
                        resource: i,
                        answers,
                    })
                });
                if let Some(k) = key {
                    memo.insert(k, found.clone());
                }
                out.extend(found.map(|f| (i, f)));
            }
            out
        })
        .collect()
}

/// [`decide_all`] for one action, as `(principal, resource, decision)` with the granting
/// statements sorted.
pub(crate) fn decide_each(
    m: &AccessModel,
    action: &str,
    resources: &[String],
) -> Vec<(usize, usize, Decided)> {
    let res_of: Vec<Option<&Resource>> = resources.iter().map(|r| m.resource_for(r)).collect();
    decide_all(m, &[action], resources)
        .into_par_iter()
        .enumerate()
        .flat_map_iter(|(p, found)| {
            let res_of = &res_of;
            found.into_iter().filter_map(move |(i, f)| {
                let (_, d) = f.answers.first()?;
                let mut d = told(d, res_of, f.resource, i);
                d.via.sort();
                d.via.dedup();
                Some((p, i, d))
            })
        })
        .collect()
}

/// A decision made on resource `from` (by index), told about resource `to`.
fn told(d: &Decided, res_of: &[Option<&Resource>], from: usize, to: usize) -> Decided {
    let of = |k: usize| res_of.get(k).copied().flatten();
    match (of(from), of(to)) {
        (Some(a), Some(b)) if from != to => relabel(d, a, b),
        _ => d.clone(),
    }
}

/// Who can perform some actions on each of many resources: [`who_can_each`]'s answer,
/// with each grant built only when asked for ([`Each::grant`]). A large account has
/// millions of pairs; a check that counts them and shows a few needs no more.
#[derive(Debug)]
pub struct Each<'m> {
    m: &'m AccessModel,
    names: Vec<Arc<str>>,
    res_of: Vec<Option<&'m Resource>>,
    /// Per resource asked about (same order), the principals of the account that can.
    pub grantees: Vec<Vec<Grantee>>,
}

/// A principal that can perform some of the actions on a resource ([`Each`]).
#[derive(Clone, Debug)]
pub struct Grantee {
    /// The principal's index in the model.
    pub principal: usize,
    /// Allowed, or only under conditions.
    pub access: Reach,
    found: Arc<Found>,
}

impl Grantee {
    /// The decisions as made, per action: reach and condition keys and operators hold
    /// for this pair, but a decision shared by resources of one shape may name another
    /// member's policy and ARN; evidence must come from [`Each::grant`].
    pub fn decided(&self) -> impl Iterator<Item = &Decided> {
        self.found.answers.iter().map(|(_, d)| d)
    }
}

impl<'m> Each<'m> {
    /// Decides `actions` on every resource for every principal of the account, deciding
    /// only the pairs that can be allowed and one pair per shape (see the module
    /// documentation).
    pub fn new(m: &'m AccessModel, actions: &[String], resources: &[String]) -> Each<'m> {
        let only: Vec<&str> = actions.iter().map(String::as_str).collect();
        let decided = decide_all(m, &only, resources);
        // Millions of pairs on a large account: each list allocated once, at its size.
        let mut sizes = vec![0usize; resources.len()];
        for (i, _) in decided.iter().flatten() {
            if let Some(n) = sizes.get_mut(*i) {
                *n += 1;
            }
        }
        let mut grantees: Vec<Vec<Grantee>> = sizes.into_iter().map(Vec::with_capacity).collect();
        for (pi, found) in decided.into_iter().enumerate() {
            for (i, f) in found {
                let access = f
                    .answers
                    .iter()
                    .map(|(_, d)| d.reach)
                    .min()
                    .unwrap_or(Reach::Conditional);
                if let Some(list) = grantees.get_mut(i) {
                    list.push(Grantee {
                        principal: pi,
                        access,
                        found: f,
                    });
                }
            }
        }
        Each {
            m,
            names: only.iter().map(|a| Arc::from(*a)).collect(),
            res_of: resources.iter().map(|r| m.resource_for(r)).collect(),
            grantees,
        }
    }

    /// The principal of `r`.
    pub fn principal(&self, r: &Grantee) -> Option<&'m crate::Principal> {
        self.m.principals.get(r.principal)
    }

    /// The grant of `r` on the resource at `resource` (its index), as `who-can` gives it.
    pub fn grant(&self, resource: usize, r: &Grantee) -> Option<Grant> {
        let p = self.m.principals.get(r.principal)?;
        let mut grant = None;
        for (k, d) in &r.found.answers {
            if let Some(a) = self.names.get(*k) {
                let d = told(d, &self.res_of, r.found.resource, resource);
                merge(&mut grant, &p.arn, p.kind, a, d);
            }
        }
        let mut g = grant?;
        finish(&mut g);
        Some(g)
    }

    /// Every grant, per resource.
    pub fn grants(&self) -> Vec<Vec<Grant>> {
        self.grantees
            .par_iter()
            .enumerate()
            .map(|(i, list)| list.iter().filter_map(|r| self.grant(i, r)).collect())
            .collect()
    }
}

/// [`who_can`](crate::who_can) for many resources at once, principal by principal, deciding
/// only the pairs that can be allowed and one pair per shape of resource (see the module
/// documentation). One answer per resource, in order; principals of the account only
/// (see [`who_can_external`](crate::who_can_external) for the others).
pub fn who_can_each(m: &AccessModel, actions: &[String], resources: &[String]) -> Vec<Vec<Grant>> {
    Each::new(m, actions, resources).grants()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::employee::actions_for;
    use crate::query::who_can;
    use crate::{PrincipalType, ResourceKind};

    type Answer = Vec<(String, usize, crate::Reach, String)>;

    /// The same answers as `who_can`, resource by resource, on every action the access
    /// report asks about, for every principal and every bucket and key of the demo account.
    #[test]
    fn agrees_with_who_can_on_the_demo_account() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account");
        let loaded = phiward_snapshot::load(&dir).unwrap();
        let m = AccessModel::new(&loaded.snapshot);
        let of = |prefix: &str| -> Vec<String> {
            m.resources
                .iter()
                .filter(|r| r.arn.starts_with(prefix))
                .map(|r| r.arn.clone())
                .collect()
        };
        let (buckets, keys) = (of("arn:aws:s3:::"), of("arn:aws:kms:"));
        assert!(buckets.len() >= 9 && !keys.is_empty());
        let mut decided = 0;
        for (kind, list) in [
            (ResourceKind::S3Bucket, &buckets),
            (ResourceKind::KmsKey, &keys),
        ] {
            for (action, objects) in actions_for(kind) {
                let resources: Vec<String> = list
                    .iter()
                    .map(|r| if objects { format!("{r}/*") } else { r.clone() })
                    .collect();
                let mut want: Answer = Vec::new();
                for (i, r) in resources.iter().enumerate() {
                    for g in who_can(&m, action, &[action.to_string()], r).principals {
                        if g.kind != PrincipalType::External {
                            let text = format!("{:?}{:?}", g.conditions, g.via);
                            want.push((g.arn, i, g.access, text));
                        }
                    }
                }
                let mut got: Answer = decide_each(&m, action, &resources)
                    .into_iter()
                    .map(|(p, i, d)| {
                        let arn = m.principals[p].arn.clone();
                        (arn, i, d.reach, format!("{:?}{:?}", d.conditions, d.via))
                    })
                    .collect();
                want.sort();
                got.sort();
                assert_eq!(got, want, "{action}");
                decided += got.len();
            }
        }
        assert!(decided > 500, "{decided}");
    }

    #[test]
    fn placeholders_stand_for_the_resource_only() {
        let arn = "arn:aws:s3:::phi-1";
        assert_eq!(
            placeholder(
                r#"["arn:aws:s3:::phi-1", "arn:aws:s3:::phi-1/*", "arn:aws:s3:::phi-10/*"]"#,
                arn
            ),
            "[\"\u{0}RESOURCE\u{0}\", \"\u{0}RESOURCE\u{0}/*\", \"arn:aws:s3:::phi-10/*\"]"
        );
    }
}
