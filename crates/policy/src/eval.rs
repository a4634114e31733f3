//! The authorization decision, following AWS's policy evaluation logic.
//!
//! AWS: IAM User Guide, "Policy evaluation logic", "How AWS enforcement code logic
//! evaluates requests to allow or deny access" and "Cross-account policy evaluation
//! logic". Every rule below cites the section it follows.

use std::sync::Arc;

use crate::arn::Arn;
use crate::context::Context;
use crate::document::{Condition, Effect, Policy, PolicyKind, Statement};
use crate::partial::{Assume, ResidualCondition};
use crate::principal::{match_spec, PrincipalKind, PrincipalMatch, RequestPrincipal};
use crate::resource::{EntryMatch, RequestResource};
use crate::statement_ref::{Blocker, StatementRef};

/// The three outcomes AWS distinguishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Decision {
    /// Some policy allows and nothing blocks.
    Allowed,
    /// Nothing allows (or a policy type that must allow does not).
    ImplicitlyDenied,
    /// An applicable `Deny` statement matched.
    ExplicitlyDenied,
}

impl Decision {
    /// The name used in case files.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "Allowed",
            Decision::ImplicitlyDenied => "ImplicitlyDenied",
            Decision::ExplicitlyDenied => "ExplicitlyDenied",
        }
    }

    /// Parses a name used in case files.
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "Allowed" => Some(Decision::Allowed),
            "ImplicitlyDenied" => Some(Decision::ImplicitlyDenied),
            "ExplicitlyDenied" => Some(Decision::ExplicitlyDenied),
            _ => None,
        }
    }
}

/// Every policy AWS would consult for one request.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    /// Identity-based policies of the principal (inline, managed, groups).
    pub identity: Vec<Policy>,
    /// The resource's policy (bucket policy, key policy, trust policy, ...).
    pub resource: Option<Policy>,
    /// The permissions boundary; several documents act as one boundary.
    pub boundary: Vec<Policy>,
    /// The session policy of a role or federated-user session.
    pub session: Option<Policy>,
    /// SCPs on the principal's account, one entry per organization level, root first.
    pub scps: Vec<Vec<Policy>>,
    /// RCPs on the resource's account, one entry per level, root first.
    pub rcps: Vec<Vec<Policy>>,
    /// Display names, parallel to the policies (see [`PolicySet::name_policies`]).
    names: Names,
}

#[derive(Clone, Debug, Default)]
struct Names {
    identity: Vec<Arc<str>>,
    resource: Option<Arc<str>>,
    boundary: Vec<Arc<str>>,
    session: Option<Arc<str>>,
    scps: Vec<Vec<Arc<str>>>,
    rcps: Vec<Vec<Arc<str>>>,
}

impl PolicySet {
    /// Names every policy after its place in the case format (`identityPolicies[1]`,
    /// `scps[0][2]`, ...) unless `names` gives a name. Call after filling the set.
    pub fn name_policies(
        &mut self,
        mut custom: impl FnMut(PolicyKind, usize, usize) -> Option<String>,
    ) {
        let mut name = |kind, level: usize, index: usize, default: String| -> Arc<str> {
            custom(kind, level, index).unwrap_or(default).into()
        };
        self.names = Names {
            identity: (0..self.identity.len())
                .map(|i| name(PolicyKind::Identity, 0, i, format!("identityPolicies[{i}]")))
                .collect(),
            resource: self
                .resource
                .as_ref()
                .map(|_| name(PolicyKind::Resource, 0, 0, "resourcePolicy".into())),
            boundary: (0..self.boundary.len())
                .map(|i| {
                    name(
                        PolicyKind::PermissionsBoundary,
                        0,
                        i,
                        format!("permissionBoundaries[{i}]"),
                    )
                })
                .collect(),
            session: self
                .session
                .as_ref()
                .map(|_| name(PolicyKind::Session, 0, 0, "sessionPolicy".into())),
            scps: self
                .scps
                .iter()
                .enumerate()
                .map(|(l, lv)| {
                    (0..lv.len())
                        .map(|i| name(PolicyKind::Scp, l, i, format!("scps[{l}][{i}]")))
                        .collect()
                })
                .collect(),
            rcps: self
                .rcps
                .iter()
                .enumerate()
                .map(|(l, lv)| {
                    (0..lv.len())
                        .map(|i| name(PolicyKind::Rcp, l, i, format!("rcps[{l}][{i}]")))
                        .collect()
                })
                .collect(),
        };
    }
}

/// One authorization request.
#[derive(Clone, Debug)]
pub struct Request {
    /// Who asks.
    pub principal: RequestPrincipal,
    /// The action as given (`s3:GetObject`).
    pub action: String,
    action_lc: String,
    /// Service prefix and action name, lowercased.
    service_lc: String,
    name_lc: String,
    /// The resource ARN, or `*` for actions without resource types.
    pub resource: String,
    resource_parts: RequestResource,
    /// The account that owns the resource, when given.
    pub resource_account: Option<String>,
    /// The complete request context.
    pub context: Context,
}

impl Request {
    /// Builds a request.
    pub fn new(
        principal: RequestPrincipal,
        action: &str,
        resource: &str,
        resource_account: Option<String>,
        context: Context,
    ) -> Request {
        let action_lc = action.to_lowercase();
        let mut it = action_lc.split(':');
        let service_lc = it.next().unwrap_or("").to_string();
        let name_lc = it.next().unwrap_or("").to_string();
        Request {
            principal,
            service_lc,
            name_lc,
            action_lc,
            action: action.to_string(),
            resource_parts: RequestResource::new(resource),
            resource: resource.to_string(),
            resource_account,
            context,
        }
    }

    /// The resource's account: as given, else the ARN's account field, else (S3 and other
    /// ARNs without one, or `*`) the principal's account.
    pub fn effective_resource_account(&self) -> Option<&str> {
        if let Some(a) = self.resource_account.as_deref() {
            return Some(a);
        }
        match Arn::parse(&self.resource) {
            Some(a) if !a.account.is_empty() => Some(a.account),
            _ => self.principal.account.as_deref(),
        }
    }
}

/// The decision and everything that explains it.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// The decision (serialized by callers next to their own identifiers).
    #[serde(skip)]
    pub decision: Decision,
    /// Matching `Deny` statements (non-empty exactly when explicitly denied).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub denied_by: Vec<StatementRef>,
    /// Matching `Allow` statements of every policy type.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_by: Vec<StatementRef>,
    /// Why an allow did not carry (for implicit denies).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocked_by: Vec<Blocker>,
    /// Condition keys the policies asked for that the request context lacks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_context_keys: Vec<String>,
    /// Policy variables with no value and no default (their statements did not apply).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unresolved_variables: Vec<String>,
    /// Whether the principal's and the resource's accounts differ.
    pub cross_account: bool,
    /// Special rules that applied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<&'static str>,
}

#[derive(Default)]
struct Scratch {
    missing: Vec<String>,
    unresolved: Vec<String>,
    /// How conditions on unknown keys are taken (partial evaluation), if any are declared.
    assume: Option<Assume>,
    residuals: Vec<ResidualCondition>,
}

#[derive(Default)]
struct Outcome {
    allows: Vec<StatementRef>,
    denies: Vec<StatementRef>,
}

/// Whether a statement applies to the request; `Some(m)` carries how a `Principal`
/// element matched (`None` inside for policies without one).
fn statement_applies<'a>(
    st: &'a Statement,
    vars: bool,
    req: &Request,
    has_boundary: bool,
    scratch: &mut Scratch,
    assumed: &mut Vec<&'a Condition>,
) -> Option<Option<PrincipalMatch>> {
    let hit = st
        .action
        .matchers
        .iter()
        .any(|m| m.matches(&req.service_lc, &req.name_lc));
    if hit == st.action.negated {
        return None;
    }
    if let Some(r) = &st.resource {
        let mut results = r
            .patterns
            .iter()
            .map(|p| p.matches(&req.resource_parts, &req.context, &mut scratch.unresolved));
        let applies = if r.negated {
            // AWS: "IAM JSON policy elements: NotResource": the statement applies to every
            // resource except those listed; a pattern that cannot be evaluated (an
            // unresolvable variable) keeps the statement from applying.
            results.all(|m| m == EntryMatch::NoMatch)
        } else {
            results.any(|m| m == EntryMatch::Match)
        };
        if !applies {
            return None;
        }
    }
    let via = match &st.principal {
        None => None,
        Some(pe) if pe.negated => {
            // AWS: IAM User Guide, "Permissions boundaries for IAM entities": "The
            // NotPrincipal element with a Deny effect will always deny any IAM principal
            // that has a permissions boundary policy attached, regardless of the values
            // specified in the NotPrincipal element."
            if st.effect == Effect::Deny && has_boundary {
                Some(PrincipalMatch::Everyone)
            } else if match_spec(&pe.spec, &req.principal).is_some() {
                return None;
            } else {
                // AWS: "AWS JSON policy elements: NotPrincipal": the statement applies to
                // every principal except those named.
                Some(PrincipalMatch::Everyone)
            }
        }
        Some(pe) => Some(match_spec(&pe.spec, &req.principal)?),
    };
    for c in &st.conditions {
        if let Some(assume) = scratch.assume {
            if req.context.is_unknown(&c.key_lc) {
                if assume.holds(st.effect) {
                    assumed.push(c);
                    continue;
                }
                return None;
            }
        }
        if !c.evaluate(
            &req.context,
            vars,
            &mut scratch.missing,
            &mut scratch.unresolved,
        ) {
            return None;
        }
    }
    Some(via)
}

fn eval_policies(
    policies: &[Policy],
    names: &[Arc<str>],
    level: Option<usize>,
    req: &Request,
    has_boundary: bool,
    scratch: &mut Scratch,
) -> Outcome {
    let mut out = Outcome::default();
    for (pi, pol) in policies.iter().enumerate() {
        let vars = pol.variables_enabled();
        for st in &pol.statements {
            let mut assumed = Vec::new();
            if let Some(via) = statement_applies(st, vars, req, has_boundary, scratch, &mut assumed)
            {
                let r = StatementRef::new(pol, names.get(pi), pi, level, st, via);
                scratch
                    .residuals
                    .extend(assumed.into_iter().map(|c| ResidualCondition::new(&r, c)));
                match st.effect {
                    Effect::Allow => out.allows.push(r),
                    Effect::Deny => out.denies.push(r),
                }
            }
        }
    }
    out
}

/// Decides one request.
pub fn evaluate(set: &PolicySet, req: &Request) -> Response {
    evaluate_assuming(set, req, None).0
}

/// Decides a request taking conditions on the context's unknown keys as `assume` says;
/// also returns the conditions so assumed to hold.
pub(crate) fn evaluate_assuming(
    set: &PolicySet,
    req: &Request,
    assume: Option<Assume>,
) -> (Response, Vec<ResidualCondition>) {
    let mut s = Scratch {
        assume,
        ..Scratch::default()
    };
    let resp = decide(set, req, &mut s);
    (resp, s.residuals)
}

fn decide(set: &PolicySet, req: &Request, s: &mut Scratch) -> Response {
    let p = &req.principal;
    let resource_account = req.effective_resource_account();
    let same_account = p.account.is_some() && p.account.as_deref() == resource_account;
    let mut resp = Response {
        decision: Decision::ImplicitlyDenied,
        denied_by: Vec::new(),
        allowed_by: Vec::new(),
        blocked_by: Vec::new(),
        missing_context_keys: Vec::new(),
        unresolved_variables: Vec::new(),
        cross_account: !same_account,
        notes: Vec::new(),
    };

    // AWS: AWS STS API Reference, "GetCallerIdentity": "No permissions are required to
    // perform this operation. If an administrator attaches a policy to your identity that
    // explicitly denies access to the sts:GetCallerIdentity action, you can still perform
    // this operation."
    if req.action_lc == "sts:getcalleridentity" && p.kind != PrincipalKind::Anonymous {
        resp.decision = Decision::Allowed;
        resp.notes
            .push("sts:GetCallerIdentity needs no permission and cannot be denied");
        return resp;
    }

    let uses_identity = p.uses_identity_policies();
    let has_boundary = uses_identity && !set.boundary.is_empty();
    let session_applies = uses_identity && set.session.is_some();
    let n = &set.names;
    let empty: &[Arc<str>] = &[];
    let id = if uses_identity {
        eval_policies(&set.identity, &n.identity, None, req, has_boundary, s)
    } else {
        Outcome::default()
    };
    let pb = if has_boundary {
        eval_policies(&set.boundary, &n.boundary, None, req, has_boundary, s)
    } else {
        Outcome::default()
    };
    let sp = match (&set.session, session_applies) {
        (Some(pol), true) => eval_policies(
            std::slice::from_ref(pol),
            n.session.as_slice(),
            None,
            req,
            has_boundary,
            s,
        ),
        _ => Outcome::default(),
    };
    let scps: Vec<Outcome> = if p.subject_to_scps() {
        set.scps
            .iter()
            .enumerate()
            .map(|(l, lv)| {
                eval_policies(
                    lv,
                    n.scps.get(l).map_or(empty, Vec::as_slice),
                    Some(l),
                    req,
                    has_boundary,
                    s,
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    // AWS KMS Developer Guide, "Resource control policies in AWS KMS": the
    // kms:RetireGrant permission is not affected by RCPs.
    let rcps: Vec<Outcome> = if req.action_lc == "kms:retiregrant" {
        Vec::new()
    } else {
        set.rcps
            .iter()
            .enumerate()
            .map(|(l, lv)| {
                eval_policies(
                    lv,
                    n.rcps.get(l).map_or(empty, Vec::as_slice),
                    Some(l),
                    req,
                    has_boundary,
                    s,
                )
            })
            .collect()
    };
    let rp = match &set.resource {
        Some(pol) => eval_policies(
            std::slice::from_ref(pol),
            n.resource.as_slice(),
            None,
            req,
            has_boundary,
            s,
        ),
        None => Outcome::default(),
    };
    resp.missing_context_keys = dedup(std::mem::take(&mut s.missing));
    resp.unresolved_variables = dedup(std::mem::take(&mut s.unresolved));

    // AWS: "How AWS enforcement code logic evaluates requests": Deny evaluation comes
    // first; an explicit deny in any policy type (SCPs, RCPs, resource-based,
    // identity-based, boundaries, session policies) is final.
    let all = [&id, &pb, &sp, &rp]
        .into_iter()
        .chain(scps.iter())
        .chain(rcps.iter());
    for o in all {
        resp.denied_by.extend(o.denies.iter().cloned());
        resp.allowed_by.extend(o.allows.iter().cloned());
    }
    if !resp.denied_by.is_empty() {
        resp.decision = Decision::ExplicitlyDenied;
        return resp;
    }

    // AWS: same section, "AWS Organizations RCPs": RCPFullAWSAccess is attached at every
    // level and cannot be detached, so RCPs never implicitly deny; only their Deny
    // statements (handled above) restrict.

    // AWS: same section, "AWS Organizations SCPs": SCPs apply to principals of the
    // account; every level of the organization must allow. An SCP never grants.
    for (l, lv) in scps.iter().enumerate() {
        if lv.allows.is_empty() {
            resp.blocked_by.push(Blocker::Scp { level: l });
        }
    }
    if !resp.blocked_by.is_empty() {
        return resp;
    }

    // AWS: IAM User Guide, "Comparing AWS STS credentials": credentials from
    // GetFederationToken cannot call IAM operations, nor STS operations other than
    // GetCallerIdentity.
    if p.kind == PrincipalKind::FederatedUser
        && (req.service_lc == "iam" || req.service_lc == "sts")
    {
        resp.blocked_by.push(Blocker::FederatedUserApiRestriction);
        return resp;
    }

    let rp_with =
        |f: &dyn Fn(PrincipalMatch) -> bool| rp.allows.iter().any(|r| r.via.is_some_and(f));
    // Allows that name the caller, its role, its federating user or everyone.
    let rp_names_caller = rp_with(&|m| m != PrincipalMatch::Account);
    let rp_names_account = rp_with(&|m| m == PrincipalMatch::Account);

    match p.kind {
        PrincipalKind::Anonymous | PrincipalKind::Service | PrincipalKind::Federated => {
            // AWS: "Policy evaluation logic", step 1: some services allow unauthenticated
            // requests; only a resource-based policy can allow them, as it alone can
            // name such callers.
            if rp_names_caller {
                resp.decision = Decision::Allowed;
            } else {
                resp.blocked_by.push(Blocker::NoResourcePolicyAllow);
            }
            return resp;
        }
        _ => {}
    }

    // AWS: "How AWS enforcement code logic evaluates requests", step "Session policies":
    // a session policy that does not allow the request denies it.
    if session_applies && sp.allows.is_empty() {
        resp.blocked_by.push(Blocker::SessionPolicy);
        return resp;
    }

    let id_allow = match p.kind {
        // AWS: "By default, all requests are implicitly denied with the exception of the
        // AWS account root user, which has full access."
        PrincipalKind::Root => true,
        // AWS: same step: without a session policy a role session proceeds, but a
        // federated-user session has no identity-based permissions.
        PrincipalKind::FederatedUser if !session_applies => false,
        _ => !id.allows.is_empty(),
    };
    let pb_allow = !has_boundary || !pb.allows.is_empty();

    let granted = if same_account {
        match account_trust(req, set.resource.is_some(), rp_names_account) {
            Trust::Implicit => rp_names_caller || id_allow,
            Trust::None => rp_names_caller,
        }
    } else {
        // AWS: "Cross-account policy evaluation logic": the trusting account's
        // resource-based policy (naming the caller or its account) and the trusted
        // account's identity-based policies must both allow.
        (rp_names_caller || rp_names_account) && id_allow
    };
    if !granted {
        resp.blocked_by.push(explain_no_grant(
            req,
            p,
            same_account,
            id_allow,
            rp_names_caller || rp_names_account,
            session_applies,
            set.resource.is_some(),
        ));
        return resp;
    }

    // AWS: "Permissions boundaries for IAM entities", "Evaluating effective permissions
    // with boundaries": a boundary limits identity-based grants and grants to the role
    // or federating user; a same-account resource-based policy that names the user ARN,
    // the session ARN or everyone is not limited by it.
    if !pb_allow {
        let bypass = same_account
            && rp.allows.iter().any(|r| {
                matches!(
                    r.via,
                    Some(PrincipalMatch::Direct | PrincipalMatch::Everyone)
                )
            });
        if !bypass {
            resp.blocked_by.push(Blocker::PermissionsBoundary);
            return resp;
        }
    }

    if let Some(b) = managed_resource_restriction(req) {
        resp.blocked_by.push(b);
        return resp;
    }
    resp.decision = Decision::Allowed;
    resp
}

/// Whether, within one account, identity-based policies may grant access to the resource
/// on their own.
enum Trust {
    /// Identity-based policies suffice (most resources), or the resource's policy names
    /// the account.
    Implicit,
    /// Only a grant naming the caller in the resource's own policy counts.
    None,
}

/// AWS: "How AWS enforcement code logic evaluates requests", step "Resource-based
/// policies": "IAM role trust policies and KMS key policies are exceptions to this logic,
/// because they must explicitly allow access for principals." A key policy (or a trust
/// policy) that names the account delegates to IAM policies; one that does not, doesn't.
fn account_trust(req: &Request, has_resource_policy: bool, names_account: bool) -> Trust {
    let key_like = req.resource == "*" || req.resource_parts.rest_lc().starts_with("key/");
    let strict = match req.service_lc.as_str() {
        "kms" => key_like && req.resource != "*",
        "sts" => has_resource_policy,
        _ => false,
    };
    if !strict || names_account {
        Trust::Implicit
    } else {
        Trust::None
    }
}

fn explain_no_grant(
    req: &Request,
    p: &RequestPrincipal,
    same_account: bool,
    id_allow: bool,
    rp_any: bool,
    session_applies: bool,
    has_resource_policy: bool,
) -> Blocker {
    let strict = match req.service_lc.as_str() {
        "kms" => req.resource != "*" && req.resource_parts.rest_lc().starts_with("key/"),
        "sts" => has_resource_policy,
        _ => false,
    };
    if p.kind == PrincipalKind::FederatedUser && !session_applies {
        Blocker::FederatedUserWithoutSessionPolicy
    } else if same_account && strict && !rp_any {
        if req.service_lc == "kms" {
            Blocker::KeyPolicy
        } else {
            Blocker::TrustPolicy
        }
    } else if !same_account && !rp_any {
        Blocker::CrossAccountResourcePolicy
    } else if !id_allow {
        Blocker::NoIdentityAllow
    } else if req.service_lc == "kms" {
        Blocker::KeyPolicy
    } else {
        Blocker::TrustPolicy
    }
}

/// Resources AWS manages that no policy can open: AWS managed policies, `aws-reserved`
/// roles (IAM Identity Center) and AWS managed KMS key aliases.
///
/// AWS: IAM User Guide, "AWS managed policies" ("You cannot change the permissions defined
/// in AWS managed policies"); IAM Identity Center User Guide, "Service-linked roles";
/// AWS KMS Developer Guide, "Aliases in AWS KMS" ("You cannot create, update or delete
/// aliases that begin with alias/aws/").
fn managed_resource_restriction(req: &Request) -> Option<Blocker> {
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
    let arn = Arn::parse(&req.resource)?;
    let rest = arn.resource.to_lowercase();
    let name = req.name_lc.as_str();
    let hit = match req.service_lc.as_str() {
        "iam" => {
            (POLICY_WRITES.contains(&name) && rest.starts_with("policy/") && arn.account == "aws")
                || (ROLE_WRITES.contains(&name) && rest.starts_with("role/aws-reserved/"))
        }
        "kms" => ALIAS_WRITES.contains(&name) && rest.starts_with("alias/aws/"),
        _ => false,
    };
    hit.then_some(Blocker::AwsManagedResource)
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for k in v {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&k)) {
            out.push(k);
        }
    }
    out
}
