//! ORG-006: the PHI of each account, buckets and the KMS keys that encrypt them, against
//! the principals of every other account, directly or through roles assumed across
//! accounts.

use std::collections::{BTreeMap, HashMap, HashSet};

use phiward_access::org::{account_of, entry_closure, reach_foreign, OrgAccounts, OrgPath};
use phiward_access::{PrincipalType, Reach};
use phiward_findings::{Evidence, Finding, Status};
use phiward_snapshot::model::data::Bucket;
use phiward_snapshot::Snapshot;

use crate::fact;
use crate::org::{org_finding, ORG_006};

/// Something holding PHI, with the account that owns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PhiTarget {
    /// A PHI bucket of `owner`.
    Bucket { owner: String, name: String },
    /// A KMS key (its ARN) that PHI bucket `bucket` of account `of` is encrypted with by
    /// default; the key's account is in its ARN.
    Key {
        arn: String,
        bucket: String,
        of: String,
    },
}

/// The PHI buckets of account `id`, and the customer-named KMS keys they are encrypted
/// with by default (a key id is looked up among the account's keys; an alias cannot be
/// resolved from a snapshot and is left out).
pub(crate) fn phi_targets(id: &str, snap: &Snapshot, buckets: &[&Bucket]) -> Vec<PhiTarget> {
    let mut out = Vec::new();
    for b in buckets {
        out.push(PhiTarget::Bucket {
            owner: id.to_string(),
            name: b.name.clone(),
        });
        for key in b.default_kms_keys().filter_map(|k| key_arn(snap, k)) {
            out.push(PhiTarget::Key {
                arn: key,
                bucket: b.name.clone(),
                of: id.to_string(),
            });
        }
    }
    out
}

/// A bucket's `KMSMasterKeyID` as a key ARN: an ARN as it is, a key id through the
/// account's keys.
fn key_arn(snap: &Snapshot, id: &str) -> Option<String> {
    if id.starts_with("arn:") {
        return id.contains(":key/").then(|| id.to_string());
    }
    snap.kms_keys
        .get()?
        .iter()
        .find(|k| k.key_id == id)
        .and_then(|k| k.key_arn.clone())
}

/// One line per hop of a path: `from -[sts:AssumeRole]-> role`, with its statements.
fn path_evidence(p: &OrgPath) -> Vec<Evidence> {
    let mut from = p.from.clone();
    let mut out = Vec::new();
    for s in &p.steps {
        let via = s.via.first();
        out.push(Evidence {
            source: via
                .map(|v| v.policy.to_string())
                .unwrap_or_else(|| "trust policy".into()),
            statement: via.map(|v| v.statement),
            line: via.map(|v| v.line),
            detail: format!(
                "`{from}` assumes `{}`{}",
                s.arn,
                if s.access == Reach::Conditional {
                    " (conditionally)"
                } else {
                    ""
                }
            ),
        });
        from = s.arn.clone();
    }
    out
}

/// A question ORG-006 asks: who in other accounts can do `action` on `resource`.
struct Question<'a> {
    owner: &'a str,
    action: &'static str,
    resource: String,
    /// The finding's resource.
    subject: String,
    /// What it is, for messages: "PHI bucket `b`".
    what: String,
    /// What a principal does to it, for evidence: "reads `b/*`".
    verb: String,
}

pub(crate) fn cross_account_phi(accounts: &OrgAccounts<'_>, phi: &[PhiTarget]) -> Vec<Finding> {
    let mut questions = Vec::new();
    // key ARN -> the PHI buckets (and their accounts) it encrypts
    let mut keys: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for t in phi {
        match t {
            PhiTarget::Bucket { owner, name } => {
                let objects = format!("arn:aws:s3:::{name}/*");
                questions.push(Question {
                    owner,
                    action: "s3:GetObject",
                    verb: format!("reads `{objects}`"),
                    resource: objects,
                    subject: format!("arn:aws:s3:::{name}"),
                    what: format!("PHI bucket `{name}`"),
                });
            }
            PhiTarget::Key { arn, bucket, of } => {
                keys.entry(arn).or_default().push((bucket, of));
            }
        }
    }
    for (arn, buckets) in &keys {
        let Some(owner) = account_of(arn) else {
            continue;
        };
        let names: Vec<String> = buckets.iter().map(|(b, _)| format!("`{b}`")).collect();
        questions.push(Question {
            owner,
            action: "kms:Decrypt",
            resource: arn.to_string(),
            subject: arn.to_string(),
            what: format!(
                "KMS key `{arn}` (encrypting PHI bucket {})",
                names.join(", ")
            ),
            verb: format!("decrypts with `{arn}`"),
        });
    }
    // The roles other accounts can enter, once per account.
    let mut entered: HashMap<&str, HashSet<String>> = HashMap::new();
    questions
        .iter()
        .map(|q| {
            let e = entered
                .entry(q.owner)
                .or_insert_with(|| entry_closure(accounts, q.owner));
            answer(accounts, q, e)
        })
        .collect()
}

fn answer(accounts: &OrgAccounts<'_>, q: &Question<'_>, entered: &HashSet<String>) -> Finding {
    let actions = [q.action.to_string()];
    let ans = reach_foreign(
        accounts,
        q.action,
        &actions,
        &q.resource,
        (q.owner, entered),
        4,
    );
    let foreign = |arn: &str| account_of(arn).is_some_and(|a| a != q.owner);
    let mut evidence = Vec::new();
    let mut names = Vec::new();
    for g in ans
        .principals
        .iter()
        .filter(|g| g.kind != PrincipalType::External && foreign(&g.arn))
    {
        names.push(g.arn.clone());
        for v in &g.via {
            evidence.push(Evidence {
                source: v.policy.to_string(),
                statement: Some(v.statement),
                line: Some(v.line),
                detail: format!("`{}` {} across accounts", g.arn, q.verb),
            });
        }
    }
    for p in ans
        .transitive
        .iter()
        .filter(|p| p.crosses_accounts() || foreign(&p.from))
    {
        names.push(p.from.clone());
        evidence.extend(path_evidence(p));
        if let Some(last) = p.steps.last() {
            evidence.push(fact("path", format!("`{}` then {}", last.arn, q.verb)));
        }
    }
    let mut f = if names.is_empty() {
        org_finding(
            &ORG_006,
            q.owner,
            Status::Pass,
            q.subject.clone(),
            format!("no principal of another account reaches {}", q.what),
        )
    } else {
        org_finding(
            &ORG_006,
            q.owner,
            Status::Fail,
            q.subject.clone(),
            format!(
                "{} is reachable from other accounts by {}",
                q.what,
                crate::listed(&names)
            ),
        )
    };
    f.evidence = evidence;
    f
}
