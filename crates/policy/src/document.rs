//! The policy document model.
//!
//! AWS: IAM User Guide, "IAM JSON policy element reference" and "Grammar of the IAM JSON
//! policy language". Each element keeps the form it was written in (single string or
//! array) so a document prints back as written, and the compiled matchers that evaluation
//! uses.

use crate::arn::ArnPattern;
use crate::condition::Operator;
use crate::glob::Glob;
use crate::json::Pos;
use crate::resource::ResourceMatcher;
use crate::values::Instant;
use crate::variables::Template;

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    /// Allows, unless something denies.
    Allow,
    /// Denies explicitly.
    Deny,
}

/// The role a document plays; it decides which elements are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PolicyKind {
    /// Attached to a user, group or role.
    Identity,
    /// Attached to a resource (bucket policy, key policy, trust policy, ...).
    Resource,
    /// A permissions boundary.
    PermissionsBoundary,
    /// A session policy passed when a session was created.
    Session,
    /// An AWS Organizations service control policy.
    Scp,
    /// An AWS Organizations resource control policy.
    Rcp,
}

impl PolicyKind {
    /// A readable name.
    pub fn label(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity-based policy",
            PolicyKind::Resource => "resource-based policy",
            PolicyKind::PermissionsBoundary => "permissions boundary",
            PolicyKind::Session => "session policy",
            PolicyKind::Scp => "service control policy",
            PolicyKind::Rcp => "resource control policy",
        }
    }
}

/// A parsed policy document.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The `Version` element as written.
    pub version: Option<String>,
    /// The `Id` element.
    pub id: Option<String>,
    /// Statements in order.
    pub statements: Vec<Statement>,
    /// Whether `Statement` was written as an array.
    pub statement_array: bool,
    /// Where the document starts.
    pub pos: Pos,
    /// What the document was parsed as.
    pub kind: PolicyKind,
}

impl Policy {
    /// A copy keeping only the statements that name one of `actions`: for requests on
    /// those actions it decides exactly as the whole policy (a statement that does not
    /// name an action never applies to it), and statement numbers stay the original ones.
    pub fn only_for(&self, actions: &[&str]) -> Policy {
        Policy {
            version: self.version.clone(),
            id: self.id.clone(),
            statements: self
                .statements
                .iter()
                .filter(|s| actions.iter().any(|a| s.action.applies_to(a)))
                .cloned()
                .collect(),
            statement_array: self.statement_array,
            pos: self.pos,
            kind: self.kind,
        }
    }

    /// A copy keeping only the statements `keep` accepts, statement numbers unchanged:
    /// [`Policy::only_for`] when the caller already knows which statements name its
    /// actions.
    pub fn only_where(&self, keep: impl Fn(&Statement) -> bool) -> Policy {
        Policy {
            version: self.version.clone(),
            id: self.id.clone(),
            statements: self
                .statements
                .iter()
                .filter(|s| keep(s))
                .cloned()
                .collect(),
            statement_array: self.statement_array,
            pos: self.pos,
            kind: self.kind,
        }
    }

    /// Whether `${...}` policy variables are substituted (only in version 2012-10-17).
    ///
    /// AWS: IAM User Guide, "IAM policy elements: Variables and tags" ("If you don't include
    /// the Version element ... variables like ${aws:username} are treated as literal
    /// strings").
    pub fn variables_enabled(&self) -> bool {
        self.version.as_deref() == Some(crate::parse::VERSION_2012)
    }
}

/// A list of strings that remembers whether it was written as one string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringList {
    /// The items.
    pub items: Vec<String>,
    /// Written as a single string rather than an array.
    pub single: bool,
}

/// One statement.
#[derive(Clone, Debug)]
pub struct Statement {
    /// 0-based position in the policy.
    pub index: usize,
    /// Where the statement object starts.
    pub pos: Pos,
    /// `Sid`.
    pub sid: Option<std::sync::Arc<str>>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`.
    pub principal: Option<PrincipalElement>,
    /// `Action` or `NotAction`.
    pub action: ActionElement,
    /// `Resource` or `NotResource`; absent in trust policies and some resource policies.
    pub resource: Option<ResourceElement>,
    /// `Condition` blocks in source order (operator, key).
    pub conditions: Vec<Condition>,
}

/// `Action` / `NotAction`.
#[derive(Clone, Debug)]
pub struct ActionElement {
    /// `NotAction`.
    pub negated: bool,
    /// Patterns as written.
    pub list: StringList,
    /// Compiled patterns.
    pub(crate) matchers: Vec<ActionMatcher>,
}

impl ActionElement {
    /// Whether the element names the action (`service:Action`, any case) as the engine
    /// decides it: for `NotAction`, when none of its patterns does.
    pub fn applies_to(&self, action: &str) -> bool {
        // Asked millions of times per audit: short ASCII names are lowercased on the stack.
        let mut buf = [0u8; 128];
        let lc: std::borrow::Cow<'_, str> = match buf.get_mut(..action.len()) {
            Some(b) if action.is_ascii() => {
                b.copy_from_slice(action.as_bytes());
                b.make_ascii_lowercase();
                std::str::from_utf8(b).map_or_else(|_| action.to_lowercase().into(), Into::into)
            }
            _ => action.to_lowercase().into(),
        };
        let (service, name) = lc.split_once(':').unwrap_or((&lc, ""));
        self.matchers.iter().any(|m| m.matches(service, name)) != self.negated
    }

    /// The compiled patterns, in the order written (for `NotAction`, the element applies
    /// where none of them matches).
    pub fn matchers(&self) -> &[ActionMatcher] {
        &self.matchers
    }
}

/// A compiled action pattern.
///
/// AWS: IAM User Guide, "IAM JSON policy elements: Action": actions are
/// `service-prefix:action-name`, case-insensitive, with `*` and `?` wildcards in the action
/// name; `"*"` alone means every action. The service prefix takes no wildcards.
///
/// Public so that the catalog expands patterns with exactly the engine's semantics.
#[derive(Clone, Debug)]
pub enum ActionMatcher {
    /// `*`.
    All,
    /// A service prefix and a pattern for the action name.
    Service {
        /// The service prefix, lowercased.
        service: String,
        /// The action-name pattern as written, lowercased (analyses such as the linter's
        /// containment read it; matching uses `glob`).
        name: String,
        /// `name` compiled.
        glob: Glob,
    },
    /// A pattern that names no action (an action name with whitespace).
    Nothing,
}

impl ActionMatcher {
    /// Compiles a pattern as written in a policy.
    pub fn new(pattern: &str) -> ActionMatcher {
        if pattern == "*" {
            return ActionMatcher::All;
        }
        let mut it = pattern.split(':');
        let service = it.next().unwrap_or("").to_lowercase();
        let name = it.next().unwrap_or("");
        if name.is_empty() || name.contains(char::is_whitespace) {
            return ActionMatcher::Nothing;
        }
        let name = name.to_lowercase();
        ActionMatcher::Service {
            service,
            glob: Glob::plain(&name),
            name,
        }
    }

    /// Whether the pattern names the action; `service` and `name` are the request's,
    /// lowercased.
    pub fn matches(&self, service: &str, name: &str) -> bool {
        match self {
            ActionMatcher::All => true,
            ActionMatcher::Service {
                service: s, glob, ..
            } => s == service && glob.is_match(name),
            ActionMatcher::Nothing => false,
        }
    }
}

/// `Resource` / `NotResource`.
#[derive(Clone, Debug)]
pub struct ResourceElement {
    /// `NotResource`.
    pub negated: bool,
    /// Patterns as written.
    pub list: StringList,
    pub(crate) patterns: Vec<ResourceMatcher>,
}

impl ResourceElement {
    /// Whether the element could name `resource` in some request context: exact for
    /// patterns without policy variables; patterns with variables, and `NotResource`,
    /// may name anything. For pre-filtering before a full evaluation, which stays the
    /// judge.
    pub fn may_apply_to(&self, resource: &str) -> bool {
        self.may_apply_to_parsed(&ParsedResource::new(resource))
    }

    /// [`ResourceElement::may_apply_to`] with the resource split beforehand, for testing
    /// many elements against one resource.
    pub fn may_apply_to_parsed(&self, resource: &ParsedResource) -> bool {
        self.negated || self.patterns.iter().any(|p| p.may_match(&resource.0))
    }

    /// Whether pattern `k` could name `resource` ([`ResourceElement::may_apply_to`] for
    /// one pattern; `NotResource` is not considered).
    pub fn pattern_may_apply(&self, k: usize, resource: &ParsedResource) -> bool {
        self.patterns
            .get(k)
            .is_some_and(|p| p.may_match(&resource.0))
    }

    /// Whether every pattern is `*` or a full ARN without policy variables: each then
    /// matches a resource or not, whatever the request context, so that a `NotResource`
    /// element applies exactly where no [`ResourceElement::pattern_may_apply`] holds.
    pub fn is_plain(&self) -> bool {
        self.list
            .items
            .iter()
            .all(|x| x == "*" || (x.split(':').count() >= 6 && !x.contains("${")))
    }

    /// Whether pattern `k` may name any resource at all ([`ResourceElement::may_apply_to`]
    /// says yes whatever the resource): `*`, a pattern with policy variables in its
    /// resource part, or a short ARN the policy type rejects.
    pub fn pattern_is_open(&self, k: usize) -> bool {
        self.patterns.get(k).is_some_and(ResourceMatcher::is_open)
    }

    /// Pattern `k` when it names one resource only: a full ARN without wildcards or
    /// policy variables. A resource it matches equals it once both are lowercased (the
    /// matcher folds case at most), so callers can index resources by lowercased ARN and
    /// confirm candidates with [`ResourceElement::pattern_may_apply`].
    pub fn literal(&self, k: usize) -> Option<&str> {
        let text = self.list.items.get(k)?;
        let pattern = self.patterns.get(k)?;
        let arn = matches!(pattern, ResourceMatcher::Arn(_));
        // A short ARN (fewer than six parts) reads its missing segments as wildcards.
        let full = !pattern.is_short();
        (arn && full && !text.contains(['*', '?', '$'])).then_some(text.as_str())
    }

    /// Whether a pattern is a short ARN (fewer than six colon-separated parts, the colons
    /// of policy variables' keys not counted), which compiles differently per policy type.
    pub fn has_short_pattern(&self) -> bool {
        self.patterns.iter().any(ResourceMatcher::is_short)
    }
}

/// A resource ARN split once (see [`ResourceElement::may_apply_to_parsed`]).
#[derive(Clone, Debug)]
pub struct ParsedResource(crate::resource::RequestResource);

impl ParsedResource {
    /// Splits `resource`.
    pub fn new(resource: &str) -> ParsedResource {
        ParsedResource(crate::resource::RequestResource::new(resource))
    }
}

/// `Principal` / `NotPrincipal`.
#[derive(Clone, Debug)]
pub struct PrincipalElement {
    /// `NotPrincipal`.
    pub negated: bool,
    /// Where the element's value starts.
    pub pos: Pos,
    /// The value.
    pub spec: PrincipalSpec,
}

/// The value of a `Principal` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalSpec {
    /// `"Principal": "*"`.
    Wildcard,
    /// `{"AWS": ..., "Service": ..., "Federated": ..., "CanonicalUser": ...}` in source order.
    Map(Vec<PrincipalEntry>),
}

/// One `"Type": value(s)` entry of a principal map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalEntry {
    /// `AWS`, `Service`, `Federated` or `CanonicalUser`.
    pub kind: String,
    /// Values as written.
    pub list: StringList,
    /// Values interpreted.
    pub ids: Vec<PrincipalId>,
}

/// An interpreted principal identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalId {
    /// `"*"` (or `{"AWS": "*"}`): everyone, including anonymous callers.
    Everyone,
    /// An account: a bare 12-digit id or `arn:PARTITION:iam::ACCOUNT:root`.
    Account(String),
    /// A user, role, assumed-role session or federated-user ARN.
    Arn(String),
    /// A service principal such as `cloudtrail.amazonaws.com`.
    Service(String),
    /// An identity provider (SAML or OIDC provider ARN, or a web identity provider name).
    Federated(String),
    /// An S3 canonical user id.
    CanonicalUser(String),
}

/// One condition: an operator applied to one key with one or more values.
#[derive(Clone, Debug)]
pub struct Condition {
    /// The operator.
    pub operator: Operator,
    /// The operator as written.
    pub operator_text: String,
    /// The key as written.
    pub key: String,
    /// The key lowercased (context lookups are case-insensitive).
    pub key_lc: String,
    /// The condition's values, any one of which may match.
    pub values: Vec<CondValue>,
    /// Values written as a single scalar.
    pub single: bool,
    /// Where the operator appears.
    pub pos: Pos,
}

/// The JSON type a condition value was written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// `"text"`
    String,
    /// `123`
    Number,
    /// `true`
    Bool,
}

/// One condition value.
#[derive(Clone, Debug)]
pub struct CondValue {
    /// The value as text.
    pub text: String,
    /// How it was written.
    pub scalar: Scalar,
    pub(crate) compiled: Compiled,
}

#[derive(Clone, Debug)]
pub(crate) enum MaybeVar<T> {
    Static(T),
    Dynamic(Template),
}

#[derive(Clone, Debug)]
pub(crate) enum Compiled {
    Str(MaybeVar<String>),
    StrIc(MaybeVar<String>),
    Like(MaybeVar<Glob>),
    Arn(ArnPattern),
    Num(Option<f64>),
    Date(Option<Instant>),
    Bool(Option<bool>),
    Binary(String),
    Ip(Option<crate::condition::IpValue>),
    Null(Option<bool>),
}

#[cfg(test)]
mod tests {
    use crate::{parse_policy, PolicyKind};

    #[test]
    fn resource_prefilter_is_exact_without_variables_and_open_with_them() {
        let p = parse_policy(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/app-*"},
                {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::${aws:username}/*"},
                {"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::x"}]}"#,
            PolicyKind::Identity,
        )
        .unwrap();
        let r = |i: usize| p.statements[i].resource.as_ref().unwrap();
        assert!(r(0).may_apply_to("arn:aws:iam::111122223333:role/app-web"));
        assert!(!r(0).may_apply_to("arn:aws:iam::111122223333:role/Admin"));
        assert!(!r(0).may_apply_to("*"));
        assert!(r(1).may_apply_to("arn:aws:s3:::bob/k"));
        assert!(r(2).may_apply_to("arn:aws:s3:::x"));
        assert!(p.statements[0].action.applies_to("STS:assumerole"));
        assert!(!p.statements[2].action.applies_to("iam:CreateUser"));
        assert!(p.statements[2].action.applies_to("s3:GetObject"));
    }
}
