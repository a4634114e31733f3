//! Principals outside the account that a resource policy grants: other accounts, their
//! users and roles, service principals, and everyone.
//!
//! AWS: IAM User Guide, "Cross-account policy evaluation logic": a principal in another
//! account needs an allow from its own account's identity policies and from the resource
//! policy. phiward cannot see the other account, so it assumes that account allows and
//! reports what the resource policy (and this account's RCPs) let through; the grant's
//! `via` names the resource policy statement.

use std::collections::BTreeSet;
use std::sync::Arc;

use phiward_policy::document::{PrincipalId, PrincipalSpec};
use phiward_policy::{parse_policy, Context, Effect, PolicyKind, Request, RequestPrincipal};

use crate::model::{AccessModel, Named, PrincipalType, Resource};
use crate::query::{decide, merge, set_for, Grant};

/// The name of the stand-in below.
const STAND_IN: &str = "(the other account's own policies, assumed to allow)";

/// The identity-policy stand-in for an account phiward cannot see.
const OTHER_ACCOUNT_ALLOWS: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// The request principal standing for a principal the policy names, and whether it
/// belongs to this account (then it is not external).
fn stand_in(id: &PrincipalId, account: Option<&str>) -> Option<(String, String)> {
    Some(match id {
        PrincipalId::Everyone => ("*".into(), "anonymous".into()),
        PrincipalId::Account(a) => {
            if Some(a.as_str()) == account {
                return None;
            }
            (
                format!("arn:aws:iam::{a}:root"),
                format!("arn:aws:iam::{a}:root"),
            )
        }
        PrincipalId::Arn(arn) => {
            if arn.split(':').nth(4) == account {
                return None;
            }
            let principal = match arn.split_once(":role/") {
                Some((head, path)) => {
                    let name = path.rsplit('/').next().unwrap_or(path);
                    format!(
                        "{}:assumed-role/{name}/phiward",
                        head.replace(":iam:", ":sts:")
                    )
                }
                None => arn.clone(),
            };
            (arn.clone(), principal)
        }
        PrincipalId::Service(s) => (s.clone(), s.clone()),
        PrincipalId::Federated(_) | PrincipalId::CanonicalUser(_) => return None,
    })
}

/// External principals the resource's policy lets perform any of `actions`.
pub(crate) fn grants(
    m: &AccessModel,
    r: &Resource,
    actions: &[String],
    resource: &str,
) -> Vec<Grant> {
    let Some(policy) = &r.policy else {
        return Vec::new();
    };
    let mut named: BTreeSet<(String, String)> = BTreeSet::new();
    for st in policy
        .policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        let Some(pe) = st.principal.as_ref().filter(|p| !p.negated) else {
            continue;
        };
        match &pe.spec {
            PrincipalSpec::Wildcard => {
                named.insert(("*".into(), "anonymous".into()));
            }
            PrincipalSpec::Map(entries) => {
                for e in entries {
                    named.extend(
                        e.ids
                            .iter()
                            .filter_map(|id| stand_in(id, m.account.as_deref())),
                    );
                }
            }
        }
    }
    let Ok(other) = parse_policy(OTHER_ACCOUNT_ALLOWS, PolicyKind::Identity) else {
        return Vec::new();
    };
    let other = std::sync::Arc::new(other);
    let mut out = Vec::new();
    for (label, principal) in named {
        let service = !principal.starts_with("arn:") && principal != "anonymous";
        let mut base = set_for(m, None, Some(r));
        // This account's SCPs do not apply to other accounts' principals (theirs do, and
        // are unknown); its RCPs do.
        base.scps.clear();
        if !service && principal != "anonymous" {
            base.identity.push(other.clone());
        }
        let resource_name = r.policy.as_ref().map(|p| p.name.to_string());
        let rcps: Vec<Vec<Named>> = m.rcps.clone();
        base.name_policies(|kind, level, i| match kind {
            PolicyKind::Identity => Some(STAND_IN.into()),
            PolicyKind::Resource => resource_name.clone(),
            PolicyKind::Rcp => rcps
                .get(level)
                .and_then(|l| l.get(i))
                .map(|x| x.name.to_string()),
            _ => None,
        });
        let mut grant = None;
        for a in actions {
            let mut ctx = Context::new();
            m.known.apply(&mut ctx);
            ctx.unknown_by_default();
            let Ok(rp) = RequestPrincipal::parse(&principal, &ctx) else {
                continue;
            };
            let req = Request::new(rp, a, resource, m.resource_account(), ctx);
            if let Some(mut d) = decide(&base, &req) {
                // The stand-in for the other account's policies is an assumption, not a
                // statement of this account: the evidence is the resource policy.
                d.via.retain(|v| &*v.policy != STAND_IN);
                merge(
                    &mut grant,
                    &label,
                    PrincipalType::External,
                    &Arc::from(a.as_str()),
                    d,
                );
            }
        }
        out.extend(grant);
    }
    out
}
