//! The authorization decision, following AWS's policy evaluation logic.
//!
//! AWS: IAM User Guide, "Policy evaluation logic", "How AWS enforcement code logic
//! evaluates requests to allow or deny access" and "Cross-account policy evaluation
//! logic". Every rule below cites the section it follows.

use std::sync::Arc;

use crate::document::{Condition, Effect, Policy, Statement};
use crate::partial::{Assume, ResidualCondition};
use crate::principal::{match_spec, not_principal_exempts, PrincipalKind, PrincipalMatch};
use crate::resource::EntryMatch;
use crate::rules::{self, Facts};
use crate::statement_ref::{Blocker, StatementRef};

pub use crate::request::{PolicySet, Request};

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
            } else if not_principal_exempts(&pe.spec, &req.principal, cross_account(req)) {
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

/// Whether the principal's account differs from the resource's.
fn cross_account(req: &Request) -> bool {
    let p = &req.principal;
    !(p.account.is_some() && p.account.as_deref() == req.effective_resource_account())
}

fn eval_policies(
    policies: &[Arc<Policy>],
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
    let levels =
        |policies: &[Vec<Arc<Policy>>], names: &[Vec<Arc<str>>], s: &mut Scratch| -> Vec<Outcome> {
            policies
                .iter()
                .enumerate()
                .map(|(l, lv)| {
                    let nm = names.get(l).map_or(empty, Vec::as_slice);
                    eval_policies(lv, nm, Some(l), req, has_boundary, s)
                })
                .collect()
        };
    let scps = if p.subject_to_scps() {
        levels(&set.scps, &n.scps, s)
    } else {
        Vec::new()
    };
    // AWS KMS Developer Guide, "Resource control policies in AWS KMS": the
    // kms:RetireGrant permission is not affected by RCPs. AWS Organizations User Guide,
    // "Resource control policies (RCPs)", "List of AWS services that support RCPs": RCPs
    // apply to the services listed there and no other.
    let rcps = if req.action_lc == "kms:retiregrant" || !crate::rcp::applies_to(&req.service_lc) {
        Vec::new()
    } else {
        levels(&set.rcps, &n.rcps, s)
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

    let names = |m: &[PrincipalMatch]| {
        rp.allows
            .iter()
            .any(|r| r.via.is_some_and(|v| m.contains(&v)))
    };
    let facts = Facts {
        req,
        same_account,
        has_boundary,
        session_applies,
        id_allows: !id.allows.is_empty(),
        pb_allows: !pb.allows.is_empty(),
        sp_allows: !sp.allows.is_empty(),
        scp_levels_without_allow: scps
            .iter()
            .enumerate()
            .filter(|(_, o)| o.allows.is_empty())
            .map(|(l, _)| l)
            .collect(),
        has_resource_policy: set.resource.is_some(),
        rp_names_caller: names(&[
            PrincipalMatch::Direct,
            PrincipalMatch::Everyone,
            PrincipalMatch::Role,
            PrincipalMatch::FederatingUser,
        ]),
        rp_names_account: names(&[PrincipalMatch::Account]),
        rp_names_caller_itself: names(&[PrincipalMatch::Direct, PrincipalMatch::Everyone]),
        rp_names_caller_arn: names(&[PrincipalMatch::Direct]),
    };
    match rules::decide(&facts) {
        Ok(()) => resp.decision = Decision::Allowed,
        Err(b) => resp.blocked_by.extend(b),
    }
    resp
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
