//! Questions several checks ask of the engine and the snapshot.

use phiward_access::{decide_one, Decided, Principal, PrincipalType};
use phiward_policy::{
    evaluate_partial, parse_policy, Access, Context, Policy, PolicyKind, PolicySet, Request,
    RequestPrincipal,
};

use crate::{Audit, Config};

/// An action no AWS service defines: only `"Action": "*"` (or an `Allow` with
/// `NotAction`) grants it, so a principal allowed it on `*` holds a full wildcard grant.
pub const ANY_ACTION: &str = "phiward-probe:AnyAction";

/// AWS's managed administrator policy.
pub const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// Whether `p` is allowed every action on every resource (`*:*`), decided by the engine
/// with its boundary and SCPs: it must be allowed an action no service defines and an IAM
/// action, so that `NotAction` grants excluding IAM do not count.
pub fn full_access(a: &Audit<'_>, p: &Principal) -> Option<Decided> {
    let d = decide_one(a.access, p, ANY_ACTION, "*", &[])?;
    decide_one(a.access, p, "iam:PutUserPolicy", "*", &[])?;
    Some(d)
}

/// A customer-written identity policy, parsed for [`policy_allows`]; `None` when it does
/// not parse (the policy checks report unreadable documents).
pub fn parse_identity(text: &str) -> Option<Policy> {
    parse_policy(text, PolicyKind::Identity).ok()
}

/// The statements (index, line) of a standalone identity policy that allow `action` on
/// `resource` for a principal of `account`, with nothing else consulted; empty when it
/// does not allow it.
pub fn policy_allows(
    policy: &Policy,
    account: &str,
    action: &str,
    resource: &str,
) -> Vec<(usize, u32)> {
    let mut set = PolicySet::default();
    set.identity
        .push(std::sync::Arc::new(policy.only_for(&[action])));
    let mut ctx = Context::new();
    ctx.unknown_by_default();
    let principal = format!("arn:aws:iam::{account}:user/phiward-probe");
    let Ok(rp) = RequestPrincipal::parse(&principal, &ctx) else {
        return Vec::new();
    };
    let req = Request::new(rp, action, resource, None, ctx);
    let r = evaluate_partial(&set, &req);
    if r.access == Access::Denied {
        return Vec::new();
    }
    r.best
        .allowed_by
        .iter()
        .map(|s| (s.statement, s.line))
        .collect()
}

/// The groups of a principal of the account (empty for roles and unknown users).
pub fn groups_of(a: &Audit<'_>, p: &Principal) -> Vec<String> {
    if p.kind != PrincipalType::User {
        return Vec::new();
    }
    a.user(&p.arn)
        .map(|u| u.group_list.clone())
        .unwrap_or_default()
}

/// Whether a principal of the account has the managed policy `arn` attached, directly or
/// through one of its groups.
pub fn holds_managed(a: &Audit<'_>, p: &Principal, arn: &str) -> bool {
    let Some(iam) = a.snapshot.iam.get() else {
        return false;
    };
    let attached = |list: &[phiward_snapshot::model::iam::AttachedPolicy]| {
        list.iter().any(|x| x.policy_arn == arn)
    };
    if let Some(u) = a.user(&p.arn) {
        return attached(&u.attached_managed_policies)
            || u.group_list
                .iter()
                .filter_map(|g| iam.group(g))
                .any(|g| attached(&g.attached_managed_policies));
    }
    iam.roles
        .iter()
        .find(|r| r.arn == p.arn)
        .is_some_and(|r| attached(&r.attached_managed_policies))
}

/// Whether `p` is one of the approved administrators: listed in `[admins] principals` (or
/// `break_glass`), or, when that list is empty, a holder of `AdministratorAccess`.
pub fn approved_admin(a: &Audit<'_>, p: &Principal) -> bool {
    let groups = groups_of(a, p);
    if a.config.is_break_glass(&p.name, &p.arn) {
        return true;
    }
    if a.config.admins.principals.is_empty() {
        return holds_managed(a, p, ADMINISTRATOR_ACCESS);
    }
    Config::names(&a.config.admins.principals, &p.name, &p.arn, &groups)
}

/// Whether a residual condition list asks for MFA.
pub fn needs_mfa(conditions: &[phiward_access::Condition]) -> bool {
    conditions.iter().any(|c| {
        c.when == "allowed_if"
            && (c.key.eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
                || c.key.eq_ignore_ascii_case("aws:MultiFactorAuthAge"))
    })
}

/// Case-insensitive match of `name` against a pattern with `*` wildcards.
pub fn name_matches(pattern: &str, name: &str) -> bool {
    phiward_policy::glob::Glob::plain(&pattern.to_lowercase()).is_match(&name.to_lowercase())
}
