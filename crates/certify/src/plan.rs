//! `phiward certify plan`: the changes that remove each revoked right, as AWS CLI
//! commands and as a JSON list for CloudFormation or Terraform users, and the proof: the
//! changes are applied to a copy of the snapshot, the rights are rebuilt from the copy
//! with the same engine, and `who-can` is asked again for every revoked PHI resource. A
//! right that survives (through another group, policy or role) is named with the path
//! that still grants it.
//!
//! Changes, by right (IAM API reference: RemoveUserFromGroup, DetachUserPolicy,
//! DeleteUserPolicy, PutUserPolicy, PutRolePolicy, UntagRole,
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html>):
//! - group membership: `aws iam remove-user-from-group`;
//! - attached policy: `aws iam detach-user-policy`; inline policy: `aws iam delete-user-policy`;
//! - a role held through a person tag: `aws iam untag-role`; through the identity
//!   provider (assignment list, SAML, OIDC, Identity Center): removing the person there,
//!   a manual step the plan states (for Identity Center, `aws sso-admin
//!   delete-account-assignment` when the user is assigned directly);
//! - a role assumed with `sts:AssumeRole`, and a PHI resource reached by the person's own
//!   user (or by a role only they hold): an inline policy with an explicit Deny, which
//!   wins over every Allow (IAM User Guide, "Policy evaluation logic",
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>).

use std::collections::{BTreeMap, BTreeSet};

use phiward_access::people::PeopleOptions;
use phiward_access::AccessModel;
use phiward_snapshot::model::iam::InlinePolicy;
use phiward_snapshot::{PolicyText, Snapshot};
use serde::Serialize;
use serde_json::{json, Value};

use crate::campaign::{self, Campaign, Item};
use crate::rights;
use crate::store::Store;
use crate::Result;

/// One change.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// The revoked item.
    pub item: i64,
    /// The person.
    pub person: String,
    /// What is removed.
    pub right: String,
    /// The AWS CLI command, or the manual step.
    pub command: String,
    /// The same as data: `{"action": "iam:RemoveUserFromGroup", ...parameters}`.
    pub change: Value,
    /// Whether it happens outside AWS (the identity provider) and must be done by hand.
    pub manual: bool,
}

/// The proof for one revoked item.
#[derive(Clone, Debug, Serialize)]
pub struct Proof {
    /// The item.
    pub item: i64,
    /// The right is gone from the rebuilt rights.
    pub gone: bool,
    /// What still grants the same right or resource to the person, one line each.
    pub survives: Vec<String>,
    /// For PHI resources: who can still read it in the copy (`who-can`), for the record.
    pub who_can_after: Vec<String>,
}

/// The plan.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    /// The campaign.
    pub campaign: String,
    /// The changes, in item order.
    pub changes: Vec<Change>,
    /// The proofs.
    pub proofs: Vec<Proof>,
    /// What the plan cannot account for.
    pub notes: Vec<String>,
}

fn deny_doc(actions: &[&str], resources: &[String]) -> String {
    json!({"Version": "2012-10-17", "Statement": [{"Sid": "PhiwardRecertificationRevoke", "Effect": "Deny", "Action": actions, "Resource": resources}]}).to_string()
}

fn name_of(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// What to deny for a PHI resource: every action of its service on it.
fn phi_deny(item: &Item) -> (Vec<&'static str>, Vec<String>) {
    if item.right_name.starts_with("arn:aws:s3:::") {
        (
            vec!["s3:*"],
            vec![item.right_name.clone(), format!("{}/*", item.right_name)],
        )
    } else {
        (vec!["kms:*"], vec![item.right_name.clone()])
    }
}

/// Adds an inline policy to a user or role of the copy.
fn put_inline(snap: &mut Snapshot, principal: &str, name: &str, doc: &str) {
    let Some(iam) = snap.iam.get_mut() else {
        return;
    };
    let p = InlinePolicy {
        policy_name: name.to_string(),
        policy_document: PolicyText::from_source(doc),
    };
    if let Some(u) = iam.users.iter_mut().find(|u| u.arn == principal) {
        u.user_policy_list.push(p);
    } else if let Some(r) = iam.roles.iter_mut().find(|r| r.arn == principal) {
        r.role_policy_list.push(p);
    }
}

/// The change for one revoked item, applied to the copy; `unheld` collects (person,
/// principal) pairs the identity provider must drop.
fn change_for(
    item: &Item,
    snap: &mut Snapshot,
    holders: &BTreeMap<String, BTreeSet<String>>,
    unheld: &mut BTreeSet<(String, String)>,
) -> Change {
    let ev = &item.evidence;
    let s = |k: &str| ev[k].as_str().unwrap_or_default().to_string();
    let mut manual = false;
    let policy_name = format!("phiward-revoke-{}", item.id);
    let (command, change) = match item.kind.as_str() {
        "group" => {
            let (user, group) = (s("user"), s("group"));
            if let Some(u) = snap
                .iam
                .get_mut()
                .and_then(|i| i.users.iter_mut().find(|u| u.user_name == user))
            {
                u.group_list.retain(|g| *g != group);
            }
            (
                format!(
                    "aws iam remove-user-from-group --user-name {} --group-name {}",
                    quote(&user),
                    quote(&group)
                ),
                json!({"action": "iam:RemoveUserFromGroup", "UserName": user, "GroupName": group}),
            )
        }
        "policy" => {
            let user = s("user");
            if let Some(u) = snap
                .iam
                .get_mut()
                .and_then(|i| i.users.iter_mut().find(|u| u.user_name == user))
            {
                u.attached_managed_policies
                    .retain(|p| p.policy_arn != item.right_name);
            }
            (
                format!(
                    "aws iam detach-user-policy --user-name {} --policy-arn {}",
                    quote(&user),
                    quote(&item.right_name)
                ),
                json!({"action": "iam:DetachUserPolicy", "UserName": user, "PolicyArn": item.right_name}),
            )
        }
        "inline_policy" => {
            let (user, name) = (s("user"), s("policy_name"));
            if let Some(u) = snap
                .iam
                .get_mut()
                .and_then(|i| i.users.iter_mut().find(|u| u.user_name == user))
            {
                u.user_policy_list.retain(|p| p.policy_name != name);
            }
            (
                format!(
                    "aws iam delete-user-policy --user-name {} --policy-name {}",
                    quote(&user),
                    quote(&name)
                ),
                json!({"action": "iam:DeleteUserPolicy", "UserName": user, "PolicyName": name}),
            )
        }
        "role" if matches!(item.via.as_str(), "assume_role" | "transitive") => {
            // Deny the last hop: the principal that calls sts:AssumeRole on this role.
            let path = ev["path"].as_array().cloned().unwrap_or_default();
            let from = path
                .last()
                .and_then(|h| h["from"].as_str())
                .unwrap_or_default()
                .to_string();
            let doc = deny_doc(&["sts:AssumeRole"], std::slice::from_ref(&item.right_name));
            put_inline(snap, &from, &policy_name, &doc);
            inline_command(&from, &policy_name, &doc)
        }
        "role" if item.via == "tag" => {
            let role = name_of(&item.principal);
            unheld.insert((item.person.clone(), item.principal.clone()));
            (
                format!("aws iam untag-role --role-name {} --tag-keys person  # the person tag that maps it to `{}`", quote(&role), item.person),
                json!({"action": "iam:UntagRole", "RoleName": role, "TagKeys": ["person"]}),
            )
        }
        "role" => {
            manual = true;
            unheld.insert((item.person.clone(), item.principal.clone()));
            idp_step(item)
        }
        _ => {
            // A PHI resource: deny it to the principal when only this person holds it.
            let shared = holders
                .iter()
                .filter(|(_, ps)| ps.contains(&item.principal))
                .count()
                > 1;
            if shared {
                manual = true;
                unheld.insert((item.person.clone(), item.principal.clone()));
                let (c, v) = idp_step(item);
                (format!("{c}  # `{}` is held by other people too: denying it would remove their access", item.principal), v)
            } else {
                let (actions, resources) = phi_deny(item);
                let doc = deny_doc(&actions, &resources);
                put_inline(snap, &item.principal, &policy_name, &doc);
                inline_command(&item.principal, &policy_name, &doc)
            }
        }
    };
    Change {
        item: item.id,
        person: item.person.clone(),
        right: format!("{} {}", item.kind, item.right_name),
        command,
        change,
        manual,
    }
}

fn inline_command(principal: &str, name: &str, doc: &str) -> (String, Value) {
    let who = name_of(principal);
    if principal.contains(":user/") {
        (
            format!(
                "aws iam put-user-policy --user-name {} --policy-name {name} --policy-document {}",
                quote(&who),
                quote(doc)
            ),
            json!({"action": "iam:PutUserPolicy", "UserName": who, "PolicyName": name, "PolicyDocument": serde_json::from_str::<Value>(doc).unwrap_or(Value::Null)}),
        )
    } else {
        (
            format!(
                "aws iam put-role-policy --role-name {} --policy-name {name} --policy-document {}",
                quote(&who),
                quote(doc)
            ),
            json!({"action": "iam:PutRolePolicy", "RoleName": who, "PolicyName": name, "PolicyDocument": serde_json::from_str::<Value>(doc).unwrap_or(Value::Null)}),
        )
    }
}

fn idp_step(item: &Item) -> (String, Value) {
    let role = name_of(&item.principal);
    let how = match item.via.as_str() {
        "identity_center" => format!(
            "# IAM Identity Center: remove `{}`'s assignment of the permission set behind `{role}` (aws sso-admin delete-account-assignment, or their group membership)",
            item.person
        ),
        "saml" | "oidc" if item.person == crate::directory::NOBODY => format!(
            "# `{role}` is federated and mapped to nobody: remove its mapping in the identity provider, or delete the role (aws iam delete-role --role-name {})",
            quote(&role)
        ),
        _ => format!("# identity provider: remove `{}` from the group mapped to role `{role}`", item.person),
    };
    (
        how,
        json!({"action": "idp:Unassign", "Person": item.person, "RoleArn": item.principal, "Via": item.via}),
    )
}

/// Builds the plan for a campaign's revoked items, with its proof on a copy of `snap`.
pub fn plan(
    store: &Store,
    c: &Campaign,
    snap: &Snapshot,
    config: &phiward_checks::Config,
    opts: &PeopleOptions,
) -> Result<Plan> {
    let items = campaign::items(store, c.id, None)?;
    let revoked: Vec<&Item> = items.iter().filter(|i| i.status == "revoked").collect();
    let mut notes = Vec::new();
    if campaign::snapshot_digest(snap) != c.snapshot_digest {
        notes.push("the snapshot is not the one the campaign started from: the plan applies to it as it is now".to_string());
    }
    let mut holders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for i in &items {
        if !matches!(i.kind.as_str(), "phi_resource") {
            holders
                .entry(i.person.clone())
                .or_default()
                .insert(i.principal.clone());
        }
    }
    let mut copy = snap.clone();
    let mut unheld = BTreeSet::new();
    let changes: Vec<Change> = revoked
        .iter()
        .map(|i| change_for(i, &mut copy, &holders, &mut unheld))
        .collect();
    // The copy, decided again by the same engine.
    let model = AccessModel::new(&copy);
    let catalog =
        phiward_catalog::Catalog::get().map_err(|e| crate::Error::refused(e.to_string()))?;
    let mut after = rights::build(&copy, &model, catalog, config, opts);
    after
        .rights
        .retain(|r| !unheld.contains(&(r.person.clone(), r.principal.clone())));
    if !unheld.is_empty() {
        notes.push("rights held through the identity provider are taken as removed once the manual steps are done".into());
    }
    let keys: BTreeSet<String> = after.rights.iter().map(rights::Right::key).collect();
    let proofs = revoked
        .iter()
        .map(|i| {
            let gone = !keys.contains(&i.key);
            let mut survives = Vec::new();
            if !gone {
                survives.push(format!(
                    "`{}` still holds {} `{}` through `{}`",
                    i.person, i.kind, i.right_name, i.principal
                ));
            }
            for r in after
                .rights
                .iter()
                .filter(|r| r.person == i.person && r.right == i.right_name && r.key() != i.key)
            {
                survives.push(format!(
                    "`{}` still reaches `{}` through `{}` ({}, via {})",
                    r.person,
                    r.right,
                    r.principal,
                    r.kind.as_str(),
                    r.via
                ));
            }
            let who_can_after = if i.kind == "phi_resource" {
                let (action, resource) = if i.right_name.starts_with("arn:aws:s3:::") {
                    ("s3:GetObject", format!("{}/*", i.right_name))
                } else {
                    ("kms:Decrypt", i.right_name.clone())
                };
                phiward_access::who_can(&model, action, &[action.to_string()], &resource)
                    .principals
                    .into_iter()
                    .map(|g| g.arn)
                    .collect()
            } else {
                Vec::new()
            };
            let unheld_here = unheld.contains(&(i.person.clone(), i.principal.clone()));
            if !unheld_here && who_can_after.contains(&i.principal) {
                survives.push(format!(
                    "`who-can {}` on the copy still lists `{}`",
                    i.right_name, i.principal
                ));
            }
            Proof {
                item: i.id,
                gone: gone && survives.is_empty(),
                survives,
                who_can_after,
            }
        })
        .collect();
    Ok(Plan {
        campaign: c.name.clone(),
        changes,
        proofs,
        notes,
    })
}
