//! LP-008 with CloudTrail logs: a principal holding permissions it does not use gets the
//! least-privilege policy `phiward trail policy` writes from what it called, in place of
//! its inline, attached and group policies.
//!
//! AWS: IAM User Guide, "Refine permissions in AWS using last accessed information" and
//! "IAM Access Analyzer policy generation" (a policy generated from CloudTrail activity).

use phiward_access::AccessModel;
use phiward_catalog::Catalog;
use phiward_findings::Finding;
use phiward_snapshot::model::iam::InlinePolicy;
use phiward_snapshot::{PolicyText, Snapshot};
use phiward_trail::usage::Usage;

use super::cis::{hcl, sh};
use super::{ident, snake, target, Fix};

const POLICY: &str = "phiward-least-privilege";

pub(super) fn fixes(s: &Snapshot, failing: &[&Finding], usage: Option<&Usage>) -> Vec<Fix> {
    let (Some(usage), Ok(catalog), Some(iam)) = (usage, Catalog::get(), s.iam.get()) else {
        return Vec::new();
    };
    let m = AccessModel::new(s);
    let mut out = Vec::new();
    for f in failing.iter().filter(|f| f.check == "LP-008") {
        let arn = f.principal.clone().unwrap_or_else(|| f.resource.clone());
        let Some(p) = m.principal(&arn) else { continue };
        let Some(u) = phiward_trail::unused::usage_of(usage, p).filter(|u| u.calls > 0) else {
            continue;
        };
        let g = phiward_trail::policy::least_privilege(u, catalog, Default::default());
        let text = serde_json::to_string_pretty(&g.document).unwrap_or_default();
        let compact = serde_json::to_string(&g.document).unwrap_or_default();
        let name = p.name.clone();
        let role = p.kind == phiward_access::PrincipalType::Role;
        // What the principal holds today, to be removed.
        let (inline, attached, groups): (Vec<String>, Vec<String>, Vec<String>) = if role {
            match iam.role(&name) {
                Some(r) => (
                    r.role_policy_list
                        .iter()
                        .map(|x| x.policy_name.clone())
                        .collect(),
                    r.attached_managed_policies
                        .iter()
                        .map(|x| x.policy_arn.clone())
                        .collect(),
                    Vec::new(),
                ),
                None => continue,
            }
        } else {
            match iam.user(&name) {
                Some(u) => (
                    u.user_policy_list
                        .iter()
                        .map(|x| x.policy_name.clone())
                        .collect(),
                    u.attached_managed_policies
                        .iter()
                        .map(|x| x.policy_arn.clone())
                        .collect(),
                    u.group_list.clone(),
                ),
                None => continue,
            }
        };
        let (kind, who_flag) = if role {
            ("role", "--role-name")
        } else {
            ("user", "--user-name")
        };
        let mut cli = format!(
            "# phiward fix for LP-008: {name} keeps only what it used (phiward trail policy)\naws iam put-{kind}-policy {who_flag} {n} --policy-name {POLICY} --policy-document {d}\n",
            n = sh(&name),
            d = sh(&compact)
        );
        let mut removals = String::new();
        for p in &inline {
            cli.push_str(&format!(
                "aws iam delete-{kind}-policy {who_flag} {} --policy-name {}\n",
                sh(&name),
                sh(p)
            ));
            removals.push_str(&format!("#   inline policy {p}\n"));
        }
        for a in &attached {
            cli.push_str(&format!(
                "aws iam detach-{kind}-policy {who_flag} {} --policy-arn {}\n",
                sh(&name),
                sh(a)
            ));
            removals.push_str(&format!("#   managed policy {a}\n"));
        }
        for gname in &groups {
            cli.push_str(&format!(
                "aws iam remove-user-from-group --user-name {} --group-name {}\n",
                sh(&name),
                sh(gname)
            ));
            removals.push_str(&format!("#   membership of group {gname}\n"));
        }
        let indented: String = text.lines().map(|l| format!("        {l}\n")).collect();
        let key = if role { "Roles" } else { "Users" };
        let cloudformation = format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nDescription: phiward fix for LP-008 - {name} keeps only what it used\n# Remove from {name} wherever they are defined:\n{removals}Resources:\n  {id}LeastPrivilege:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: {POLICY}\n      {key}: [{name}]\n      PolicyDocument:\n{indented}",
            id = ident(&name)
        );
        let terraform = format!(
            "# phiward fix for LP-008: {name} keeps only what it used\n# Remove from {name} wherever they are defined:\n{removals}resource \"aws_iam_{kind}_policy\" \"{t}_least_privilege\" {{\n  {kind} = {n}\n  name = \"{POLICY}\"\n  policy = <<-POLICY\n{body}  POLICY\n}}\n",
            t = snake(&name),
            n = hcl(&name),
            body = text.lines().map(|l| format!("    {l}\n")).collect::<String>(),
        );
        let policy = PolicyText::from_source(compact);
        let n2 = name.clone();
        let apply: super::Apply = Box::new(move |snap: &mut Snapshot| {
            let Some(iam) = snap.iam.get_mut() else {
                return;
            };
            let p = InlinePolicy {
                policy_name: POLICY.into(),
                policy_document: policy.clone(),
            };
            if role {
                if let Some(r) = iam.roles.iter_mut().find(|r| r.role_name == n2) {
                    r.role_policy_list = vec![p];
                    r.attached_managed_policies.clear();
                }
            } else if let Some(u) = iam.users.iter_mut().find(|u| u.user_name == n2) {
                u.user_policy_list = vec![p];
                u.attached_managed_policies.clear();
                u.group_list.clear();
            }
        });
        out.push(Fix {
            name: format!("lp-008-least-privilege-{}", snake(&name)),
            title: format!(
                "`{name}` keeps only the {} actions it used ({} calls in the logs)",
                g.actions.len(),
                u.calls
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
