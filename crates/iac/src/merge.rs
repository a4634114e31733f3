//! Plans applied to an account: the snapshot as it will be after deployment.

use std::collections::HashMap;

use phiward_snapshot::model::data::Bucket;
use phiward_snapshot::model::iam::{
    AccessKey, AttachedPolicy, CredentialStatus, Group, Iam, InstanceProfile, ManagedPolicy,
    PolicyVersion, Role, User, UserCredentials,
};
use phiward_snapshot::{Collected, PolicyText, Snapshot, Source, SourceKind};

use crate::doc::Origin;
use crate::plan::{Change, Plan, Who};

/// An account with nothing in it but what plans add: for `--baseline` without a
/// snapshot. IAM, buckets and keys are collected and empty; the account is in no
/// organization.
pub fn empty(account: &str) -> Snapshot {
    let source = Source {
        kind: SourceKind::Generated,
        origin: "phiward iac (no snapshot)".into(),
        tool: format!("phiward-iac {}", env!("CARGO_PKG_VERSION")),
    };
    let mut s = Snapshot::new(source, chrono::DateTime::UNIX_EPOCH);
    s.account.id = Some(account.to_string());
    s.organization = Collected::Known(None);
    s.iam = Collected::Known(Iam::default());
    s.buckets = Collected::Known(Vec::new());
    s.kms_keys = Collected::Known(Vec::new());
    s
}

/// What applying plans did besides the changes: stand-ins made, attachments that could
/// not land, and which template resource made each principal, policy and resource.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// Stand-ins and changes that could not be applied.
    pub notes: Vec<String>,
    /// ARN (principals, managed policies, buckets, keys) -> the template place.
    pub origins: HashMap<String, Origin>,
}

/// Applies plans to a snapshot, in order.
pub fn apply(s: &mut Snapshot, plans: &[Plan]) -> Applied {
    let mut out = Applied::default();
    let account = s
        .account
        .id
        .clone()
        .unwrap_or_else(|| "000000000000".into());
    if s.iam.get().is_none() {
        s.iam = Collected::Known(Iam::default());
        out.notes.push(
            "IAM was not collected in the snapshot: only the planned principals are known".into(),
        );
    }
    for plan in plans {
        for (origin, change) in &plan.changes {
            apply_one(s, &account, origin, change, &mut out);
        }
    }
    out
}

fn stand_in_role(name: &str, account: &str) -> Role {
    Role {
        path: "/".into(),
        role_name: name.to_string(),
        role_id: String::new(),
        arn: format!("arn:aws:iam::{account}:role/{name}"),
        create_date: None,
        assume_role_policy_document: None,
        description: None,
        max_session_duration: None,
        instance_profile_list: Vec::new(),
        role_policy_list: Vec::new(),
        attached_managed_policies: Vec::new(),
        permissions_boundary: None,
        tags: Vec::new(),
        role_last_used: None,
    }
}

fn stand_in_user(name: &str, account: &str) -> User {
    User {
        path: "/".into(),
        user_name: name.to_string(),
        user_id: String::new(),
        arn: format!("arn:aws:iam::{account}:user/{name}"),
        create_date: None,
        user_policy_list: Vec::new(),
        group_list: Vec::new(),
        attached_managed_policies: Vec::new(),
        permissions_boundary: None,
        tags: Vec::new(),
        credentials: Collected::Known(UserCredentials::default()),
    }
}

fn stand_in_group(name: &str, account: &str) -> Group {
    Group {
        path: "/".into(),
        group_name: name.to_string(),
        group_id: String::new(),
        arn: format!("arn:aws:iam::{account}:group/{name}"),
        create_date: None,
        group_policy_list: Vec::new(),
        attached_managed_policies: Vec::new(),
    }
}

fn role_mut<'a>(
    iam: &'a mut Iam,
    name: &str,
    account: &str,
    notes: &mut Vec<String>,
) -> &'a mut Role {
    if let Some(i) = iam.roles.iter().position(|r| r.role_name == name) {
        return &mut iam.roles[i];
    }
    notes.push(format!("role `{name}` is in neither the templates nor the snapshot: a stand-in with no other policies and no trust policy is used"));
    iam.roles.push(stand_in_role(name, account));
    let last = iam.roles.len() - 1;
    &mut iam.roles[last]
}

fn user_mut<'a>(
    iam: &'a mut Iam,
    name: &str,
    account: &str,
    notes: &mut Vec<String>,
) -> &'a mut User {
    if let Some(i) = iam.users.iter().position(|r| r.user_name == name) {
        return &mut iam.users[i];
    }
    notes.push(format!("user `{name}` is in neither the templates nor the snapshot: a stand-in with no other policies is used"));
    iam.users.push(stand_in_user(name, account));
    let last = iam.users.len() - 1;
    &mut iam.users[last]
}

fn group_mut<'a>(
    iam: &'a mut Iam,
    name: &str,
    account: &str,
    notes: &mut Vec<String>,
) -> &'a mut Group {
    if let Some(i) = iam.groups.iter().position(|r| r.group_name == name) {
        return &mut iam.groups[i];
    }
    notes.push(format!("group `{name}` is in neither the templates nor the snapshot: a stand-in with no other policies is used"));
    iam.groups.push(stand_in_group(name, account));
    let last = iam.groups.len() - 1;
    &mut iam.groups[last]
}

/// Makes sure an attached managed policy is in the snapshot: AWS managed ones come from
/// the embedded corpus.
fn ensure_policy(iam: &mut Iam, arn: &str, notes: &mut Vec<String>) {
    if iam.policy(arn).is_some() {
        return;
    }
    match crate::managed::document(arn) {
        Some(doc) => iam.policies.push(ManagedPolicy {
            policy_name: arn.rsplit('/').next().unwrap_or("").to_string(),
            policy_id: String::new(),
            arn: arn.to_string(),
            path: "/".into(),
            default_version_id: "v1".into(),
            attachment_count: 0,
            permissions_boundary_usage_count: 0,
            is_attachable: true,
            description: None,
            create_date: None,
            update_date: None,
            policy_version_list: vec![PolicyVersion {
                document: PolicyText::from_source(doc),
                version_id: "v1".into(),
                is_default_version: true,
                create_date: None,
            }],
        }),
        None => notes.push(format!("managed policy `{arn}` is in neither the templates nor the snapshot: what it grants is not counted")),
    }
}

fn attach(list: &mut Vec<AttachedPolicy>, arn: &str) {
    if !list.iter().any(|a| a.policy_arn == arn) {
        list.push(AttachedPolicy {
            policy_name: arn.rsplit('/').next().unwrap_or("").to_string(),
            policy_arn: arn.to_string(),
        });
    }
}

fn upsert<T>(list: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) {
    match list.iter().position(|x| same(x, &item)) {
        Some(i) => list[i] = item,
        None => list.push(item),
    }
}

fn apply_one(s: &mut Snapshot, account: &str, origin: &Origin, change: &Change, out: &mut Applied) {
    let notes = &mut out.notes;
    let mut origin_of = |arn: &str| {
        out.origins
            .entry(arn.to_string())
            .or_insert_with(|| origin.clone());
    };
    match change {
        Change::Role(r) => {
            origin_of(&r.arn);
            if let Some(iam) = s.iam.get_mut() {
                let arns: Vec<String> = r
                    .attached_managed_policies
                    .iter()
                    .map(|a| a.policy_arn.clone())
                    .collect();
                upsert(&mut iam.roles, (**r).clone(), |a, b| {
                    a.role_name == b.role_name
                });
                for a in arns {
                    ensure_policy(iam, &a, notes);
                }
            }
        }
        Change::User(u) => {
            origin_of(&u.arn);
            if let Some(iam) = s.iam.get_mut() {
                let arns: Vec<String> = u
                    .attached_managed_policies
                    .iter()
                    .map(|a| a.policy_arn.clone())
                    .collect();
                upsert(&mut iam.users, (**u).clone(), |a, b| {
                    a.user_name == b.user_name
                });
                for a in arns {
                    ensure_policy(iam, &a, notes);
                }
            }
        }
        Change::Group(g) => {
            origin_of(&g.arn);
            if let Some(iam) = s.iam.get_mut() {
                let arns: Vec<String> = g
                    .attached_managed_policies
                    .iter()
                    .map(|a| a.policy_arn.clone())
                    .collect();
                upsert(&mut iam.groups, (**g).clone(), |a, b| {
                    a.group_name == b.group_name
                });
                for a in arns {
                    ensure_policy(iam, &a, notes);
                }
            }
        }
        Change::Policy(p) => {
            origin_of(&p.arn);
            if let Some(iam) = s.iam.get_mut() {
                upsert(&mut iam.policies, (**p).clone(), |a, b| a.arn == b.arn);
            }
        }
        Change::Inline(who, p) => {
            let Some(iam) = s.iam.get_mut() else { return };
            let list = match who {
                Who::Role(n) => &mut role_mut(iam, n, account, notes).role_policy_list,
                Who::User(n) => &mut user_mut(iam, n, account, notes).user_policy_list,
                Who::Group(n) => &mut group_mut(iam, n, account, notes).group_policy_list,
            };
            upsert(list, p.clone(), |a, b| a.policy_name == b.policy_name);
        }
        Change::Attach(who, arn) => {
            let Some(iam) = s.iam.get_mut() else { return };
            ensure_policy(iam, arn, notes);
            let list = match who {
                Who::Role(n) => &mut role_mut(iam, n, account, notes).attached_managed_policies,
                Who::User(n) => &mut user_mut(iam, n, account, notes).attached_managed_policies,
                Who::Group(n) => &mut group_mut(iam, n, account, notes).attached_managed_policies,
            };
            attach(list, arn);
        }
        Change::Member { user, group } => {
            let Some(iam) = s.iam.get_mut() else { return };
            group_mut(iam, group, account, notes);
            let u = user_mut(iam, user, account, notes);
            if !u.group_list.contains(group) {
                u.group_list.push(group.clone());
            }
        }
        Change::AccessKey(user) => {
            let Some(iam) = s.iam.get_mut() else { return };
            let u = user_mut(iam, user, account, notes);
            if let Collected::Unknown(_) = u.credentials {
                u.credentials = Collected::Known(UserCredentials::default());
            }
            if let Some(c) = u.credentials.get_mut() {
                c.access_keys.push(AccessKey {
                    access_key_id: None,
                    slot: None,
                    status: CredentialStatus::Active,
                    create_date: None,
                    last_used_date: None,
                    last_used_service: None,
                    last_used_region: None,
                });
            }
        }
        Change::Profile { role, name } => {
            let Some(iam) = s.iam.get_mut() else { return };
            let r = role_mut(iam, role, account, notes);
            r.instance_profile_list.push(InstanceProfile {
                instance_profile_name: name.clone(),
                instance_profile_id: String::new(),
                arn: format!("arn:aws:iam::{account}:instance-profile/{name}"),
                path: "/".into(),
            });
        }
        Change::Bucket(b) => {
            origin_of(&format!("arn:aws:s3:::{}", b.name));
            if s.buckets.get().is_none() {
                s.buckets = Collected::Known(Vec::new());
            }
            if let Some(list) = s.buckets.get_mut() {
                // A bucket already known keeps its policy and settings unless the plan sets them.
                match list.iter_mut().find(|x| x.name == b.name) {
                    Some(existing) => existing.tags = b.tags.clone(),
                    None => list.push((**b).clone()),
                }
            }
        }
        Change::BucketPolicy { bucket, doc } => {
            if s.buckets.get().is_none() {
                s.buckets = Collected::Known(Vec::new());
            }
            if let Some(list) = s.buckets.get_mut() {
                if !list.iter().any(|x| &x.name == bucket) {
                    list.push(Bucket {
                        name: bucket.clone(),
                        ..Bucket::default()
                    });
                }
                if let Some(b) = list.iter_mut().find(|x| &x.name == bucket) {
                    b.policy = Collected::Known(Some(doc.clone()));
                }
            }
        }
        Change::Key(k) => {
            if let Some(a) = &k.key_arn {
                origin_of(a);
            }
            if s.kms_keys.get().is_none() {
                s.kms_keys = Collected::Known(Vec::new());
            }
            if let Some(list) = s.kms_keys.get_mut() {
                upsert(list, (**k).clone(), |a, b| a.key_arn == b.key_arn);
            }
        }
        Change::Scp(p) => match s.organization.get_mut() {
            Some(Some(org)) => {
                if org.scps.get().is_none() {
                    org.scps = Collected::Known(Vec::new());
                }
                if let Some(list) = org.scps.get_mut() {
                    let mut p = (**p).clone();
                    // Where it is attached is not part of the account's view: one level.
                    p.targets = None;
                    list.push(p);
                }
            }
            _ => notes.push(format!(
                "SCP `{}` is not applied: the account is in no organization known to the snapshot",
                p.name
            )),
        },
    }
}
