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

use crate::asker::{technique_actions, Asker};
use crate::edges::{external_edges, layout, principal_edges, RoleClass};
use crate::model::{AccessModel, Principal, PrincipalType};
use crate::query::{set_for_actions, Capability, Reach};

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
    /// The technique that makes this step possible (passing a role, editing a policy, ...).
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

pub(crate) fn edge(from: usize, to: usize, technique: Technique, steps: Vec<Step>) -> Edge {
    shared_edge(from, to, technique, share(steps, None))
}

/// An edge whose steps may be shared with other edges (see [`Decision::relabel`]).
pub(crate) fn shared_edge(from: usize, to: usize, technique: Technique, shared: Shared) -> Edge {
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

/// Whether a principal is administrator-equivalent (it can change its own permissions),
/// with the decided permission that makes it one.
pub fn admin_grant(m: &AccessModel, p: &Principal) -> Option<Step> {
    let wanted = technique_actions();
    let set = set_for_actions(m, Some(p), None, Some(&wanted));
    let mut a = Asker::new(m, p, set);
    admin_step(&mut a)
}
