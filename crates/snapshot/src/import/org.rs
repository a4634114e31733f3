//! AWS Organizations: the organization, the account's OU path, SCPs and RCPs with their
//! documents and targets. Member accounts usually get `AccessDenied` here; the export
//! then holds `.error` files and the section is not collected.

use serde::Deserialize;

use super::logging::safe_name;
use super::{pages, Ctx, Got, Spec};
use crate::calls;
use crate::model::org::{OrgParent, OrgPolicy, Organization, OrganizationInfo};
use crate::{Collected, PolicyText, Snapshot};

#[derive(Default, Deserialize)]
struct Describe {
    #[serde(rename = "Organization", default)]
    organization: OrganizationInfo,
}
pages!(Describe);

#[derive(Default, Deserialize)]
struct Parents {
    #[serde(rename = "Parents", default)]
    parents: Vec<OrgParent>,
}
pages!(Parents: parents);

#[derive(Default, Deserialize)]
struct ListPolicies {
    #[serde(rename = "Policies", default)]
    policies: Vec<PolicySummary>,
}
pages!(ListPolicies: policies);

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicySummary {
    id: String,
    #[serde(default)]
    arn: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    aws_managed: bool,
}

#[derive(Default, Deserialize)]
struct DescribePolicy {
    #[serde(rename = "Policy", default)]
    policy: PolicyDetail,
}
pages!(DescribePolicy);

#[derive(Default, Deserialize)]
struct PolicyDetail {
    #[serde(rename = "Content", default)]
    content: Option<PolicyText>,
}

#[derive(Default, Deserialize)]
struct Targets {
    #[serde(rename = "Targets", default)]
    targets: Vec<Target>,
}
pages!(Targets: targets);

#[derive(Default, Deserialize)]
struct Target {
    #[serde(rename = "TargetId", default)]
    id: String,
}

pub(super) fn import(ctx: &mut Ctx, snap: &mut Snapshot) {
    let describe = Spec::of(&calls::ORG_DESCRIBE_ORGANIZATION);
    snap.organization = match ctx.fetch::<Describe>(&describe) {
        Got::Data(d) => Collected::Known(Some(Organization {
            organization: d.organization,
            // Each page of the file is one level of `list-parents`, nearest first.
            ou_path: ctx
                .fetch::<Parents>(&Spec::of(&calls::ORG_LIST_PARENTS))
                .or_default(|p| p.parents),
            scps: policies(ctx, "scp"),
            rcps: policies(ctx, "rcp"),
        })),
        Got::Absent => Collected::Known(None),
        Got::Not(n) => Collected::Unknown(n),
    };
}

/// `organizations/list-policies-KIND.json` and each policy's folder.
fn policies(ctx: &mut Ctx, kind: &str) -> Collected<Vec<OrgPolicy>> {
    let spec = Spec::file(
        &calls::ORG_LIST_POLICIES,
        format!("organizations/list-policies-{kind}.json"),
    );
    let list = match ctx.fetch::<ListPolicies>(&spec) {
        Got::Data(l) => l.policies,
        Got::Absent => Vec::new(),
        Got::Not(n) => return Collected::Unknown(n),
    };
    let out = list
        .into_iter()
        .map(|p| {
            let dir = format!("organizations/policies/{}", safe_name(&p.id));
            let id = p.id.clone();
            let content = match ctx
                .fetch::<DescribePolicy>(&Spec::at(&calls::ORG_DESCRIBE_POLICY, &dir).target(&id))
            {
                Got::Data(DescribePolicy {
                    policy: PolicyDetail { content: Some(c) },
                }) => Collected::Known(c),
                Got::Data(_) | Got::Absent => {
                    Collected::missing(format!("no `Content` in `{dir}/describe-policy.json`"))
                }
                Got::Not(n) => Collected::Unknown(n),
            };
            let targets_file = format!("{dir}/list-targets-for-policy.json");
            let targets = if ctx.path(&targets_file).is_file() {
                match ctx.fetch::<Targets>(
                    &Spec::file(&calls::ORG_LIST_TARGETS_FOR_POLICY, targets_file).target(&id),
                ) {
                    Got::Data(t) => Some(t.targets.into_iter().map(|t| t.id).collect()),
                    _ => None,
                }
            } else {
                None
            };
            OrgPolicy {
                id: p.id,
                arn: p.arn,
                name: p.name,
                aws_managed: p.aws_managed,
                content,
                targets,
            }
        })
        .collect();
    Collected::Known(out)
}
