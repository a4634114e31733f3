//! IAM Identity Center from `aws sso-admin` and `aws identitystore` exports: instances,
//! permission sets with their policies, the account's assignments, and the users and
//! groups those assignments name. It reads the same parts as `phiward collect` and leaves
//! the same parts not collected when a file is missing or holds an error.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::logging::safe_name;
use super::{pages, Ctx, Got, Spec};
use crate::calls;
use crate::model::iam::AttachedPolicy;
use crate::model::org::{
    AccountAssignment, CustomerManagedPolicyReference, IdentityCenter, PermissionSet,
    PermissionsBoundary, SsoGroup, SsoInstance, SsoUser,
};
use crate::{Collected, PolicyText, Snapshot};

#[derive(Default, Deserialize)]
struct Instances {
    #[serde(rename = "Instances", default)]
    instances: Vec<SsoInstance>,
}
pages!(Instances: instances);

#[derive(Default, Deserialize)]
struct PermissionSets {
    #[serde(rename = "PermissionSets", default)]
    arns: Vec<String>,
}
pages!(PermissionSets: arns);

#[derive(Default, Deserialize)]
struct Describe {
    #[serde(rename = "PermissionSet", default)]
    set: Described,
}
pages!(Describe);

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Described {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    session_duration: Option<String>,
}

#[derive(Default, Deserialize)]
struct Inline {
    #[serde(rename = "InlinePolicy", default)]
    policy: Option<String>,
}
pages!(Inline);

#[derive(Default, Deserialize)]
struct Managed {
    #[serde(rename = "AttachedManagedPolicies", default)]
    policies: Vec<ManagedPolicy>,
}
pages!(Managed: policies);

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ManagedPolicy {
    #[serde(default)]
    name: String,
    #[serde(default)]
    arn: String,
}

#[derive(Default, Deserialize)]
struct Customer {
    #[serde(rename = "CustomerManagedPolicyReferences", default)]
    references: Vec<CustomerManagedPolicyReference>,
}
pages!(Customer: references);

#[derive(Default, Deserialize)]
struct Boundary {
    #[serde(rename = "PermissionsBoundary", default)]
    boundary: Option<PermissionsBoundary>,
}
pages!(Boundary);

#[derive(Default, Deserialize)]
struct Assignments {
    #[serde(rename = "AccountAssignments", default)]
    assignments: Vec<AccountAssignment>,
}
pages!(Assignments: assignments);

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Group {
    #[serde(default)]
    group_id: String,
    #[serde(default)]
    identity_store_id: String,
    #[serde(default)]
    display_name: Option<String>,
}
pages!(Group);

#[derive(Default, Deserialize)]
struct Memberships {
    #[serde(rename = "GroupMemberships", default)]
    memberships: Vec<Membership>,
}
pages!(Memberships: memberships);

#[derive(Default, Deserialize)]
struct Membership {
    #[serde(rename = "MemberId", default)]
    member: Member,
}

#[derive(Default, Deserialize)]
struct Member {
    #[serde(rename = "UserId", default)]
    user_id: Option<String>,
}

#[derive(Default, Deserialize)]
struct User(SsoUser);
pages!(User);

/// The last part of an ARN's resource (`ssoins-...`, `ps-...`), as a folder name.
fn id_of(arn: &str) -> String {
    safe_name(arn.rsplit('/').next().unwrap_or(arn))
}

pub(super) fn import(ctx: &mut Ctx, snap: &mut Snapshot) {
    let spec = Spec::of(&calls::SSO_LIST_INSTANCES);
    let instances = match ctx.fetch::<Instances>(&spec) {
        Got::Data(i) => i.instances,
        Got::Absent => Vec::new(),
        Got::Not(n) => {
            snap.identity_center = Collected::Unknown(n);
            return;
        }
    };
    let mut sets = Collected::Known(Vec::new());
    let mut assignments = Collected::Known(Vec::new());
    let mut users = Collected::Known(Vec::new());
    let mut groups = Collected::Known(Vec::new());
    for i in &instances {
        let (s, a) = contents(ctx, i);
        let (u, g) = people(ctx, i, &a);
        sets.append(s);
        assignments.append(a);
        users.append(u);
        groups.append(g);
    }
    snap.identity_center = Collected::Known(IdentityCenter {
        instances,
        permission_sets: sets.map(|mut v| {
            v.sort_by(|a, b| a.permission_set_arn.cmp(&b.permission_set_arn));
            v
        }),
        account_assignments: assignments.map(|mut v| {
            v.sort_by(|a, b| {
                (&a.permission_set_arn, &a.principal_type, &a.principal_id).cmp(&(
                    &b.permission_set_arn,
                    &b.principal_type,
                    &b.principal_id,
                ))
            });
            v
        }),
        users: users.map(|mut v| {
            v.sort_by(|a, b| a.user_id.cmp(&b.user_id));
            v
        }),
        groups: groups.map(|mut v| {
            v.sort_by(|a, b| a.group_id.cmp(&b.group_id));
            v
        }),
    });
}

type Contents = (
    Collected<Vec<PermissionSet>>,
    Collected<Vec<AccountAssignment>>,
);

/// `sso-admin/instances/INSTANCE/`: the permission sets and their assignments.
fn contents(ctx: &mut Ctx, i: &SsoInstance) -> Contents {
    let dir = format!("sso-admin/instances/{}", id_of(&i.instance_arn));
    let spec = Spec::at(&calls::SSO_LIST_PERMISSION_SETS, &dir).target(&i.instance_arn);
    let arns = match ctx.fetch::<PermissionSets>(&spec) {
        Got::Data(p) => p.arns,
        Got::Absent => Vec::new(),
        Got::Not(n) => return (Collected::Unknown(n.clone()), Collected::Unknown(n)),
    };
    let mut sets = Collected::Known(Vec::new());
    let mut all = Collected::Known(Vec::new());
    for arn in &arns {
        let ps_dir = format!("{dir}/permission-sets/{}", id_of(arn));
        sets.append(permission_set(ctx, &ps_dir, &i.instance_arn, arn).map(|p| vec![p]));
        let spec = Spec::at(&calls::SSO_LIST_ACCOUNT_ASSIGNMENTS, &ps_dir).target(arn);
        all.append(
            ctx.fetch::<Assignments>(&spec)
                .or_default(|a| a.assignments),
        );
    }
    (sets, all)
}

fn permission_set(ctx: &mut Ctx, dir: &str, instance: &str, arn: &str) -> Collected<PermissionSet> {
    let described = match ctx
        .fetch::<Describe>(&Spec::at(&calls::SSO_DESCRIBE_PERMISSION_SET, dir).target(arn))
    {
        Got::Data(d) => d.set,
        Got::Absent => return Collected::missing(format!("`{dir}` describes no permission set")),
        Got::Not(n) => return Collected::Unknown(n),
    };
    let inline_policy = ctx
        .fetch::<Inline>(
            &Spec::at(&calls::SSO_GET_INLINE_POLICY_FOR_PERMISSION_SET, dir).target(arn),
        )
        .or_default(|i| {
            i.policy
                .filter(|p| !p.trim().is_empty())
                .map(|p| PolicyText::from_source(&p))
        });
    let attached_managed_policies = ctx
        .fetch::<Managed>(
            &Spec::at(&calls::SSO_LIST_MANAGED_POLICIES_IN_PERMISSION_SET, dir).target(arn),
        )
        .or_default(|m| {
            m.policies
                .into_iter()
                .map(|p| AttachedPolicy {
                    policy_name: p.name,
                    policy_arn: p.arn,
                })
                .collect()
        });
    let customer_managed_policy_references = ctx
        .fetch::<Customer>(
            &Spec::at(
                &calls::SSO_LIST_CUSTOMER_MANAGED_POLICY_REFERENCES_IN_PERMISSION_SET,
                dir,
            )
            .target(arn),
        )
        .or_default(|c| c.references);
    // AWS answers ResourceNotFoundException for a permission set without a boundary.
    let permissions_boundary = ctx
        .fetch::<Boundary>(
            &Spec::at(&calls::SSO_GET_PERMISSIONS_BOUNDARY_FOR_PERMISSION_SET, dir).target(arn),
        )
        .optional(|b| b.boundary)
        .map(Option::flatten);
    Collected::Known(PermissionSet {
        permission_set_arn: arn.to_string(),
        instance_arn: instance.to_string(),
        name: described.name,
        description: described.description,
        session_duration: described.session_duration,
        inline_policy,
        attached_managed_policies,
        customer_managed_policy_references,
        permissions_boundary,
    })
}

type People = crate::model::org::SsoPeople;

/// `identitystore/STORE/`: the groups the assignments name (with their members) and
/// the users named directly or through those groups.
fn people(
    ctx: &mut Ctx,
    i: &SsoInstance,
    assignments: &Collected<Vec<AccountAssignment>>,
) -> People {
    let Some(assignments) = assignments.get() else {
        return IdentityCenter::people_unknown();
    };
    let assignments: Vec<&AccountAssignment> = assignments.iter().collect();
    let store = i.identity_store_id.as_str();
    let dir = format!("identitystore/{}", safe_name(store));
    let mut user_ids: BTreeSet<String> = IdentityCenter::named(&assignments, "USER")
        .into_iter()
        .collect();
    let mut groups = Collected::Known(Vec::new());
    for id in IdentityCenter::named(&assignments, "GROUP") {
        let gdir = format!("{dir}/groups/{}", safe_name(&id));
        let spec = Spec::at(&calls::IDSTORE_DESCRIBE_GROUP, &gdir).target(&id);
        let group = match ctx.fetch::<Group>(&spec) {
            Got::Data(g) => g,
            Got::Absent => {
                groups.append(Collected::missing(format!("`{gdir}` is empty")));
                continue;
            }
            Got::Not(n) => {
                groups.append(Collected::Unknown(n));
                continue;
            }
        };
        let spec = Spec::at(&calls::IDSTORE_LIST_GROUP_MEMBERSHIPS, &gdir).target(&id);
        let members = ctx.fetch::<Memberships>(&spec).or_default(|m| {
            let ids: BTreeSet<String> = m
                .memberships
                .into_iter()
                .filter_map(|m| m.member.user_id)
                .collect();
            ids.into_iter().collect::<Vec<_>>()
        });
        user_ids.extend(members.get().into_iter().flatten().cloned());
        groups.append(Collected::Known(vec![SsoGroup {
            group_id: group.group_id,
            identity_store_id: group.identity_store_id,
            display_name: group.display_name,
            members,
        }]));
    }
    let mut users = Collected::Known(Vec::new());
    for id in &user_ids {
        let spec = Spec::at(
            &calls::IDSTORE_DESCRIBE_USER,
            &format!("{dir}/users/{}", safe_name(id)),
        )
        .target(id);
        let user = match ctx.fetch::<User>(&spec) {
            Got::Data(User(u)) => Collected::Known(vec![u]),
            Got::Absent => Collected::missing(format!("no user `{id}`")),
            Got::Not(n) => Collected::Unknown(n),
        };
        users.append(user);
    }
    (users, groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_the_last_part_of_the_arn() {
        assert_eq!(
            id_of("arn:aws:sso:::permissionSet/ssoins-1/ps-2"),
            "ps-2".to_string()
        );
        assert_eq!(
            id_of("arn:aws:sso:::instance/ssoins-1"),
            "ssoins-1".to_string()
        );
    }
}
