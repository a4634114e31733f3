//! What an explanation points at: statements and the policy types that blocked.

use std::sync::Arc;

use crate::document::{Effect, Policy, PolicyKind, Statement};
use crate::principal::PrincipalMatch;

/// A statement that matched the request.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementRef {
    /// The policy's display name (`identityPolicies[1]`, a file name, ...).
    pub policy: Arc<str>,
    /// The policy type.
    pub kind: PolicyKind,
    /// The organization level for SCPs and RCPs (0 = root).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<usize>,
    /// 0-based statement index in the policy.
    pub statement: usize,
    /// The statement's `Sid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<std::sync::Arc<str>>,
    /// Its effect.
    pub effect: Effect,
    /// Line of the statement in its source.
    pub line: u32,
    /// Column of the statement in its source.
    pub column: u32,
    /// How a `Principal`/`NotPrincipal` element matched (resource policies and RCPs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<PrincipalMatch>,
}

impl StatementRef {
    pub(crate) fn new(
        pol: &Policy,
        name: Option<&Arc<str>>,
        index: usize,
        level: Option<usize>,
        st: &Statement,
        via: Option<PrincipalMatch>,
    ) -> StatementRef {
        StatementRef {
            policy: name
                .cloned()
                .unwrap_or_else(|| format!("{}[{index}]", pol.kind.label()).into()),
            kind: pol.kind,
            level,
            statement: st.index,
            sid: st.sid.clone(),
            effect: st.effect,
            line: st.pos.line,
            column: st.pos.column,
            via,
        }
    }
}

impl std::fmt::Display for StatementRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} statement {}", self.policy, self.statement)?;
        if let Some(s) = &self.sid {
            write!(f, " (Sid `{s}`)")?;
        }
        write!(f, " at line {}, column {}", self.line, self.column)
    }
}

/// Why an otherwise possible allow did not carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Blocker {
    /// No identity-based policy allows the request.
    NoIdentityAllow,
    /// The permissions boundary does not allow it.
    PermissionsBoundary,
    /// The session policy does not allow it.
    SessionPolicy,
    /// A federated-user session without a session policy has no identity-based permissions.
    FederatedUserWithoutSessionPolicy,
    /// Federated-user sessions cannot call IAM, nor STS beyond `GetCallerIdentity`.
    FederatedUserApiRestriction,
    /// An SCP level allows nothing that matches.
    Scp {
        /// The organization level (0 = root).
        level: usize,
    },
    /// Cross-account: the resource's policy does not allow the principal.
    CrossAccountResourcePolicy,
    /// The role's trust policy does not allow the principal.
    TrustPolicy,
    /// The KMS key policy does not allow the principal.
    KeyPolicy,
    /// Anonymous, service and federated callers need a resource policy that allows them.
    NoResourcePolicyAllow,
    /// The resource is managed by AWS (AWS managed policy, reserved role, AWS key alias).
    AwsManagedResource,
}

impl Blocker {
    /// A readable sentence.
    pub fn describe(&self) -> String {
        match self {
            Blocker::NoIdentityAllow => "no identity-based policy allows the request".into(),
            Blocker::PermissionsBoundary => "the permissions boundary does not allow the request".into(),
            Blocker::SessionPolicy => "the session policy does not allow the request".into(),
            Blocker::FederatedUserWithoutSessionPolicy => {
                "a federated-user session without a session policy has no identity-based permissions".into()
            }
            Blocker::FederatedUserApiRestriction => {
                "federated-user sessions (GetFederationToken) cannot call IAM or STS operations other than GetCallerIdentity".into()
            }
            Blocker::Scp { level } => format!("no SCP at organization level {level} allows the request"),
            Blocker::CrossAccountResourcePolicy => {
                "cross-account request: the resource's policy does not allow this principal".into()
            }
            Blocker::TrustPolicy => "the role's trust policy does not allow this principal".into(),
            Blocker::KeyPolicy => "the KMS key policy does not allow this principal".into(),
            Blocker::NoResourcePolicyAllow => "no resource-based policy allows this principal".into(),
            Blocker::AwsManagedResource => {
                "the resource is managed by AWS and cannot be changed by any policy".into()
            }
        }
    }
}
