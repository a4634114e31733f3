//! The authorization case format read by `phiward simulate --cases`.
//!
//! A file is a JSON array of cases; each names every policy AWS would consult, the request
//! and, optionally, the decision AWS reaches. One bad case never spoils the others: each
//! parses to its own `Result`.

use crate::context::{Context, CtxValue};
use crate::document::PolicyKind;
use crate::eval::{Decision, PolicySet, Request};
use crate::json::{self, Json, JsonError, Member, Spanned};
use crate::parse::{clip, policy_from_json};
use crate::principal::RequestPrincipal;

/// One parsed case.
#[derive(Clone, Debug)]
pub struct Case {
    /// Unique id.
    pub id: String,
    /// Free text.
    pub description: Option<String>,
    /// Informational tags.
    pub tags: Vec<String>,
    /// The policies.
    pub policies: PolicySet,
    /// The request.
    pub request: Request,
    /// The decision AWS reaches, when known. Never used to decide.
    pub expected: Option<Decision>,
}

/// A case that cannot be evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CaseError {
    /// The case id, or `#N` (0-based index) when the id is unreadable.
    pub id: String,
    /// What is wrong and where.
    pub message: String,
}

const CASE_FIELDS: &[&str] = &[
    "id",
    "description",
    "tags",
    "identityPolicies",
    "resourcePolicy",
    "permissionBoundaries",
    "scps",
    "rcps",
    "sessionPolicy",
    "request",
    "expected",
    "source",
];

const REQUEST_FIELDS: &[&str] = &[
    "principal",
    "action",
    "resource",
    "resourceAccount",
    "context",
];

/// Parses a case file. A syntax error in the file is fatal; problems inside a case only
/// affect that case.
pub fn parse_cases(text: &str) -> Result<Vec<Result<Case, CaseError>>, JsonError> {
    let doc = json::parse(text)?;
    match &doc.value {
        Json::Array(items) => Ok(items
            .iter()
            .enumerate()
            .map(|(i, c)| parse_case(c, i))
            .collect()),
        Json::Object(_) => Ok(vec![parse_case(&doc, 0)]),
        other => Err(JsonError {
            message: format!(
                "a case file must be a JSON array of cases, found {}",
                other.type_name()
            ),
            pos: doc.pos,
        }),
    }
}

fn fail(id: &str, message: String) -> CaseError {
    CaseError {
        id: id.to_string(),
        message,
    }
}

/// Parses one case object (`index` names it when it has no readable id).
pub fn parse_case(v: &Spanned, index: usize) -> Result<Case, CaseError> {
    let fallback = format!("#{index}");
    let Some(members) = v.as_object() else {
        return Err(fail(
            &fallback,
            format!("{}: a case must be an object", v.pos),
        ));
    };
    let id = match v.get("id") {
        Some(Spanned {
            value: Json::String(s),
            ..
        }) => s.clone(),
        Some(x) => return Err(fail(&fallback, format!("{}: `id` must be a string", x.pos))),
        None => return Err(fail(&fallback, format!("{}: the case has no `id`", v.pos))),
    };
    let e = |m: String| fail(&id, m);
    check_fields(members, CASE_FIELDS, "case").map_err(e)?;

    let mut set = PolicySet::default();
    let policy = |s: &Spanned, kind, what: &str| {
        policy_from_json(s, kind)
            .map(std::sync::Arc::new)
            .map_err(|err| fail(&id, format!("{what}: {err}")))
    };
    if let Some(ip) = v.get("identityPolicies") {
        for (i, p) in array(ip, "identityPolicies").map_err(e)?.iter().enumerate() {
            set.identity.push(policy(
                p,
                PolicyKind::Identity,
                &format!("identityPolicies[{i}]"),
            )?);
        }
    }
    match v.get("resourcePolicy") {
        None
        | Some(Spanned {
            value: Json::Null, ..
        }) => {}
        Some(rp) => set.resource = Some(policy(rp, PolicyKind::Resource, "resourcePolicy")?),
    }
    if let Some(pb) = v.get("permissionBoundaries") {
        for (i, p) in array(pb, "permissionBoundaries")
            .map_err(e)?
            .iter()
            .enumerate()
        {
            set.boundary.push(policy(
                p,
                PolicyKind::PermissionsBoundary,
                &format!("permissionBoundaries[{i}]"),
            )?);
        }
    }
    match v.get("sessionPolicy") {
        None
        | Some(Spanned {
            value: Json::Null, ..
        }) => {}
        Some(sp) => set.session = Some(policy(sp, PolicyKind::Session, "sessionPolicy")?),
    }
    for (field, kind) in [("scps", PolicyKind::Scp), ("rcps", PolicyKind::Rcp)] {
        let Some(levels) = v.get(field) else {
            continue;
        };
        let mut out = Vec::new();
        for (l, level) in array(levels, field).map_err(e)?.iter().enumerate() {
            let docs: Vec<&Spanned> = match &level.value {
                Json::Array(a) => a.iter().collect(),
                Json::Object(_) => vec![level],
                _ => {
                    return Err(e(format!(
                        "{}: `{field}[{l}]` must be an array of policies (one organization level)",
                        level.pos
                    )))
                }
            };
            let mut lv = Vec::with_capacity(docs.len());
            for (i, d) in docs.into_iter().enumerate() {
                lv.push(policy(d, kind, &format!("{field}[{l}][{i}]"))?);
            }
            out.push(lv);
        }
        match kind {
            PolicyKind::Scp => set.scps = out,
            _ => set.rcps = out,
        }
    }
    set.name_policies(|_, _, _| None);

    let Some(req) = v.get("request") else {
        return Err(e(format!("{}: the case has no `request`", v.pos)));
    };
    let request = parse_request(req).map_err(e)?;

    let expected = match v.get("expected") {
        None => None,
        Some(x) => match x.as_str().and_then(Decision::parse) {
            Some(d) => Some(d),
            None => {
                return Err(e(format!(
                    "{}: `expected` must be `Allowed`, `ImplicitlyDenied` or `ExplicitlyDenied`",
                    x.pos
                )))
            }
        },
    };
    let description = v
        .get("description")
        .and_then(Spanned::as_str)
        .map(str::to_string);
    let tags = match v.get("tags").map(|t| &t.value) {
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    Ok(Case {
        id,
        description,
        tags,
        policies: set,
        request,
        expected,
    })
}

fn check_fields(members: &[Member], allowed: &[&str], what: &str) -> Result<(), String> {
    for m in members {
        if !allowed.contains(&m.key.as_str()) && !m.key.starts_with("x-") {
            return Err(format!(
                "{}: unknown {what} field `{}`",
                m.key_pos,
                clip(&m.key)
            ));
        }
    }
    Ok(())
}

fn array<'a>(v: &'a Spanned, what: &str) -> Result<&'a [Spanned], String> {
    match &v.value {
        Json::Array(a) => Ok(a),
        other => Err(format!(
            "{}: `{what}` must be an array, found {}",
            v.pos,
            other.type_name()
        )),
    }
}

fn req_str(v: &Spanned, key: &str) -> Result<String, String> {
    match v.get(key) {
        Some(Spanned {
            value: Json::String(s),
            ..
        }) if !s.is_empty() => Ok(s.clone()),
        Some(x) => Err(format!(
            "{}: `request.{key}` must be a non-empty string",
            x.pos
        )),
        None => Err(format!("{}: `request` has no `{key}`", v.pos)),
    }
}

/// Parses the `request` object of a case.
pub fn parse_request(v: &Spanned) -> Result<Request, String> {
    let Some(members) = v.as_object() else {
        return Err(format!("{}: `request` must be an object", v.pos));
    };
    check_fields(members, REQUEST_FIELDS, "request")?;
    let mut context = Context::new();
    if let Some(c) = v.get("context") {
        let Some(keys) = c.as_object() else {
            return Err(format!("{}: `request.context` must be an object", c.pos));
        };
        for k in keys {
            let scalar = |x: &Spanned| -> Result<String, String> {
                match &x.value {
                    Json::String(s) => Ok(s.clone()),
                    Json::Number(n) => Ok(n.clone()),
                    Json::Bool(b) => Ok(b.to_string()),
                    other => Err(format!(
                        "{}: context key `{}` must be a string or an array of strings, found {}",
                        x.pos,
                        k.key,
                        other.type_name()
                    )),
                }
            };
            let value = match &k.value.value {
                Json::Array(a) => CtxValue::Many(a.iter().map(scalar).collect::<Result<_, _>>()?),
                _ => CtxValue::One(scalar(&k.value)?),
            };
            context.insert(&k.key, value);
        }
    }
    if let Some(u) = v.get("unknownKeys") {
        let Json::Array(keys) = &u.value else {
            return Err(format!(
                "{}: `request.unknownKeys` must be an array of key names",
                u.pos
            ));
        };
        for k in keys {
            match k.as_str() {
                Some(name) if !name.is_empty() => context.mark_unknown(name),
                _ => {
                    return Err(format!(
                        "{}: `request.unknownKeys` entries must be key names",
                        k.pos
                    ))
                }
            }
        }
    }
    let principal_s = req_str(v, "principal")?;
    let principal = RequestPrincipal::parse(&principal_s, &context).map_err(|e| {
        format!(
            "{}: {e}",
            v.get("principal").map(|p| p.pos).unwrap_or(v.pos)
        )
    })?;
    let action = req_str(v, "action")?;
    if action != "*" && !action.contains(':') {
        return Err(format!(
            "{}: `request.action` `{action}` must be `service:Action`",
            v.pos
        ));
    }
    let resource = req_str(v, "resource")?;
    let resource_account = match v.get("resourceAccount") {
        None
        | Some(Spanned {
            value: Json::Null, ..
        }) => None,
        Some(_) => Some(req_str(v, "resourceAccount")?),
    };
    Ok(Request::new(
        principal,
        &action,
        &resource,
        resource_account,
        context,
    ))
}
