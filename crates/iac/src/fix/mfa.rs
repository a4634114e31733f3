//! MFA-003: IAM users who can assume roles without MFA get an MFA-enforcing policy:
//! everything but setting up their own MFA device is denied unless they signed in with
//! MFA (written with `BoolIfExists`, so requests signed with access keys alone are denied
//! too).
//!
//! AWS: IAM User Guide, "AWS: Allows MFA-authenticated IAM users to manage their own MFA
//! device on the Security credentials page" (the `DenyAllExceptListedIfNoMFA` statement).

use phiward_findings::Finding;
use phiward_snapshot::model::iam::{AttachedPolicy, ManagedPolicy, PolicyVersion};
use phiward_snapshot::{PolicyText, Snapshot};
use serde_json::json;

use super::cis::{hcl, sh};
use super::{snake, target, Fix};

const NAME: &str = "phiward-enforce-mfa";

/// The user names a MFA-003 finding lists (`... without MFA: a, b and 3 more`).
fn users(message: &str) -> Vec<String> {
    let Some((_, list)) = message.rsplit_once(": ") else {
        return Vec::new();
    };
    let list = list.split(" and ").next().unwrap_or(list);
    list.split(", ")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

pub(super) fn fixes(s: &Snapshot, failing: &[&Finding]) -> Vec<Fix> {
    let Some(iam) = s.iam.get() else {
        return Vec::new();
    };
    let account = s.account.id.clone().unwrap_or_default();
    let arn = format!("arn:aws:iam::{account}:policy/{NAME}");
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny",
        "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices",
            "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "iam:ChangePassword", "iam:GetAccountPasswordPolicy",
            "sts:GetSessionToken"],
        "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]});
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let compact = serde_json::to_string(&doc).unwrap_or_default();
    let mut out = Vec::new();
    for f in failing.iter().filter(|f| f.check == "MFA-003") {
        let names: Vec<String> = users(&f.message)
            .into_iter()
            .filter(|n| iam.user(n).is_some())
            .collect();
        if names.is_empty() {
            continue;
        }
        let indented: String = text.lines().map(|l| format!("        {l}\n")).collect();
        let user_list: String = names.iter().map(|n| format!("        - {n}\n")).collect();
        let cloudformation = format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nDescription: phiward fix for MFA-003 - IAM users act only after signing in with MFA\nResources:\n  EnforceMfa:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      ManagedPolicyName: {NAME}\n      Users:\n{user_list}      PolicyDocument:\n{indented}"
        );
        let mut terraform = format!(
            "# phiward fix for MFA-003: IAM users act only after signing in with MFA\nresource \"aws_iam_policy\" \"enforce_mfa\" {{\n  name   = \"{NAME}\"\n  policy = <<-POLICY\n{body}  POLICY\n}}\n",
            body = text.lines().map(|l| format!("    {l}\n")).collect::<String>(),
        );
        let mut cli = format!(
            "# phiward fix for MFA-003: IAM users act only after signing in with MFA\naws iam create-policy --policy-name {NAME} --policy-document {p}\n",
            p = sh(&compact)
        );
        for n in &names {
            terraform.push_str(&format!(
                "\nresource \"aws_iam_user_policy_attachment\" \"enforce_mfa_{t}\" {{\n  user       = {u}\n  policy_arn = aws_iam_policy.enforce_mfa.arn\n}}\n",
                t = snake(n),
                u = hcl(n)
            ));
            cli.push_str(&format!(
                "aws iam attach-user-policy --user-name {} --policy-arn {}\n",
                sh(n),
                sh(&arn)
            ));
        }
        let (arn2, names2, policy) = (
            arn.clone(),
            names.clone(),
            PolicyText::from_source(compact.clone()),
        );
        let apply: super::Apply = Box::new(move |snap: &mut Snapshot| {
            let Some(iam) = snap.iam.get_mut() else {
                return;
            };
            if iam.policy(&arn2).is_none() {
                iam.policies.push(ManagedPolicy {
                    policy_name: NAME.into(),
                    policy_id: String::new(),
                    arn: arn2.clone(),
                    path: "/".into(),
                    default_version_id: "v1".into(),
                    attachment_count: names2.len() as u64,
                    permissions_boundary_usage_count: 0,
                    is_attachable: true,
                    description: None,
                    create_date: None,
                    update_date: None,
                    policy_version_list: vec![PolicyVersion {
                        document: policy.clone(),
                        version_id: "v1".into(),
                        is_default_version: true,
                        create_date: None,
                    }],
                });
            }
            for u in iam
                .users
                .iter_mut()
                .filter(|u| names2.contains(&u.user_name))
            {
                u.attached_managed_policies.push(AttachedPolicy {
                    policy_name: NAME.into(),
                    policy_arn: arn2.clone(),
                });
            }
        });
        out.push(Fix {
            name: format!(
                "mfa-003-enforce-mfa-{}",
                snake(f.resource.rsplit('/').next().unwrap_or(""))
            ),
            title: format!("MFA-enforcing policy for {}", names.join(", ")),
            targets: vec![target(f)],
            cloudformation,
            terraform,
            cli,
            apply,
        });
    }
    out
}

/// MFA-003, the check's own remedy: the role's trust policy asks IAM users for MFA
/// (`"Bool": {"aws:MultiFactorAuthPresent": "true"}` on each statement admitting AWS
/// principals). AWS: IAM User Guide, "Configuring MFA-protected API access" (trust policy
/// condition).
pub(super) fn trust_fixes(s: &Snapshot, failing: &[&Finding]) -> Vec<Fix> {
    let Some(iam) = s.iam.get() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in failing.iter().filter(|f| f.check == "MFA-003") {
        let Some(role) = iam.roles.iter().find(|r| r.arn == f.resource) else {
            continue;
        };
        let Some(doc) = role
            .assume_role_policy_document
            .as_ref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t.as_str()).ok())
        else {
            continue;
        };
        let mut doc = doc;
        let mut changed = false;
        let list = match doc.get_mut("Statement") {
            Some(serde_json::Value::Array(a)) => a.iter_mut().collect::<Vec<_>>(),
            Some(v) => vec![v],
            None => Vec::new(),
        };
        for st in list {
            let aws = st
                .get("Principal")
                .is_some_and(|p| p == "*" || p.get("AWS").is_some());
            if st.get("Effect").and_then(|e| e.as_str()) != Some("Allow") || !aws {
                continue;
            }
            if let Some(o) = st.as_object_mut() {
                let cond = o.entry("Condition").or_insert_with(|| json!({}));
                if let Some(c) = cond.as_object_mut() {
                    let b = c.entry("Bool").or_insert_with(|| json!({}));
                    if let Some(b) = b.as_object_mut() {
                        b.insert("aws:MultiFactorAuthPresent".into(), json!("true"));
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            continue;
        }
        let name = role.role_name.clone();
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        let compact = serde_json::to_string(&doc).unwrap_or_default();
        let indented: String = text.lines().map(|l| format!("        {l}\n")).collect();
        let cloudformation = format!(
            "# phiward fix for MFA-003: set this trust policy on role {name}'s AWS::IAM::Role resource\n# (the role already exists: a template must own or import it).\nResources:\n  {id}:\n    Type: AWS::IAM::Role\n    DeletionPolicy: Retain\n    Properties:\n      RoleName: {name}\n      AssumeRolePolicyDocument:\n{indented}",
            id = super::ident(&name)
        );
        let terraform = format!(
            "# phiward fix for MFA-003: the trust policy of role {name} asks IAM users for MFA\n# (in the configuration that manages the role, or after `terraform import aws_iam_role.{t} {name}`)\nresource \"aws_iam_role\" \"{t}\" {{\n  name = {n}\n  assume_role_policy = <<-POLICY\n{body}  POLICY\n}}\n",
            t = snake(&name),
            n = hcl(&name),
            body = text.lines().map(|l| format!("    {l}\n")).collect::<String>(),
        );
        let cli = format!(
            "# phiward fix for MFA-003: the trust policy of role {name} asks IAM users for MFA\naws iam update-assume-role-policy --role-name {} --policy-document {}\n",
            sh(&name),
            sh(&compact)
        );
        let policy = PolicyText::from_source(compact);
        let n2 = name.clone();
        let apply: super::Apply = Box::new(move |snap: &mut Snapshot| {
            if let Some(r) = snap
                .iam
                .get_mut()
                .and_then(|i| i.roles.iter_mut().find(|r| r.role_name == n2))
            {
                r.assume_role_policy_document = Some(policy.clone());
            }
        });
        out.push(Fix {
            name: format!("mfa-003-trust-mfa-{}", snake(&name)),
            title: format!("role `{name}`'s trust policy asks IAM users for MFA"),
            targets: vec![target(f)],
            cloudformation,
            terraform,
            cli,
            apply,
        });
    }
    out
}
