//! Every policy document in a snapshot, with where it is, for parsing with the policy
//! engine.

use phiward_policy::{PolicyError, PolicyKind};

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
                    format!("user `{}` inline policy `{}`", u.user_name, p.policy_name),
                    PolicyKind::Identity,
                    &p.policy_document,
                );
            }
        }
        for g in &iam.groups {
            for p in &g.group_policy_list {
                push(
                    format!("group `{}` inline policy `{}`", g.group_name, p.policy_name),
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
                    format!("role `{}` inline policy `{}`", r.role_name, p.policy_name),
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
