//! CloudFormation resources as changes to the account: each IAM resource becomes the
//! user, group, role or policy it will be, with every attachment, and bucket policies,
//! key policies and SCPs their resources' policies.
//!
//! AWS: CloudFormation User Guide, resource type reference for `AWS::IAM::Role`, `User`,
//! `Group`, `ManagedPolicy`, `Policy`, `RolePolicy`, `UserPolicy`, `GroupPolicy`,
//! `UserToGroupAddition`, `AccessKey`, `InstanceProfile`, `AWS::S3::Bucket`,
//! `AWS::S3::BucketPolicy`, `AWS::KMS::Key` and `AWS::Organizations::Policy`.

use phiward_snapshot::model::data::{Bucket, KmsKey};
use phiward_snapshot::model::iam::{
    AttachedPolicy, Group, InlinePolicy, ManagedPolicy, PermissionsBoundary, PolicyVersion, Role,
    Tag, User, UserCredentials,
};
use phiward_snapshot::model::org::OrgPolicy;
use phiward_snapshot::{Collected, PolicyText};

use crate::cfn::names;
use crate::cfn::resolve::Env;
use crate::cfn::value::{RNode, RValue};
use crate::doc::{Doc, DocKind};
use crate::node::{Node, Pos};
use crate::plan::{Change, Plan, Who};

/// One resource being read.
pub(crate) struct Res<'a, 't> {
    pub env: &'a Env<'t>,
    pub plan: &'a mut Plan,
    pub logical: &'a str,
    pub pos: Pos,
    pub props: RNode,
}

impl Res<'_, '_> {
    pub fn text(&self, key: &str) -> Option<String> {
        self.props
            .get(key)
            .and_then(|v| v.text())
            .map(str::to_string)
    }

    pub fn at(&self, key: &str) -> Pos {
        self.props.get(key).map_or(self.pos, |v| v.pos)
    }

    /// A list of strings (a single string counts as a list of one).
    pub fn strings(&self, key: &str) -> Vec<(String, Pos)> {
        self.props
            .get(key)
            .map(|v| {
                v.items()
                    .into_iter()
                    .filter_map(|i| i.text().map(|t| (t.to_string(), i.pos)))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn name(&mut self) -> String {
        match names::name(self.env, self.logical) {
            Ok((n, _)) => n,
            Err(e) => {
                self.plan
                    .problem(self.logical, "Properties", e.pos, e.message);
                crate::cfn::value::placeholder(self.logical)
            }
        }
    }

    pub fn arn(&mut self, attr: &str) -> String {
        match names::attribute(self.env, self.pos, self.logical, attr) {
            Ok(v) => v.text().unwrap_or_default().to_string(),
            Err(e) => {
                self.plan
                    .problem(self.logical, "Properties", e.pos, e.message);
                String::new()
            }
        }
    }

    /// Reads a policy document at `path` (relative to `Properties`) into a [`Doc`].
    pub fn doc(
        &mut self,
        v: &RNode,
        path: &str,
        kind: DocKind,
        place: String,
        lint: bool,
    ) -> Option<PolicyText> {
        let origin = self
            .plan
            .origin(self.logical, &format!("Properties.{path}"), v.pos);
        match Doc::new(origin, place, kind, v) {
            Ok(d) => {
                let text = PolicyText::from_source(d.text.clone());
                self.plan.docs.push((d, lint));
                Some(text)
            }
            Err(m) => {
                self.plan
                    .problem(self.logical, &format!("Properties.{path}"), v.pos, m);
                None
            }
        }
    }

    /// `Policies: [{PolicyName, PolicyDocument}]` as inline policies of `owner`.
    pub fn inline(&mut self, owner: &Who) -> Vec<InlinePolicy> {
        let Some(list) = self.props.get("Policies").cloned() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, p) in list.items().into_iter().enumerate() {
            let path = format!("Policies[{i}]");
            let (Some(name), Some(doc)) = (
                p.get("PolicyName").and_then(|n| n.text()),
                p.get("PolicyDocument"),
            ) else {
                self.plan.problem(
                    self.logical,
                    &format!("Properties.{path}"),
                    p.pos,
                    "an inline policy needs `PolicyName` and `PolicyDocument`",
                );
                continue;
            };
            let place = phiward_snapshot::policies::inline_place(&owner.label(), name);
            if let Some(text) = self.doc(
                doc,
                &format!("{path}.PolicyDocument"),
                DocKind::Identity,
                place,
                true,
            ) {
                out.push(InlinePolicy {
                    policy_name: name.to_string(),
                    policy_document: text,
                });
            }
        }
        out
    }

    pub fn managed(&self) -> Vec<AttachedPolicy> {
        self.strings("ManagedPolicyArns")
            .into_iter()
            .map(|(arn, _)| AttachedPolicy {
                policy_name: arn.rsplit('/').next().unwrap_or("").to_string(),
                policy_arn: arn,
            })
            .collect()
    }

    pub fn boundary(&self) -> Option<PermissionsBoundary> {
        self.text("PermissionsBoundary")
            .map(|arn| PermissionsBoundary {
                permissions_boundary_type: "Policy".into(),
                permissions_boundary_arn: arn,
            })
    }

    pub fn tags(&self) -> Vec<Tag> {
        self.props
            .get("Tags")
            .map(|t| match &t.value {
                RValue::Seq(items) => items
                    .iter()
                    .filter_map(|i| {
                        Some(Tag {
                            key: i.get("Key")?.text()?.to_string(),
                            value: i
                                .get("Value")
                                .and_then(|v| v.text())
                                .unwrap_or("")
                                .to_string(),
                        })
                    })
                    .collect(),
                // SAM and some resources take tags as a mapping.
                RValue::Map(m) => m
                    .iter()
                    .map(|(k, _, v)| Tag {
                        key: k.clone(),
                        value: v.text().unwrap_or("").to_string(),
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .unwrap_or_default()
    }

    pub fn change(&mut self, c: Change) {
        let origin = self.plan.origin(self.logical, "", self.pos);
        self.plan.changes.push((origin, c));
    }

    /// The principals an `AWS::IAM::Policy` or `ManagedPolicy` names.
    fn targets(&self) -> Vec<(Who, Pos)> {
        let mut out: Vec<(Who, Pos)> = Vec::new();
        out.extend(
            self.strings("Roles")
                .into_iter()
                .map(|(n, p)| (Who::Role(n), p)),
        );
        out.extend(
            self.strings("Users")
                .into_iter()
                .map(|(n, p)| (Who::User(n), p)),
        );
        out.extend(
            self.strings("Groups")
                .into_iter()
                .map(|(n, p)| (Who::Group(n), p)),
        );
        out
    }

    fn user_attachment(&mut self, who: &Who, pos: Pos, what: &str) {
        if let Who::User(u) = who {
            let m =
                format!("{what} is attached to user `{u}` directly; attach it to a group or role");
            self.plan.hit("PW406", self.logical, "Properties", pos, m);
        }
    }
}

/// Reads one resource of type `ty` with resolved properties.
pub(crate) fn read(r: &mut Res<'_, '_>, ty: &str) {
    match ty {
        "AWS::IAM::Role" => role(r),
        "AWS::IAM::User" => user(r),
        "AWS::IAM::Group" => {
            let name = r.name();
            let who = Who::Group(name.clone());
            let group = Group {
                path: r.text("Path").unwrap_or_else(|| "/".into()),
                group_name: name,
                group_id: String::new(),
                arn: r.arn("Arn"),
                create_date: None,
                group_policy_list: r.inline(&who),
                attached_managed_policies: r.managed(),
            };
            r.change(Change::Group(Box::new(group)));
        }
        "AWS::IAM::ManagedPolicy" => managed_policy(r),
        "AWS::IAM::Policy" => {
            let Some(doc) = r.props.get("PolicyDocument").cloned() else {
                r.plan.problem(
                    r.logical,
                    "Properties.PolicyDocument",
                    r.pos,
                    "`AWS::IAM::Policy` needs `PolicyDocument`",
                );
                return;
            };
            let name = r
                .text("PolicyName")
                .unwrap_or_else(|| r.logical.to_string());
            let targets = r.targets();
            if targets.is_empty() {
                r.doc(
                    &doc,
                    "PolicyDocument",
                    DocKind::Identity,
                    format!("policy `{name}` (attached to nothing)"),
                    true,
                );
            }
            for (i, (who, pos)) in targets.into_iter().enumerate() {
                let place = phiward_snapshot::policies::inline_place(&who.label(), &name);
                if let Some(text) = r.doc(&doc, "PolicyDocument", DocKind::Identity, place, i == 0)
                {
                    r.user_attachment(&who, pos, &format!("policy `{name}`"));
                    r.change(Change::Inline(
                        who,
                        InlinePolicy {
                            policy_name: name.clone(),
                            policy_document: text,
                        },
                    ));
                }
            }
        }
        "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
            let (key, who): (&str, fn(String) -> Who) = match ty {
                "AWS::IAM::RolePolicy" => ("RoleName", Who::Role),
                "AWS::IAM::UserPolicy" => ("UserName", Who::User),
                _ => ("GroupName", Who::Group),
            };
            let (Some(owner), Some(doc)) = (r.text(key), r.props.get("PolicyDocument").cloned())
            else {
                r.plan.problem(
                    r.logical,
                    "Properties",
                    r.pos,
                    format!("`{ty}` needs `{key}` and `PolicyDocument`"),
                );
                return;
            };
            let who = who(owner);
            let name = r
                .text("PolicyName")
                .unwrap_or_else(|| r.logical.to_string());
            let place = phiward_snapshot::policies::inline_place(&who.label(), &name);
            if let Some(text) = r.doc(&doc, "PolicyDocument", DocKind::Identity, place, true) {
                let at = r.at(key);
                r.user_attachment(&who, at, &format!("policy `{name}`"));
                r.change(Change::Inline(
                    who,
                    InlinePolicy {
                        policy_name: name,
                        policy_document: text,
                    },
                ));
            }
        }
        "AWS::IAM::UserToGroupAddition" => {
            let group = r.text("GroupName").unwrap_or_default();
            for (user, _) in r.strings("Users") {
                r.change(Change::Member {
                    user,
                    group: group.clone(),
                });
            }
        }
        "AWS::IAM::AccessKey" => {
            let user = r.text("UserName").unwrap_or_default();
            let active = r.text("Status").is_none_or(|s| s != "Inactive");
            let at = r.at("UserName");
            let m = format!("the template creates an access key for IAM user `{user}`: long-lived credentials; use a role (IAM Roles Anywhere, OIDC federation) instead");
            r.plan.hit("PW404", r.logical, "Properties.UserName", at, m);
            if active {
                r.change(Change::AccessKey(user));
            }
        }
        "AWS::IAM::InstanceProfile" => {
            let name = r.name();
            for (role, _) in r.strings("Roles") {
                r.change(Change::Profile {
                    role,
                    name: name.clone(),
                });
            }
        }
        "AWS::S3::Bucket" => {
            let bucket = Bucket {
                name: r.name(),
                region: Some(r.env.region.0.clone()),
                policy: Collected::Collected(None),
                tags: Collected::Collected(r.tags()),
                ..Bucket::default()
            };
            r.change(Change::Bucket(Box::new(bucket)));
        }
        "AWS::S3::BucketPolicy" => {
            let (Some(bucket), Some(doc)) =
                (r.text("Bucket"), r.props.get("PolicyDocument").cloned())
            else {
                r.plan.problem(
                    r.logical,
                    "Properties",
                    r.pos,
                    "`AWS::S3::BucketPolicy` needs `Bucket` and `PolicyDocument`",
                );
                return;
            };
            let place = format!("bucket `{bucket}` policy");
            if let Some(doc) = r.doc(&doc, "PolicyDocument", DocKind::Bucket, place, true) {
                r.change(Change::BucketPolicy { bucket, doc });
            }
        }
        "AWS::KMS::Key" => {
            let arn = r.arn("Arn");
            let id = arn.rsplit('/').next().unwrap_or("").to_string();
            let Some(doc) = r.props.get("KeyPolicy").cloned() else {
                // AWS: KMS Developer Guide, "Default key policy": without one, the account
                // (its IAM policies) controls the key.
                return;
            };
            let place = format!("KMS key `{id}` policy");
            if let Some(text) = r.doc(&doc, "KeyPolicy", DocKind::Key, place, true) {
                let key = KmsKey {
                    key_id: id,
                    key_arn: Some(arn),
                    key_manager: Some("CUSTOMER".into()),
                    key_state: Some("Enabled".into()),
                    description: r.text("Description"),
                    policy: Collected::Collected(text),
                    grants: Collected::Collected(Vec::new()),
                };
                r.change(Change::Key(Box::new(key)));
            }
        }
        "AWS::Organizations::Policy" => {
            if r.text("Type").as_deref() != Some("SERVICE_CONTROL_POLICY") {
                return;
            }
            let name = r.text("Name").unwrap_or_else(|| r.logical.to_string());
            let Some(doc) = r.props.get("Content").cloned() else {
                return;
            };
            let place = format!("SCP `{name}`");
            if let Some(text) = r.doc(&doc, "Content", DocKind::Scp, place, true) {
                let targets = r.strings("TargetIds").into_iter().map(|(t, _)| t).collect();
                r.change(Change::Scp(Box::new(OrgPolicy {
                    id: r.logical.to_string(),
                    arn: String::new(),
                    name,
                    aws_managed: false,
                    content: Collected::Collected(text),
                    targets: Some(targets),
                })));
            }
        }
        "AWS::SNS::TopicPolicy" | "AWS::SQS::QueuePolicy" => {
            if let Some(doc) = r.props.get("PolicyDocument").cloned() {
                let place = format!("`{}` policy", r.logical);
                r.doc(&doc, "PolicyDocument", DocKind::Resource, place, true);
            }
        }
        _ => {}
    }
}

fn role(r: &mut Res<'_, '_>) {
    let name = r.name();
    let who = Who::Role(name.clone());
    let trust = match r.props.get("AssumeRolePolicyDocument").cloned() {
        Some(d) => r.doc(
            &d,
            "AssumeRolePolicyDocument",
            DocKind::Trust,
            format!("role `{name}` trust policy"),
            true,
        ),
        None => {
            r.plan.problem(
                r.logical,
                "Properties.AssumeRolePolicyDocument",
                r.pos,
                "a role needs `AssumeRolePolicyDocument`",
            );
            None
        }
    };
    let role = Role {
        path: r.text("Path").unwrap_or_else(|| "/".into()),
        role_name: name,
        role_id: String::new(),
        arn: r.arn("Arn"),
        create_date: None,
        assume_role_policy_document: trust,
        description: r.text("Description"),
        max_session_duration: None,
        instance_profile_list: Vec::new(),
        role_policy_list: r.inline(&who),
        attached_managed_policies: r.managed(),
        permissions_boundary: r.boundary(),
        tags: r.tags(),
        role_last_used: None,
    };
    r.change(Change::Role(Box::new(role)));
}

fn user(r: &mut Res<'_, '_>) {
    let name = r.name();
    let who = Who::User(name.clone());
    let inline = r.inline(&who);
    let managed = r.managed();
    if !inline.is_empty() || !managed.is_empty() {
        let at = r.at(if inline.is_empty() {
            "ManagedPolicyArns"
        } else {
            "Policies"
        });
        let m = format!("policies are attached to IAM user `{name}` directly; grant them through a group or a role");
        r.plan.hit("PW406", r.logical, "Properties", at, m);
    }
    let login = r.props.get("LoginProfile").is_some();
    if login {
        let at = r.at("LoginProfile");
        let m = format!("the template gives IAM user `{name}` a console password (`LoginProfile`); people should sign in through federation (IAM Identity Center)");
        r.plan
            .hit("PW405", r.logical, "Properties.LoginProfile", at, m);
    }
    let user = User {
        path: r.text("Path").unwrap_or_else(|| "/".into()),
        user_name: name,
        user_id: String::new(),
        arn: r.arn("Arn"),
        create_date: None,
        user_policy_list: inline,
        group_list: r.strings("Groups").into_iter().map(|(g, _)| g).collect(),
        attached_managed_policies: managed,
        permissions_boundary: r.boundary(),
        tags: r.tags(),
        credentials: Collected::Collected(UserCredentials {
            password_enabled: login,
            ..UserCredentials::default()
        }),
    };
    r.change(Change::User(Box::new(user)));
}

fn managed_policy(r: &mut Res<'_, '_>) {
    let arn = r.arn("PolicyArn");
    let Some(doc) = r.props.get("PolicyDocument").cloned() else {
        r.plan.problem(
            r.logical,
            "Properties.PolicyDocument",
            r.pos,
            "`AWS::IAM::ManagedPolicy` needs `PolicyDocument`",
        );
        return;
    };
    let Some(text) = r.doc(&doc, "PolicyDocument", DocKind::Identity, arn.clone(), true) else {
        return;
    };
    let name = r.name();
    let policy = ManagedPolicy {
        policy_name: name.clone(),
        policy_id: String::new(),
        arn: arn.clone(),
        path: r.text("Path").unwrap_or_else(|| "/".into()),
        default_version_id: "v1".into(),
        attachment_count: 0,
        permissions_boundary_usage_count: 0,
        is_attachable: true,
        description: r.text("Description"),
        create_date: None,
        update_date: None,
        policy_version_list: vec![PolicyVersion {
            document: text,
            version_id: "v1".into(),
            is_default_version: true,
            create_date: None,
        }],
    };
    r.change(Change::Policy(Box::new(policy)));
    for (who, pos) in r.targets() {
        r.user_attachment(&who, pos, &format!("managed policy `{name}`"));
        r.change(Change::Attach(who, arn.clone()));
    }
}

/// The `Metadata: phiward: ignore: [...]` entries of a resource: rule ids, or
/// `{rule, reason, expires}` mappings.
pub(crate) fn ignores(resource: &Node) -> Vec<crate::suppress::Ignore> {
    let Some(list) = resource
        .get("Metadata")
        .and_then(|m| m.get("phiward"))
        .and_then(|p| p.get("ignore"))
    else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &list.value {
        crate::node::Value::Seq(items) => items.iter().collect(),
        _ => vec![list],
    };
    items
        .into_iter()
        .filter_map(|i| {
            let text = |k: &str| i.get(k).and_then(Node::scalar);
            match i.scalar() {
                Some(id) => Some(crate::suppress::Ignore {
                    rule: id,
                    reason: None,
                    expires: None,
                }),
                None => Some(crate::suppress::Ignore {
                    rule: text("rule").or_else(|| text("id"))?,
                    reason: text("reason"),
                    expires: text("expires")
                        .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                }),
            }
        })
        .collect()
}
