//! The privilege-escalation graph: edges from a principal to another whose power it can
//! gain, each with its technique and the decided permissions that enable it.
//!
//! Every permission an edge needs is decided by the engine for that principal, with the
//! resource's own policy (a role's trust policy for `sts:AssumeRole` and `iam:PassRole`'s
//! service), so conditions, boundaries, SCPs and denies all count; an edge that needs MFA
//! or other context is `conditional` and says so. Techniques follow the public catalogues
//! of IAM privilege escalation (Rhino Security Labs; PMapper's edge checkers).

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::asker::{technique_actions, Asker, Caps, Need};
use crate::callers::{callers, Callers, Index};
use crate::model::{AccessModel, Principal, PrincipalType};
use crate::query::{decide, set_for, set_for_actions, Capability, Reach};
use crate::targets::Targets;

/// How one principal gains another's power.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Technique {
    /// `sts:AssumeRole` along the role's trust policy.
    AssumeRole,
    /// `iam:UpdateAssumeRolePolicy`: rewrite the role's trust policy, then assume it.
    UpdateTrustPolicy,
    /// `iam:CreateAccessKey` for another user.
    CreateAccessKey,
    /// `iam:CreateLoginProfile` for a user without a console password.
    CreateLoginProfile,
    /// `iam:UpdateLoginProfile`: reset another user's console password.
    UpdateLoginProfile,
    /// `iam:PassRole` to an EC2 instance (`ec2:RunInstances`) with the role's profile.
    PassRoleEc2,
    /// `iam:PassRole` to a new Lambda function, then invoke it.
    PassRoleLambda,
    /// `iam:PassRole` to a CloudFormation stack.
    PassRoleCloudFormation,
    /// `iam:PassRole` to a Glue development endpoint.
    PassRoleGlue,
    /// `iam:PassRole` to a SageMaker notebook instance.
    PassRoleSageMaker,
    /// `iam:PassRole` to a CodeBuild project, then start a build.
    PassRoleCodeBuild,
    /// `iam:PassRole` to an ECS task definition, then run the task.
    PassRoleEcs,
    /// `iam:PassRole` to a Data Pipeline.
    PassRoleDataPipeline,
    /// `iam:PassRole` to an Auto Scaling launch configuration.
    PassRoleAutoScaling,
    /// `ssm:SendCommand` on instances that run with the role's instance profile.
    SsmSendCommand,
}

/// A service that runs code with a passed role: the technique, the service principal the
/// role must trust, and the actions (on `*`) that start the code.
pub(crate) const PASS_ROLE: &[(Technique, &str, &[&str])] = &[
    (
        Technique::PassRoleEc2,
        "ec2.amazonaws.com",
        &["ec2:RunInstances"],
    ),
    (
        Technique::PassRoleLambda,
        "lambda.amazonaws.com",
        &["lambda:CreateFunction", "lambda:InvokeFunction"],
    ),
    (
        Technique::PassRoleCloudFormation,
        "cloudformation.amazonaws.com",
        &["cloudformation:CreateStack"],
    ),
    (
        Technique::PassRoleGlue,
        "glue.amazonaws.com",
        &["glue:CreateDevEndpoint"],
    ),
    (
        Technique::PassRoleSageMaker,
        "sagemaker.amazonaws.com",
        &["sagemaker:CreateNotebookInstance"],
    ),
    (
        Technique::PassRoleCodeBuild,
        "codebuild.amazonaws.com",
        &["codebuild:CreateProject", "codebuild:StartBuild"],
    ),
    (
        Technique::PassRoleEcs,
        "ecs-tasks.amazonaws.com",
        &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
    ),
    (
        Technique::PassRoleDataPipeline,
        "datapipeline.amazonaws.com",
        &[
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ],
    ),
    (
        Technique::PassRoleAutoScaling,
        "ec2.amazonaws.com",
        &[
            "autoscaling:CreateLaunchConfiguration",
            "autoscaling:CreateAutoScalingGroup",
        ],
    ),
];

/// One permission an edge needs, as decided: the same record `can` returns.
pub type Step = Capability;

/// An edge of the graph.
#[derive(Clone, Debug, Serialize)]
pub struct Edge {
    /// Index of the source node.
    pub from: usize,
    /// Index of the target node.
    pub to: usize,
    /// How.
    pub technique: Technique,
    /// Allowed when every step is; else conditional.
    pub access: Reach,
    /// The permissions it uses, as decided; read them through [`Graph::steps`], which
    /// names this edge's target in steps decided once for a class of targets.
    #[serde(skip)]
    pub(crate) shared: Shared,
}

/// A node: a principal of the account or an external one.
#[derive(Clone, Debug, Serialize)]
pub struct Node {
    /// The ARN.
    pub arn: String,
    /// User, role or external.
    #[serde(rename = "type")]
    pub kind: PrincipalType,
    /// Whether it is administrator-equivalent: it can change its own permissions.
    pub admin: bool,
    /// The decided permission that makes it one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_by: Option<Step>,
    /// A role's trust policy name, as evidence names it.
    #[serde(skip)]
    pub(crate) trust: Option<Arc<str>>,
}

/// The escalation graph of an account.
#[derive(Clone, Debug, Serialize)]
pub struct Graph {
    /// Principals of the account, then external ones.
    pub nodes: Vec<Node>,
    /// Every edge found.
    pub edges: Vec<Edge>,
    /// What the graph cannot account for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Edge {
    /// What the edge assumes beyond the snapshot: for `ssm:SendCommand`, an instance
    /// running with the role's profile.
    pub fn assumes(&self) -> Option<&'static str> {
        (self.technique == Technique::SsmSendCommand)
            .then_some("an EC2 instance runs with this role's instance profile")
    }

    /// The permissions as decided, without copying: actions, reach and condition keys
    /// hold for this edge, but a step shared by a class of targets may name another
    /// member's ARN and trust policy; evidence must come from [`Graph::steps`].
    pub fn decided(&self) -> &[Step] {
        &self.shared.steps
    }
}

impl Graph {
    /// The permissions an edge uses, with their evidence, naming the edge's target.
    pub fn steps(&self, e: &Edge) -> Vec<Step> {
        let mut steps: Vec<Step> = e.shared.steps.clone();
        if let (Some(old), Some(to)) = (&e.shared.relabel, self.nodes.get(e.to)) {
            let new = to.trust.as_deref().unwrap_or(old);
            for s in steps.iter_mut().filter(|s| s.resource != "*") {
                s.resource = to.arn.clone();
                let new: Arc<str> = Arc::from(new);
                for v in &mut s.via {
                    if *v.policy == **old {
                        v.policy = new.clone();
                    }
                }
                for c in &mut s.conditions {
                    if *c.policy == **old {
                        c.policy = new.clone();
                    }
                }
            }
        }
        steps
    }
}

fn edge(from: usize, to: usize, technique: Technique, steps: Vec<Step>) -> Edge {
    shared_edge(from, to, technique, share(steps, None))
}

/// An edge whose steps may be shared with other edges (see [`Decision::relabel`]).
fn shared_edge(from: usize, to: usize, technique: Technique, shared: Shared) -> Edge {
    let access = shared
        .steps
        .iter()
        .map(|s| s.access)
        .max()
        .unwrap_or(Reach::Allowed);
    Edge {
        from,
        to,
        technique,
        access,
        shared,
    }
}

/// Steps decided once and shared by the edges decided together (an edge is then a few
/// words: millions of them on a large account).
#[derive(Debug)]
pub(crate) struct Decision {
    pub(crate) steps: Vec<Step>,
    /// For steps decided once for a class of targets: the trust policy name they carry,
    /// to be replaced by each target's own.
    pub(crate) relabel: Option<Arc<str>>,
}

pub(crate) type Shared = Arc<Decision>;

pub(crate) fn share(steps: Vec<Step>, relabel: Option<Arc<str>>) -> Shared {
    Arc::new(Decision { steps, relabel })
}

/// Whether the role's trust policy lets `service` assume it.
fn trusts_service(m: &AccessModel, role_arn: &str, service: &str) -> bool {
    let Some(r) = m.resource_for(role_arn) else {
        return false;
    };
    let mut set = set_for(m, None, Some(r));
    set.scps.clear();
    let mut ctx = phiward_policy::Context::new();
    ctx.unknown_by_default();
    let Ok(rp) = phiward_policy::RequestPrincipal::parse(service, &ctx) else {
        return false;
    };
    let req = phiward_policy::Request::new(rp, "sts:AssumeRole", role_arn, m.account.clone(), ctx);
    decide(&set, &req).is_some()
}

/// Which part of the graph to build ([`graph_scoped`]); the default is all of it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scope<'a> {
    /// Each principal's administrator grant ([`admin_grant`], same order as the model's
    /// principals), when the caller already decided them.
    pub admins: Option<&'a [Option<Step>]>,
    /// Only edges from the principals marked here (by index); external principals'
    /// edges are left out.
    pub from: Option<&'a [bool]>,
    /// Only edges of these techniques.
    pub techniques: Option<&'a [Technique]>,
    /// Only what shortest paths to an administrator need: a principal with an edge to an
    /// administrator keeps those edges only. A shortest path from it is one such edge,
    /// and no shortest path from another principal goes through its other edges, so
    /// [`shortest_paths`](crate::shortest_paths) to the administrators finds the same
    /// paths as in the whole graph, in the same order.
    pub toward_admins: bool,
}

impl Scope<'_> {
    pub(crate) fn wants(&self, t: Technique) -> bool {
        self.techniques.is_none_or(|list| list.contains(&t))
    }
}

/// Roles sharing one trust policy (its class, when it has one), by principal index.
type RoleClass = (Option<u64>, Vec<usize>);

/// What every principal's edges are decided against: the targets, grouped.
struct Layout {
    users: Vec<usize>,
    /// Roles grouped by trust-policy class (a role without one is its own group).
    role_classes: Vec<RoleClass>,
    /// Whom each class's trust policy could name: the others cannot assume its roles.
    class_callers: Vec<Callers>,
    /// Per role of a class, whether its trust policy lets each [`PASS_ROLE`] service in.
    service_trust: Vec<Vec<bool>>,
    role_index: Vec<Option<usize>>,
    targets: Targets,
}

/// Builds the graph: every edge between the account's principals, and from external
/// principals that role trust policies admit.
pub fn graph(m: &AccessModel) -> Graph {
    graph_scoped(m, &Scope::default())
}

/// [`graph`], restricted to `scope`: the same nodes (administrators marked), and the
/// edges of the whole graph that the scope keeps, in the same order.
pub fn graph_scoped(m: &AccessModel, scope: &Scope<'_>) -> Graph {
    let mut nodes: Vec<Node> = m
        .principals
        .iter()
        .map(|p| Node {
            arn: p.arn.clone(),
            kind: p.kind,
            admin: false,
            admin_by: None,
            trust: m
                .resource_for(&p.arn)
                .filter(|r| r.trust)
                .and_then(|r| r.policy.as_ref())
                .map(|n| n.name.clone()),
        })
        .collect();
    let mut edges = Vec::new();
    let wanted = technique_actions();
    let layout = layout(m);
    // Toward administrators, every principal must know the administrators first.
    let decided: Option<Vec<Option<Step>>> = match scope.admins {
        None if scope.toward_admins => {
            Some(m.principals.par_iter().map(|p| admin_grant(m, p)).collect())
        }
        _ => None,
    };
    let known = scope.admins.or(decided.as_deref());
    let is_admin: Vec<bool> = match known {
        Some(list) => (0..m.principals.len())
            .map(|i| list.get(i).is_some_and(Option::is_some))
            .collect(),
        None => Vec::new(),
    };
    let admin_classes: Vec<RoleClass> = layout
        .role_classes
        .iter()
        .map(|(c, members)| {
            let kept = members.iter().copied();
            (
                *c,
                kept.filter(|&j| is_admin.get(j) == Some(&true)).collect(),
            )
        })
        .collect();
    let admin_users: Vec<usize> = layout
        .users
        .iter()
        .copied()
        .filter(|&j| is_admin.get(j) == Some(&true))
        .collect();
    // Each principal's edges are independent: decide them in parallel.
    let per_principal: Vec<(Option<Step>, Vec<Edge>)> = m
        .principals
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut out = Vec::new();
            if let Some(list) = known {
                if let Some(Some(s)) = list.get(i) {
                    return (Some(s.clone()), out);
                }
            }
            let set = set_for_actions(m, Some(p), None, Some(&wanted));
            let mut a = Asker::new(m, p, set).with_targets(&layout.targets);
            if known.is_none() {
                if let Some(s) = admin_step(&mut a) {
                    // An administrator already holds every permission: its own edges
                    // add nothing to any path, and computing them is the costliest part.
                    return (Some(s), out);
                }
            }
            if scope.from.is_some_and(|f| f.get(i) != Some(&true)) {
                return (None, out);
            }
            if scope.toward_admins {
                let to = (admin_users.as_slice(), admin_classes.as_slice());
                principal_edges(&layout, scope, &mut a, i, to, &mut out);
                if !out.is_empty() {
                    return (None, out);
                }
            }
            let to = (layout.users.as_slice(), layout.role_classes.as_slice());
            principal_edges(&layout, scope, &mut a, i, to, &mut out);
            (None, out)
        })
        .collect();
    // Millions of edges on a large account: one allocation of the final size.
    edges.reserve_exact(per_principal.iter().map(|(_, f)| f.len()).sum::<usize>());
    for ((admin_by, found), node) in per_principal.into_iter().zip(nodes.iter_mut()) {
        node.admin = admin_by.is_some();
        node.admin_by = admin_by;
        edges.extend(found);
    }
    if scope.from.is_none() && scope.wants(Technique::AssumeRole) {
        external_edges(m, &mut nodes, &mut edges);
    }
    Graph {
        nodes,
        edges,
        notes: m.notes.clone(),
    }
}

fn layout(m: &AccessModel) -> Layout {
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
fn principal_edges(
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
        if !caps.roles && !named {
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
fn external_edges(m: &AccessModel, nodes: &mut Vec<Node>, edges: &mut Vec<Edge>) {
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

/// Administrator-equivalent: the principal can change its own permissions.
fn admin_step(a: &mut Asker<'_>) -> Option<Step> {
    let arn = a.p.arn.clone();
    let actions: &[&str] = match a.p.kind {
        PrincipalType::User => &["iam:PutUserPolicy", "iam:AttachUserPolicy"],
        _ => &["iam:PutRolePolicy", "iam:AttachRolePolicy"],
    };
    let mut best: Option<Step> = None;
    for action in actions {
        if let Some(s) = a.ask(action, &arn, &[]) {
            if s.access == Reach::Allowed {
                return Some(s);
            }
            best.get_or_insert(s);
        }
    }
    best
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

/// Whether a principal is administrator-equivalent (it can change its own permissions),
/// with the decided permission that makes it one.
pub fn admin_grant(m: &AccessModel, p: &Principal) -> Option<Step> {
    let wanted = technique_actions();
    let set = set_for_actions(m, Some(p), None, Some(&wanted));
    let mut a = Asker::new(m, p, set);
    admin_step(&mut a)
}
