//! The organization's audit: every collected account audited as `phiward audit` audits
//! one (each finding naming its account), then the organization-level checks (`ORG-...`),
//! which read the tree, its SCPs and RCPs, and decide cross-account access with the
//! engine. Accounts are read one at a time.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use phiward_access::org::OrgAccounts;
use phiward_access::AccessModel;
use phiward_findings::{Finding, Severity, Status};
use phiward_policy::{
    evaluate_partial, parse_policy, Access, Context, CtxValue, Policy, PolicyKind, PolicySet,
    Request, RequestPrincipal,
};
use phiward_snapshot::model::org::OrgPolicy;
use phiward_snapshot::org::{AccountStatus, OrgSnapshot, OrgTree};

use crate::{fact, run_all, Audit, Config, Meta};

macro_rules! org_meta {
    ($name:ident, $id:literal, $title:literal, $sev:expr, $practice:literal, $hipaa:expr, $doc:literal, $fix:literal) => {
        #[doc = $doc]
        pub static $name: Meta = Meta {
            id: $id,
            title: $title,
            severity: $sev,
            practice: $practice,
            hipaa: $hipaa,
            cis: None,
            doc: $doc,
            remediation: $fix,
        };
    };
}

org_meta!(ORG_001, "ORG-001", "An organization trail logs every account", Severity::High, 5,
    &["164.312(b)"],
    "What: the management account (or a delegated administrator for CloudTrail) has a trail with `IsOrganizationTrail`, multi-region and logging.\nWhy: one trail that member accounts cannot stop records activity on PHI in every account (164.312(b)).\nFix: `aws cloudtrail create-trail --is-organization-trail --is-multi-region-trail` in the management account, then `start-logging`.",
    "create a multi-region organization trail in the management account and start logging");
org_meta!(ORG_002, "ORG-002", "SCPs keep member accounts from stopping logging", Severity::High, 5,
    &["164.312(b)", "164.308(a)(1)(ii)(D)"],
    "What: for each member account, the SCPs on its path (root, each OU, the account) deny `cloudtrail:StopLogging`, `cloudtrail:DeleteTrail`, `cloudtrail:UpdateTrail`, `cloudtrail:PutEventSelectors`, `config:StopConfigurationRecorder` and `config:DeleteConfigurationRecorder` to the account's roles, decided by the engine with identity policies that allow everything.\nWhy: an administrator of one account must not be able to blind the audit trail of PHI (164.312(b)).\nFix: attach an SCP denying these actions (with an exception for a break-glass role) at the root.",
    "attach an SCP at the root that denies stopping, deleting or changing trails and AWS Config recorders");
org_meta!(ORG_003, "ORG-003", "SCPs deny the root user of member accounts", Severity::High, 1,
    &["164.312(a)(2)(i)", "164.308(a)(3)(ii)(B)"],
    "What: for each member account, the SCPs on its path deny the account's root user (`arn:aws:iam::ID:root`) a sample of sensitive actions (`iam:CreateAccessKey`, `s3:GetObject`, `kms:Decrypt`).\nWhy: the root user of a member account bypasses IAM; an SCP is the only control over it (164.312(a)(2)(i)).\nFix: attach an SCP denying everything when `aws:PrincipalArn` is `arn:aws:iam::*:root`.",
    "attach an SCP at the root denying all actions to `arn:aws:iam::*:root`");
org_meta!(ORG_004, "ORG-004", "Delegated administrators are audited", Severity::Medium, 2,
    &["164.308(a)(4)(ii)(B)"],
    "What: each delegated administrator account (it administers a service for the whole organization) is collected and audited; the finding lists its services.\nWhy: a delegated administrator holds organization-wide power over security services; an unaudited one is a blind spot (164.308(a)(4)).\nFix: collect the account (`phiward collect --organization`), or deregister the delegation.",
    "collect and audit every delegated administrator account, or deregister the delegation");
org_meta!(ORG_005, "ORG-005", "Every member account is in an OU", Severity::Low, 2,
    &["164.308(a)(4)(ii)(B)"],
    "What: no active member account sits directly under the root.\nWhy: guardrails are attached to OUs; an account outside every OU gets only the root's SCPs and RCPs (164.308(a)(4)).\nFix: `aws organizations move-account` into the OU whose guardrails fit it.",
    "move the account into an OU with the organization's guardrails");
org_meta!(ORG_006, "ORG-006", "PHI is not reachable from other accounts", Severity::High, 3,
    &["164.312(a)(1)", "164.308(a)(4)(ii)(C)"],
    "What: for each PHI bucket of every account, the principals of other accounts that can read its objects (`s3:GetObject` on `B/*`), directly through the bucket policy or by assuming roles across accounts, each with its path; and for each customer KMS key encrypting a PHI bucket (its default encryption, the key in any account), the principals of other accounts that can use it to decrypt (`kms:Decrypt`). Every hop and the last grant are decided by the engine with both accounts' policies, SCPs and RCPs.\nWhy: access to PHI must be limited to those who need it (164.312(a)(1)); a trust policy in one account can open PHI in another.\nFix: remove the cross-account grant or the trust that leads to it, or restrict it with conditions (`aws:PrincipalOrgID`, MFA, source network).",
    "remove the cross-account grants or trust policies on the path, or restrict them with conditions");

/// The organization-level checks, in order.
pub static ORG_CHECKS: [&Meta; 6] = [&ORG_001, &ORG_002, &ORG_003, &ORG_004, &ORG_005, &ORG_006];

/// One account audited, reported to the caller's progress.
#[derive(Debug)]
pub struct AccountDone<'a> {
    /// The account.
    pub id: &'a str,
    /// How many accounts are done.
    pub done: usize,
    /// How many there are.
    pub total: usize,
}

/// An organization's audit: the findings of every account and of the organization, and
/// what could not be read.
#[derive(Debug, Default)]
pub struct OrgAudit {
    /// Every finding, accounts in the tree's order, then the organization's.
    pub findings: Vec<Finding>,
    /// Inputs that could not be read (accounts, files, policies).
    pub skipped: Vec<String>,
}

/// Audits every collected account, then the organization.
pub fn audit_org(
    org: &OrgSnapshot,
    config: &Config,
    now: DateTime<Utc>,
    mut progress: impl FnMut(AccountDone<'_>),
) -> OrgAudit {
    let mut out = OrgAudit::default();
    let ids: Vec<String> = org.collected().map(|a| a.id.clone()).collect();
    let mut phi: Vec<crate::org_reach::PhiTarget> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        match org.load_account(id) {
            Ok(loaded) => {
                out.skipped.extend(
                    loaded
                        .problems
                        .iter()
                        .map(|p| format!("account `{id}`: {p}")),
                );
                let snap = &loaded.snapshot;
                let access = AccessModel::new(snap);
                out.skipped.extend(
                    access
                        .skipped
                        .iter()
                        .map(|s| format!("account `{id}`: {}: {}", s.place, s.reason)),
                );
                let audit = Audit::new(snap, &access, snap.as_of.unwrap_or(now), config);
                if let Some(buckets) = crate::phi_buckets(&audit) {
                    phi.extend(crate::org_reach::phi_targets(id, snap, &buckets));
                }
                for mut f in run_all(&audit) {
                    f.account = Some(id.clone());
                    out.findings.push(f);
                }
            }
            Err(e) => out.skipped.push(format!("account `{id}`: {e}")),
        }
        progress(AccountDone {
            id,
            done: i + 1,
            total: ids.len(),
        });
    }
    for a in &org.tree.accounts {
        if a.collection.status == AccountStatus::Failed {
            out.skipped.push(format!(
                "account `{}` was not collected: {}",
                a.id,
                a.collection.error.as_deref().unwrap_or("unknown error")
            ));
        }
    }
    let accounts = OrgAccounts::new(org);
    out.findings.extend(org_trail(org, &accounts));
    out.findings.extend(guardrails(&org.tree));
    out.findings.extend(delegated(&org.tree));
    out.findings.extend(outside_ous(&org.tree));
    out.findings
        .extend(crate::org_reach::cross_account_phi(&accounts, &phi));
    // An account's unreadable files are met twice, by its audit and by the
    // organization's checks: named once.
    let mut named = std::collections::HashSet::new();
    out.skipped.extend(accounts.problems());
    out.skipped.retain(|s| named.insert(s.clone()));
    out
}

pub(crate) fn org_finding(
    m: &Meta,
    account: &str,
    status: Status,
    resource: String,
    message: String,
) -> Finding {
    let mut f = m.finding(status, resource, message);
    f.account = Some(account.to_string());
    f
}

fn org_trail(org: &OrgSnapshot, accounts: &OrgAccounts<'_>) -> Vec<Finding> {
    let m = &ORG_001;
    let mgmt = org
        .tree
        .management_account()
        .unwrap_or("unknown")
        .to_string();
    let mut owners = vec![mgmt.clone()];
    if let Some(d) = org.tree.delegated_administrators.get() {
        owners.extend(
            d.iter()
                .filter(|a| {
                    a.services
                        .get()
                        .is_some_and(|s| s.iter().any(|x| x == "cloudtrail.amazonaws.com"))
                })
                .map(|a| a.id.clone()),
        );
    }
    let mut unread = Vec::new();
    for id in &owners {
        let readable = org
            .tree
            .account(id)
            .is_some_and(|a| a.collection.status == AccountStatus::Collected);
        let Some(trails) = readable
            .then(|| accounts.load(id))
            .flatten()
            .and_then(|s| s.trails.get().cloned())
        else {
            unread.push(id.clone());
            continue;
        };
        if let Some(t) = trails.iter().find(|t| {
            t.is_organization_trail == Some(true)
                && t.is_multi_region_trail == Some(true)
                && t.status.get().is_some_and(|s| s.is_logging)
        }) {
            let mut f = org_finding(
                m,
                id,
                Status::Pass,
                t.trail_arn.clone(),
                format!(
                    "organization trail `{}` logs every account in every region",
                    t.name
                ),
            );
            f.evidence.push(fact(
                "cloudtrail describe-trails",
                "IsOrganizationTrail true, IsMultiRegionTrail true, logging",
            ));
            return vec![f];
        }
    }
    if unread.len() == owners.len() {
        return vec![org_finding(
            m,
            &mgmt,
            Status::NotEvaluated,
            format!("account:{mgmt}"),
            format!(
                "the trails of the management account (and CloudTrail's delegated administrators) were not collected: {}",
                unread.join(", ")
            ),
        )];
    }
    vec![org_finding(
        m,
        &mgmt,
        Status::Fail,
        format!("account:{mgmt}"),
        "no multi-region organization trail is logging".into(),
    )]
}

/// The SCP levels on an account's path, root first, as the access model builds them.
///
/// AWS: Organizations User Guide, "SCP evaluation": to allow an action for an account,
/// every level from the root through each OU to the account itself must have an SCP
/// that allows it; a deny at any level denies.
fn scp_levels(tree: &OrgTree, account: &str) -> Option<Vec<Vec<Arc<Policy>>>> {
    let list: &Vec<OrgPolicy> = tree.scps.get()?;
    let mut path: Vec<String> = tree
        .path_of(account)
        .into_iter()
        .map(|p| p.id)
        .rev()
        .collect();
    path.push(account.to_string());
    let parsed: Vec<(Arc<Policy>, &Option<Vec<String>>)> = list
        .iter()
        .filter_map(|p| {
            let doc = p.content.get()?.parse(PolicyKind::Scp).ok()?;
            Some((Arc::new(doc), &p.targets))
        })
        .collect();
    if parsed.iter().any(|(_, t)| t.is_none()) {
        return None;
    }
    Some(
        path.iter()
            .map(|id| {
                parsed
                    .iter()
                    .filter(|(_, t)| t.as_ref().is_some_and(|t| t.contains(id)))
                    .map(|(p, _)| p.clone())
                    .collect()
            })
            .collect(),
    )
}

fn allow_all() -> Option<Arc<Policy>> {
    parse_policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        PolicyKind::Identity,
    )
    .ok()
    .map(Arc::new)
}

/// What the SCPs let `principal` of `account` do with `action` on `*`, identity policies
/// allowing everything: `None` when the request cannot be built.
fn scp_decides(
    levels: &[Vec<Arc<Policy>>],
    account: &str,
    principal: &str,
    action: &str,
) -> Option<Access> {
    let mut ctx = Context::new();
    ctx.insert("aws:PrincipalAccount", CtxValue::One(account.to_string()));
    let arn = if principal.ends_with(":root") {
        principal.to_string()
    } else {
        format!("arn:aws:iam::{account}:role/phiward-probe")
    };
    ctx.insert("aws:PrincipalArn", CtxValue::One(arn));
    ctx.unknown_by_default();
    let rp = RequestPrincipal::parse(principal, &ctx).ok()?;
    let mut set = PolicySet::default();
    set.identity.push(allow_all()?);
    set.scps = levels.to_vec();
    let req = Request::new(rp, action, "*", Some(account.to_string()), ctx);
    Some(evaluate_partial(&set, &req).access)
}

const LOGGING: [&str; 6] = [
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
];
const ROOT_PROBES: [&str; 3] = ["iam:CreateAccessKey", "s3:GetObject", "kms:Decrypt"];

/// ORG-002 and ORG-003: what each member account's SCPs leave open.
fn guardrails(tree: &OrgTree) -> Vec<Finding> {
    let mgmt = tree.management_account();
    let mut out = Vec::new();
    for a in tree
        .accounts
        .iter()
        .filter(|a| Some(a.id.as_str()) != mgmt && a.status != "SUSPENDED")
    {
        let resource = format!("account:{}", a.id);
        let Some(levels) = scp_levels(tree, &a.id) else {
            for m in [&ORG_002, &ORG_003] {
                out.push(org_finding(
                    m,
                    &a.id,
                    Status::NotEvaluated,
                    resource.clone(),
                    "the SCPs or their attachments were not collected".into(),
                ));
            }
            continue;
        };
        let session = format!("arn:aws:sts::{}:assumed-role/phiward-probe/session", a.id);
        let root = format!("arn:aws:iam::{}:root", a.id);
        for (m, principal, actions) in [
            (&ORG_002, &session, &LOGGING[..]),
            (&ORG_003, &root, &ROOT_PROBES[..]),
        ] {
            let open: Vec<(&str, Access)> = actions
                .iter()
                .filter_map(|act| {
                    let d = scp_decides(&levels, &a.id, principal, act)?;
                    (d != Access::Denied).then_some((*act, d))
                })
                .collect();
            let who = if m.id == "ORG-002" {
                "the account's roles"
            } else {
                "the root user"
            };
            let mut f = if open.is_empty() {
                org_finding(
                    m,
                    &a.id,
                    Status::Pass,
                    resource.clone(),
                    format!(
                        "the SCPs on the path of `{}` deny {who} {}",
                        a.name,
                        crate::listed(actions)
                    ),
                )
            } else {
                let names: Vec<String> = open
                    .iter()
                    .map(|(act, d)| {
                        if *d == Access::Conditional {
                            format!("{act} (conditionally)")
                        } else {
                            act.to_string()
                        }
                    })
                    .collect();
                org_finding(
                    m,
                    &a.id,
                    Status::Fail,
                    resource.clone(),
                    format!(
                        "the SCPs on the path of `{}` let {who} {}",
                        a.name,
                        crate::listed(&names)
                    ),
                )
            };
            let path: Vec<String> = tree
                .path_of(&a.id)
                .iter()
                .rev()
                .map(|p| format!("{} ({})", p.id, tree.name_of(&p.id).unwrap_or("")))
                .collect();
            f.evidence.push(fact(
                "organization.json",
                format!("path: {} > {}", path.join(" > "), a.id),
            ));
            out.push(f);
        }
    }
    out
}

fn delegated(tree: &OrgTree) -> Vec<Finding> {
    let m = &ORG_004;
    let mgmt = tree.management_account().unwrap_or("unknown");
    let Some(list) = tree.delegated_administrators.get() else {
        return vec![org_finding(
            m,
            mgmt,
            Status::NotEvaluated,
            format!("account:{mgmt}"),
            "the delegated administrators were not collected".into(),
        )];
    };
    list.iter()
        .map(|d| {
            let services = d.services.get().map(|s| crate::listed(s)).unwrap_or_else(|| "(services not collected)".into());
            let collected = tree.account(&d.id).is_some_and(|a| a.collection.status == AccountStatus::Collected);
            let (status, message) = if collected {
                (Status::Pass, format!("delegated administrator `{}` ({services}) is audited", d.id))
            } else {
                (Status::Fail, format!("delegated administrator `{}` ({services}) was not collected: it is not audited", d.id))
            };
            org_finding(m, &d.id, status, format!("account:{}", d.id), message)
        })
        .collect()
}

fn outside_ous(tree: &OrgTree) -> Vec<Finding> {
    let m = &ORG_005;
    let roots: Vec<&str> = tree.roots.iter().map(|r| r.id.as_str()).collect();
    let mgmt = tree.management_account();
    tree.accounts
        .iter()
        .filter(|a| Some(a.id.as_str()) != mgmt && a.status != "SUSPENDED")
        .map(|a| {
            let at_root = a.parent_id.as_deref().is_some_and(|p| roots.contains(&p));
            let (status, message) = if at_root {
                (
                    Status::Fail,
                    format!(
                        "account `{}` ({}) sits directly under the root, outside every OU",
                        a.id, a.name
                    ),
                )
            } else {
                let ou = a.parent_id.as_deref().unwrap_or("unknown");
                (
                    Status::Pass,
                    format!(
                        "account `{}` is in OU `{}`",
                        a.id,
                        tree.name_of(ou).unwrap_or(ou)
                    ),
                )
            };
            org_finding(m, &a.id, status, format!("account:{}", a.id), message)
        })
        .collect()
}
