//! Partial evaluation: deciding with some context keys unknown.
//!
//! Who-can-reach-what questions are asked without a concrete request: whether MFA was
//! used, where the call comes from, what time it is. Declaring such keys unknown (see
//! [`Context::mark_unknown`](crate::Context::mark_unknown)) makes the evaluator answer
//! "allowed", "denied", or "allowed if these conditions hold (and unless these do)" instead
//! of guessing. The answer comes from two evaluations: one where every condition on an
//! unknown key goes the caller's way (Allow conditions hold, Deny conditions do not) and
//! one where every such condition goes against it.

use std::sync::Arc;

use crate::document::{Condition, Effect, PolicyKind};
use crate::eval::{evaluate_assuming, Decision, PolicySet, Request, Response};
use crate::statement_ref::StatementRef;

/// How a condition on an unknown key is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Assume {
    /// In the caller's favour: conditions of Allow statements hold, of Deny statements not.
    Best,
    /// Against the caller.
    Worst,
}

impl Assume {
    pub(crate) fn holds(self, effect: Effect) -> bool {
        matches!(
            (self, effect),
            (Assume::Best, Effect::Allow) | (Assume::Worst, Effect::Deny)
        )
    }
}

/// A condition on an unknown key that the answer depends on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResidualCondition {
    /// The policy's display name.
    pub policy: Arc<str>,
    /// Its type.
    pub kind: PolicyKind,
    /// 0-based statement index.
    pub statement: usize,
    /// The statement's `Sid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<std::sync::Arc<str>>,
    /// The statement's effect.
    pub effect: Effect,
    /// The operator as written.
    pub operator: String,
    /// The key as written.
    pub key: String,
    /// The values as written.
    pub values: Vec<String>,
}

impl ResidualCondition {
    pub(crate) fn new(r: &StatementRef, c: &Condition) -> ResidualCondition {
        ResidualCondition {
            policy: r.policy.clone(),
            kind: r.kind,
            statement: r.statement,
            sid: r.sid.clone(),
            effect: r.effect,
            operator: c.operator_text.clone(),
            key: c.key.clone(),
            values: c.values.iter().map(|v| v.text.clone()).collect(),
        }
    }
}

impl std::fmt::Display for ResidualCondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let vals = if self.values.len() == 1 {
            self.values.first().cloned().unwrap_or_default()
        } else {
            format!("[{}]", self.values.join(", "))
        };
        write!(
            f,
            "{} {} {} ({} statement {})",
            self.operator, self.key, vals, self.policy, self.statement
        )
    }
}

/// The answer with unknown keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Access {
    /// Allowed whatever the unknown keys hold.
    Allowed,
    /// Allowed only for some values of the unknown keys.
    Conditional,
    /// Denied whatever the unknown keys hold.
    Denied,
}

/// The result of [`evaluate_partial`].
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PartialResponse {
    /// The answer.
    pub access: Access,
    /// Conditions of Allow statements that must hold (any one statement's set suffices).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_if: Vec<ResidualCondition>,
    /// Conditions of Deny statements that, if they hold, deny.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub denied_if: Vec<ResidualCondition>,
    /// The decision in the caller's favour.
    #[serde(skip)]
    pub best: Response,
    /// The decision against the caller.
    #[serde(skip)]
    pub worst: Response,
}

/// Decides a request whose context declares some keys unknown.
pub fn evaluate_partial(set: &PolicySet, req: &Request) -> PartialResponse {
    let (best, allow_conds) = evaluate_assuming(set, req, Some(Assume::Best));
    let (worst, deny_conds) = evaluate_assuming(set, req, Some(Assume::Worst));
    let access = match (best.decision, worst.decision) {
        (_, Decision::Allowed) => Access::Allowed,
        (Decision::Allowed, _) => Access::Conditional,
        _ => Access::Denied,
    };
    let (allowed_if, denied_if) = if access == Access::Conditional {
        (
            allow_conds
                .into_iter()
                .filter(|c| c.effect == Effect::Allow)
                .collect(),
            deny_conds
                .into_iter()
                .filter(|c| c.effect == Effect::Deny)
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    PartialResponse {
        access,
        allowed_if,
        denied_if,
        best,
        worst,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_policy, Context, CtxValue, RequestPrincipal};

    fn request(unknown: &[&str]) -> Request {
        let mut ctx = Context::new();
        ctx.insert("aws:SourceIp", CtxValue::One("198.51.100.7".into()));
        for k in unknown {
            ctx.mark_unknown(k);
        }
        let p = RequestPrincipal::parse("arn:aws:iam::111122223333:user/alice", &ctx).unwrap();
        Request::new(p, "s3:GetObject", "arn:aws:s3:::phi/x", None, ctx)
    }

    fn set(identity: &str, resource: Option<&str>) -> PolicySet {
        let mut s = PolicySet::default();
        s.identity.push(std::sync::Arc::new(
            parse_policy(identity, PolicyKind::Identity).unwrap(),
        ));
        s.resource =
            resource.map(|r| std::sync::Arc::new(parse_policy(r, PolicyKind::Resource).unwrap()));
        s.name_policies(|_, _, _| None);
        s
    }

    const MFA_ALLOW: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NeedMFA","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;

    #[test]
    fn allowed_if_mfa_present() {
        let r = evaluate_partial(
            &set(MFA_ALLOW, None),
            &request(&["aws:MultiFactorAuthPresent"]),
        );
        assert_eq!(r.access, Access::Conditional);
        assert_eq!(r.allowed_if.len(), 1);
        assert_eq!(r.allowed_if[0].key, "aws:MultiFactorAuthPresent");
        assert_eq!(r.allowed_if[0].values, vec!["true".to_string()]);
        assert!(r.allowed_if[0]
            .to_string()
            .starts_with("Bool aws:MultiFactorAuthPresent true"));
        // with the key known and absent, plain evaluation denies
        assert_eq!(
            crate::evaluate(&set(MFA_ALLOW, None), &request(&[])).decision,
            Decision::ImplicitlyDenied
        );
    }

    #[test]
    fn denied_unless() {
        let deny_vpce = r#"{"Version":"2012-10-17","Statement":[{"Sid":"OnlyViaEndpoint","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#;
        let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let r = evaluate_partial(&set(allow, Some(deny_vpce)), &request(&["aws:SourceVpce"]));
        assert_eq!(r.access, Access::Conditional);
        assert!(r.allowed_if.is_empty());
        assert_eq!(r.denied_if.len(), 1);
        assert_eq!(r.denied_if[0].sid.as_deref(), Some("OnlyViaEndpoint"));
        // known keys decide outright
        let r = evaluate_partial(&set(allow, None), &request(&["aws:SourceVpce"]));
        assert_eq!(r.access, Access::Allowed);
        let r = evaluate_partial(&set(MFA_ALLOW, None), &request(&["aws:SourceVpce"]));
        assert_eq!(r.access, Access::Denied);
    }
}
