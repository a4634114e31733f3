//! Who is asking: the request's principal, and the `Principal` element that names it.
//!
//! AWS: IAM User Guide, "AWS JSON policy elements: Principal" and "Policy evaluation
//! logic" (resource-based policies treat a principal named by its IAM user ARN, its role
//! ARN, its session ARN or its account differently).

use crate::arn::Arn;
use crate::context::Context;
use crate::document::{PrincipalId, PrincipalSpec};

/// The kind of caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PrincipalKind {
    /// An IAM user (`arn:aws:iam::ACCT:user/NAME`).
    User,
    /// A role named without a session (`arn:aws:iam::ACCT:role/NAME`), treated as one of its
    /// sessions.
    Role,
    /// An assumed-role session (`arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`).
    AssumedRole,
    /// A `GetFederationToken` session (`arn:aws:sts::ACCT:federated-user/NAME`).
    FederatedUser,
    /// The account root user (`arn:aws:iam::ACCT:root`).
    Root,
    /// An AWS service principal (`cloudtrail.amazonaws.com`).
    Service,
    /// A web identity or SAML provider calling `AssumeRoleWith*`.
    Federated,
    /// An unsigned request.
    Anonymous,
}

/// The principal of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestPrincipal {
    /// As given.
    pub arn: String,
    /// Its kind.
    pub kind: PrincipalKind,
    /// Account (field 5 of the ARN); `None` for services and anonymous callers.
    pub account: Option<String>,
    /// For sessions: the role's ARN (from `aws:PrincipalArn` when it names the same role,
    /// so the role's path is known).
    pub role_arn: Option<String>,
    /// For role sessions: partition, account and role name, split once because every
    /// role ARN a policy names is compared with them.
    session: Option<(String, String, String)>,
}

/// How a `Principal` element matched the request's principal, weakest first.
///
/// AWS: IAM User Guide, "How AWS enforcement code logic evaluates requests to allow or
/// deny access", table "Resource-based policies and implicit denies in other policy
/// types (same account)": the principal a resource-based policy names decides which
/// implicit denies still apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PrincipalMatch {
    /// The account (`arn:aws:iam::ACCT:root` or the bare id): delegates to the account's
    /// identity-based policies.
    Account,
    /// The role of a role session: limited by the role's boundary and the session policy.
    Role,
    /// The IAM user behind a federated-user session: limited likewise.
    FederatingUser,
    /// Everyone (`"*"`, `{"AWS": "*"}`), or a `NotPrincipal` that does not name the caller.
    Everyone,
    /// The caller's own ARN: IAM user, role session or federated-user session.
    Direct,
}

/// A principal string that cannot be understood.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unsupported principal `{0}`: expected an IAM user, role, assumed-role or federated-user ARN, an account root ARN, a service principal such as `cloudtrail.amazonaws.com`, or `anonymous`")]
pub struct PrincipalError(pub String);

impl RequestPrincipal {
    /// Interprets a principal string; `ctx` supplies `aws:PrincipalArn` for sessions.
    pub fn parse(s: &str, ctx: &Context) -> Result<RequestPrincipal, PrincipalError> {
        let bad = || PrincipalError(crate::parse::clip(s));
        let mk = |kind, account: Option<&str>, role_arn: Option<String>| RequestPrincipal {
            arn: s.to_string(),
            kind,
            account: account.map(str::to_string),
            role_arn,
            session: (kind == PrincipalKind::AssumedRole)
                .then(|| Arn::parse(s))
                .flatten()
                .and_then(|a| {
                    let role = a
                        .resource
                        .strip_prefix("assumed-role/")?
                        .split('/')
                        .next()?;
                    Some((
                        a.partition.to_string(),
                        a.account.to_string(),
                        role.to_string(),
                    ))
                }),
        };
        if s.eq_ignore_ascii_case("anonymous") || s == "*" {
            return Ok(mk(PrincipalKind::Anonymous, None, None));
        }
        let Some(arn) = Arn::parse(s) else {
            if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
                return Ok(mk(PrincipalKind::Root, Some(s), None));
            }
            if s.contains('.') && !s.contains(char::is_whitespace) {
                let web_identity = s.eq_ignore_ascii_case("cognito-identity.amazonaws.com");
                let service = s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn");
                let kind = if service && !web_identity {
                    PrincipalKind::Service
                } else {
                    PrincipalKind::Federated
                };
                return Ok(mk(kind, None, None));
            }
            return Err(bad());
        };
        if arn.account.is_empty() {
            return Err(bad());
        }
        let acct = Some(arn.account);
        match arn.service {
            "iam" => {
                let r = arn.resource;
                if r == "root" {
                    Ok(mk(PrincipalKind::Root, acct, None))
                } else if r.starts_with("user/") {
                    Ok(mk(PrincipalKind::User, acct, None))
                } else if r.starts_with("role/") {
                    Ok(mk(PrincipalKind::Role, acct, Some(s.to_string())))
                } else if r.starts_with("saml-provider/") || r.starts_with("oidc-provider/") {
                    Ok(mk(PrincipalKind::Federated, None, None))
                } else {
                    Err(bad())
                }
            }
            "sts" => {
                if let Some(rest) = arn.resource.strip_prefix("assumed-role/") {
                    let Some((role, session)) = rest.split_once('/') else {
                        return Err(bad());
                    };
                    if role.is_empty() || session.is_empty() {
                        return Err(bad());
                    }
                    let from_ctx = ctx
                        .variable("aws:principalarn")
                        .filter(|p| {
                            Arn::parse(p).is_some_and(|a| {
                                a.service == "iam"
                                    && a.account == arn.account
                                    && a.resource.starts_with("role/")
                                    && a.resource.rsplit('/').next() == Some(role)
                            })
                        })
                        .map(str::to_string);
                    let role_arn = from_ctx.unwrap_or_else(|| {
                        format!("arn:{}:iam::{}:role/{role}", arn.partition, arn.account)
                    });
                    Ok(mk(PrincipalKind::AssumedRole, acct, Some(role_arn)))
                } else if arn
                    .resource
                    .strip_prefix("federated-user/")
                    .is_some_and(|n| !n.is_empty())
                {
                    Ok(mk(PrincipalKind::FederatedUser, acct, None))
                } else {
                    Err(bad())
                }
            }
            _ => Err(bad()),
        }
    }

    /// IAM identities, whose requests consult identity-based policies.
    pub fn uses_identity_policies(&self) -> bool {
        matches!(
            self.kind,
            PrincipalKind::User
                | PrincipalKind::Role
                | PrincipalKind::AssumedRole
                | PrincipalKind::FederatedUser
        )
    }

    /// Whether the principal is a service-linked role (or one of its sessions).
    pub fn is_service_linked_role(&self) -> bool {
        self.role_arn
            .as_deref()
            .is_some_and(|r| r.contains(":role/aws-service-role/"))
    }

    /// Whether the principal belongs to an account (and so to its organization's SCPs).
    ///
    /// AWS: AWS Organizations User Guide, "Service control policies (SCPs)": SCPs affect
    /// IAM users and roles and the root user of member accounts, not service-linked roles
    /// and not principals outside the organization.
    pub fn subject_to_scps(&self) -> bool {
        (self.uses_identity_policies() || self.kind == PrincipalKind::Root)
            && !self.is_service_linked_role()
    }
}

/// Whether a `NotPrincipal` element exempts the caller: it names the caller itself (its own
/// ARN, or everyone) and, for a caller from another account than the resource's, also
/// every principal the request is evaluated as on the way: the account, and for a role
/// session the role.
///
/// AWS: IAM User Guide, "AWS JSON policy elements: NotPrincipal": with `Deny`, "all
/// principals except the user named Bob" are denied by `NotPrincipal` listing Bob's ARN
/// and his account's ARN (so listing the account does not exempt its other users), and
/// "when you specify an assumed-role session in a NotPrincipal element, you cannot use a
/// wildcard (*) to mean all sessions. Principals must always name a specific session."
/// The same page: "When you use NotPrincipal with Deny, you must also specify the account
/// ARN of the not-denied principal. Otherwise, the policy might deny access to the entire
/// account containing the principal. [...] If an assumed-role user [...] is being
/// evaluated, AWS might validate the account first, then the role, and then the
/// assumed-role user"; its examples hold "for a resource in a different AWS account". A
/// cross-account caller named without its account (or a session without its role) is
/// therefore denied. Within one account phiward keeps to naming the caller itself.
pub fn not_principal_exempts(
    spec: &PrincipalSpec,
    p: &RequestPrincipal,
    cross_account: bool,
) -> bool {
    let ids: Vec<PrincipalMatch> = match spec {
        PrincipalSpec::Wildcard => return true,
        PrincipalSpec::Map(entries) => entries
            .iter()
            .flat_map(|e| e.ids.iter())
            .filter_map(|id| match_id(id, p))
            .collect(),
    };
    let named = |m: PrincipalMatch| ids.contains(&m);
    if named(PrincipalMatch::Everyone) {
        return true;
    }
    named(PrincipalMatch::Direct)
        && (!cross_account
            || p.kind == PrincipalKind::Root
            || (named(PrincipalMatch::Account)
                && (p.kind != PrincipalKind::AssumedRole || named(PrincipalMatch::Role))))
}

/// The strongest way `spec` names `p`, or `None`.
pub fn match_spec(spec: &PrincipalSpec, p: &RequestPrincipal) -> Option<PrincipalMatch> {
    match spec {
        PrincipalSpec::Wildcard => Some(PrincipalMatch::Everyone),
        PrincipalSpec::Map(entries) => entries
            .iter()
            .flat_map(|e| e.ids.iter())
            .filter_map(|id| match_id(id, p))
            .max(),
    }
}

/// The role name of an IAM role ARN (last path segment), its partition and account.
fn role_name_of(arn: &str) -> Option<(&str, &str, &str)> {
    let a = Arn::parse(arn)?;
    let path = a.resource.strip_prefix("role/")?;
    if a.service != "iam" || !a.region.is_empty() || a.account.len() != 12 {
        return None;
    }
    Some((a.partition, a.account, path.rsplit('/').next()?))
}

fn match_id(id: &PrincipalId, p: &RequestPrincipal) -> Option<PrincipalMatch> {
    use PrincipalKind as K;
    if p.kind == K::Anonymous {
        // AWS: "AWS JSON policy elements: Principal", section "All principals": only a
        // wildcard principal names anonymous callers.
        return (*id == PrincipalId::Everyone).then_some(PrincipalMatch::Everyone);
    }
    match id {
        PrincipalId::Everyone => Some(PrincipalMatch::Everyone),
        PrincipalId::Account(a) if p.account.as_deref() == Some(a.as_str()) => {
            // The account principal is the root user's own ARN.
            Some(if p.kind == K::Root {
                PrincipalMatch::Direct
            } else {
                PrincipalMatch::Account
            })
        }
        PrincipalId::Account(_) => None,
        PrincipalId::Arn(s) => {
            if p.kind == K::AssumedRole {
                // A role ARN names every session of the role (the role name compares
                // without regard to case, as IAM role names are unique that way).
                // Most named roles are other roles: reject on the name before parsing.
                let ends_with_name = |sr: &str| {
                    s.len() >= sr.len()
                        && s.get(s.len() - sr.len()..)
                            .is_some_and(|t| t.eq_ignore_ascii_case(sr))
                };
                let session = p.session.as_ref().filter(|(_, _, sr)| ends_with_name(sr));
                if let (Some((sp, sa, sr)), Some((part, acct, name))) =
                    (session, session.and_then(|_| role_name_of(s)))
                {
                    if part == sp && acct == sa && name.eq_ignore_ascii_case(sr) {
                        return Some(PrincipalMatch::Role);
                    }
                }
            } else if p.kind == K::FederatedUser {
                // A federated-user session `federated-user/NAME` was created by the IAM
                // user NAME; naming that user is limited by boundary and session policy.
                if let Some(a) = Arn::parse(&p.arn) {
                    let name = a.resource.split_once('/').map_or("", |(_, n)| n);
                    if *s == format!("arn:{}:iam::{}:user/{name}", a.partition, a.account) {
                        return Some(PrincipalMatch::FederatingUser);
                    }
                }
            }
            (*s == p.arn).then_some(PrincipalMatch::Direct)
        }
        PrincipalId::Service(s) | PrincipalId::Federated(s) | PrincipalId::CanonicalUser(s) => {
            (*s == p.arn).then_some(PrincipalMatch::Direct)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::CtxValue;

    #[test]
    fn parses_principals() {
        let mut ctx = Context::new();
        ctx.insert(
            "aws:PrincipalArn",
            CtxValue::One("arn:aws:iam::111122223333:role/path/App".into()),
        );
        let p =
            RequestPrincipal::parse("arn:aws:sts::111122223333:assumed-role/App/s1", &ctx).unwrap();
        assert_eq!(p.kind, PrincipalKind::AssumedRole);
        assert_eq!(
            p.role_arn.as_deref(),
            Some("arn:aws:iam::111122223333:role/path/App")
        );
        let p = RequestPrincipal::parse(
            "arn:aws:sts::111122223333:assumed-role/App/s1",
            &Context::new(),
        )
        .unwrap();
        assert_eq!(
            p.role_arn.as_deref(),
            Some("arn:aws:iam::111122223333:role/App")
        );
        assert_eq!(
            RequestPrincipal::parse("anonymous", &ctx).unwrap().kind,
            PrincipalKind::Anonymous
        );
        assert_eq!(
            RequestPrincipal::parse("cloudtrail.amazonaws.com", &ctx)
                .unwrap()
                .kind,
            PrincipalKind::Service
        );
        assert_eq!(
            RequestPrincipal::parse("arn:aws:iam::111122223333:root", &ctx)
                .unwrap()
                .kind,
            PrincipalKind::Root
        );
        assert!(RequestPrincipal::parse("arn:aws:s3:::bucket", &ctx).is_err());
        assert!(RequestPrincipal::parse("bob", &ctx).is_err());
        assert!(
            RequestPrincipal::parse("arn:aws:sts::111122223333:assumed-role/App", &ctx).is_err()
        );
    }
}
