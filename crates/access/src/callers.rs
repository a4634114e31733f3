//! Which principals of the account a resource policy could name as the caller: a cheap,
//! exact pre-filter before the engine decides.
//!
//! AWS: IAM User Guide, "Policy evaluation logic", section "Evaluating identity-based
//! policies with resource-based policies": within one account a resource-based policy
//! grants on its own only to the principals it names (the user or role session, the
//! role, or everyone); naming the account delegates to identity-based policies. Role
//! trust policies are stricter ("IAM role trust policies and KMS key policies are
//! exceptions"): a principal neither named nor in a named account cannot assume the role
//! whatever its own policies say. The engine applies both rules (`rules::grant`); this
//! module only finds, without deciding, the principals a policy could name, so that the
//! others are not asked.

use std::collections::HashMap;

use phiward_policy::document::{PrincipalId, PrincipalSpec};
use phiward_policy::Policy;

use crate::model::AccessModel;
use crate::targets::Bits;

/// The account's principals by lowercased name (the last segment of the ARN), which a
/// principal ARN in a policy names whatever its path or session.
pub(crate) struct Index {
    by_name: HashMap<String, Vec<usize>>,
    n: usize,
    account: Option<String>,
}

impl Index {
    pub(crate) fn new(m: &AccessModel) -> Index {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in m.principals.iter().enumerate() {
            by_name.entry(p.name.to_lowercase()).or_default().push(i);
        }
        Index {
            by_name,
            n: m.principals.len(),
            account: m.account.clone(),
        }
    }
}

/// The principals a resource policy's Allow statements (for one of the actions) could
/// name.
pub(crate) struct Callers {
    /// Possibly any principal of the account (everyone, `NotPrincipal`, a wildcard, an
    /// unknown account).
    any: bool,
    /// The principals named by ARN.
    named: Bits,
    /// Whether a statement names the account itself.
    pub(crate) account: bool,
}

impl Callers {
    /// Whether the policy could name principal `i` as the caller (not through its account).
    pub(crate) fn admits(&self, i: usize) -> bool {
        self.any || self.named.has(i)
    }

    /// Any principal: for a resource without a policy to read, nothing can be excluded.
    pub(crate) fn all(ix: &Index) -> Callers {
        Callers {
            any: true,
            named: Bits::empty(ix.n),
            account: true,
        }
    }
}

/// The name an ARN in a `Principal` element gives: the role of an assumed-role session,
/// else the last segment of the resource part.
fn name_of(arn: &str) -> Option<String> {
    let rest = arn.splitn(6, ':').nth(5)?;
    let lower = rest.to_lowercase();
    if let Some(session) = lower.strip_prefix("assumed-role/") {
        return session.split('/').next().map(str::to_string);
    }
    lower.rsplit('/').next().map(str::to_string)
}

/// [`Callers`] of `policy` for any of `actions`.
pub(crate) fn callers(ix: &Index, policy: &Policy, actions: &[&str]) -> Callers {
    let mut out = Callers {
        any: ix.account.is_none(),
        named: Bits::empty(ix.n),
        account: ix.account.is_none(),
    };
    let statements = policy.statements.iter().filter(|s| {
        s.effect == phiward_policy::Effect::Allow && actions.iter().any(|a| s.action.applies_to(a))
    });
    for s in statements {
        let entries = match s.principal.as_ref() {
            Some(p) if !p.negated => match &p.spec {
                PrincipalSpec::Map(entries) => entries,
                PrincipalSpec::Wildcard => return Callers::all(ix),
            },
            _ => return Callers::all(ix),
        };
        for id in entries.iter().flat_map(|e| &e.ids) {
            match id {
                PrincipalId::Everyone | PrincipalId::CanonicalUser(_) => return Callers::all(ix),
                PrincipalId::Account(a) => {
                    if a.contains(['*', '?']) {
                        return Callers::all(ix);
                    }
                    out.account |= ix.account.as_deref() == Some(a.as_str());
                }
                PrincipalId::Arn(arn) => {
                    if arn.contains(['*', '?']) {
                        return Callers::all(ix);
                    }
                    let found = name_of(arn).and_then(|n| ix.by_name.get(&n));
                    for &i in found.map(Vec::as_slice).unwrap_or_default() {
                        out.named.set(i);
                    }
                }
                PrincipalId::Service(_) | PrincipalId::Federated(_) => {}
            }
        }
    }
    out
}
