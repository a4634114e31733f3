//! `who-can` and `can`: the engine's partial evaluation over every principal, action and
//! resource asked about.

use std::sync::Arc;

use phiward_policy::partial::ResidualCondition;
use phiward_policy::{
    evaluate_partial, Access, Context, CtxValue, Effect, PolicyKind, PolicySet, Request,
    RequestPrincipal,
};
use rayon::prelude::*;
use serde::Serialize;

use crate::cuts::Cutter;
use crate::model::{AccessModel, Named, Principal, PrincipalType, Resource};

/// Whether a principal can, always or under conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Whatever the request context holds.
    Allowed,
    /// Only when the listed conditions hold.
    Conditional,
}

/// A statement behind a grant.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Via {
    /// The policy's name (shared: one grant per principal and resource repeats it).
    pub policy: Arc<str>,
    /// 0-based statement index.
    pub statement: usize,
    /// The statement's Sid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<Arc<str>>,
    /// 1-based line of the statement in its document.
    pub line: u32,
}

/// A condition the grant depends on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Condition {
    /// `allowed_if`: an Allow needs it; `denied_if`: a Deny applies when it holds.
    pub when: &'static str,
    /// The operator as written (`Bool`, `IpAddress`, ...).
    pub operator: String,
    /// The key as written.
    pub key: String,
    /// The values.
    pub values: Vec<String>,
    /// The policy and statement it comes from.
    pub policy: Arc<str>,
    /// 0-based statement index.
    pub statement: usize,
}

impl Condition {
    fn from(c: &ResidualCondition, when: &'static str) -> Condition {
        Condition {
            when,
            operator: c.operator.clone(),
            key: c.key.clone(),
            values: c.values.clone(),
            policy: c.policy.clone(),
            statement: c.statement,
        }
    }
}

/// One principal's access.
#[derive(Clone, Debug, Serialize)]
pub struct Grant {
    /// The IAM user or role ARN, or the external principal as the resource policy names it.
    pub arn: String,
    /// User, role or external.
    #[serde(rename = "type")]
    pub kind: PrincipalType,
    /// Allowed or conditional.
    pub access: Reach,
    /// The actions granted (the pattern's expansion), with the best reach of each.
    pub actions: Vec<Arc<str>>,
    /// The conditions, when conditional.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// The Allow statements behind it.
    pub via: Vec<Via>,
}

/// The answer to `who-can`.
#[derive(Clone, Debug, Serialize)]
pub struct WhoCan {
    /// The action or pattern asked about.
    pub action: String,
    /// The resource asked about.
    pub resource: String,
    /// Principals that can, unconditionally or under conditions.
    pub principals: Vec<Grant>,
    /// What the answer cannot account for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One action a principal can perform on a resource, for `can`.
#[derive(Clone, Debug, Serialize)]
pub struct Capability {
    /// The action.
    pub action: String,
    /// The resource.
    pub resource: String,
    /// Allowed or conditional.
    pub access: Reach,
    /// The conditions, when conditional.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// The Allow statements behind it.
    pub via: Vec<Via>,
}

/// The answer to `can`.
#[derive(Clone, Debug, Serialize)]
pub struct Can {
    /// The principal asked about.
    pub principal: String,
    /// What it can do.
    pub capabilities: Vec<Capability>,
    /// What the answer cannot account for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The session name phiward gives the role sessions it reasons about.
const SESSION: &str = "phiward";

/// `n`'s policy as the set for `only` holds it: cut to those actions, else whole.
fn cut(n: &Named, only: Option<(&[&str], &Cutter)>) -> Arc<phiward_policy::Policy> {
    match only {
        Some((actions, cutter)) => cutter.cut(&n.policy, actions),
        None => n.policy.clone(),
    }
}

/// The policies AWS consults for a principal's requests on `resource`.
pub(crate) fn set_for(
    m: &AccessModel,
    p: Option<&Principal>,
    resource: Option<&Resource>,
) -> PolicySet {
    set_for_actions(m, p, resource, None)
}

/// [`set_for`], keeping only the statements that name one of `only` (see
/// [`phiward_policy::Policy::only_for`]): the same decisions on those actions, less to
/// copy and to walk.
pub(crate) fn set_for_actions(
    m: &AccessModel,
    p: Option<&Principal>,
    resource: Option<&Resource>,
    only: Option<&[&str]>,
) -> PolicySet {
    let cutter = only.map(|actions| (actions, m.cuts.of(actions)));
    let only = cutter.as_ref().map(|(a, c)| (*a, c));
    let copy = |n: &Named| cut(n, only);
    let mut set = PolicySet::default();
    let mut identity = Vec::new();
    let mut boundary = Vec::new();
    if let Some(p) = p {
        for n in &p.identity {
            set.identity.push(cut(n, only));
            identity.push(n.name.clone());
        }
        if let Some(b) = &p.boundary {
            set.boundary.push(cut(b, only));
            boundary.push(b.name.clone());
        }
    }
    let level_names: Vec<Vec<Arc<str>>> = m
        .scps
        .iter()
        .map(|l| l.iter().map(|n| n.name.clone()).collect())
        .collect();
    set.scps = m
        .scps
        .iter()
        .map(|l| l.iter().map(&copy).collect())
        .collect();
    let rcp_names: Vec<Vec<Arc<str>>> = m
        .rcps
        .iter()
        .map(|l| l.iter().map(|n| n.name.clone()).collect())
        .collect();
    set.rcps = m
        .rcps
        .iter()
        .map(|l| l.iter().map(&copy).collect())
        .collect();
    set.name_policies(|kind, level, i| {
        let name = match kind {
            PolicyKind::Identity => identity.get(i),
            PolicyKind::PermissionsBoundary => boundary.get(i),
            PolicyKind::Scp => level_names.get(level).and_then(|l| l.get(i)),
            PolicyKind::Rcp => rcp_names.get(level).and_then(|l| l.get(i)),
            _ => None,
        };
        name.map(|n| n.to_string())
    });
    with_resource(&mut set, resource);
    set
}

/// Puts the resource's policy (or none) into a principal's policy set.
pub(crate) fn with_resource(set: &mut PolicySet, resource: Option<&Resource>) {
    match resource.and_then(|r| r.policy.as_ref()) {
        Some(n) => set.set_resource(Some(n.policy.clone()), Some(n.name.clone())),
        None => set.set_resource(None, None),
    }
}

/// The request principal and context for a principal of the account: users as
/// themselves, roles as one of their sessions; keys phiward knows are set, every other
/// key is unknown so that conditions on it become residuals.
pub(crate) fn request_for(
    m: &AccessModel,
    p: &Principal,
    action: &str,
    resource: &str,
    extra: &[(&str, &str)],
) -> Option<Request> {
    let account = m
        .account
        .clone()
        .or_else(|| p.arn.split(':').nth(4).map(str::to_string))?;
    let mut ctx = Context::new();
    ctx.insert("aws:PrincipalArn", CtxValue::One(p.arn.clone()));
    ctx.insert("aws:PrincipalAccount", CtxValue::One(account.clone()));
    let principal = match p.kind {
        PrincipalType::User => {
            ctx.insert("aws:username", CtxValue::One(p.name.clone()));
            ctx.insert("aws:PrincipalType", CtxValue::One("User".into()));
            p.arn.clone()
        }
        _ => {
            ctx.insert("aws:PrincipalType", CtxValue::One("AssumedRole".into()));
            format!("arn:aws:sts::{account}:assumed-role/{}/{SESSION}", p.name)
        }
    };
    for t in &p.tags {
        ctx.insert(
            &format!("aws:PrincipalTag/{}", t.key),
            CtxValue::One(t.value.clone()),
        );
    }
    let res = m.resource_for(resource);
    let resource_account = res.and(m.account.clone());
    // A request to a resource goes to the resource's region.
    if let Some(region) = res.and_then(|r| r.region.as_deref()) {
        ctx.insert("aws:RequestedRegion", CtxValue::One(region.to_string()));
    }
    if let Some(a) = &resource_account {
        ctx.insert("aws:ResourceAccount", CtxValue::One(a.clone()));
    }
    m.known.apply(&mut ctx);
    for (k, v) in extra {
        ctx.insert(k, CtxValue::One((*v).to_string()));
    }
    ctx.unknown_by_default();
    let rp = RequestPrincipal::parse(&principal, &ctx).ok()?;
    Some(Request::new(rp, action, resource, resource_account, ctx))
}

/// One decided request: its reach, residual conditions and granting statements.
#[derive(Clone, Debug)]
pub struct Decided {
    /// Allowed or conditional.
    pub reach: Reach,
    /// The residual conditions (empty when allowed).
    pub conditions: Vec<Condition>,
    /// The Allow statements behind it.
    pub via: Vec<Via>,
}

pub(crate) fn decide(set: &PolicySet, req: &Request) -> Option<Decided> {
    let r = evaluate_partial(set, req);
    let reach = match r.access {
        Access::Allowed => Reach::Allowed,
        Access::Conditional => Reach::Conditional,
        Access::Denied => return None,
    };
    let mut conditions: Vec<Condition> = r
        .allowed_if
        .iter()
        .map(|c| Condition::from(c, "allowed_if"))
        .chain(r.denied_if.iter().map(|c| Condition::from(c, "denied_if")))
        .collect();
    conditions.sort();
    conditions.dedup();
    if reach == Reach::Allowed {
        conditions.clear();
    }
    let via = r
        .best
        .allowed_by
        .iter()
        // SCPs and RCPs only permit; the grant comes from the other policies.
        .filter(|s| {
            s.effect == Effect::Allow && !matches!(s.kind, PolicyKind::Scp | PolicyKind::Rcp)
        })
        .map(|s| Via {
            policy: s.policy.clone(),
            statement: s.statement,
            sid: s.sid.clone(),
            line: s.line,
        })
        .collect();
    Some(Decided {
        reach,
        conditions,
        via,
    })
}

pub(crate) fn merge(
    into: &mut Option<Grant>,
    arn: &str,
    kind: PrincipalType,
    action: &Arc<str>,
    d: Decided,
) {
    let g = into.get_or_insert_with(|| Grant {
        arn: arn.to_string(),
        kind,
        access: d.reach,
        actions: Vec::new(),
        conditions: Vec::new(),
        via: Vec::new(),
    });
    g.access = g.access.min(d.reach);
    g.actions.push(action.clone());
    if d.reach == Reach::Conditional {
        g.conditions.extend(d.conditions);
    }
    g.via.extend(d.via);
}

pub(crate) fn finish(g: &mut Grant) {
    if g.access == Reach::Allowed {
        g.conditions.clear();
    }
    g.conditions.sort();
    g.conditions.dedup();
    g.via.sort();
    g.via.dedup();
}

/// Who can perform `actions` (the expansion of the pattern asked about) on `resource`.
pub fn who_can(m: &AccessModel, pattern: &str, actions: &[String], resource: &str) -> WhoCan {
    let res = m.resource_for(resource);
    let only: Vec<&str> = actions.iter().map(String::as_str).collect();
    // A principal none of whose identity statements names the actions can only be
    // granted by the resource's own policy: without one, it is denied and not asked.
    let resource_policy = actions.iter().any(|a| {
        m.resource_for_action(resource, a)
            .is_some_and(|r| r.policy.is_some())
    });
    let mut principals: Vec<Grant> = m
        .principals
        .par_iter()
        .filter_map(|p| {
            if !resource_policy
                && !p.identity.iter().any(|n| {
                    n.policy
                        .statements
                        .iter()
                        .any(|s| only.iter().any(|a| s.action.applies_to(a)))
                })
            {
                return None;
            }
            let mut set = set_for_actions(m, Some(p), None, Some(&only));
            let mut grant = None;
            for a in actions {
                with_resource(&mut set, m.resource_for_action(resource, a));
                let Some(req) = request_for(m, p, a, resource, &[]) else {
                    continue;
                };
                if let Some(d) = decide(&set, &req) {
                    merge(&mut grant, &p.arn, p.kind, &Arc::from(a.as_str()), d);
                }
            }
            grant
        })
        .collect();
    let sts = actions
        .iter()
        .any(|a| a.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("sts:")));
    if let Some(r) = res.filter(|r| !r.trust || sts) {
        principals.extend(crate::external::grants(m, r, actions, resource));
    }
    for g in &mut principals {
        finish(g);
    }
    principals.sort_by(|a, b| {
        (a.kind != PrincipalType::User, &a.arn).cmp(&(b.kind != PrincipalType::User, &b.arn))
    });
    WhoCan {
        action: pattern.to_string(),
        resource: resource.to_string(),
        principals,
        notes: m.notes.clone(),
    }
}

/// The principals outside the account (other accounts, `*`, services) that the resource's
/// own policy lets perform any of `actions` on `resource`: the external part of
/// [`who_can`], without deciding every principal of the account.
pub fn who_can_external(m: &AccessModel, actions: &[String], resource: &str) -> Vec<Grant> {
    let Some(r) = m.resource_for(resource) else {
        return Vec::new();
    };
    let mut out = crate::external::grants(m, r, actions, resource);
    for g in &mut out {
        finish(g);
    }
    out
}

/// Whether an Allow statement of `policies` names `action`. Without one among its
/// identity policies, a principal of the account is granted the action by a resource
/// policy or not at all (AWS: IAM User Guide, "Policy evaluation logic").
pub(crate) fn allows<'p>(
    mut policies: impl Iterator<Item = &'p phiward_policy::Policy>,
    action: &str,
) -> bool {
    policies.any(|x| {
        x.statements
            .iter()
            .any(|s| s.effect == Effect::Allow && s.action.applies_to(action))
    })
}

/// An identity policy allowing everything: a principal outside the account stands in
/// with it, so that the resource's policy, RCPs and SCPs decide. Parsed once.
fn allow_all() -> Option<Arc<phiward_policy::Policy>> {
    static ALLOW_ALL: std::sync::OnceLock<Option<Arc<phiward_policy::Policy>>> =
        std::sync::OnceLock::new();
    ALLOW_ALL
        .get_or_init(|| {
            phiward_policy::parse_policy(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                PolicyKind::Identity,
            )
            .ok()
            .map(Arc::new)
        })
        .clone()
}

/// Decides one request of a principal of the account, with extra context keys known
/// (`iam:PassedToService`, ...). `None` when it is denied whatever the context.
pub fn decide_one(
    m: &AccessModel,
    p: &Principal,
    action: &str,
    resource: &str,
    extra: &[(&str, &str)],
) -> Option<Decided> {
    let set = set_for(m, Some(p), m.resource_for_action(resource, action));
    let req = request_for(m, p, action, resource, extra)?;
    decide(&set, &req)
}

/// Decides a request of a principal outside the model (any ARN the engine reads, or
/// `anonymous`) whose own identity policies allow everything, with `known` context keys
/// set, `absent` keys known to be missing, and every other key unknown: what the resource's policy, the RCPs and the account's
/// SCPs (for principals of the account) let through. Checks use it to ask, for example,
/// whether a bucket policy denies requests without TLS.
pub fn decide_as(
    m: &AccessModel,
    principal: &str,
    action: &str,
    resource: &str,
    known: &[(&str, &str)],
    absent: &[&str],
) -> Option<Decided> {
    let mut ctx = Context::new();
    m.known.apply(&mut ctx);
    for (k, v) in known {
        ctx.insert(k, CtxValue::One((*v).to_string()));
    }
    for k in absent {
        ctx.set_absent(k);
    }
    // A request to a resource goes to the resource's region.
    if let Some(region) = m.resource_for(resource).and_then(|r| r.region.as_deref()) {
        if !known
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("aws:RequestedRegion"))
        {
            ctx.insert("aws:RequestedRegion", CtxValue::One(region.to_string()));
        }
    }
    ctx.unknown_by_default();
    let rp = RequestPrincipal::parse(principal, &ctx).ok()?;
    let own_account = principal.split(':').nth(4).filter(|a| !a.is_empty()) == m.account.as_deref();
    let mut set = set_for(m, None, m.resource_for_action(resource, action));
    if !own_account {
        set.scps.clear();
    }
    if principal != "anonymous" {
        set.identity.push(allow_all()?);
        let resource_name = m
            .resource_for_action(resource, action)
            .and_then(|r| r.policy.as_ref())
            .map(|n| n.name.to_string());
        let level_name = |levels: &[Vec<Named>], l: usize, i: usize| {
            levels
                .get(l)
                .and_then(|x| x.get(i))
                .map(|n| n.name.to_string())
        };
        set.name_policies(|kind, l, i| match kind {
            PolicyKind::Identity => Some("(identity policies allowing everything)".into()),
            PolicyKind::Resource => resource_name.clone(),
            PolicyKind::Scp => level_name(&m.scps, l, i),
            PolicyKind::Rcp => level_name(&m.rcps, l, i),
            _ => None,
        });
    }
    let req = Request::new(rp, action, resource, m.account.clone(), ctx);
    decide(&set, &req)
}
