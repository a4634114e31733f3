//! One action on many resources for every principal of a model: [`who_can_each`]'s
//! answer with a sharper choice of which (principal, resource) pairs the engine decides.
//!
//! [`who_can_each`] decides every resource that has its own policy for every principal,
//! because a resource policy may grant on its own. It only can when one of its Allow
//! statements names the action and names the principal itself (its user ARN, its role,
//! or everyone): naming the account delegates to the identity policies (AWS: IAM User
//! Guide, "Policy evaluation logic", same-account requests), which must then allow. So a
//! pair is decided when an identity Allow statement of the principal could apply to the
//! resource, or the resource's policy names the principal that way. Every other pair is
//! denied whatever the engine would say, and skipping it is exact. On a large account
//! where every bucket has a policy naming a few roles, this leaves a small fraction of the
//! pairs.
//!
//! [`who_can_each`]: crate::query::who_can_each

use std::collections::HashSet;

use phiward_policy::document::{PrincipalId, PrincipalSpec};
use phiward_policy::Effect;
use rayon::prelude::*;

use crate::model::{AccessModel, Principal, PrincipalType};
use crate::query::{decide, request_for, set_for_actions, with_resource, Decided};

/// Who a resource's Allow statements for the action name directly.
#[derive(Default)]
struct Named {
    /// Everyone (`*`, `NotPrincipal`, or an identifier this module does not interpret,
    /// which is decided rather than guessed).
    everyone: bool,
    /// Users and roles by [`key`].
    ids: HashSet<(String, bool, String)>,
}

/// `(account, is a role, lowercase name)` of a user ARN, a role ARN or an assumed-role
/// session ARN: a role ARN names the role whatever its path, and IAM names compare
/// without case here, which can only ask the engine about more pairs, never fewer.
fn key(arn: &str) -> Option<(String, bool, String)> {
    let mut parts = arn.splitn(6, ':');
    let (_, _, service, _, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let (role, name) = match service {
        "iam" => match resource.strip_prefix("role/") {
            Some(path) => (true, path.rsplit('/').next()?),
            None => (false, resource.strip_prefix("user/")?.rsplit('/').next()?),
        },
        "sts" => (
            true,
            resource.strip_prefix("assumed-role/")?.split('/').next()?,
        ),
        _ => return None,
    };
    Some((account.to_string(), role, name.to_ascii_lowercase()))
}

fn named_by(m: &AccessModel, resource: &str, action: &str) -> Option<Named> {
    let policy = &m
        .resource_for_action(resource, action)?
        .policy
        .as_ref()?
        .policy;
    let mut named = Named::default();
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow && s.action.applies_to(action))
    {
        let Some(p) = &s.principal else {
            named.everyone = true;
            continue;
        };
        let entries = match (&p.spec, p.negated) {
            (PrincipalSpec::Map(entries), false) => entries,
            _ => {
                named.everyone = true;
                continue;
            }
        };
        for id in entries.iter().flat_map(|e| e.ids.iter()) {
            match id {
                PrincipalId::Arn(arn) => match key(arn) {
                    Some(k) => {
                        named.ids.insert(k);
                    }
                    None => named.everyone = true,
                },
                // Accounts delegate to identity policies; services, providers and
                // canonical users are not principals of the account.
                PrincipalId::Account(_)
                | PrincipalId::Service(_)
                | PrincipalId::Federated(_)
                | PrincipalId::CanonicalUser(_) => {}
                PrincipalId::Everyone => named.everyone = true,
            }
        }
    }
    Some(named)
}

fn names(n: &Named, p: &Principal) -> bool {
    n.everyone
        || p.kind == PrincipalType::External
        || key(&p.arn).is_none_or(|k| n.ids.contains(&k))
}

/// For each principal of `m` (by index) and each resource (by index) it can perform
/// `action` on, the engine's decision.
pub(crate) fn decide_each(
    m: &AccessModel,
    action: &str,
    resources: &[String],
) -> Vec<(usize, usize, Decided)> {
    let named: Vec<Option<Named>> = resources.iter().map(|r| named_by(m, r, action)).collect();
    let only = [action];
    let out: Vec<Vec<(usize, usize, Decided)>> = m
        .principals
        .par_iter()
        .enumerate()
        .map(|(pi, p)| {
            let mut set = set_for_actions(m, Some(p), None, Some(&only));
            let allows: Vec<&phiward_policy::Statement> = set
                .identity
                .iter()
                .flat_map(|x| x.statements.iter())
                .filter(|s| s.effect == Effect::Allow && s.action.applies_to(action))
                .collect();
            let asked: Vec<usize> = (0..resources.len())
                .filter(|&i| {
                    let by_identity = resources.get(i).is_some_and(|r| {
                        allows
                            .iter()
                            .any(|s| s.resource.as_ref().is_none_or(|x| x.may_apply_to(r)))
                    });
                    by_identity
                        || named
                            .get(i)
                            .and_then(Option::as_ref)
                            .is_some_and(|n| names(n, p))
                })
                .collect();
            let mut hits = Vec::new();
            for i in asked {
                let Some(resource) = resources.get(i) else {
                    continue;
                };
                with_resource(&mut set, m.resource_for_action(resource, action));
                let Some(req) = request_for(m, p, action, resource, &[]) else {
                    continue;
                };
                if let Some(mut d) = decide(&set, &req) {
                    d.via.sort();
                    d.via.dedup();
                    hits.push((pi, i, d));
                }
            }
            hits
        })
        .collect();
    out.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::employee::actions_for;
    use crate::query::who_can_each;
    use crate::ResourceKind;

    type Answer = Vec<(String, usize, crate::Reach, String)>;

    /// The same answers as `who_can_each` on every action the access report asks about,
    /// for every principal and every bucket and key of the demo account.
    #[test]
    fn agrees_with_who_can_each_on_the_demo_account() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account");
        let loaded = phiward_snapshot::load(&dir).unwrap();
        let m = AccessModel::new(&loaded.snapshot);
        let buckets: Vec<String> = m
            .resources
            .iter()
            .filter(|r| r.arn.starts_with("arn:aws:s3:::"))
            .map(|r| r.arn.clone())
            .collect();
        let keys: Vec<String> = m
            .resources
            .iter()
            .filter(|r| r.arn.starts_with("arn:aws:kms:"))
            .map(|r| r.arn.clone())
            .collect();
        assert!(buckets.len() >= 9 && !keys.is_empty());
        let mut decided = 0;
        for (kind, list) in [
            (ResourceKind::S3Bucket, &buckets),
            (ResourceKind::KmsKey, &keys),
        ] {
            for (action, objects) in actions_for(kind) {
                let resources: Vec<String> = list
                    .iter()
                    .map(|r| if objects { format!("{r}/*") } else { r.clone() })
                    .collect();
                let mut want: Answer = who_can_each(&m, &[action.to_string()], &resources)
                    .into_iter()
                    .enumerate()
                    .flat_map(|(i, gs)| {
                        gs.into_iter().map(move |g| {
                            (g.arn, i, g.access, format!("{:?}{:?}", g.conditions, g.via))
                        })
                    })
                    .collect();
                let mut got: Answer = decide_each(&m, action, &resources)
                    .into_iter()
                    .map(|(p, i, d)| {
                        let arn = m.principals[p].arn.clone();
                        (arn, i, d.reach, format!("{:?}{:?}", d.conditions, d.via))
                    })
                    .collect();
                want.sort();
                got.sort();
                assert_eq!(got, want, "{action}");
                decided += got.len();
            }
        }
        assert!(decided > 500, "{decided}");
    }

    #[test]
    fn keys_name_users_roles_and_sessions() {
        assert_eq!(
            key("arn:aws:iam::111122223333:role/path/Viewer"),
            Some(("111122223333".into(), true, "viewer".into()))
        );
        assert_eq!(
            key("arn:aws:sts::111122223333:assumed-role/Viewer/s"),
            Some(("111122223333".into(), true, "viewer".into()))
        );
        assert_eq!(
            key("arn:aws:iam::111122223333:user/ops/Bob"),
            Some(("111122223333".into(), false, "bob".into()))
        );
        assert_eq!(key("arn:aws:sts::111122223333:federated-user/x"), None);
    }
}
