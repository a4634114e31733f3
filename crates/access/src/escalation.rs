//! The privilege-escalation graph: edges from a principal to another whose power it can
//! gain, each with its technique and the decided permissions that enable it.
//!
//! Every permission an edge needs is decided by the engine for that principal, with the
//! resource's own policy (a role's trust policy for `sts:AssumeRole` and `iam:PassRole`'s
//! service), so conditions, boundaries, SCPs and denies all count; an edge that needs MFA
//! or other context is `conditional` and says so. Techniques follow the public catalogues
//! of IAM privilege escalation (Rhino Security Labs; PMapper's edge checkers).

use rayon::prelude::*;
use serde::Serialize;

use crate::model::{AccessModel, Principal, PrincipalType};
use crate::query::{
    decide, request_for, set_for, set_for_actions, with_resource, Capability, Decided, Reach,
};

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
const PASS_ROLE: &[(Technique, &str, &[&str])] = &[
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
    /// The permissions it uses, with their evidence.
    pub steps: Vec<Step>,
    /// What the edge assumes beyond the snapshot (an instance running with the profile).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumes: Option<&'static str>,
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

fn step(action: &str, resource: &str, d: Decided) -> Step {
    Step {
        action: action.to_string(),
        resource: resource.to_string(),
        access: d.reach,
        conditions: d.conditions,
        via: d.via,
    }
}

/// Every action the graph asks about.
fn technique_actions() -> Vec<&'static str> {
    let mut v = vec![
        "sts:AssumeRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:CreateAccessKey",
        "iam:CreateLoginProfile",
        "iam:UpdateLoginProfile",
        "iam:PassRole",
        "ssm:SendCommand",
        "iam:PutUserPolicy",
        "iam:AttachUserPolicy",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
    ];
    v.extend(PASS_ROLE.iter().flat_map(|(_, _, a)| a.iter().copied()));
    v
}

/// A permission to decide: action, resource, and extra context keys known.
type Need<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// Decides for one principal with a cached policy set.
struct Asker<'m> {
    m: &'m AccessModel,
    p: &'m Principal,
    set: phiward_policy::PolicySet,
    /// Answers to requests on `*` (the same for every target: `ssm:SendCommand`, the
    /// service actions of PassRole techniques), decided once.
    memo: std::collections::HashMap<(String, String), Option<Step>>,
    /// `sts:AssumeRole` answers per trust-policy class, when the principal's statements
    /// on the action do not depend on the role's ARN (see [`Asker::assume`]).
    assume_memo: std::collections::HashMap<u64, Option<(Step, std::sync::Arc<str>)>>,
    /// Whether every statement of the principal's policy set that names
    /// `sts:AssumeRole` applies to every resource (`Resource: "*"`): then the decision
    /// depends on the role only through its trust policy.
    assume_uniform: bool,
    /// Whether some Allow statement names `sts:AssumeRole` (with `assume_uniform`, on
    /// every resource).
    assume_any: bool,
    /// Per action, the resource elements of the Allow statements naming it ([`Asker::may`]).
    may_cache:
        std::collections::HashMap<String, Vec<Option<phiward_policy::document::ResourceElement>>>,
}

impl<'m> Asker<'m> {
    fn new(m: &'m AccessModel, p: &'m Principal, set: phiward_policy::PolicySet) -> Asker<'m> {
        let all_star = |pol: &phiward_policy::Policy| {
            pol.statements
                .iter()
                .filter(|s| s.action.applies_to("sts:AssumeRole"))
                .all(|s| {
                    s.resource
                        .as_ref()
                        .is_none_or(|r| !r.negated && r.list.items.iter().all(|x| x == "*"))
                })
        };
        let assume_uniform = set.identity.iter().all(all_star)
            && set.boundary.iter().all(all_star)
            && set.scps.iter().flatten().all(all_star);
        let assume_any = set.identity.iter().any(|pol| {
            pol.statements.iter().any(|s| {
                s.effect == phiward_policy::Effect::Allow && s.action.applies_to("sts:AssumeRole")
            })
        });
        Asker {
            m,
            p,
            set,
            memo: Default::default(),
            assume_memo: Default::default(),
            assume_uniform,
            assume_any,
            may_cache: Default::default(),
        }
    }
}

impl Asker<'_> {
    /// Whether some Allow statement of the principal's own policies could grant `action`
    /// on `resource` (a cheap filter: the engine still decides). Without one, only a
    /// resource-based policy could grant it, and only `sts:AssumeRole` on a role has one
    /// here.
    fn may(&mut self, action: &str, resource: &str) -> bool {
        // The Allow statements naming the action, found once per action: `None` for a
        // statement without a `Resource` element or with `"*"` (names everything).
        let set = &self.set;
        let grants = self.may_cache.entry(action.to_string()).or_insert_with(|| {
            set.identity
                .iter()
                .flat_map(|p| p.statements.iter())
                .filter(|s| {
                    s.effect == phiward_policy::Effect::Allow && s.action.applies_to(action)
                })
                .map(|s| {
                    s.resource
                        .as_ref()
                        .filter(|r| r.negated || r.list.items.iter().any(|x| x != "*"))
                        .filter(|r| !r.list.items.iter().any(|x| x == "*"))
                        .cloned()
                })
                .collect()
        });
        grants
            .iter()
            .any(|r| r.as_ref().is_none_or(|r| r.may_apply_to(resource)))
    }

    fn ask(&mut self, action: &str, resource: &str, extra: &[(&str, &str)]) -> Option<Step> {
        if resource == "*" && extra.is_empty() {
            let key = (action.to_string(), String::new());
            if let Some(hit) = self.memo.get(&key) {
                return hit.clone();
            }
            let answer = self.decide_now(action, resource, extra);
            self.memo.insert(key, answer.clone());
            return answer;
        }
        self.decide_now(action, resource, extra)
    }

    /// `sts:AssumeRole` on role `role` whose trust policy is in class `class`: decided
    /// once per class when the principal's own statements do not depend on the role's
    /// ARN, the answer then re-labelled for this role (its ARN, its trust policy's name).
    /// AWS: IAM User Guide, "Policy evaluation logic": the decision is a function of the
    /// request and the policies; same policies and an ARN no statement distinguishes give
    /// the same decision.
    fn assume(&mut self, role: &str, class: Option<u64>) -> Option<Step> {
        let Some(class) = class.filter(|_| self.assume_uniform) else {
            return self.ask("sts:AssumeRole", role, &[]);
        };
        let name: Option<std::sync::Arc<str>> = self
            .m
            .resource_for(role)
            .and_then(|r| r.policy.as_ref())
            .map(|n| n.name.clone());
        if let Some(hit) = self.assume_memo.get(&class) {
            let (step, old) = hit.as_ref()?;
            let mut s = step.clone();
            s.resource = role.to_string();
            if let Some(new) = &name {
                for v in &mut s.via {
                    if *v.policy == **old {
                        v.policy = new.to_string();
                    }
                }
                for c in &mut s.conditions {
                    if *c.policy == **old {
                        c.policy = new.to_string();
                    }
                }
            }
            return Some(s);
        }
        let answer = self.ask("sts:AssumeRole", role, &[]);
        let entry = match (&answer, name) {
            (Some(s), Some(n)) => Some((s.clone(), n)),
            (None, _) => None,
            // No trust policy to re-label: do not share the answer.
            (Some(_), None) => return answer,
        };
        self.assume_memo.insert(class, entry);
        answer
    }

    fn decide_now(&mut self, action: &str, resource: &str, extra: &[(&str, &str)]) -> Option<Step> {
        let sts = action
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("sts:"));
        if !sts && !self.may(action, resource) {
            return None;
        }
        with_resource(&mut self.set, self.m.resource_for_action(resource, action));
        let req = request_for(self.m, self.p, action, resource, extra)?;
        decide(&self.set, &req).map(|d| step(action, resource, d))
    }

    fn all(&mut self, needs: &[Need<'_>]) -> Option<Vec<Step>> {
        needs.iter().map(|(a, r, x)| self.ask(a, r, x)).collect()
    }
}

fn edge(from: usize, to: usize, technique: Technique, steps: Vec<Step>) -> Edge {
    let access = steps
        .iter()
        .map(|s| s.access)
        .max()
        .unwrap_or(Reach::Allowed);
    Edge {
        from,
        to,
        technique,
        access,
        steps,
        assumes: None,
    }
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

/// Builds the graph: every edge between the account's principals, and from external
/// principals that role trust policies admit.
pub fn graph(m: &AccessModel) -> Graph {
    let mut nodes: Vec<Node> = m
        .principals
        .iter()
        .map(|p| Node {
            arn: p.arn.clone(),
            kind: p.kind,
            admin: false,
            admin_by: None,
        })
        .collect();
    let mut edges = Vec::new();
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
    // Roles whose trust policy names a principal's ARN: same-account grants that need no
    // identity permission, so they are candidates even without `sts:AssumeRole` in the
    // principal's own policies.
    let mut named_in_trust: std::collections::HashMap<String, std::collections::HashSet<usize>> =
        Default::default();
    for (j, q) in m.principals.iter().enumerate() {
        for arn in trust_arns(m, q) {
            named_in_trust.entry(arn).or_default().insert(j);
        }
    }
    let no_roles = std::collections::HashSet::new();
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
    let role_index: Vec<Option<usize>> = (0..m.principals.len())
        .map(|j| roles.iter().position(|(k, _)| *k == j))
        .collect();
    let wanted = technique_actions();
    // Each principal's edges are independent: decide them in parallel.
    let per_principal: Vec<(Option<Step>, Vec<Edge>)> = m
        .principals
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let set = set_for_actions(m, Some(p), None, Some(&wanted));
            let mut a = Asker::new(m, p, set);
            let mut out = Vec::new();
            if let Some(s) = admin_step(&mut a) {
                // An administrator already holds every permission: its own edges add
                // nothing to any path, and computing them is the costliest part.
                return (Some(s), out);
            }
            let caps = Caps::of(p);
            let names_me = named_in_trust.get(&p.arn).unwrap_or(&no_roles);
            if !caps.any() && names_me.is_empty() {
                return (None, out);
            }
            for (j, q) in m.principals.iter().enumerate() {
                if i == j {
                    continue;
                }
                match q.kind {
                    PrincipalType::User if caps.users => user_edges(&mut a, i, j, q, &mut out),
                    PrincipalType::Role if !q.service_linked => {
                        let named = names_me.contains(&j);
                        if !caps.roles && !named {
                            continue;
                        }
                        let trust = role_index
                            .get(j)
                            .copied()
                            .flatten()
                            .and_then(|k| service_trust.get(k));
                        role_edges(
                            &mut a,
                            &caps,
                            (i, j, named, trust_class.get(j).copied().flatten()),
                            q,
                            trust.map(Vec::as_slice).unwrap_or(&[]),
                            &mut out,
                        );
                    }
                    _ => {}
                }
            }
            (None, out)
        })
        .collect();
    for ((admin_by, found), node) in per_principal.into_iter().zip(nodes.iter_mut()) {
        node.admin = admin_by.is_some();
        node.admin_by = admin_by;
        edges.extend(found);
    }
    for (j, role) in &roles {
        let who = crate::external::grants(
            m,
            match m.resource_for(&role.arn) {
                Some(r) => r,
                None => continue,
            },
            &["sts:AssumeRole".to_string()],
            &role.arn,
        );
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
            edges.push(edge(from, *j, Technique::AssumeRole, vec![s]));
        }
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

/// Which techniques a principal's identity policies could support at all: an Allow
/// statement names each action they need. Without one, no identity-based permission for
/// the action exists (IAM and the services that run code have no resource policies that
/// could grant it instead), so the technique is skipped without asking the engine.
struct Caps {
    users: bool,
    roles: bool,
    update_trust: bool,
    pass: Vec<bool>,
    ssm: bool,
}

impl Caps {
    fn of(p: &Principal) -> Caps {
        let may = |action: &str| {
            p.identity.iter().any(|n| {
                n.policy.statements.iter().any(|s| {
                    s.effect == phiward_policy::Effect::Allow && s.action.applies_to(action)
                })
            })
        };
        let pass_role = may("iam:PassRole");
        let pass: Vec<bool> = PASS_ROLE
            .iter()
            .map(|(_, _, actions)| pass_role && actions.iter().all(|a| may(a)))
            .collect();
        let update_trust = may("iam:UpdateAssumeRolePolicy");
        let ssm = may("ssm:SendCommand");
        Caps {
            users: may("iam:CreateAccessKey")
                || may("iam:CreateLoginProfile")
                || may("iam:UpdateLoginProfile"),
            roles: may("sts:AssumeRole") || update_trust || ssm || pass.iter().any(|x| *x),
            update_trust,
            pass,
            ssm,
        }
    }

    fn any(&self) -> bool {
        self.users || self.roles
    }
}

/// The principal ARNs a role's trust policy names (for other principals, empty).
fn trust_arns(m: &AccessModel, q: &Principal) -> Vec<String> {
    if q.kind != PrincipalType::Role {
        return Vec::new();
    }
    let Some(policy) = m.resource_for(&q.arn).and_then(|r| r.policy.as_ref()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for st in &policy.policy.statements {
        if let Some(phiward_policy::document::PrincipalSpec::Map(entries)) =
            st.principal.as_ref().map(|p| &p.spec)
        {
            for e in entries {
                for id in &e.ids {
                    if let phiward_policy::document::PrincipalId::Arn(arn) = id {
                        out.push(arn.clone());
                    }
                }
            }
        }
    }
    out
}

fn user_edges(a: &mut Asker<'_>, i: usize, j: usize, q: &Principal, out: &mut Vec<Edge>) {
    for (t, action) in [
        (Technique::CreateAccessKey, "iam:CreateAccessKey"),
        (Technique::CreateLoginProfile, "iam:CreateLoginProfile"),
        (Technique::UpdateLoginProfile, "iam:UpdateLoginProfile"),
    ] {
        if let Some(s) = a.ask(action, &q.arn, &[]) {
            out.push(edge(i, j, t, vec![s]));
        }
    }
}

fn role_edges(
    a: &mut Asker<'_>,
    caps: &Caps,
    (i, j, named, class): (usize, usize, bool, Option<u64>),
    q: &Principal,
    trust: &[bool],
    out: &mut Vec<Edge>,
) {
    // A same-account trust policy naming the principal grants without its own policies.
    let may = if a.assume_uniform {
        a.assume_any
    } else {
        a.may("sts:AssumeRole", &q.arn)
    };
    if named || may {
        if let Some(s) = a.assume(&q.arn, class) {
            out.push(edge(i, j, Technique::AssumeRole, vec![s]));
        }
    }
    if caps.update_trust {
        if let Some(s) = a.ask("iam:UpdateAssumeRolePolicy", &q.arn, &[]) {
            out.push(edge(i, j, Technique::UpdateTrustPolicy, vec![s]));
        }
    }
    for (((t, service, actions), trusted), can) in PASS_ROLE.iter().zip(trust).zip(&caps.pass) {
        if !trusted || !can {
            continue;
        }
        let passed = [("iam:PassedToService", *service)];
        let mut needs: Vec<Need<'_>> = vec![("iam:PassRole", &q.arn, &passed)];
        needs.extend(actions.iter().map(|x| (*x, "*", &[][..])));
        if let Some(steps) = a.all(&needs) {
            out.push(edge(i, j, *t, steps));
        }
    }
    if caps.ssm && trust.first() == Some(&true) {
        if let Some(s) = a.ask("ssm:SendCommand", "*", &[]) {
            let mut e = edge(i, j, Technique::SsmSendCommand, vec![s]);
            e.assumes = Some("an EC2 instance runs with this role's instance profile");
            out.push(e);
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
