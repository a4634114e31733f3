//! AWS Organizations: the organization, the account's OU path, SCPs and RCPs. Outside the
//! management account (or a delegated administrator) most of these calls are denied;
//! that is recorded and the parts stay not collected.

use aws_sdk_organizations::types as t;
use aws_sdk_organizations::Client;
use phiward_snapshot::model::org as m;
use phiward_snapshot::{Collected, PolicyText};

use crate::ctx::{Ctx, Got};
use crate::sdk::Sdk;
use phiward_snapshot::calls;

/// Parents above an account are at most five OUs and a root; this bounds a walk that a
/// broken answer could make endless.
const MAX_DEPTH: usize = 8;

pub(crate) async fn collect(
    ctx: &Ctx,
    sdk: &Sdk,
    account: &str,
) -> Collected<Option<m::Organization>> {
    let org = Client::new(&sdk.config);
    let described = ctx
        .call(
            &calls::ORG_DESCRIBE_ORGANIZATION,
            None,
            org.describe_organization().send(),
        )
        .await;
    let info = match described {
        Got::Data(o) => match o.organization() {
            Some(o) => m::OrganizationInfo {
                id: o.id().unwrap_or_default().to_string(),
                arn: o.arn().unwrap_or_default().to_string(),
                master_account_id: o.master_account_id().map(str::to_string),
                feature_set: o.feature_set().map(|f| f.as_str().to_string()),
            },
            None => return Collected::Known(None),
        },
        Got::Absent => return Collected::Known(None),
        Got::Not(n) => return Collected::Unknown(n),
    };
    let (ou_path, scps, rcps) = tokio::join!(
        ou_path(ctx, &org, account),
        policies(ctx, &org, t::PolicyType::ServiceControlPolicy),
        policies(ctx, &org, t::PolicyType::ResourceControlPolicy),
    );
    Collected::Known(Some(m::Organization {
        organization: info,
        ou_path,
        scps,
        rcps,
    }))
}

async fn ou_path(ctx: &Ctx, org: &Client, account: &str) -> Collected<Vec<m::OrgParent>> {
    let mut path = Vec::new();
    let mut child = account.to_string();
    for _ in 0..MAX_DEPTH {
        let got = ctx
            .call(
                &calls::ORG_LIST_PARENTS,
                Some(&child),
                org.list_parents().child_id(&child).send(),
            )
            .await;
        let parent = match got {
            Got::Data(o) => o.parents().first().map(|p| m::OrgParent {
                id: p.id().unwrap_or_default().to_string(),
                parent_type: p
                    .r#type()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
            }),
            Got::Absent => None,
            Got::Not(n) => return Collected::Unknown(n),
        };
        let Some(parent) = parent else { break };
        let root = parent.parent_type == "ROOT";
        child = parent.id.clone();
        path.push(parent);
        if root {
            break;
        }
    }
    Collected::Known(path)
}

pub(crate) async fn policies(
    ctx: &Ctx,
    org: &Client,
    kind: t::PolicyType,
) -> Collected<Vec<m::OrgPolicy>> {
    let listed = ctx
        .call(
            &calls::ORG_LIST_POLICIES,
            Some(kind.as_str()),
            org.list_policies()
                .filter(kind.clone())
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await;
    let summaries = match listed {
        Got::Data(pages) => pages
            .iter()
            .flat_map(|p| p.policies().to_vec())
            .collect::<Vec<_>>(),
        Got::Absent => Vec::new(),
        Got::Not(n) => return Collected::Unknown(n),
    };
    let described = summaries.iter().map(|s| async move {
        let id = s.id().unwrap_or_default().to_string();
        let got = ctx
            .call(
                &calls::ORG_DESCRIBE_POLICY,
                Some(&id),
                org.describe_policy().policy_id(&id).send(),
            )
            .await;
        let content = match got {
            Got::Data(o) => match o.policy().and_then(|p| p.content()) {
                Some(c) => Collected::Known(PolicyText::from_source(c)),
                None => Collected::missing("the policy has no content"),
            },
            Got::Absent => Collected::missing("the policy was deleted while collecting"),
            Got::Not(n) => Collected::Unknown(n),
        };
        m::OrgPolicy {
            id,
            arn: s.arn().unwrap_or_default().to_string(),
            name: s.name().unwrap_or_default().to_string(),
            aws_managed: s.aws_managed(),
            content,
            targets: None,
        }
    });
    Collected::Known(futures_util::future::join_all(described).await)
}
