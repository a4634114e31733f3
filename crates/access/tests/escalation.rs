//! The escalation graph on small accounts, one per technique: a positive case, a negative
//! one where a condition, boundary or SCP blocks it, one that needs MFA, and a chain
//! across policies that single-policy tools miss.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

mod common;

use phiward_access::{
    graph, graph_scoped, shortest_paths, AccessModel, Graph, PrincipalType, Reach, Scope, Technique,
};
use phiward_snapshot::model::iam::Iam;
use phiward_snapshot::{Collected, SourceKind};
use serde_json::{json, Value};

const ACCT: &str = "111122223333";

fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn allow(actions: Value, resource: &str) -> Value {
    json!({"Effect": "Allow", "Action": actions, "Resource": resource})
}

fn user(name: &str, policy: Value) -> Value {
    json!({"UserName": name, "Arn": format!("arn:aws:iam::{ACCT}:user/{name}"),
           "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": policy}]})
}

fn trust(principal: Value) -> Value {
    doc(json!([{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]))
}

fn role(name: &str, trust: Value, policy: Value) -> Value {
    json!({"RoleName": name, "Arn": format!("arn:aws:iam::{ACCT}:role/{name}"),
           "AssumeRolePolicyDocument": trust,
           "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": policy}],
           "InstanceProfileList": [{"InstanceProfileName": name}]})
}

fn admin_policy() -> Value {
    doc(json!([allow(json!("*"), "*")]))
}

fn account(
    users: Vec<Value>,
    roles: Vec<Value>,
    policies: Vec<Value>,
    scp: Option<Value>,
) -> Graph {
    graph(&model(users, roles, policies, scp))
}

fn model(
    users: Vec<Value>,
    roles: Vec<Value>,
    policies: Vec<Value>,
    scp: Option<Value>,
) -> AccessModel {
    let mut s = common::snapshot_of(ACCT, SourceKind::Generated);
    let iam: Iam =
        serde_json::from_value(json!({"Users": users, "Roles": roles, "Policies": policies}))
            .unwrap();
    s.iam = Collected::Known(iam);
    s.organization = match scp {
        None => Collected::Known(None),
        Some(scp) => serde_json::from_value(json!({"status": "collected", "value": {
            "organization": {"Id": "o-1"},
            "ou_path": {"status": "collected", "value": []},
            "scps": {"status": "collected", "value": [
                {"Id": "p-full", "Name": "FullAWSAccess", "AwsManaged": true,
                 "Content": {"status": "collected", "value": admin_policy().to_string()}},
                {"Id": "p-x", "Name": "Guard", "Content": {"status": "collected", "value": scp.to_string()}}]},
            "rcps": {"status": "collected", "value": []}}}))
        .unwrap(),
    };
    let m = AccessModel::new(&s);
    assert!(m.skipped.is_empty(), "{:?}", m.skipped);
    m
}

fn edge(g: &Graph, from: &str, to: &str, t: Technique) -> Option<Reach> {
    let i = g.nodes.iter().position(|n| n.arn.ends_with(from))?;
    let j = g.nodes.iter().position(|n| n.arn.ends_with(to))?;
    g.edges
        .iter()
        .find(|e| e.from == i && e.to == j && e.technique == t)
        .map(|e| e.access)
}

fn root_trust() -> Value {
    trust(json!({"AWS": format!("arn:aws:iam::{ACCT}:root")}))
}

#[test]
fn assume_role_positive_scp_negative_and_mfa() {
    let users = || {
        vec![user(
            "dev",
            doc(json!([allow(json!("sts:AssumeRole"), "*")])),
        )]
    };
    let g = account(
        users(),
        vec![role("Admin", root_trust(), admin_policy())],
        vec![],
        None,
    );
    assert_eq!(
        edge(&g, "user/dev", "role/Admin", Technique::AssumeRole),
        Some(Reach::Allowed)
    );
    assert!(
        g.nodes
            .iter()
            .find(|n| n.arn.ends_with("role/Admin"))
            .unwrap()
            .admin
    );

    let deny = doc(json!([{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}]));
    let g = account(
        users(),
        vec![role("Admin", root_trust(), admin_policy())],
        vec![],
        Some(deny),
    );
    assert_eq!(
        edge(&g, "user/dev", "role/Admin", Technique::AssumeRole),
        None
    );

    let mfa = doc(
        json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCT}:root")},
        "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]),
    );
    let g = account(
        users(),
        vec![role("Admin", mfa, admin_policy())],
        vec![],
        None,
    );
    assert_eq!(
        edge(&g, "user/dev", "role/Admin", Technique::AssumeRole),
        Some(Reach::Conditional)
    );
    let e = g
        .edges
        .iter()
        .find(|e| e.technique == Technique::AssumeRole)
        .unwrap();
    assert!(g.steps(e)[0]
        .conditions
        .iter()
        .any(|c| c.key == "aws:MultiFactorAuthPresent"));
}

#[test]
fn credentials_of_another_user_and_a_boundary_that_blocks_them() {
    let target = user("boss", admin_policy());
    let helpdesk = || {
        user(
            "helpdesk",
            doc(json!([allow(
                json!([
                    "iam:CreateAccessKey",
                    "iam:UpdateLoginProfile",
                    "iam:CreateLoginProfile"
                ]),
                "*"
            )])),
        )
    };
    let g = account(vec![helpdesk(), target.clone()], vec![], vec![], None);
    for t in [
        Technique::CreateAccessKey,
        Technique::UpdateLoginProfile,
        Technique::CreateLoginProfile,
    ] {
        assert_eq!(
            edge(&g, "user/helpdesk", "user/boss", t),
            Some(Reach::Allowed),
            "{t:?}"
        );
    }
    // A boundary without IAM stops it.
    let boundary_arn = format!("arn:aws:iam::{ACCT}:policy/NoIam");
    let mut h = helpdesk();
    h["PermissionsBoundary"] =
        json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary_arn});
    let boundary = json!({"PolicyName": "NoIam", "Arn": boundary_arn, "DefaultVersionId": "v1",
        "PolicyVersionList": [{"Document": doc(json!([allow(json!("s3:*"), "*")])), "VersionId": "v1", "IsDefaultVersion": true}]});
    let g = account(vec![h, target], vec![], vec![boundary], None);
    assert_eq!(
        edge(&g, "user/helpdesk", "user/boss", Technique::CreateAccessKey),
        None
    );
}

#[test]
fn pass_role_to_every_service_that_runs_code() {
    let cases: &[(Technique, &str, &[&str])] = &[
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
    for (t, service, actions) in cases {
        let mut all: Vec<&str> = actions.to_vec();
        all.push("iam:PassRole");
        let dev = user("dev", doc(json!([allow(json!(all), "*")])));
        let r = role("Power", trust(json!({"Service": service})), admin_policy());
        let g = account(vec![dev], vec![r], vec![], None);
        assert_eq!(
            edge(&g, "user/dev", "role/Power", *t),
            Some(Reach::Allowed),
            "{t:?}"
        );
        // Without the service action, no edge.
        let dev = user("dev", doc(json!([allow(json!(["iam:PassRole"]), "*")])));
        let r = role("Power", trust(json!({"Service": service})), admin_policy());
        let g = account(vec![dev], vec![r], vec![], None);
        assert_eq!(edge(&g, "user/dev", "role/Power", *t), None, "{t:?}");
    }
    // iam:PassedToService limits PassRole to one service.
    let dev = user(
        "dev",
        doc(json!([
        allow(json!(["ec2:RunInstances", "lambda:CreateFunction", "lambda:InvokeFunction"]), "*"),
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
         "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}])),
    );
    let r = role(
        "Power",
        trust(json!({"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]})),
        admin_policy(),
    );
    let g = account(vec![dev], vec![r], vec![], None);
    assert_eq!(
        edge(&g, "user/dev", "role/Power", Technique::PassRoleLambda),
        Some(Reach::Allowed)
    );
    assert_eq!(
        edge(&g, "user/dev", "role/Power", Technique::PassRoleEc2),
        None
    );
}

#[test]
fn trust_policy_rewrite_and_ssm() {
    let dev = user(
        "dev",
        doc(json!([allow(
            json!(["iam:UpdateAssumeRolePolicy", "ssm:SendCommand"]),
            "*"
        )])),
    );
    let r = role(
        "Power",
        trust(json!({"Service": "ec2.amazonaws.com"})),
        admin_policy(),
    );
    let g = account(vec![dev], vec![r], vec![], None);
    assert_eq!(
        edge(&g, "user/dev", "role/Power", Technique::UpdateTrustPolicy),
        Some(Reach::Allowed)
    );
    assert_eq!(
        edge(&g, "user/dev", "role/Power", Technique::SsmSendCommand),
        Some(Reach::Allowed)
    );
    let e = g
        .edges
        .iter()
        .find(|e| e.technique == Technique::SsmSendCommand)
        .unwrap();
    assert!(e.assumes().is_some());
}

#[test]
fn a_chain_across_policies_reaches_admin() {
    // intern can assume Helper (policy 1); Helper can create keys for boss (policy 2);
    // boss is an administrator. No single policy shows the path.
    let intern = user(
        "intern",
        doc(json!([allow(
            json!("sts:AssumeRole"),
            &format!("arn:aws:iam::{ACCT}:role/Helper")
        )])),
    );
    let boss = user("boss", admin_policy());
    let helper = role(
        "Helper",
        root_trust(),
        doc(json!([allow(
            json!("iam:CreateAccessKey"),
            &format!("arn:aws:iam::{ACCT}:user/boss")
        )])),
    );
    let g = account(vec![intern, boss], vec![helper], vec![], None);
    let admins: Vec<usize> = (0..g.nodes.len()).filter(|&i| g.nodes[i].admin).collect();
    let from = g
        .nodes
        .iter()
        .position(|n| n.arn.ends_with("user/intern"))
        .unwrap();
    let paths = shortest_paths(&g, Some(from), &admins);
    assert_eq!(paths.len(), 1);
    let p = &paths[0];
    let techniques: Vec<Technique> = p.edges.iter().map(|&k| g.edges[k].technique).collect();
    assert_eq!(
        techniques,
        [Technique::AssumeRole, Technique::CreateAccessKey]
    );
    assert!(g.nodes[p.to].arn.ends_with("user/boss"));
}

/// Roles with the same trust policy share one decision for a principal whose grant
/// applies to every role (regression: the shared steps must name each edge's own role,
/// resource and trust policy, never the first role decided).
#[test]
fn a_shared_decision_names_each_target() {
    let same = || {
        doc(
            json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCT}:root")},
            "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]),
        )
    };
    let g = account(
        vec![user(
            "dev",
            doc(json!([allow(
                json!(["sts:AssumeRole", "iam:CreateAccessKey"]),
                "*"
            )])),
        )],
        vec![
            role(
                "app-a",
                same(),
                doc(json!([allow(json!("s3:GetObject"), "*")])),
            ),
            role(
                "app-b",
                same(),
                doc(json!([allow(json!("s3:GetObject"), "*")])),
            ),
        ],
        vec![],
        None,
    );
    for name in ["app-a", "app-b"] {
        let j = g.nodes.iter().position(|n| n.arn.ends_with(name)).unwrap();
        let e = g
            .edges
            .iter()
            .find(|e| e.to == j && e.technique == Technique::AssumeRole)
            .unwrap();
        let steps = g.steps(e);
        assert_eq!(
            steps[0].resource,
            format!("arn:aws:iam::{ACCT}:role/{name}")
        );
        let trust = format!("role `{name}` trust policy");
        assert!(
            steps[0].via.iter().any(|v| *v.policy == *trust),
            "{name}: {:?}",
            steps[0].via
        );
        assert!(steps[0]
            .conditions
            .iter()
            .all(|c| !c.policy.contains("trust policy") || *c.policy == *trust));
    }
}

/// A trust policy that names everyone, or the user by name, lets a principal of the
/// account in without any `sts:` permission of its own; one that names only the account
/// does not.
#[test]
fn trust_naming_everyone_or_the_user_needs_no_permission() {
    let reader = doc(json!([allow(json!("s3:GetObject"), "*")]));
    let g = account(
        vec![user("nobody", reader.clone()), user("named", reader)],
        vec![
            role("Open", trust(json!({"AWS": "*"})), admin_policy()),
            role(
                "ForNamed",
                trust(json!({"AWS": format!("arn:aws:iam::{ACCT}:user/named")})),
                admin_policy(),
            ),
            role("AccountOnly", root_trust(), admin_policy()),
        ],
        vec![],
        None,
    );
    assert_eq!(
        edge(&g, "user/nobody", "role/Open", Technique::AssumeRole),
        Some(Reach::Allowed)
    );
    assert_eq!(
        edge(&g, "user/named", "role/ForNamed", Technique::AssumeRole),
        Some(Reach::Allowed)
    );
    assert_eq!(
        edge(&g, "user/nobody", "role/ForNamed", Technique::AssumeRole),
        None
    );
    assert_eq!(
        edge(&g, "user/nobody", "role/AccountOnly", Technique::AssumeRole),
        None
    );
}

/// Edges as comparable text: ends, technique, reach and the evidence of every step.
fn edges_text(g: &Graph, edges: &[usize]) -> Vec<String> {
    edges
        .iter()
        .map(|&k| {
            let e = &g.edges[k];
            let steps = serde_json::to_string(&g.steps(e)).unwrap();
            format!(
                "{} -> {} {:?} {:?} {steps}",
                g.nodes[e.from].arn, g.nodes[e.to].arn, e.technique, e.access
            )
        })
        .collect()
}

/// The graph toward administrators keeps what shortest paths to them need (the same
/// paths, in the same order, with the same evidence) and drops the other edges of
/// principals that reach an administrator in one step; a scope by source and technique
/// keeps exactly those edges of the whole graph, in order.
#[test]
fn scoped_graphs_keep_what_their_users_need() {
    // intern -> Helper -> boss (admin) takes two steps; Helper also reaches Deploy,
    // which the scoped graph may drop; ops reaches boss in one step.
    let intern = user("intern", doc(json!([allow(json!("sts:AssumeRole"), "*")])));
    let ops = user(
        "ops",
        doc(json!([allow(
            json!(["iam:CreateAccessKey", "sts:AssumeRole"]),
            "*"
        )])),
    );
    let boss = user("boss", admin_policy());
    let helper = role(
        "Helper",
        root_trust(),
        doc(json!([allow(
            json!(["iam:CreateAccessKey", "sts:AssumeRole"]),
            "*"
        )])),
    );
    let deploy = role(
        "Deploy",
        root_trust(),
        doc(json!([allow(json!("s3:*"), "*")])),
    );
    let m = model(vec![intern, ops, boss], vec![helper, deploy], vec![], None);
    let whole = graph(&m);
    let admins: Vec<usize> = (0..whole.nodes.len())
        .filter(|&i| whole.nodes[i].admin)
        .collect();
    let decided: Vec<_> = m
        .principals
        .iter()
        .map(|p| phiward_access::admin_grant(&m, p))
        .collect();
    for given in [None, Some(decided.as_slice())] {
        let scope = Scope {
            admins: given,
            toward_admins: true,
            ..Default::default()
        };
        let toward = graph_scoped(&m, &scope);
        let flags = |g: &Graph| {
            g.nodes
                .iter()
                .map(|n| (n.arn.clone(), n.admin))
                .collect::<Vec<_>>()
        };
        assert_eq!(flags(&toward), flags(&whole));
        assert!(toward.edges.len() < whole.edges.len());
        let paths = |g: &Graph| -> Vec<Vec<String>> {
            shortest_paths(g, None, &admins)
                .iter()
                .map(|p| edges_text(g, &p.edges))
                .collect()
        };
        let want = paths(&whole);
        assert_eq!(paths(&toward), want);
        assert!(want.iter().any(|p| p.len() == 2), "{want:?}");
    }
    let users: Vec<bool> = m
        .principals
        .iter()
        .map(|p| p.kind == PrincipalType::User)
        .collect();
    let scope = Scope {
        from: Some(&users),
        techniques: Some(&[Technique::AssumeRole]),
        ..Default::default()
    };
    let part = graph_scoped(&m, &scope);
    let all: Vec<usize> = (0..part.edges.len()).collect();
    let kept: Vec<usize> = (0..whole.edges.len())
        .filter(|&k| {
            let e = &whole.edges[k];
            e.technique == Technique::AssumeRole && users[e.from]
        })
        .collect();
    assert!(kept.len() >= 2);
    assert_eq!(edges_text(&part, &all), edges_text(&whole, &kept));
}
