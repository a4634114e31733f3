//! From JSON to [`Policy`], rejecting what IAM rejects.
//!
//! AWS: IAM User Guide, "Grammar of the IAM JSON policy language" and the element pages
//! ("IAM JSON policy elements: Version / Statement / Effect / Principal / Action /
//! Resource / Condition"). IAM also returns policy documents URL-encoded (RFC 3986), as in
//! `GetPolicyVersion` and `GetAccountAuthorizationDetails`; both forms are accepted.

use std::fmt;

use crate::document::*;
use crate::json::{self, Json, JsonError, Member, Pos, Spanned};
use crate::resource::ResourceMatcher;

/// The current policy language version.
pub const VERSION_2012: &str = "2012-10-17";
/// The older policy language version (no policy variables).
pub const VERSION_2008: &str = "2008-10-17";

/// The longest single value (an action, resource, principal or condition value) accepted,
/// in bytes. AWS's largest policy documents (KMS key policies) hold 32,768 characters in
/// all; capping each value bounds the memory a hostile pattern can claim.
pub const MAX_VALUE_LEN: usize = 10_240;

/// Why a policy document was rejected, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    /// What is wrong (lowercase, user values in backticks).
    pub message: String,
    /// Where, when known.
    pub pos: Option<Pos>,
    /// 0-based statement index, when the problem is inside a statement.
    pub statement: Option<usize>,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.statement, self.pos) {
            (Some(s), Some(p)) => write!(f, "statement {s} ({p}): {}", self.message),
            (None, Some(p)) => write!(f, "{p}: {}", self.message),
            (Some(s), None) => write!(f, "statement {s}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl From<JsonError> for PolicyError {
    fn from(e: JsonError) -> Self {
        PolicyError {
            message: format!("invalid JSON: {}", e.message),
            pos: Some(e.pos),
            statement: None,
        }
    }
}

pub(crate) fn err(message: impl Into<String>, pos: Pos) -> PolicyError {
    PolicyError {
        message: message.into(),
        pos: Some(pos),
        statement: None,
    }
}

/// Decodes a URL-encoded policy document (RFC 3986 percent-encoding), or returns `None`
/// when the text does not look encoded.
pub fn url_decode(text: &str) -> Option<String> {
    let t = text.trim_start();
    if t.starts_with('{') || !t.starts_with('%') {
        return None;
    }
    let b = t.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let s = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(s, 16).ok()?);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Parses a policy document from text (plain or URL-encoded JSON).
pub fn parse_policy(text: &str, kind: PolicyKind) -> Result<Policy, PolicyError> {
    match url_decode(text) {
        Some(decoded) => policy_from_json(&json::parse(&decoded)?, kind),
        None => policy_from_json(&json::parse(text)?, kind),
    }
}

/// Builds a policy from a parsed JSON value. A JSON string holding a document (plain or
/// URL-encoded) is accepted too; positions then refer to that string's contents.
pub fn policy_from_json(v: &Spanned, kind: PolicyKind) -> Result<Policy, PolicyError> {
    if let Json::String(s) = &v.value {
        return parse_policy(s, kind).map_err(|mut e| {
            e.message = format!("in the policy string at {}: {}", v.pos, e.message);
            e
        });
    }
    let Some(members) = v.as_object() else {
        return Err(err(
            format!(
                "a policy must be a JSON object, found {}",
                v.value.type_name()
            ),
            v.pos,
        ));
    };
    check_keys(members, &["Version", "Id", "Statement"], "policy")?;
    let version = match find(members, "Version") {
        None => None,
        Some(m) => match &m.value.value {
            Json::String(s) if s == VERSION_2012 || s == VERSION_2008 => Some(s.clone()),
            other => {
                return Err(err(
                    format!(
                        "`Version` must be `{VERSION_2012}` or `{VERSION_2008}`, found {}",
                        show(other)
                    ),
                    m.value.pos,
                ))
            }
        },
    };
    let id = match find(members, "Id") {
        None => None,
        Some(m) => Some(string(&m.value, "Id")?),
    };
    let Some(stmts) = find(members, "Statement") else {
        return Err(err("a policy needs a `Statement` element", v.pos));
    };
    let vars = version.as_deref() == Some(VERSION_2012);
    if kind == PolicyKind::Rcp && !vars {
        return Err(err(
            format!("a resource control policy needs `\"Version\": \"{VERSION_2012}\"`"),
            v.pos,
        ));
    }
    let (items, statement_array): (Vec<&Spanned>, bool) = match &stmts.value.value {
        Json::Array(a) => (a.iter().collect(), true),
        Json::Object(_) => (vec![&stmts.value], false),
        other => {
            return Err(err(
                format!(
                    "`Statement` must be an object or an array, found {}",
                    other.type_name()
                ),
                stmts.value.pos,
            ))
        }
    };
    let mut statements = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let s = statement(item, index, kind, vars).map_err(|mut e| {
            e.statement = Some(index);
            e
        })?;
        statements.push(s);
    }
    Ok(Policy {
        version,
        id,
        statements,
        statement_array,
        pos: v.pos,
        kind,
    })
}

/// A user value for an error message, shortened so a hostile value cannot flood it.
pub fn clip(s: &str) -> String {
    const MAX: usize = 80;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or("")),
        None => s.to_string(),
    }
}

fn show(v: &Json) -> String {
    match v {
        Json::String(s) => format!("`{}`", clip(s)),
        other => other.type_name().to_string(),
    }
}

fn find<'a>(members: &'a [Member], key: &str) -> Option<&'a Member> {
    members.iter().find(|m| m.key == key)
}

fn check_keys(members: &[Member], allowed: &[&str], what: &str) -> Result<(), PolicyError> {
    for (i, m) in members.iter().enumerate() {
        if !allowed.contains(&m.key.as_str()) {
            let hint = allowed
                .iter()
                .find(|a| a.eq_ignore_ascii_case(&m.key))
                .map(|a| format!(" (element names are case-sensitive: did you mean `{a}`?)"))
                .unwrap_or_default();
            return Err(err(
                format!("unknown {what} element `{}`{hint}", clip(&m.key)),
                m.key_pos,
            ));
        }
        if members.iter().take(i).any(|p| p.key == m.key) {
            return Err(err(
                format!("duplicate {what} element `{}`", clip(&m.key)),
                m.key_pos,
            ));
        }
    }
    Ok(())
}

pub(crate) fn check_len(s: &str, what: &str, pos: Pos) -> Result<(), PolicyError> {
    if s.len() > MAX_VALUE_LEN {
        return Err(err(
            format!(
                "a `{what}` value is {} bytes long; phiward accepts at most {MAX_VALUE_LEN} (AWS policies are far smaller)",
                s.len()
            ),
            pos,
        ));
    }
    Ok(())
}

fn string(v: &Spanned, what: &str) -> Result<String, PolicyError> {
    match &v.value {
        Json::String(s) => {
            check_len(s, what, v.pos)?;
            Ok(s.clone())
        }
        other => Err(err(
            format!("`{what}` must be a string, found {}", other.type_name()),
            v.pos,
        )),
    }
}

fn string_list(v: &Spanned, what: &str) -> Result<StringList, PolicyError> {
    match &v.value {
        Json::String(_) => Ok(StringList {
            items: vec![string(v, what)?],
            single: true,
        }),
        Json::Array(a) => {
            let items = a
                .iter()
                .map(|x| string(x, what))
                .collect::<Result<Vec<_>, _>>()?;
            if items.is_empty() {
                return Err(err(format!("`{what}` must not be empty"), v.pos));
            }
            Ok(StringList {
                items,
                single: false,
            })
        }
        other => Err(err(
            format!(
                "`{what}` must be a string or an array of strings, found {}",
                other.type_name()
            ),
            v.pos,
        )),
    }
}

fn statement(
    v: &Spanned,
    index: usize,
    kind: PolicyKind,
    vars: bool,
) -> Result<Statement, PolicyError> {
    let Some(members) = v.as_object() else {
        return Err(err(
            format!(
                "a statement must be an object, found {}",
                v.value.type_name()
            ),
            v.pos,
        ));
    };
    check_keys(
        members,
        &[
            "Sid",
            "Effect",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
        ],
        "statement",
    )?;
    let sid = find(members, "Sid")
        .map(|m| string(&m.value, "Sid").map(std::sync::Arc::from))
        .transpose()?;
    let effect = match find(members, "Effect") {
        None => return Err(err("a statement needs an `Effect`", v.pos)),
        Some(m) => match m.value.as_str() {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            _ => {
                return Err(err(
                    format!(
                        "`Effect` must be `Allow` or `Deny`, found {}",
                        show(&m.value.value)
                    ),
                    m.value.pos,
                ))
            }
        },
    };
    let principal = principal_element(members, v.pos, kind)?;
    let action = match (find(members, "Action"), find(members, "NotAction")) {
        (Some(_), Some(m)) => {
            return Err(err(
                "a statement cannot have both `Action` and `NotAction`",
                m.key_pos,
            ))
        }
        (None, None) => return Err(err("a statement needs `Action` or `NotAction`", v.pos)),
        (Some(m), None) => action_element(m, false)?,
        (None, Some(m)) => action_element(m, true)?,
    };
    let resource = match (find(members, "Resource"), find(members, "NotResource")) {
        (Some(_), Some(m)) => {
            return Err(err(
                "a statement cannot have both `Resource` and `NotResource`",
                m.key_pos,
            ))
        }
        (None, None) => match kind {
            // Trust policies and other resource-based policies apply to the resource they
            // are attached to.
            PolicyKind::Resource => None,
            _ => return Err(err("a statement needs `Resource` or `NotResource`", v.pos)),
        },
        (Some(m), None) => Some(resource_element(m, false, kind, vars)?),
        (None, Some(m)) => Some(resource_element(m, true, kind, vars)?),
    };
    let conditions = match find(members, "Condition") {
        None => Vec::new(),
        Some(m) => crate::parse_condition::conditions(&m.value, vars)?,
    };
    if kind == PolicyKind::Rcp {
        rcp_rules(members, effect, &action, v.pos)?;
    }
    Ok(Statement {
        index,
        pos: v.pos,
        sid,
        effect,
        principal,
        action,
        resource,
        conditions,
    })
}

/// AWS Organizations User Guide, "RCP syntax": RCP statements deny (the only allow is the
/// AWS managed `RCPFullAWSAccess`), name `"Principal": "*"`, list actions with `Action`
/// (not `NotAction`, and not `"*"` alone).
fn rcp_rules(
    members: &[Member],
    effect: Effect,
    action: &ActionElement,
    pos: Pos,
) -> Result<(), PolicyError> {
    if effect != Effect::Deny {
        return Err(err(
            "`Effect` must be `Deny` in a resource control policy",
            pos,
        ));
    }
    match find(members, "Principal") {
        Some(m) if m.value.as_str() == Some("*") => {}
        Some(m) => {
            return Err(err(
                "`Principal` must be `\"*\"` in a resource control policy",
                m.value.pos,
            ))
        }
        None => {
            return Err(err(
                "a resource control policy statement needs `\"Principal\": \"*\"`",
                pos,
            ))
        }
    }
    if let Some(m) = find(members, "NotAction") {
        return Err(err(
            "`NotAction` is not allowed in a resource control policy",
            m.key_pos,
        ));
    }
    if action.list.items.iter().any(|a| a == "*") {
        return Err(err(
            "`Action` cannot be `\"*\"` in a resource control policy",
            pos,
        ));
    }
    Ok(())
}

fn action_element(m: &Member, negated: bool) -> Result<ActionElement, PolicyError> {
    let list = string_list(&m.value, &m.key)?;
    for a in &list.items {
        if let Some(problem) = action_problem(a) {
            return Err(err(
                format!("`{}` value `{}`: {problem}", m.key, clip(a)),
                m.value.pos,
            ));
        }
    }
    let matchers = list.items.iter().map(|a| ActionMatcher::new(a)).collect();
    Ok(ActionElement {
        negated,
        list,
        matchers,
    })
}

/// What is wrong with an action pattern, if anything.
///
/// AWS: IAM User Guide, "IAM JSON policy elements: Action": `service-prefix:action-name`,
/// the prefix letters, digits and hyphens, the name letters and digits with `*` and `?`.
fn action_problem(a: &str) -> Option<&'static str> {
    if a == "*" {
        return None;
    }
    let t = a.trim();
    let Some((svc, act)) = t.split_once(':') else {
        return Some("must be `*` or `service:action` (a service prefix is required)");
    };
    if act.contains(':') {
        return Some("must have exactly one `:`");
    }
    if svc.is_empty() || !svc.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Some("the service prefix may contain only letters, digits and hyphens");
    }
    if act.is_empty() {
        return Some("the action name is empty");
    }
    if !act
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'?' | b',' | b' ' | b'-'))
    {
        return Some(
            "the action name may contain only letters, digits, `*`, `?`, `,`, `-` and spaces",
        );
    }
    None
}

fn resource_element(
    m: &Member,
    negated: bool,
    kind: PolicyKind,
    vars: bool,
) -> Result<ResourceElement, PolicyError> {
    let list = string_list(&m.value, &m.key)?;
    let mut patterns = Vec::with_capacity(list.items.len());
    for r in &list.items {
        if r != "*" && !r.starts_with("arn:") {
            return Err(err(
                format!(
                    "`{}` value `{}` must be an ARN (`arn:...`) or `*`",
                    m.key,
                    clip(r)
                ),
                m.value.pos,
            ));
        }
        patterns.push(ResourceMatcher::new(r, kind, vars));
    }
    Ok(ResourceElement {
        negated,
        list,
        patterns,
    })
}

fn principal_element(
    members: &[Member],
    stmt_pos: Pos,
    kind: PolicyKind,
) -> Result<Option<PrincipalElement>, PolicyError> {
    let (m, negated) = match (find(members, "Principal"), find(members, "NotPrincipal")) {
        (Some(_), Some(n)) => {
            return Err(err(
                "a statement cannot have both `Principal` and `NotPrincipal`",
                n.key_pos,
            ))
        }
        (Some(m), None) => (m, false),
        (None, Some(m)) => (m, true),
        (None, None) => {
            return match kind {
                PolicyKind::Resource | PolicyKind::Rcp => Err(err(
                    format!(
                        "a statement in a {} needs `Principal` or `NotPrincipal`",
                        kind.label()
                    ),
                    stmt_pos,
                )),
                _ => Ok(None),
            }
        }
    };
    match kind {
        PolicyKind::Resource => {}
        PolicyKind::Rcp if !negated => {}
        _ => {
            return Err(err(
                format!("`{}` is not allowed in a {}", m.key, kind.label()),
                m.key_pos,
            ))
        }
    }
    let spec = match &m.value.value {
        Json::String(s) if s == "*" => PrincipalSpec::Wildcard,
        Json::Object(entries) => {
            check_keys(
                entries,
                &["AWS", "Service", "Federated", "CanonicalUser"],
                "principal",
            )?;
            let mut out = Vec::with_capacity(entries.len());
            for e in entries {
                let list = string_list(&e.value, &e.key)?;
                let ids = list.items.iter().map(|s| principal_id(&e.key, s)).collect();
                out.push(PrincipalEntry {
                    kind: e.key.clone(),
                    list,
                    ids,
                });
            }
            PrincipalSpec::Map(out)
        }
        other => {
            return Err(err(
                format!(
                    "`{}` must be `\"*\"` or an object, found {}",
                    m.key,
                    show(other)
                ),
                m.value.pos,
            ))
        }
    };
    Ok(Some(PrincipalElement {
        negated,
        pos: m.value.pos,
        spec,
    }))
}

/// Interprets one principal identifier.
///
/// AWS: IAM User Guide, "AWS JSON policy elements: Principal": an account may be given as
/// its id or as `arn:aws:iam::ACCOUNT:root`; `"*"` and `{"AWS": "*"}` mean everyone.
fn principal_id(kind: &str, s: &str) -> PrincipalId {
    match kind {
        "AWS" if !s.is_empty() && s.bytes().all(|b| b == b'*') => PrincipalId::Everyone,
        "AWS" if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) => {
            PrincipalId::Account(s.to_string())
        }
        "AWS" => match crate::arn::Arn::parse(s) {
            Some(a) if a.service == "iam" && a.resource == "root" => {
                PrincipalId::Account(a.account.to_string())
            }
            _ => PrincipalId::Arn(s.to_string()),
        },
        "Service" => PrincipalId::Service(s.to_string()),
        "Federated" => PrincipalId::Federated(s.to_string()),
        _ => PrincipalId::CanonicalUser(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Policy, PolicyError> {
        parse_policy(s, PolicyKind::Identity)
    }

    #[test]
    fn accepts_the_grammar() {
        let pol = p(r#"{"Version":"2012-10-17","Id":"x","Statement":{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true}}}}"#).unwrap();
        assert_eq!(pol.statements.len(), 1);
        assert!(!pol.statement_array);
        assert_eq!(pol.statements[0].conditions.len(), 2);
        assert_eq!(
            pol.statements[0].conditions[0].values[0].scalar,
            Scalar::Number
        );
    }

    #[test]
    fn url_encoded_documents() {
        let enc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        assert_eq!(p(enc).unwrap().statements.len(), 1);
    }

    #[test]
    fn rejects_what_iam_rejects() {
        let cases = [
            (
                r#"{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}"#,
                "`Effect` must be",
            ),
            (
                r#"{"Statement":[{"Action":"*","Resource":"*"}]}"#,
                "needs an `Effect`",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}]}"#,
                "both `Action` and `NotAction`",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
                "needs `Action`",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*"}]}"#,
                "needs `Resource`",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}"#,
                "service prefix",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"bucket"}]}"#,
                "must be an ARN",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
                "not allowed",
            ),
            (
                r#"{"Version":"2020-01-01","Statement":[]}"#,
                "`Version` must be",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}]}"#,
                "unknown condition operator",
            ),
            (
                r#"{"Statement":[{"effect":"Allow","Action":"*","Resource":"*"}]}"#,
                "did you mean `Effect`",
            ),
            (r#"{"Version":"2012-10-17"}"#, "needs a `Statement`"),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}"#,
                "must not be empty",
            ),
            (r#"[]"#, "must be a JSON object"),
            (
                &format!(
                    r#"{{"Statement":[{{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::{}"}}]}}"#,
                    "a".repeat(20_000)
                ),
                "bytes long",
            ),
        ];
        for (doc, want) in cases {
            let e = p(doc).unwrap_err();
            assert!(e.to_string().contains(want), "{doc}: {e}");
        }
    }

    #[test]
    fn errors_point_at_the_statement() {
        let doc = "{\"Statement\": [\n  {\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},\n  {\"Effect\":\"Maybe\",\"Action\":\"*\",\"Resource\":\"*\"}\n]}";
        let e = p(doc).unwrap_err();
        assert_eq!(e.statement, Some(1));
        assert_eq!(e.pos.unwrap().line, 3);
    }

    #[test]
    fn resource_policies_need_principals() {
        let doc = r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        assert!(parse_policy(doc, PolicyKind::Resource).is_err());
        let trust = r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert!(parse_policy(trust, PolicyKind::Resource).is_ok());
    }
}
