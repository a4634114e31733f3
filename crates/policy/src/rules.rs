//! The decision rules applied after explicit denies, in AWS's order.
//!
//! [`decide`] runs on [`Facts`]: which policy types had an applicable `Allow`, and how the
//! resource-based policy named the caller. Each rule is a function that either lets the
//! request through or names the policy type that blocks it, and cites the AWS
//! documentation it follows.

use crate::arn::Arn;
use crate::principal::PrincipalKind;
use crate::request::Request;
use crate::statement_ref::Blocker;

/// What the statements said, gathered once per request.
#[derive(Debug)]
pub(crate) struct Facts<'a> {
    pub req: &'a Request,
    pub same_account: bool,
    pub has_boundary: bool,
    pub session_applies: bool,
    pub id_allows: bool,
    pub pb_allows: bool,
    pub sp_allows: bool,
    /// Organization levels (0 = root) whose SCPs allow nothing that matches.
    pub scp_levels_without_allow: Vec<usize>,
    pub has_resource_policy: bool,
    /// The resource-based policy allows the caller by its own ARN, its role, the user it
    /// federates from, or everyone.
    pub rp_names_caller: bool,
    /// The resource-based policy allows the caller's account.
    pub rp_names_account: bool,
    /// The resource-based policy allows the caller by its own ARN or everyone.
    pub rp_names_caller_itself: bool,
    /// The resource-based policy allows the caller by its own ARN (user or session ARN).
    pub rp_names_caller_arn: bool,
}

/// Runs the rules; `Err` carries the blockers of an implicit deny.
pub(crate) fn decide(f: &Facts) -> Result<(), Vec<Blocker>> {
    scps(f)?;
    let kind = f.req.principal.kind;
    if matches!(
        kind,
        PrincipalKind::Anonymous | PrincipalKind::Service | PrincipalKind::Federated
    ) {
        return unauthenticated(f).map_err(|b| vec![b]);
    }
    federated_user_apis(f)
        .and_then(|()| session_policy(f))
        .and_then(|()| grant(f))
        .and_then(|()| boundary(f))
        .and_then(|()| aws_managed_resource(f.req))
        .map_err(|b| vec![b])
}

/// AWS: "How AWS enforcement code logic evaluates requests to allow or deny access", step
/// "AWS Organizations SCPs": SCPs apply to the principals of member accounts; if no SCP at
/// some level allows the request, it is implicitly denied. An SCP never grants.
fn scps(f: &Facts) -> Result<(), Vec<Blocker>> {
    if f.scp_levels_without_allow.is_empty() {
        Ok(())
    } else {
        Err(f
            .scp_levels_without_allow
            .iter()
            .map(|&level| Blocker::Scp { level })
            .collect())
    }
}

/// AWS: "Policy evaluation logic", step "Authentication": some services accept
/// unauthenticated requests. Callers with no identity-based policies (anonymous callers,
/// AWS service principals, identity providers calling `AssumeRoleWith*`) are allowed only
/// by a resource-based policy that names them.
fn unauthenticated(f: &Facts) -> Result<(), Blocker> {
    if f.rp_names_caller {
        Ok(())
    } else {
        Err(Blocker::NoResourcePolicyAllow)
    }
}

/// The services whose requests the evaluator's rules treat apart from others (by the
/// request's service, or its action's name): IAM and STS (federated-user sessions), STS
/// and KMS (trust and key policies must allow), IAM and KMS (AWS managed resources), and
/// `sts:GetCallerIdentity` and `kms:RetireGrant`. Every other service's requests differ
/// only in the statements that name them and in whether RCPs apply to the service
/// ([`crate::rcp::applies_to`]). A rule that reads another service must list it here:
/// `phiward_access` decides actions named alike once per class on that ground.
pub const SERVICES_WITH_RULES: &[&str] = &["iam", "kms", "sts"];

/// AWS: IAM User Guide, "Compare AWS STS credentials": credentials from
/// `GetFederationToken` "cannot call any IAM API operations" nor "any AWS STS API
/// operations except GetCallerIdentity".
fn federated_user_apis(f: &Facts) -> Result<(), Blocker> {
    let svc = f.req.service_lc.as_str();
    if f.req.principal.kind == PrincipalKind::FederatedUser && (svc == "iam" || svc == "sts") {
        Err(Blocker::FederatedUserApiRestriction)
    } else {
        Ok(())
    }
}

/// AWS: "How AWS enforcement code logic evaluates requests to allow or deny access", step
/// "Session policies": "If a session policy is present and does not allow the requested
/// action, then the request is implicitly denied." Within one account, a resource-based
/// policy that names the session's own ARN is not limited by it ("Policies and
/// permissions in IAM", section "Session policies": "The resource-based policy
/// permissions are not limited by the session policy"; table "Resource-based policies and
/// implicit denies in other policy types").
fn session_policy(f: &Facts) -> Result<(), Blocker> {
    if f.session_applies && !f.sp_allows && !(f.same_account && f.rp_names_caller_arn) {
        Err(Blocker::SessionPolicy)
    } else {
        Ok(())
    }
}

/// Whether identity-based policies grant on their own.
///
/// AWS: "Policy evaluation logic": the account root user has full access in its account;
/// "How AWS enforcement code logic evaluates requests", step "Session policies": without a
/// session policy a role session proceeds, but a federated-user session is denied.
fn identity_grants(f: &Facts) -> bool {
    match f.req.principal.kind {
        PrincipalKind::Root => true,
        PrincipalKind::FederatedUser if !f.session_applies => false,
        _ => f.id_allows,
    }
}

/// Whether, within one account, identity-based policies may grant access to the resource
/// on their own.
///
/// AWS: "How AWS enforcement code logic evaluates requests to allow or deny access", step
/// "Resource-based policies": "IAM role trust policies and KMS key policies are exceptions
/// to this logic, because they must explicitly allow access for principals." A key policy
/// or trust policy that names the account delegates to IAM policies; one that does not,
/// does not.
fn identity_may_grant_in_account(f: &Facts) -> bool {
    let req = f.req;
    let strict = match req.service_lc.as_str() {
        "kms" => req.resource != "*" && req.resource_parts.rest_lc().starts_with("key/"),
        "sts" => f.has_resource_policy,
        _ => false,
    };
    !strict || f.rp_names_account
}

/// AWS: "Policy evaluation logic", section "Evaluating identity-based policies with
/// resource-based policies": within one account the permissions are the union of both
/// types (a resource policy that names only the account delegates to identity-based
/// policies); "Cross-account policy evaluation logic": across accounts the resource-based
/// policy (naming the caller or its account) and the identity-based policies in the
/// caller's account must both allow.
fn grant(f: &Facts) -> Result<(), Blocker> {
    let id = identity_grants(f);
    let granted = if f.same_account {
        f.rp_names_caller || (id && identity_may_grant_in_account(f))
    } else {
        (f.rp_names_caller || f.rp_names_account) && id
    };
    if granted {
        return Ok(());
    }
    let kind = f.req.principal.kind;
    let rp_any = f.rp_names_caller || f.rp_names_account;
    Err(
        if kind == PrincipalKind::FederatedUser && !f.session_applies {
            Blocker::FederatedUserWithoutSessionPolicy
        } else if f.same_account && !identity_may_grant_in_account(f) {
            if f.req.service_lc == "kms" {
                Blocker::KeyPolicy
            } else {
                Blocker::TrustPolicy
            }
        } else if !f.same_account && !rp_any {
            Blocker::CrossAccountResourcePolicy
        } else {
            Blocker::NoIdentityAllow
        },
    )
}

/// AWS: IAM User Guide, "Permissions boundaries for IAM entities", section "Evaluating
/// effective permissions with boundaries", and "How AWS enforcement code logic evaluates
/// requests", table "Resource-based policies and implicit denies in other policy types":
/// a boundary that does not allow the request limits identity-based grants and grants to
/// the role ARN or to the federating user; within one account, a resource-based policy
/// that names the IAM user ARN or the session ARN (or everyone) is not limited by it.
fn boundary(f: &Facts) -> Result<(), Blocker> {
    if !f.has_boundary || f.pb_allows || (f.same_account && f.rp_names_caller_itself) {
        Ok(())
    } else {
        Err(Blocker::PermissionsBoundary)
    }
}

/// Resources AWS manages that no policy can open: AWS managed policies, `aws-reserved`
/// roles (IAM Identity Center) and AWS managed KMS key aliases.
///
/// AWS: IAM User Guide, "AWS managed policies" ("You cannot change the permissions defined
/// in AWS managed policies"); IAM Identity Center User Guide, "Using service-linked roles
/// for IAM Identity Center"; AWS KMS Developer Guide, "Aliases in AWS KMS" ("you cannot
/// create, update or delete aliases that begin with alias/aws/").
fn aws_managed_resource(req: &Request) -> Result<(), Blocker> {
    const POLICY_WRITES: &[&str] = &[
        "createpolicy",
        "createpolicyversion",
        "deletepolicy",
        "deletepolicyversion",
        "setdefaultpolicyversion",
        "tagpolicy",
        "untagpolicy",
    ];
    const ROLE_WRITES: &[&str] = &[
        "attachrolepolicy",
        "createrole",
        "createservicelinkedrole",
        "deleterole",
        "deleterolepermissionsboundary",
        "deleterolepolicy",
        "deleteservicelinkedrole",
        "detachrolepolicy",
        "passrole",
        "putrolepermissionsboundary",
        "putrolepolicy",
        "tagrole",
        "untagrole",
        "updateassumerolepolicy",
        "updaterole",
        "updateroledescription",
    ];
    const ALIAS_WRITES: &[&str] = &["createalias", "deletealias", "updatealias"];
    let Some(arn) = Arn::parse(&req.resource) else {
        return Ok(());
    };
    let rest = arn.resource.to_lowercase();
    let name = req.name_lc.as_str();
    let managed = match req.service_lc.as_str() {
        "iam" => {
            (POLICY_WRITES.contains(&name) && rest.starts_with("policy/") && arn.account == "aws")
                || (ROLE_WRITES.contains(&name) && rest.starts_with("role/aws-reserved/"))
        }
        "kms" => ALIAS_WRITES.contains(&name) && rest.starts_with("alias/aws/"),
        _ => false,
    };
    if managed {
        Err(Blocker::AwsManagedResource)
    } else {
        Ok(())
    }
}
