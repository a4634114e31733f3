//! AUTO-001: a principal that may pass any role gets a guard: `iam:PassRole` is denied
//! outside the roles a compute or deployment service may assume that are not
//! administrator-equivalent — the roles such a principal passes. Its existing grants stay
//! as they are (they may be shared managed policies); the deny scopes them.
//!
//! AWS: IAM User Guide, "Grant a user permissions to pass a role to an AWS service" (name
//! the roles in `Resource`) and "Policy evaluation logic" (an explicit deny wins).

use phiward_access::AccessModel;
use phiward_checks::{Audit, Config};
use phiward_report::Finding;
use phiward_snapshot::model::iam::InlinePolicy;
use phiward_snapshot::{PolicyText, Snapshot};
use serde_json::json;

use super::cis::{hcl, sh};
use super::{ident, snake, target, Fix};

const POLICY: &str = "phiward-scoped-passrole";

/// Roles a runner service may assume that are not administrators.
fn passable(s: &Snapshot, config: &Config) -> Vec<String> {
    let m = AccessModel::new(s);
    let now = s.as_of.unwrap_or(s.created);
    let a = Audit::new(s, &m, now, config);
    let admins = a.admins();
    let mut out: Vec<String> = m
        .principals
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            p.kind == phiward_access::PrincipalType::Role
                && !p.service_linked
                && admins.get(*i).is_some_and(Option::is_none)
                && a.assumed_by_any(*i)
        })
        .map(|(_, p)| p.arn.clone())
        .collect();
    out.sort();
    out
}

pub(super) fn fixes(s: &Snapshot, config: &Config, failing: &[&Finding]) -> Vec<Fix> {
    let found: Vec<&&Finding> = failing.iter().filter(|f| f.check == "AUTO-001").collect();
    if found.is_empty() {
        return Vec::new();
    }
    let roles = passable(s, config);
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Sid": "PassOnlyTheseRoles", "Effect": "Deny",
        "Action": "iam:PassRole", "NotResource": roles}]});
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let compact = serde_json::to_string(&doc).unwrap_or_default();
    let mut out = Vec::new();
    for f in found {
        let arn = f.principal.clone().unwrap_or_else(|| f.resource.clone());
        let Some((kind, name)) = arn.split(':').nth(5).and_then(|r| {
            let (kind, rest) = r.split_once('/')?;
            Some((kind.to_string(), rest.rsplit('/').next()?.to_string()))
        }) else {
            continue;
        };
        let role = kind == "role";
        let (cfn_key, tf_type, tf_key, cli_cmd, cli_key) = if role {
            (
                "Roles",
                "aws_iam_role_policy",
                "role",
                "put-role-policy",
                "--role-name",
            )
        } else {
            (
                "Users",
                "aws_iam_user_policy",
                "user",
                "put-user-policy",
                "--user-name",
            )
        };
        let indented: String = text.lines().map(|l| format!("        {l}\n")).collect();
        // AWS::IAM::Policy (an inline policy put on the principals it names) rather than
        // RolePolicy/UserPolicy: the same change, and the type more tools deploy.
        let cloudformation = format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nDescription: phiward fix for AUTO-001 - {name} may pass only the roles services run with\nResources:\n  {id}ScopedPassRole:\n    Type: AWS::IAM::Policy\n    Properties:\n      {cfn_key}: [{name}]\n      PolicyName: {POLICY}\n      PolicyDocument:\n{indented}",
            id = ident(&name)
        );
        let terraform = format!(
            "# phiward fix for AUTO-001: {name} may pass only the roles services run with\nresource \"{tf_type}\" \"{tf}_scoped_passrole\" {{\n  {tf_key} = {n}\n  name = \"{POLICY}\"\n  policy = <<-POLICY\n{body}  POLICY\n}}\n",
            tf = snake(&name),
            n = hcl(&name),
            body = text.lines().map(|l| format!("    {l}\n")).collect::<String>(),
        );
        let cli = format!(
            "# phiward fix for AUTO-001: {name} may pass only the roles services run with\naws iam {cli_cmd} {cli_key} {n} --policy-name {POLICY} --policy-document {p}\n",
            n = sh(&name),
            p = sh(&compact),
        );
        let policy = PolicyText::from_source(compact.clone());
        let (n2, role2) = (name.clone(), role);
        let apply: super::Apply = Box::new(move |snap: &mut Snapshot| {
            let Some(iam) = snap.iam.get_mut() else {
                return;
            };
            let p = InlinePolicy {
                policy_name: POLICY.into(),
                policy_document: policy.clone(),
            };
            if role2 {
                if let Some(r) = iam.roles.iter_mut().find(|r| r.role_name == n2) {
                    r.role_policy_list.push(p);
                }
            } else if let Some(u) = iam.users.iter_mut().find(|u| u.user_name == n2) {
                u.user_policy_list.push(p);
            }
        });
        out.push(Fix {
            name: format!("auto-001-scoped-passrole-{}", snake(&name)),
            title: format!(
                "`{name}` may pass only the {} non-administrator roles services run with",
                roles.len()
            ),
            targets: vec![target(f)],
            cloudformation,
            terraform,
            cli,
            apply,
        });
    }
    out
}
