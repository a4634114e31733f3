//! Every policy document in a snapshot, with where it is, for parsing with the policy
//! engine.

use std::collections::HashMap;

use phiward_policy::{PolicyError, PolicyKind};

use crate::model::iam::Iam;

use crate::{PolicyText, Snapshot};

/// A policy document and where it lives in the account.
#[derive(Debug)]
pub struct DocumentRef<'a> {
    /// Where: "role `deploy` trust policy", "bucket `phi-records` policy", ...
    pub place: String,
    /// How the engine must read it.
    pub kind: PolicyKind,
    /// The document.
    pub text: &'a PolicyText,
}

/// A document the policy engine could not parse.
#[derive(Debug, thiserror::Error)]
#[error("{place}: {error}")]
pub struct PolicyProblem {
    /// Where the document lives in the account.
    pub place: String,
    /// The engine's error, with line and column inside the document.
    pub error: PolicyError,
}

/// Every policy document in the snapshot, in a stable order.
pub fn documents(snap: &Snapshot) -> Vec<DocumentRef<'_>> {
    let mut out = Vec::new();
    let mut push = |place: String, kind, text| out.push(DocumentRef { place, kind, text });
    if let Some(iam) = snap.iam.get() {
        for u in &iam.users {
            for p in &u.user_policy_list {
                push(
                    inline_place(&owner("user", &u.user_name), &p.policy_name),
                    PolicyKind::Identity,
                    &p.policy_document,
                );
            }
        }
        for g in &iam.groups {
            for p in &g.group_policy_list {
                push(
                    inline_place(&owner("group", &g.group_name), &p.policy_name),
                    PolicyKind::Identity,
                    &p.policy_document,
                );
            }
        }
        for r in &iam.roles {
            if let Some(t) = &r.assume_role_policy_document {
                push(
                    format!("role `{}` trust policy", r.role_name),
                    PolicyKind::Resource,
                    t,
                );
            }
            for p in &r.role_policy_list {
                push(
                    inline_place(&owner("role", &r.role_name), &p.policy_name),
                    PolicyKind::Identity,
                    &p.policy_document,
                );
            }
        }
        for p in &iam.policies {
            for v in &p.policy_version_list {
                push(
                    format!("managed policy `{}` version `{}`", p.arn, v.version_id),
                    PolicyKind::Identity,
                    &v.document,
                );
            }
        }
    }
    if let Some(Some(org)) = snap.organization.get() {
        for (list, kind, name) in [
            (&org.scps, PolicyKind::Scp, "SCP"),
            (&org.rcps, PolicyKind::Rcp, "RCP"),
        ] {
            // AWS's own RCPFullAWSAccess is an Allow, which customer RCPs may not be; the
            // engine applies it implicitly, so it is not a document to check.
            for p in list.get().into_iter().flatten() {
                if kind == PolicyKind::Rcp && p.aws_managed {
                    continue;
                }
                if let Some(c) = p.content.get() {
                    push(format!("{name} `{}` ({})", p.name, p.id), kind, c);
                }
            }
        }
    }
    for b in snap.buckets.get().into_iter().flatten() {
        if let Some(Some(p)) = b.policy.get() {
            push(
                format!("bucket `{}` policy", b.name),
                PolicyKind::Resource,
                p,
            );
        }
    }
    for k in snap.kms_keys.get().into_iter().flatten() {
        if let Some(p) = k.policy.get() {
            push(
                format!("KMS key `{}` policy", k.key_id),
                PolicyKind::Resource,
                p,
            );
        }
    }
    if let Some(ic) = snap.identity_center.get() {
        for ps in ic.permission_sets.get().into_iter().flatten() {
            if let Some(Some(p)) = ps.inline_policy.get() {
                push(
                    format!("permission set `{}` inline policy", ps.name),
                    PolicyKind::Identity,
                    p,
                );
            }
        }
    }
    out
}

/// Parses every policy document and returns those the engine rejects.
pub fn check_policies(snap: &Snapshot) -> Vec<PolicyProblem> {
    documents(snap)
        .into_iter()
        .filter_map(|d| {
            d.text.parse(d.kind).err().map(|error| PolicyProblem {
                place: d.place,
                error,
            })
        })
        .collect()
}

/// How findings and reports name an IAM identity: `user `alice``, `role `deploy``.
pub fn owner(kind: &str, name: &str) -> String {
    format!("{kind} `{name}`")
}

/// How findings and reports name an inline policy: `user `alice` inline policy `x``.
/// Every place that names one (the access model, the checks, certification, IaC) uses
/// this wording.
pub fn inline_place(owner: &str, policy: &str) -> String {
    format!("{owner} inline policy `{policy}`")
}

/// A customer-written identity policy ([`identity_documents`]).
#[derive(Debug)]
pub struct IdentityDocument<'a> {
    /// Its name for findings ([`inline_place`], or `managed policy `x``).
    pub place: String,
    /// A stable key: the managed policy's ARN, or the owner's ARN `#` the policy name.
    pub key: String,
    /// The document.
    pub text: &'a str,
    /// The ARNs of the users and roles holding it (group members included), sorted.
    pub holders: Vec<String>,
}

/// Every customer-written identity policy of the account (inline policies and the default
/// version of customer managed ones): where it is, its name for evidence, its text, and
/// the users and roles holding it.
pub fn identity_documents(iam: &Iam) -> Vec<IdentityDocument<'_>> {
    // Group members and managed-policy holders, indexed once: a large account has
    // thousands of each.
    let mut by_group: HashMap<&str, Vec<String>> = HashMap::new();
    for u in &iam.users {
        for g in &u.group_list {
            by_group.entry(g.as_str()).or_default().push(u.arn.clone());
        }
    }
    let members = |g: &str| -> Vec<String> { by_group.get(g).cloned().unwrap_or_default() };
    let mut holders_of: HashMap<&str, Vec<String>> = HashMap::new();
    for u in &iam.users {
        for arn in u
            .attached_managed_policies
            .iter()
            .map(|x| x.policy_arn.as_str())
        {
            holders_of.entry(arn).or_default().push(u.arn.clone());
        }
    }
    for g in &iam.groups {
        for arn in g
            .attached_managed_policies
            .iter()
            .map(|x| x.policy_arn.as_str())
        {
            holders_of
                .entry(arn)
                .or_default()
                .extend(members(&g.group_name));
        }
    }
    for r in &iam.roles {
        for arn in r
            .attached_managed_policies
            .iter()
            .map(|x| x.policy_arn.as_str())
        {
            holders_of.entry(arn).or_default().push(r.arn.clone());
        }
    }
    let mut out = Vec::new();
    for u in &iam.users {
        for p in &u.user_policy_list {
            out.push(IdentityDocument {
                place: inline_place(&owner("user", &u.user_name), &p.policy_name),
                key: format!("{}#{}", u.arn, p.policy_name),
                text: p.policy_document.as_str(),
                holders: vec![u.arn.clone()],
            });
        }
    }
    for g in &iam.groups {
        for p in &g.group_policy_list {
            out.push(IdentityDocument {
                place: inline_place(&owner("group", &g.group_name), &p.policy_name),
                key: format!("{}#{}", g.arn, p.policy_name),
                text: p.policy_document.as_str(),
                holders: members(&g.group_name),
            });
        }
    }
    for r in &iam.roles {
        for p in &r.role_policy_list {
            out.push(IdentityDocument {
                place: inline_place(&owner("role", &r.role_name), &p.policy_name),
                key: format!("{}#{}", r.arn, p.policy_name),
                text: p.policy_document.as_str(),
                holders: vec![r.arn.clone()],
            });
        }
    }
    // Policies used only as permissions boundaries grant nothing by themselves.
    for pol in iam.policies.iter().filter(|p| {
        !p.is_aws_managed() && (p.attachment_count > 0 || p.permissions_boundary_usage_count == 0)
    }) {
        let Some(doc) = pol.default_document() else {
            continue;
        };
        let mut holders: Vec<String> = holders_of
            .get(pol.arn.as_str())
            .cloned()
            .unwrap_or_default();
        holders.sort();
        holders.dedup();
        out.push(IdentityDocument {
            place: format!("managed policy `{}`", pol.policy_name),
            key: pol.arn.clone(),
            text: doc.as_str(),
            holders,
        });
    }
    out
}
