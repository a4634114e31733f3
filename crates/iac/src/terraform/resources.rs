//! Planned Terraform resources as changes to the account: one function per resource
//! type family, each building the snapshot object the resource will be.

use phiward_snapshot::model::data::{Bucket, KmsKey};
use phiward_snapshot::model::iam::{
    AttachedPolicy, Group, InlinePolicy, ManagedPolicy, PermissionsBoundary, PolicyVersion, Role,
    User, UserCredentials,
};
use phiward_snapshot::model::org::OrgPolicy;
use phiward_snapshot::{Collected, PolicyText};

use super::{items, policy, Cx, Planned};
use crate::cfn::value::RNode;
use crate::doc::{from_text, Doc, DocKind};
use crate::node::Node;
use crate::plan::{Change, Plan, Who};

fn doc(
    plan: &mut Plan,
    p: &Planned<'_>,
    attr: &str,
    v: &RNode,
    kind: DocKind,
    place: String,
    lint: bool,
) -> Option<PolicyText> {
    let origin = plan.origin(&p.address, attr, v.pos);
    match Doc::new(origin, place, kind, v) {
        Ok(d) => {
            let text = PolicyText::from_source(d.text.clone());
            plan.docs.push((d, lint));
            Some(text)
        }
        Err(m) => {
            plan.problem(&p.address, attr, v.pos, m);
            None
        }
    }
}

fn change(plan: &mut Plan, p: &Planned<'_>, c: Change) {
    let origin = plan.origin(&p.address, "", p.pos);
    plan.changes.push((origin, c));
}

fn attached(arns: Vec<String>) -> Vec<AttachedPolicy> {
    arns.into_iter()
        .map(|a| AttachedPolicy {
            policy_name: a.rsplit('/').next().unwrap_or("").to_string(),
            policy_arn: a,
        })
        .collect()
}

fn boundary(p: &Planned<'_>) -> Option<PermissionsBoundary> {
    p.str("permissions_boundary")
        .filter(|b| !b.is_empty())
        .map(|b| PermissionsBoundary {
            permissions_boundary_type: "Policy".into(),
            permissions_boundary_arn: b,
        })
}

pub(super) fn resource(plan: &mut Plan, cx: &Cx<'_, '_>, p: &Planned<'_>) {
    let iam_arn = |kind: &str, path: &str, name: &str| {
        format!("arn:aws:iam::{}:{kind}{path}{name}", cx.account)
    };
    let path = p.str("path").unwrap_or_else(|| "/".into());
    match p.ty.as_str() {
        "aws_iam_role" => {
            let name = p.name("name");
            let who = Who::Role(name.clone());
            let trust = policy(plan, cx, p, "assume_role_policy").and_then(|v| {
                doc(
                    plan,
                    p,
                    "assume_role_policy",
                    &v,
                    DocKind::Trust,
                    format!("role `{name}` trust policy"),
                    true,
                )
            });
            let mut inline = Vec::new();
            for ip in p.after.get("inline_policy").map(items).unwrap_or_default() {
                let (Some(pn), Some(text)) = (
                    ip.get("name").and_then(Node::scalar),
                    ip.get("policy").and_then(Node::scalar),
                ) else {
                    continue;
                };
                if pn.is_empty() {
                    continue;
                }
                if let Ok(v) = from_text(&text, ip.pos, &[]) {
                    let place = phiward_snapshot::policies::inline_place(&who.label(), &pn);
                    if let Some(t) =
                        doc(plan, p, "inline_policy", &v, DocKind::Identity, place, true)
                    {
                        inline.push(InlinePolicy {
                            policy_name: pn,
                            policy_document: t,
                        });
                    }
                }
            }
            let role = Role {
                arn: iam_arn("role", &path, &name),
                path,
                role_name: name,
                role_id: String::new(),
                create_date: None,
                assume_role_policy_document: trust,
                description: p.str("description"),
                max_session_duration: None,
                instance_profile_list: Vec::new(),
                role_policy_list: inline,
                attached_managed_policies: attached(p.strings("managed_policy_arns")),
                permissions_boundary: boundary(p),
                tags: p.tags(),
                role_last_used: None,
            };
            change(plan, p, Change::Role(Box::new(role)));
        }
        "aws_iam_user" => {
            let name = p.name("name");
            let user = User {
                arn: iam_arn("user", &path, &name),
                path,
                user_name: name,
                user_id: String::new(),
                create_date: None,
                user_policy_list: Vec::new(),
                group_list: Vec::new(),
                attached_managed_policies: Vec::new(),
                permissions_boundary: boundary(p),
                tags: p.tags(),
                credentials: Collected::Collected(UserCredentials::default()),
            };
            change(plan, p, Change::User(Box::new(user)));
        }
        "aws_iam_group" => {
            let name = p.name("name");
            let group = Group {
                arn: iam_arn("group", &path, &name),
                path,
                group_name: name,
                group_id: String::new(),
                create_date: None,
                group_policy_list: Vec::new(),
                attached_managed_policies: Vec::new(),
            };
            change(plan, p, Change::Group(Box::new(group)));
        }
        "aws_iam_policy" => {
            let name = p.name("name");
            let arn = iam_arn("policy", &path, &name);
            let Some(v) = policy(plan, cx, p, "policy") else {
                return;
            };
            let Some(text) = doc(plan, p, "policy", &v, DocKind::Identity, arn.clone(), true)
            else {
                return;
            };
            let mp = ManagedPolicy {
                policy_name: name,
                policy_id: String::new(),
                arn,
                path,
                default_version_id: "v1".into(),
                attachment_count: 0,
                permissions_boundary_usage_count: 0,
                is_attachable: true,
                description: p.str("description"),
                create_date: None,
                update_date: None,
                policy_version_list: vec![PolicyVersion {
                    document: text,
                    version_id: "v1".into(),
                    is_default_version: true,
                    create_date: None,
                }],
            };
            change(plan, p, Change::Policy(Box::new(mp)));
        }
        "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
            let (attr, who): (&str, fn(String) -> Who) = match p.ty.as_str() {
                "aws_iam_role_policy" => ("role", Who::Role),
                "aws_iam_user_policy" => ("user", Who::User),
                _ => ("group", Who::Group),
            };
            let owner = who(cx.val(p, attr));
            let name = p.name("name");
            let Some(v) = policy(plan, cx, p, "policy") else {
                return;
            };
            let place = phiward_snapshot::policies::inline_place(&owner.label(), &name);
            let Some(text) = doc(plan, p, "policy", &v, DocKind::Identity, place, true) else {
                return;
            };
            if let Who::User(u) = &owner {
                plan.hit("PW406", &p.address, attr, p.at(attr), format!("policy `{name}` is attached to IAM user `{u}` directly; attach it to a group or role"));
            }
            change(
                plan,
                p,
                Change::Inline(
                    owner,
                    InlinePolicy {
                        policy_name: name,
                        policy_document: text,
                    },
                ),
            );
        }
        "aws_iam_role_policy_attachment"
        | "aws_iam_user_policy_attachment"
        | "aws_iam_group_policy_attachment"
        | "aws_iam_policy_attachment" => {
            let arn = cx.val(p, "policy_arn");
            let mut targets: Vec<Who> = Vec::new();
            match p.ty.as_str() {
                "aws_iam_role_policy_attachment" => targets.push(Who::Role(cx.val(p, "role"))),
                "aws_iam_user_policy_attachment" => targets.push(Who::User(cx.val(p, "user"))),
                "aws_iam_group_policy_attachment" => targets.push(Who::Group(cx.val(p, "group"))),
                _ => {
                    targets.extend(p.strings("roles").into_iter().map(Who::Role));
                    targets.extend(p.strings("users").into_iter().map(Who::User));
                    targets.extend(p.strings("groups").into_iter().map(Who::Group));
                }
            }
            for t in targets {
                if let Who::User(u) = &t {
                    plan.hit("PW406", &p.address, "policy_arn", p.at("policy_arn"), format!("managed policy `{arn}` is attached to IAM user `{u}` directly; attach it to a group or role"));
                }
                change(plan, p, Change::Attach(t, arn.clone()));
            }
        }
        "aws_iam_user_group_membership" => {
            let user = cx.val(p, "user");
            for group in p.strings("groups") {
                change(
                    plan,
                    p,
                    Change::Member {
                        user: user.clone(),
                        group,
                    },
                );
            }
        }
        "aws_iam_group_membership" => {
            let group = cx.val(p, "group");
            for user in p.strings("users") {
                change(
                    plan,
                    p,
                    Change::Member {
                        user,
                        group: group.clone(),
                    },
                );
            }
        }
        "aws_iam_access_key" => {
            let user = cx.val(p, "user");
            plan.hit("PW404", &p.address, "user", p.at("user"), format!("the plan creates an access key for IAM user `{user}`: long-lived credentials; use a role (IAM Roles Anywhere, OIDC federation) instead"));
            change(plan, p, Change::AccessKey(user));
        }
        "aws_iam_user_login_profile" => {
            let user = cx.val(p, "user");
            plan.hit("PW405", &p.address, "user", p.at("user"), format!("the plan gives IAM user `{user}` a console password; people should sign in through federation (IAM Identity Center)"));
        }
        "aws_iam_instance_profile" => {
            let role = cx.val(p, "role");
            change(
                plan,
                p,
                Change::Profile {
                    role,
                    name: p.name("name"),
                },
            );
        }
        "aws_s3_bucket" => {
            let bucket = Bucket {
                name: p.name("bucket"),
                region: p.str("region"),
                policy: Collected::Collected(None),
                tags: Collected::Collected(p.tags()),
                ..Bucket::default()
            };
            change(plan, p, Change::Bucket(Box::new(bucket)));
        }
        "aws_s3_bucket_policy" => {
            let bucket = cx.val(p, "bucket");
            let Some(v) = policy(plan, cx, p, "policy") else {
                return;
            };
            if let Some(d) = doc(
                plan,
                p,
                "policy",
                &v,
                DocKind::Bucket,
                format!("bucket `{bucket}` policy"),
                true,
            ) {
                change(plan, p, Change::BucketPolicy { bucket, doc: d });
            }
        }
        "aws_kms_key" => {
            let id = p.name("key_id");
            let arn = match p.str("arn").filter(|_| !p.unknown("arn")) {
                Some(a) => a,
                None => format!("arn:aws:kms:us-east-1:{}:key/{id}", cx.account),
            };
            if p.after.get("policy").is_none() && !p.unknown("policy") {
                return;
            }
            let Some(v) = policy(plan, cx, p, "policy") else {
                return;
            };
            if let Some(text) = doc(
                plan,
                p,
                "policy",
                &v,
                DocKind::Key,
                format!("KMS key `{id}` policy"),
                true,
            ) {
                let key = KmsKey {
                    key_id: id,
                    key_arn: Some(arn),
                    key_manager: Some("CUSTOMER".into()),
                    key_state: Some("Enabled".into()),
                    description: p.str("description"),
                    policy: Collected::Collected(text),
                    grants: Collected::Collected(Vec::new()),
                };
                change(plan, p, Change::Key(Box::new(key)));
            }
        }
        "aws_organizations_policy" => {
            if p.str("type").is_some_and(|t| t != "SERVICE_CONTROL_POLICY") {
                return;
            }
            let name = p.name("name");
            let Some(v) = policy(plan, cx, p, "content") else {
                return;
            };
            if let Some(text) = doc(
                plan,
                p,
                "content",
                &v,
                DocKind::Scp,
                format!("SCP `{name}`"),
                true,
            ) {
                change(
                    plan,
                    p,
                    Change::Scp(Box::new(OrgPolicy {
                        id: p.address.clone(),
                        arn: String::new(),
                        name,
                        aws_managed: false,
                        content: Collected::Collected(text),
                        targets: None,
                    })),
                );
            }
        }
        _ => {}
    }
}
