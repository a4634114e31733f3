//! IAM Identity Center: instances, permission sets with their policies, the account's
//! assignments, and the identity-store users and groups those assignments name.
//!
//! Identity Center lives in one region (its home region) and is visible only from the
//! organization's management account or a delegated administrator; from any other account
//! `ListInstances` answers an empty list, which is collected as "no instance visible".
//! A denied call is recorded and its part stays not collected, never read as empty.

use std::collections::BTreeSet;

use aws_sdk_identitystore::types::MemberId;
use aws_sdk_ssoadmin::types as t;
use futures_util::future::join_all;
use phiward_snapshot::model::iam::AttachedPolicy;
use phiward_snapshot::model::org as m;
use phiward_snapshot::{Collected, NotCollected, PolicyText};

use crate::ctx::{Ctx, Got};
use crate::sdk::Sdk;
use phiward_snapshot::calls;

/// An instance found in one region, with the clients of that region.
struct Found {
    instance: m::SsoInstance,
    admin: aws_sdk_ssoadmin::Client,
    store: aws_sdk_identitystore::Client,
}

/// Reads Identity Center as seen from `account`, in every configured region: an
/// organization enables it in one region only
/// (<https://docs.aws.amazon.com/singlesignon/latest/userguide/regions.html>), and its
/// instance is administered from the management account or a delegated administrator
/// (<https://docs.aws.amazon.com/singlesignon/latest/userguide/delegated-admin.html>).
pub(crate) async fn collect(ctx: &Ctx, sdk: &Sdk, account: &str) -> Collected<m::IdentityCenter> {
    let per_region = sdk.regions.iter().map(|r| instances(ctx, sdk, r));
    let mut found = Vec::new();
    for got in join_all(per_region).await {
        match got {
            Ok(f) => found.extend(f),
            Err(n) => return Collected::Unknown(n),
        }
    }
    let (sets, assignments) = {
        let per_instance = found.iter().map(|f| instance_contents(ctx, f, account));
        let mut sets = Collected::Known(Vec::new());
        let mut assignments = Collected::Known(Vec::new());
        for (s, a) in join_all(per_instance).await {
            sets.append(s);
            assignments.append(a);
        }
        (sets, assignments)
    };
    let (users, groups) = people(ctx, &found, &assignments).await;
    Collected::Known(m::IdentityCenter {
        instances: found.into_iter().map(|f| f.instance).collect(),
        permission_sets: sorted(sets, |p| p.permission_set_arn.clone()),
        account_assignments: sorted(assignments, |a| {
            (
                a.permission_set_arn.clone(),
                a.principal_type.clone(),
                a.principal_id.clone(),
            )
        }),
        users: sorted(users, |u| u.user_id.clone()),
        groups: sorted(groups, |g| g.group_id.clone()),
    })
}

/// `sso:ListInstances` in one region.
/// <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListInstances.html>
async fn instances(ctx: &Ctx, sdk: &Sdk, region: &str) -> Result<Vec<Found>, NotCollected> {
    let conf = sdk.in_region(region);
    let admin = aws_sdk_ssoadmin::Client::new(&conf);
    let target = (sdk.regions.len() > 1).then_some(region);
    let got = ctx
        .call(
            &calls::SSO_LIST_INSTANCES,
            target,
            admin
                .list_instances()
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await;
    let pages = match got {
        Got::Data(p) => p,
        Got::Absent => Vec::new(),
        Got::Not(n) => return Err(n),
    };
    let store = aws_sdk_identitystore::Client::new(&conf);
    Ok(pages
        .iter()
        .flat_map(|p| p.instances())
        .filter_map(|i| {
            Some(Found {
                instance: m::SsoInstance {
                    instance_arn: i.instance_arn()?.to_string(),
                    identity_store_id: i.identity_store_id().unwrap_or_default().to_string(),
                    owner_account_id: i.owner_account_id().map(str::to_string),
                    status: i.status().map(|s| s.as_str().to_string()),
                },
                admin: admin.clone(),
                store: store.clone(),
            })
        })
        .collect())
}

type Contents = (
    Collected<Vec<m::PermissionSet>>,
    Collected<Vec<m::AccountAssignment>>,
);

/// The permission sets of one instance and their assignments in `account`.
async fn instance_contents(ctx: &Ctx, f: &Found, account: &str) -> Contents {
    let arn = f.instance.instance_arn.as_str();
    let listed = ctx
        .call(
            &calls::SSO_LIST_PERMISSION_SETS,
            Some(arn),
            f.admin
                .list_permission_sets()
                .instance_arn(arn)
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await;
    let set_arns: Vec<String> = match listed {
        Got::Data(pages) => pages
            .iter()
            .flat_map(|p| p.permission_sets().iter().cloned())
            .collect(),
        Got::Absent => Vec::new(),
        Got::Not(n) => return (Collected::Unknown(n.clone()), Collected::Unknown(n)),
    };
    let per_set = set_arns.iter().map(|ps| async move {
        tokio::join!(permission_set(ctx, f, ps), assignments(ctx, f, account, ps))
    });
    let mut sets = Collected::Known(Vec::new());
    let mut all = Collected::Known(Vec::new());
    for (s, a) in join_all(per_set).await {
        sets.append(s.map(|s| vec![s]));
        all.append(a);
    }
    (sets, all)
}

/// One permission set: `DescribePermissionSet`, then its policies.
/// <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_DescribePermissionSet.html>
async fn permission_set(ctx: &Ctx, f: &Found, ps: &str) -> Collected<m::PermissionSet> {
    let instance = f.instance.instance_arn.as_str();
    let described = ctx
        .call(
            &calls::SSO_DESCRIBE_PERMISSION_SET,
            Some(ps),
            f.admin
                .describe_permission_set()
                .instance_arn(instance)
                .permission_set_arn(ps)
                .send(),
        )
        .await;
    let described = match described {
        Got::Data(o) => o,
        Got::Absent => {
            return Collected::missing("the permission set was deleted while collecting")
        }
        Got::Not(n) => return Collected::Unknown(n),
    };
    let (inline_policy, managed, customer, boundary) = tokio::join!(
        inline(ctx, f, ps),
        managed(ctx, f, ps),
        customer(ctx, f, ps),
        boundary(ctx, f, ps),
    );
    let set = described.permission_set();
    Collected::Known(m::PermissionSet {
        permission_set_arn: ps.to_string(),
        instance_arn: instance.to_string(),
        name: set
            .and_then(t::PermissionSet::name)
            .unwrap_or_default()
            .to_string(),
        description: set
            .and_then(t::PermissionSet::description)
            .map(str::to_string),
        session_duration: set
            .and_then(t::PermissionSet::session_duration)
            .map(str::to_string),
        inline_policy,
        attached_managed_policies: managed,
        customer_managed_policy_references: customer,
        permissions_boundary: boundary,
    })
}

/// An empty string means the permission set has no inline policy.
/// <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_GetInlinePolicyForPermissionSet.html>
async fn inline(ctx: &Ctx, f: &Found, ps: &str) -> Collected<Option<PolicyText>> {
    ctx.call(
        &calls::SSO_GET_INLINE_POLICY_FOR_PERMISSION_SET,
        Some(ps),
        f.admin
            .get_inline_policy_for_permission_set()
            .instance_arn(&f.instance.instance_arn)
            .permission_set_arn(ps)
            .send(),
    )
    .await
    .or_default(|o| {
        o.inline_policy()
            .filter(|p| !p.trim().is_empty())
            .map(PolicyText::from_source)
    })
}

/// <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListManagedPoliciesInPermissionSet.html>
async fn managed(ctx: &Ctx, f: &Found, ps: &str) -> Collected<Vec<AttachedPolicy>> {
    ctx.call(
        &calls::SSO_LIST_MANAGED_POLICIES_IN_PERMISSION_SET,
        Some(ps),
        f.admin
            .list_managed_policies_in_permission_set()
            .instance_arn(&f.instance.instance_arn)
            .permission_set_arn(ps)
            .into_paginator()
            .send()
            .collect::<Result<Vec<_>, _>>(),
    )
    .await
    .or_default(|pages| {
        pages
            .iter()
            .flat_map(|p| p.attached_managed_policies())
            .map(|p| AttachedPolicy {
                policy_name: p.name().unwrap_or_default().to_string(),
                policy_arn: p.arn().unwrap_or_default().to_string(),
            })
            .collect()
    })
}

/// <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListCustomerManagedPolicyReferencesInPermissionSet.html>
async fn customer(
    ctx: &Ctx,
    f: &Found,
    ps: &str,
) -> Collected<Vec<m::CustomerManagedPolicyReference>> {
    ctx.call(
        &calls::SSO_LIST_CUSTOMER_MANAGED_POLICY_REFERENCES_IN_PERMISSION_SET,
        Some(ps),
        f.admin
            .list_customer_managed_policy_references_in_permission_set()
            .instance_arn(&f.instance.instance_arn)
            .permission_set_arn(ps)
            .into_paginator()
            .send()
            .collect::<Result<Vec<_>, _>>(),
    )
    .await
    .or_default(|pages| {
        pages
            .iter()
            .flat_map(|p| p.customer_managed_policy_references())
            .map(reference)
            .collect()
    })
}

fn reference(r: &t::CustomerManagedPolicyReference) -> m::CustomerManagedPolicyReference {
    m::CustomerManagedPolicyReference {
        name: r.name().to_string(),
        path: r.path().map(str::to_string),
    }
}

/// A permission set without a boundary answers `ResourceNotFoundException`.
/// <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_GetPermissionsBoundaryForPermissionSet.html>
async fn boundary(ctx: &Ctx, f: &Found, ps: &str) -> Collected<Option<m::PermissionsBoundary>> {
    ctx.call(
        &calls::SSO_GET_PERMISSIONS_BOUNDARY_FOR_PERMISSION_SET,
        Some(ps),
        f.admin
            .get_permissions_boundary_for_permission_set()
            .instance_arn(&f.instance.instance_arn)
            .permission_set_arn(ps)
            .send(),
    )
    .await
    .optional(|o| o.permissions_boundary().map(boundary_of))
    .map(Option::flatten)
}

fn boundary_of(b: &t::PermissionsBoundary) -> m::PermissionsBoundary {
    m::PermissionsBoundary {
        customer_managed_policy_reference: b.customer_managed_policy_reference().map(reference),
        managed_policy_arn: b.managed_policy_arn().map(str::to_string),
    }
}

/// Who holds `ps` in `account`.
/// <https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListAccountAssignments.html>
async fn assignments(
    ctx: &Ctx,
    f: &Found,
    account: &str,
    ps: &str,
) -> Collected<Vec<m::AccountAssignment>> {
    ctx.call(
        &calls::SSO_LIST_ACCOUNT_ASSIGNMENTS,
        Some(ps),
        f.admin
            .list_account_assignments()
            .instance_arn(&f.instance.instance_arn)
            .account_id(account)
            .permission_set_arn(ps)
            .into_paginator()
            .send()
            .collect::<Result<Vec<_>, _>>(),
    )
    .await
    .or_default(|pages| {
        pages
            .iter()
            .flat_map(|p| p.account_assignments())
            .map(|a| m::AccountAssignment {
                permission_set_arn: a.permission_set_arn().unwrap_or(ps).to_string(),
                principal_type: a
                    .principal_type()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                principal_id: a.principal_id().unwrap_or_default().to_string(),
                account_id: Some(a.account_id().unwrap_or(account).to_string()),
            })
            .collect()
    })
}

type People = m::SsoPeople;

/// The users and groups the assignments name, and the groups' members, so that each
/// person's access can be followed. Each id is looked up in the identity store of the
/// instance its permission set belongs to.
async fn people(
    ctx: &Ctx,
    found: &[Found],
    assignments: &Collected<Vec<m::AccountAssignment>>,
) -> People {
    let Some(assignments) = assignments.get() else {
        return m::IdentityCenter::people_unknown();
    };
    let per_instance = found.iter().map(|f| {
        let mine: Vec<&m::AccountAssignment> = assignments
            .iter()
            .filter(|a| owner(found, &a.permission_set_arn).is_some_and(|o| std::ptr::eq(o, f)))
            .collect();
        people_of(ctx, f, mine)
    });
    let mut users = Collected::Known(Vec::new());
    let mut groups = Collected::Known(Vec::new());
    for (u, g) in join_all(per_instance).await {
        users.append(u);
        groups.append(g);
    }
    (users, groups)
}

/// The instance a permission set belongs to: its ARN names the instance's `ssoins-` id
/// (`arn:aws:sso:::permissionSet/ssoins-.../ps-...`).
/// <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiamidentitycenter.html#awsiamidentitycenter-resources-for-iam-policies>
fn owner<'a>(found: &'a [Found], permission_set_arn: &str) -> Option<&'a Found> {
    found
        .iter()
        .find(|f| {
            f.instance
                .instance_arn
                .rsplit('/')
                .next()
                .is_some_and(|id| !id.is_empty() && permission_set_arn.contains(id))
        })
        .or_else(|| found.first())
}

async fn people_of(ctx: &Ctx, f: &Found, assignments: Vec<&m::AccountAssignment>) -> People {
    let store = f.instance.identity_store_id.as_str();
    let group_ids = m::IdentityCenter::named(&assignments, "GROUP");
    let groups = join_all(group_ids.iter().map(|g| group(ctx, f, store, g))).await;
    let mut user_ids: BTreeSet<String> = m::IdentityCenter::named(&assignments, "USER")
        .into_iter()
        .collect();
    let mut out_groups = Collected::Known(Vec::new());
    for g in groups {
        if let Collected::Known(g) = &g {
            user_ids.extend(g.members.get().into_iter().flatten().cloned());
        }
        out_groups.append(g.map(|g| vec![g]));
    }
    let users = join_all(user_ids.iter().map(|u| user(ctx, f, store, u))).await;
    let mut out_users = Collected::Known(Vec::new());
    for u in users {
        out_users.append(u.map(|u| vec![u]));
    }
    (out_users, out_groups)
}

/// <https://docs.aws.amazon.com/singleSignOn/latest/IdentityStoreAPIReference/API_DescribeGroup.html>
/// and <https://docs.aws.amazon.com/singleSignOn/latest/IdentityStoreAPIReference/API_ListGroupMemberships.html>
async fn group(ctx: &Ctx, f: &Found, store: &str, id: &str) -> Collected<m::SsoGroup> {
    let (described, members) = tokio::join!(
        ctx.call(
            &calls::IDSTORE_DESCRIBE_GROUP,
            Some(id),
            f.store
                .describe_group()
                .identity_store_id(store)
                .group_id(id)
                .send(),
        ),
        ctx.call(
            &calls::IDSTORE_LIST_GROUP_MEMBERSHIPS,
            Some(id),
            f.store
                .list_group_memberships()
                .identity_store_id(store)
                .group_id(id)
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
    );
    let described = match described {
        Got::Data(o) => o,
        Got::Absent => return Collected::missing("the group was deleted while collecting"),
        Got::Not(n) => return Collected::Unknown(n),
    };
    let members = members.or_default(|pages| {
        let mut ids: Vec<String> = pages
            .iter()
            .flat_map(|p| p.group_memberships())
            .filter_map(|gm| match gm.member_id() {
                Some(MemberId::UserId(u)) => Some(u.clone()),
                _ => None,
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    });
    Collected::Known(m::SsoGroup {
        group_id: described.group_id().to_string(),
        identity_store_id: described.identity_store_id().to_string(),
        display_name: described.display_name().map(str::to_string),
        members,
    })
}

/// <https://docs.aws.amazon.com/singleSignOn/latest/IdentityStoreAPIReference/API_DescribeUser.html>
async fn user(ctx: &Ctx, f: &Found, store: &str, id: &str) -> Collected<m::SsoUser> {
    let got = ctx
        .call(
            &calls::IDSTORE_DESCRIBE_USER,
            Some(id),
            f.store
                .describe_user()
                .identity_store_id(store)
                .user_id(id)
                .send(),
        )
        .await;
    match got {
        Got::Data(o) => Collected::Known(m::SsoUser {
            user_id: o.user_id().to_string(),
            identity_store_id: o.identity_store_id().to_string(),
            user_name: o.user_name().map(str::to_string),
            display_name: o.display_name().map(str::to_string),
        }),
        Got::Absent => Collected::missing("the user was deleted while collecting"),
        Got::Not(n) => Collected::Unknown(n),
    }
}

fn sorted<T, K: Ord>(list: Collected<Vec<T>>, key: impl FnMut(&T) -> K) -> Collected<Vec<T>> {
    list.map(|mut v| {
        v.sort_by_key(key);
        v
    })
}
