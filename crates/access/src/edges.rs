//! The edges of one principal: to users (credentials), to roles (assume, rewrite the
//! trust policy, pass to a service that runs code, SSM), and from external principals,
//! each decided once per class of targets where that is exact.

use crate::asker::{Asker, Caps, Need};
use crate::callers::{callers, Callers, Index};
use crate::escalation::{edge, shared_edge, Edge, Node, Scope, Step, Technique, PASS_ROLE};
use crate::model::{AccessModel, Principal, PrincipalType};
use crate::query::{decide, set_for};
use crate::targets::Targets;

/// Whether the role's trust policy lets `service` assume it.
fn trusts_service(m: &AccessModel, role_arn: &str, service: &str) -> bool {
    let Some(r) = m.resource_for(role_arn) else {
        return false;
    };
    let mut set = set_for(m, None, Some(r));
    set.scps.clear();
    let mut ctx = phiward_policy::Context::new();
    m.known.apply(&mut ctx);
    ctx.unknown_by_default();
    let Ok(rp) = phiward_policy::RequestPrincipal::parse(service, &ctx) else {
        return false;
    };
    let req =
        phiward_policy::Request::new(rp, "sts:AssumeRole", role_arn, m.resource_account(), ctx);
    decide(&set, &req).is_some()
}

/// Roles sharing one trust policy (its class, when it has one), by principal index.
pub(crate) type RoleClass = (Option<u64>, Vec<usize>);

/// What every principal's edges are decided against: the targets, grouped.
pub(crate) struct Layout {
    pub(crate) users: Vec<usize>,
    /// Roles grouped by trust-policy class (a role without one is its own group).
    pub(crate) role_classes: Vec<RoleClass>,
    /// Whom each class's trust policy could name: the others cannot assume its roles.
    class_callers: Vec<Callers>,
    /// Per role of a class, whether its trust policy lets each [`PASS_ROLE`] service in.
    service_trust: Vec<Vec<bool>>,
    role_index: Vec<Option<usize>>,
    pub(crate) targets: Targets,
}

pub(crate) fn layout(m: &AccessModel) -> Layout {
    let roles: Vec<(usize, &Principal)> = m
        .principals
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == PrincipalType::Role && !p.service_linked)
        .collect();
    let service_trust: Vec<Vec<bool>> = roles
        .iter()
        .map(|(_, r)| {
            PASS_ROLE
                .iter()
                .map(|(_, svc, _)| trusts_service(m, &r.arn, svc))
                .collect()
        })
        .collect();
    // Roles with identical trust policies form one class: for a principal whose own
    // statements on sts:AssumeRole apply to every resource, one decision serves the class.
    let mut classes: std::collections::HashMap<String, u64> = Default::default();
    let trust_class: Vec<Option<u64>> = m
        .principals
        .iter()
        .map(|q| {
            let r = m.resource_for(&q.arn).filter(|r| r.trust)?;
            let text = format!("{:?}", r.policy.as_ref()?.policy.statements);
            let next = classes.len() as u64;
            Some(*classes.entry(text).or_insert(next))
        })
        .collect();
    let mut role_index: Vec<Option<usize>> = vec![None; m.principals.len()];
    for (k, (j, _)) in roles.iter().enumerate() {
        if let Some(slot) = role_index.get_mut(*j) {
            *slot = Some(k);
        }
    }
    let users: Vec<usize> = (0..m.principals.len())
        .filter(|&j| {
            m.principals
                .get(j)
                .is_some_and(|q| q.kind == PrincipalType::User)
        })
        .collect();
    let mut role_classes: Vec<RoleClass> = Vec::new();
    let mut class_slot: std::collections::HashMap<u64, usize> = Default::default();
    for (j, _) in &roles {
        match trust_class.get(*j).copied().flatten() {
            Some(c) => {
                let slot = *class_slot.entry(c).or_insert_with(|| {
                    role_classes.push((Some(c), Vec::new()));
                    role_classes.len() - 1
                });
                if let Some((_, members)) = role_classes.get_mut(slot) {
                    members.push(*j);
                }
            }
            None => role_classes.push((None, vec![*j])),
        }
    }
    let index = Index::new(m);
    let class_callers: Vec<Callers> = role_classes
        .iter()
        .map(|(_, members)| {
            let trust = members
                .first()
                .and_then(|&j| m.principals.get(j))
                .and_then(|q| m.resource_for(&q.arn))
                .and_then(|r| r.policy.as_ref());
            match trust {
                Some(n) => callers(&index, &n.policy, &["sts:AssumeRole"]),
                None => Callers::all(&index),
            }
        })
        .collect();
    Layout {
        users,
        role_classes,
        class_callers,
        service_trust,
        role_index,
        targets: Targets::new(m.principals.iter().map(|p| p.arn.as_str())),
    }
}

/// The edges from principal `i` to the users and role classes given (all of the
/// account's, or their administrators only; `role_classes` lines up with the layout's).
pub(crate) fn principal_edges(
    layout: &Layout,
    scope: &Scope<'_>,
    a: &mut Asker<'_>,
    i: usize,
    (users, role_classes): (&[usize], &[RoleClass]),
    out: &mut Vec<Edge>,
) {
    let caps = Caps::of(a.p).scoped(scope);
    // A trust policy that names the principal itself (or everyone) grants within the
    // account without any permission of its own: those roles are candidates even
    // without `sts:AssumeRole` in the principal's policies.
    let admitted_anywhere =
        scope.wants(Technique::AssumeRole) && layout.class_callers.iter().any(|c| c.admits(i));
    if !caps.any() && !admitted_anywhere {
        return;
    }
    if caps.users {
        user_edges(a, scope, i, users, out);
    }
    for ((class, members), admitted) in role_classes.iter().zip(&layout.class_callers) {
        let Some(&rep) = members.iter().find(|&&j| j != i) else {
            continue;
        };
        // Members share one trust policy text: it names the principal for all.
        let named = admitted.admits(i) && scope.wants(Technique::AssumeRole);
        if !caps.roles() && !named {
            continue;
        }
        let trust = layout
            .role_index
            .get(rep)
            .copied()
            .flatten()
            .and_then(|k| layout.service_trust.get(k))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let may_assume =
            (admitted.admits(i) || admitted.account) && scope.wants(Technique::AssumeRole);
        role_edges(
            a,
            &caps,
            i,
            (*class, members, named, may_assume),
            trust,
            out,
        );
    }
}

/// Edges from the external principals that role trust policies admit.
pub(crate) fn external_edges(m: &AccessModel, nodes: &mut Vec<Node>, edges: &mut Vec<Edge>) {
    for (j, role) in m.principals.iter().enumerate() {
        if role.kind != PrincipalType::Role || role.service_linked {
            continue;
        }
        let Some(r) = m.resource_for(&role.arn) else {
            continue;
        };
        let who = crate::external::grants(m, r, &["sts:AssumeRole".to_string()], &role.arn);
        for g in who {
            if g.arn.ends_with(".amazonaws.com") {
                continue; // services act for the account's own principals (PassRole edges)
            }
            let from = match nodes.iter().position(|n| n.arn == g.arn) {
                Some(k) => k,
                None => {
                    nodes.push(Node {
                        arn: g.arn.clone(),
                        kind: PrincipalType::External,
                        admin: false,
                        admin_by: None,
                        trust: None,
                    });
                    nodes.len() - 1
                }
            };
            let s = Step {
                action: "sts:AssumeRole".into(),
                resource: role.arn.clone(),
                access: g.access,
                conditions: g.conditions,
                via: g.via,
            };
            edges.push(edge(from, j, Technique::AssumeRole, vec![s]));
        }
    }
}

/// Edges to users (credentials of another user), by [`action_edges`]: users have no
/// resource policy, so they form one class.
fn user_edges(
    a: &mut Asker<'_>,
    scope: &Scope<'_>,
    i: usize,
    users: &[usize],
    out: &mut Vec<Edge>,
) {
    let targets: Vec<usize> = users.iter().copied().filter(|&j| j != i).collect();
    for (t, action) in [
        (Technique::CreateAccessKey, "iam:CreateAccessKey"),
        (Technique::CreateLoginProfile, "iam:CreateLoginProfile"),
        (Technique::UpdateLoginProfile, "iam:UpdateLoginProfile"),
    ] {
        if !scope.wants(t) {
            continue;
        }
        action_edges(a, i, &targets, (action, t, Some(u64::MAX), false), out);
    }
}

/// Edges of technique `t` from `i` to each of `targets` that `action` on it enables.
/// Decided once for all of them when every statement of the principal naming the action
/// applies to every resource and the targets share one resource policy (`class`), else
/// once per signature among the targets some Allow statement may name. `named`: the
/// targets' resource policy names the principal, which grants without an Allow of its own.
fn action_edges(
    a: &mut Asker<'_>,
    i: usize,
    targets: &[usize],
    (action, t, class, named): (&'static str, Technique, Option<u64>, bool),
    out: &mut Vec<Edge>,
) {
    let m = a.m;
    let Some(rep) = targets.first().and_then(|&j| m.principals.get(j)) else {
        return;
    };
    if class.is_some() && a.is_uniform(action) {
        if named || a.may(action, &rep.arn) {
            if let Some(sh) = a.shared(action, &rep.arn, class) {
                out.extend(targets.iter().map(|&j| shared_edge(i, j, t, sh.clone())));
            }
        }
        return;
    }
    let may = a.may_bits(action);
    for &j in targets {
        if named
            || may
                .as_ref()
                .map_or_else(|| a.may_at(action, j), |b| b.has(j))
        {
            if let Some(sh) = a.shared_at(action, j, class) {
                out.push(shared_edge(i, j, t, sh));
            }
        }
    }
}

/// Edges to the roles of one trust-policy class; decided once for the class where the
/// principal's statements do not tell its roles apart, else role by role.
fn role_edges(
    a: &mut Asker<'_>,
    caps: &Caps,
    i: usize,
    (class, members, named, may_assume): (Option<u64>, &[usize], bool, bool),
    trust: &[bool],
    out: &mut Vec<Edge>,
) {
    let m = a.m;
    let arn = |j: usize| m.principals.get(j).map_or("", |p| p.arn.as_str());
    // A same-account trust policy naming the principal grants without its own policies.
    // A trust policy that names neither the principal nor its account lets it in on no
    // terms, whatever its own policies say (see `callers`).
    let assume = may_assume && (named || a.assume_any);
    let passes = PASS_ROLE
        .iter()
        .zip(trust)
        .zip(&caps.pass)
        .any(|((_, trusted), can)| *trusted && *can);
    let ssm = caps.ssm && trust.first() == Some(&true);
    // Most classes offer a principal nothing: asked for every principal and class, this
    // must not allocate.
    if !(assume || caps.update_trust || passes || ssm) {
        return;
    }
    let targets: Vec<usize> = members.iter().copied().filter(|&j| j != i).collect();
    let Some(&rep) = targets.first() else {
        return;
    };
    if assume {
        let edge = ("sts:AssumeRole", Technique::AssumeRole, class, named);
        action_edges(a, i, &targets, edge, out);
    }
    if caps.update_trust {
        let edge = (
            "iam:UpdateAssumeRolePolicy",
            Technique::UpdateTrustPolicy,
            Some(u64::MAX),
            false,
        );
        action_edges(a, i, &targets, edge, out);
    }
    let uniform_pass = a.is_uniform("iam:PassRole");
    for (k, (((t, service, actions), trusted), can)) in
        PASS_ROLE.iter().zip(trust).zip(&caps.pass).enumerate()
    {
        if !trusted || !can {
            continue;
        }
        let passed = [("iam:PassedToService", *service)];
        let needs_for = |j: usize| -> Vec<Need<'_>> {
            let mut needs: Vec<Need<'_>> = vec![("iam:PassRole", arn(j), &passed)];
            needs.extend(actions.iter().map(|x| (*x, "*", &[][..])));
            needs
        };
        if uniform_pass {
            if let Some(sh) = a.pass_shared(k, &needs_for(rep)) {
                out.extend(targets.iter().map(|&j| shared_edge(i, j, *t, sh.clone())));
            }
        } else {
            let may = a.may_bits("iam:PassRole");
            for &j in &targets {
                if may
                    .as_ref()
                    .map_or_else(|| a.may_at("iam:PassRole", j), |b| b.has(j))
                {
                    if let Some(sh) = a.pass_at(k, j, &needs_for(j)) {
                        out.push(shared_edge(i, j, *t, sh));
                    }
                }
            }
        }
    }
    if ssm {
        if let Some(sh) = a.star("ssm:SendCommand") {
            for &j in &targets {
                out.push(shared_edge(i, j, Technique::SsmSendCommand, sh.clone()));
            }
        }
    }
}
