//! Terraform plans (`terraform show -json PLAN`) read into a [`Plan`]: each planned IAM
//! resource as it will be after apply. A value Terraform knows only after apply
//! (`after_unknown`) becomes a placeholder; a policy computed at plan time from an
//! `aws_iam_policy_document` data source is rebuilt from the data source's statements
//! rather than skipped.
//!
//! Terraform: "JSON Output Format" (`resource_changes[].change.after`, `after_unknown`,
//! `prior_state`, `configuration` expressions and `references`); AWS provider docs for
//! `aws_iam_role`, `aws_iam_policy`, `aws_iam_role_policy`, `aws_iam_user_policy`,
//! `aws_iam_*_policy_attachment`, `aws_iam_policy_document`, `aws_s3_bucket_policy`,
//! `aws_kms_key` and `aws_organizations_policy`.

use std::collections::HashMap;

use phiward_snapshot::model::iam::Tag;
use serde_json::json;

use crate::cfn::resolve::Deployment;
use crate::cfn::value::{placeholder, RNode};
use crate::doc::from_text;
use crate::node::{Node, Pos, Value};
use crate::plan::Plan;

mod resources;

/// Whether a parsed JSON document is a Terraform plan.
pub fn is_plan(n: &Node) -> bool {
    n.get("format_version").is_some()
        && (n.get("resource_changes").is_some() || n.get("planned_values").is_some())
}

/// One planned resource: its values after apply, which of them are unknown, and where.
pub(crate) struct Planned<'n> {
    address: String,
    ty: String,
    pos: Pos,
    after: &'n Node,
    unknown: Option<&'n Node>,
}

impl Planned<'_> {
    fn unknown(&self, attr: &str) -> bool {
        self.unknown
            .and_then(|u| u.get(attr))
            .is_some_and(|v| v.value == Value::Bool(true))
    }

    fn str(&self, attr: &str) -> Option<String> {
        self.after.get(attr).and_then(Node::scalar)
    }

    fn at(&self, attr: &str) -> Pos {
        self.after.get(attr).map_or(self.pos, |n| n.pos)
    }

    fn strings(&self, attr: &str) -> Vec<String> {
        match self.after.get(attr).map(|n| &n.value) {
            Some(Value::Seq(items)) => items.iter().filter_map(Node::scalar).collect(),
            Some(Value::Str(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    }

    /// A name: known, or a placeholder for a name Terraform computes (`name_prefix`).
    fn name(&self, attr: &str) -> String {
        match self.str(attr) {
            Some(n) if !self.unknown(attr) => n,
            _ => placeholder(&format!("{}.{attr}", self.address)),
        }
    }

    fn tags(&self) -> Vec<Tag> {
        self.after
            .get("tags")
            .or_else(|| self.after.get("tags_all"))
            .map(|t| {
                t.entries()
                    .iter()
                    .map(|e| Tag {
                        key: e.key.clone(),
                        value: e.value.scalar().unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Reads a plan.
pub fn read(file: &str, root: &Node, d: &Deployment) -> Plan {
    let mut plan = Plan::new(file);
    let account = d
        .parameters
        .get("AWS::AccountId")
        .cloned()
        .or_else(|| d.account.clone())
        .unwrap_or_else(|| "000000000000".into());
    let mut planned: Vec<Planned<'_>> = Vec::new();
    for rc in root.get("resource_changes").map(items).unwrap_or_default() {
        let change = rc.get("change");
        let actions: Vec<String> = change
            .and_then(|c| c.get("actions"))
            .map(|a| items(a).iter().filter_map(|x| x.scalar()).collect())
            .unwrap_or_default();
        // A resource only deleted adds no access; replaced ones are read as they will be.
        if actions.iter().all(|a| a == "delete") {
            continue;
        }
        let Some(after) = change.and_then(|c| c.get("after")) else {
            continue;
        };
        if after.value == Value::Null {
            continue;
        }
        planned.push(Planned {
            address: rc.get("address").and_then(Node::scalar).unwrap_or_default(),
            ty: rc.get("type").and_then(Node::scalar).unwrap_or_default(),
            pos: rc.get("address").map_or(rc.pos, |a| a.pos),
            after,
            unknown: change.and_then(|c| c.get("after_unknown")),
        });
    }
    // Data sources read at plan time are in the prior state.
    let mut data: HashMap<String, Planned<'_>> = HashMap::new();
    let prior = root
        .get("prior_state")
        .and_then(|p| p.get("values"))
        .and_then(|v| v.get("root_module"));
    for r in prior.map(module_resources).unwrap_or_default() {
        if r.get("mode").and_then(Node::as_str) == Some("data") {
            if let (Some(address), Some(values)) =
                (r.get("address").and_then(Node::scalar), r.get("values"))
            {
                let ty = r.get("type").and_then(Node::scalar).unwrap_or_default();
                data.insert(
                    address.clone(),
                    Planned {
                        address,
                        ty,
                        pos: r.pos,
                        after: values,
                        unknown: None,
                    },
                );
            }
        }
    }
    for p in planned
        .iter()
        .filter(|p| p.address.starts_with("data.") || p.address.contains(".data."))
    {
        data.insert(
            p.address.clone(),
            Planned {
                address: p.address.clone(),
                ty: p.ty.clone(),
                pos: p.pos,
                after: p.after,
                unknown: p.unknown,
            },
        );
    }
    let refs = references(root);
    let by_address = planned.iter().map(|p| (p.address.as_str(), p)).collect();
    let cx = Cx {
        account,
        planned: by_address,
        data: &data,
        refs: &refs,
    };
    for p in &planned {
        resources::resource(&mut plan, &cx, p);
    }
    plan
}

pub(crate) struct Cx<'a, 'n> {
    account: String,
    /// Planned managed resources by address.
    planned: HashMap<&'a str, &'a Planned<'n>>,
    data: &'a HashMap<String, Planned<'n>>,
    /// Address -> attribute -> the addresses its expression references.
    refs: &'a HashMap<String, HashMap<String, Vec<String>>>,
}

impl Cx<'_, '_> {
    /// An attribute's value after apply: known, or computed from the planned resource its
    /// expression references (a policy's `arn`, a role's `name` or `id`), or a placeholder.
    fn val(&self, p: &Planned<'_>, attr: &str) -> String {
        if let Some(v) = p.str(attr).filter(|_| !p.unknown(attr)) {
            return v;
        }
        let refs = self.refs.get(&p.address).and_then(|a| a.get(attr));
        for r in refs.into_iter().flatten() {
            let Some((address, field)) = r.rsplit_once('.') else {
                continue;
            };
            let Some(t) = self.planned.get(address) else {
                continue;
            };
            if let Some(v) = self.computed(t, field) {
                return v;
            }
        }
        placeholder(&format!("{}.{attr}", p.address))
    }

    /// A typed placeholder ARN for a value of unknown type: it matches no real resource.
    fn unknown_arn(&self, what: &str) -> String {
        format!("arn:aws:unknown::{}:{}", self.account, placeholder(what))
    }

    /// What AWS will report for `field` of a planned resource.
    fn computed(&self, t: &Planned<'_>, field: &str) -> Option<String> {
        if let Some(v) = t.str(field).filter(|_| !t.unknown(field)) {
            return Some(v);
        }
        let path = t.str("path").unwrap_or_else(|| "/".into());
        let iam =
            |kind: &str, name: String| format!("arn:aws:iam::{}:{kind}{path}{name}", self.account);
        Some(match (t.ty.as_str(), field) {
            (
                "aws_iam_role" | "aws_iam_user" | "aws_iam_group" | "aws_iam_policy",
                "name" | "id",
            ) => t.name("name"),
            ("aws_iam_role", "arn") => iam("role", t.name("name")),
            ("aws_iam_user", "arn") => iam("user", t.name("name")),
            ("aws_iam_group", "arn") => iam("group", t.name("name")),
            ("aws_iam_policy", "arn") => iam("policy", t.name("name")),
            ("aws_s3_bucket", "id" | "bucket") => t.name("bucket"),
            ("aws_s3_bucket", "arn") => format!("arn:aws:s3:::{}", t.name("bucket")),
            _ => return None,
        })
    }
}

pub(crate) fn items(n: &Node) -> Vec<&Node> {
    match &n.value {
        Value::Seq(v) => v.iter().collect(),
        _ => Vec::new(),
    }
}

fn module_resources(m: &Node) -> Vec<&Node> {
    let mut out: Vec<&Node> = m.get("resources").map(items).unwrap_or_default();
    for c in m.get("child_modules").map(items).unwrap_or_default() {
        out.extend(module_resources(c));
    }
    out
}

/// `configuration`'s expression references, per resource address and attribute.
fn references(root: &Node) -> HashMap<String, HashMap<String, Vec<String>>> {
    let mut out = HashMap::new();
    let Some(m) = root.get("configuration").and_then(|c| c.get("root_module")) else {
        return out;
    };
    for r in m.get("resources").map(items).unwrap_or_default() {
        let Some(address) = r.get("address").and_then(Node::scalar) else {
            continue;
        };
        let mut attrs = HashMap::new();
        if let Some(e) = r.get("expressions") {
            expressions(e, "", &mut attrs);
        }
        out.insert(address, attrs);
    }
    out
}

/// Each expression's references, keyed by attribute path (`role`,
/// `statement[0].resources`: nested blocks are lists of expression maps).
fn expressions(n: &Node, prefix: &str, out: &mut HashMap<String, Vec<String>>) {
    for e in n.entries() {
        let key = if prefix.is_empty() {
            e.key.clone()
        } else {
            format!("{prefix}.{}", e.key)
        };
        if let Some(r) = e.value.get("references") {
            out.insert(key, items(r).iter().filter_map(|s| s.scalar()).collect());
            continue;
        }
        for (i, block) in items(&e.value).into_iter().enumerate() {
            expressions(block, &format!("{key}[{i}]"), out);
        }
    }
}

/// A policy attribute as a resolved document: the JSON text when known; when Terraform
/// computes it at apply, the `aws_iam_policy_document` it references, rebuilt.
pub(crate) fn policy(
    plan: &mut Plan,
    cx: &Cx<'_, '_>,
    p: &Planned<'_>,
    attr: &str,
) -> Option<RNode> {
    let pos = p.at(attr);
    if !p.unknown(attr) {
        let text = p.str(attr)?;
        return match from_text(&text, pos, &[]) {
            Ok(v) => Some(v),
            Err(m) => {
                plan.problem(&p.address, attr, pos, m);
                None
            }
        };
    }
    let doc = cx
        .refs
        .get(&p.address)
        .and_then(|a| a.get(attr))
        .into_iter()
        .flatten()
        .find_map(|r| {
            let base = r.strip_suffix(".json").unwrap_or(r);
            cx.data
                .get(base)
                .filter(|d| d.ty == "aws_iam_policy_document")
        });
    let Some(doc) = doc else {
        plan.problem(&p.address, attr, pos, format!("`{attr}` is known only after apply and references no `aws_iam_policy_document` phiward can rebuild"));
        return None;
    };
    if !doc.unknown("json") {
        if let Some(text) = doc.str("json") {
            return from_text(&text, pos, &[]).ok();
        }
    }
    let why = format!("values of `{}` known only after apply", doc.address);
    let rebuilt = document(cx, doc);
    from_text(&rebuilt.to_string(), pos, &[why]).ok()
}

/// An `aws_iam_policy_document`'s statement blocks as a policy; values known only after
/// apply are placeholders.
fn document(cx: &Cx<'_, '_>, d: &Planned<'_>) -> serde_json::Value {
    let list = |n: Option<&Node>, what: &str| -> Vec<String> {
        match n.map(|n| &n.value) {
            Some(Value::Seq(v)) => v
                .iter()
                .map(|x| x.scalar().unwrap_or_else(|| cx.unknown_arn(what)))
                .collect(),
            _ => Vec::new(),
        }
    };
    // Values known after apply, from the planned resources the block references.
    let referenced = |key: &str| -> Vec<String> {
        cx.refs
            .get(&d.address)
            .and_then(|a| a.get(key))
            .into_iter()
            .flatten()
            .filter_map(|r| {
                let (address, field) = r.rsplit_once('.')?;
                cx.computed(cx.planned.get(address)?, field)
            })
            .collect()
    };
    let mut statements = Vec::new();
    for (i, s) in d
        .after
        .get("statement")
        .map(items)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let what = format!("{}.statement[{i}]", d.address);
        let mut o = serde_json::Map::new();
        if let Some(sid) = s
            .get("sid")
            .and_then(Node::scalar)
            .filter(|x| !x.is_empty())
        {
            o.insert("Sid".into(), json!(sid));
        }
        o.insert(
            "Effect".into(),
            json!(s
                .get("effect")
                .and_then(Node::scalar)
                .unwrap_or_else(|| "Allow".into())),
        );
        for (tf, aws) in [
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            let v = list(s.get(tf), &what);
            let unknown = d.unknown.and_then(|u| u.get("statement")).map(items).and_then(|u| u.get(i).copied()).and_then(|u| u.get(tf)).is_some_and(|x| x.value != Value::Null && x.value != Value::Bool(false) && !matches!(&x.value, Value::Seq(v) if v.iter().all(|b| b.value == Value::Bool(false))));
            if !v.is_empty() || unknown {
                let v = if v.is_empty() {
                    let r = referenced(&format!("statement[{i}].{tf}"));
                    if r.is_empty() {
                        vec![cx.unknown_arn(&format!("{what}.{tf}"))]
                    } else {
                        r
                    }
                } else {
                    v
                };
                o.insert(aws.into(), json!(v));
            }
        }
        for (tf, aws) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let mut m = serde_json::Map::new();
            for pr in s.get(tf).map(items).unwrap_or_default() {
                let ty = pr
                    .get("type")
                    .and_then(Node::scalar)
                    .unwrap_or_else(|| "AWS".into());
                let ids = list(pr.get("identifiers"), &what);
                if ty == "*" {
                    m.insert("AWS".into(), json!("*"));
                } else {
                    m.insert(ty, json!(ids));
                }
            }
            if !m.is_empty() {
                o.insert(aws.into(), serde_json::Value::Object(m));
            }
        }
        let mut cond = serde_json::Map::new();
        for c in s.get("condition").map(items).unwrap_or_default() {
            let test = c.get("test").and_then(Node::scalar).unwrap_or_default();
            let var = c.get("variable").and_then(Node::scalar).unwrap_or_default();
            let vals = list(c.get("values"), &what);
            let entry = cond.entry(test).or_insert_with(|| json!({}));
            if let Some(obj) = entry.as_object_mut() {
                obj.insert(var, json!(vals));
            }
        }
        if !cond.is_empty() {
            o.insert("Condition".into(), serde_json::Value::Object(cond));
        }
        statements.push(serde_json::Value::Object(o));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}
