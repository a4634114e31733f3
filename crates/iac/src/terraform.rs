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

use phiward_snapshot::model::data::{Bucket, KmsKey};
use phiward_snapshot::model::iam::{
    AttachedPolicy, Group, InlinePolicy, ManagedPolicy, PermissionsBoundary, PolicyVersion, Role,
    Tag, User, UserCredentials,
};
use phiward_snapshot::model::org::OrgPolicy;
use phiward_snapshot::{Collected, PolicyText};
use serde_json::json;

use crate::cfn::resolve::Deployment;
use crate::cfn::value::{placeholder, RNode};
use crate::doc::{from_text, Doc, DocKind};
use crate::node::{Node, Pos, Value};
use crate::plan::{Change, Plan, Who};

/// Whether a parsed JSON document is a Terraform plan.
pub fn is_plan(n: &Node) -> bool {
    n.get("format_version").is_some()
        && (n.get("resource_changes").is_some() || n.get("planned_values").is_some())
}

/// One planned resource: its values after apply, which of them are unknown, and where.
struct Planned<'n> {
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
        resource(&mut plan, &cx, p);
    }
    plan
}

struct Cx<'a, 'n> {
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

fn items(n: &Node) -> Vec<&Node> {
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
fn policy(plan: &mut Plan, cx: &Cx<'_, '_>, p: &Planned<'_>, attr: &str) -> Option<RNode> {
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

fn doc(
    plan: &mut Plan,
    p: &Planned<'_>,
    attr: &str,
    v: &RNode,
    kind: DocKind,
    place: String,
    lint: bool,
) -> Option<PolicyText> {
    let origin = plan.origin(&p.address, attr, v.pos);
    match Doc::new(origin, place, kind, v) {
        Ok(d) => {
            let text = PolicyText::from_source(d.text.clone());
            plan.docs.push((d, lint));
            Some(text)
        }
        Err(m) => {
            plan.problem(&p.address, attr, v.pos, m);
            None
        }
    }
}

fn change(plan: &mut Plan, p: &Planned<'_>, c: Change) {
    let origin = plan.origin(&p.address, "", p.pos);
    plan.changes.push((origin, c));
}

fn attached(arns: Vec<String>) -> Vec<AttachedPolicy> {
    arns.into_iter()
        .map(|a| AttachedPolicy {
            policy_name: a.rsplit('/').next().unwrap_or("").to_string(),
            policy_arn: a,
        })
        .collect()
}

fn boundary(p: &Planned<'_>) -> Option<PermissionsBoundary> {
    p.str("permissions_boundary")
        .filter(|b| !b.is_empty())
        .map(|b| PermissionsBoundary {
            permissions_boundary_type: "Policy".into(),
            permissions_boundary_arn: b,
        })
}

fn resource(plan: &mut Plan, cx: &Cx<'_, '_>, p: &Planned<'_>) {
    let iam_arn = |kind: &str, path: &str, name: &str| {
        format!("arn:aws:iam::{}:{kind}{path}{name}", cx.account)
    };
    let path = p.str("path").unwrap_or_else(|| "/".into());
    match p.ty.as_str() {
        "aws_iam_role" => {
            let name = p.name("name");
            let who = Who::Role(name.clone());
            let trust = policy(plan, cx, p, "assume_role_policy").and_then(|v| {
                doc(
                    plan,
                    p,
                    "assume_role_policy",
                    &v,
                    DocKind::Trust,
                    format!("role `{name}` trust policy"),
                    true,
                )
            });
            let mut inline = Vec::new();
            for ip in p.after.get("inline_policy").map(items).unwrap_or_default() {
                let (Some(pn), Some(text)) = (
                    ip.get("name").and_then(Node::scalar),
                    ip.get("policy").and_then(Node::scalar),
                ) else {
                    continue;
                };
                if pn.is_empty() {
                    continue;
                }
                if let Ok(v) = from_text(&text, ip.pos, &[]) {
                    let place = format!("{} inline policy `{pn}`", who.label());
                    if let Some(t) =
                        doc(plan, p, "inline_policy", &v, DocKind::Identity, place, true)
                    {
                        inline.push(InlinePolicy {
                            policy_name: pn,
                            policy_document: t,
                        });
                    }
                }
            }
            let role = Role {
                arn: iam_arn("role", &path, &name),
                path,
                role_name: name,
                role_id: String::new(),
                create_date: None,
                assume_role_policy_document: trust,
                description: p.str("description"),
                max_session_duration: None,
                instance_profile_list: Vec::new(),
                role_policy_list: inline,
                attached_managed_policies: attached(p.strings("managed_policy_arns")),
                permissions_boundary: boundary(p),
                tags: p.tags(),
                role_last_used: None,
            };
            change(plan, p, Change::Role(Box::new(role)));
        }
        "aws_iam_user" => {
            let name = p.name("name");
            let user = User {
                arn: iam_arn("user", &path, &name),
                path,
                user_name: name,
                user_id: String::new(),
                create_date: None,
                user_policy_list: Vec::new(),
                group_list: Vec::new(),
                attached_managed_policies: Vec::new(),
                permissions_boundary: boundary(p),
                tags: p.tags(),
                credentials: Collected::Collected(UserCredentials::default()),
            };
            change(plan, p, Change::User(Box::new(user)));
        }
        "aws_iam_group" => {
            let name = p.name("name");
            let group = Group {
                arn: iam_arn("group", &path, &name),
                path,
                group_name: name,
                group_id: String::new(),
                create_date: None,
                group_policy_list: Vec::new(),
                attached_managed_policies: Vec::new(),
            };
            change(plan, p, Change::Group(Box::new(group)));
        }
        "aws_iam_policy" => {
            let name = p.name("name");
            let arn = iam_arn("policy", &path, &name);
            let Some(v) = policy(plan, cx, p, "policy") else {
                return;
            };
            let Some(text) = doc(plan, p, "policy", &v, DocKind::Identity, arn.clone(), true)
            else {
                return;
            };
            let mp = ManagedPolicy {
                policy_name: name,
                policy_id: String::new(),
                arn,
                path,
                default_version_id: "v1".into(),
                attachment_count: 0,
                permissions_boundary_usage_count: 0,
                is_attachable: true,
                description: p.str("description"),
                create_date: None,
                update_date: None,
                policy_version_list: vec![PolicyVersion {
                    document: text,
                    version_id: "v1".into(),
                    is_default_version: true,
                    create_date: None,
                }],
            };
            change(plan, p, Change::Policy(Box::new(mp)));
        }
        "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
            let (attr, who): (&str, fn(String) -> Who) = match p.ty.as_str() {
                "aws_iam_role_policy" => ("role", Who::Role),
                "aws_iam_user_policy" => ("user", Who::User),
                _ => ("group", Who::Group),
            };
            let owner = who(cx.val(p, attr));
            let name = p.name("name");
            let Some(v) = policy(plan, cx, p, "policy") else {
                return;
            };
            let place = format!("{} inline policy `{name}`", owner.label());
            let Some(text) = doc(plan, p, "policy", &v, DocKind::Identity, place, true) else {
                return;
            };
            if let Who::User(u) = &owner {
                plan.hit("PW406", &p.address, attr, p.at(attr), format!("policy `{name}` is attached to IAM user `{u}` directly; attach it to a group or role"));
            }
            change(
                plan,
                p,
                Change::Inline(
                    owner,
                    InlinePolicy {
                        policy_name: name,
                        policy_document: text,
                    },
                ),
            );
        }
        "aws_iam_role_policy_attachment"
        | "aws_iam_user_policy_attachment"
        | "aws_iam_group_policy_attachment"
        | "aws_iam_policy_attachment" => {
            let arn = cx.val(p, "policy_arn");
            let mut targets: Vec<Who> = Vec::new();
            match p.ty.as_str() {
                "aws_iam_role_policy_attachment" => targets.push(Who::Role(cx.val(p, "role"))),
                "aws_iam_user_policy_attachment" => targets.push(Who::User(cx.val(p, "user"))),
                "aws_iam_group_policy_attachment" => targets.push(Who::Group(cx.val(p, "group"))),
                _ => {
                    targets.extend(p.strings("roles").into_iter().map(Who::Role));
                    targets.extend(p.strings("users").into_iter().map(Who::User));
                    targets.extend(p.strings("groups").into_iter().map(Who::Group));
                }
            }
            for t in targets {
                if let Who::User(u) = &t {
                    plan.hit("PW406", &p.address, "policy_arn", p.at("policy_arn"), format!("managed policy `{arn}` is attached to IAM user `{u}` directly; attach it to a group or role"));
                }
                change(plan, p, Change::Attach(t, arn.clone()));
            }
        }
        "aws_iam_user_group_membership" => {
            let user = cx.val(p, "user");
            for group in p.strings("groups") {
                change(
                    plan,
                    p,
                    Change::Member {
                        user: user.clone(),
                        group,
                    },
                );
            }
        }
        "aws_iam_group_membership" => {
            let group = cx.val(p, "group");
            for user in p.strings("users") {
                change(
                    plan,
                    p,
                    Change::Member {
                        user,
                        group: group.clone(),
                    },
                );
            }
        }
        "aws_iam_access_key" => {
            let user = cx.val(p, "user");
            plan.hit("PW404", &p.address, "user", p.at("user"), format!("the plan creates an access key for IAM user `{user}`: long-lived credentials; use a role (IAM Roles Anywhere, OIDC federation) instead"));
            change(plan, p, Change::AccessKey(user));
        }
        "aws_iam_user_login_profile" => {
            let user = cx.val(p, "user");
            plan.hit("PW405", &p.address, "user", p.at("user"), format!("the plan gives IAM user `{user}` a console password; people should sign in through federation (IAM Identity Center)"));
        }
        "aws_iam_instance_profile" => {
            let role = cx.val(p, "role");
            change(
                plan,
                p,
                Change::Profile {
                    role,
                    name: p.name("name"),
                },
            );
        }
        "aws_s3_bucket" => {
            let bucket = Bucket {
                name: p.name("bucket"),
                region: p.str("region"),
                policy: Collected::Collected(None),
                tags: Collected::Collected(p.tags()),
                ..Bucket::default()
            };
            change(plan, p, Change::Bucket(Box::new(bucket)));
        }
        "aws_s3_bucket_policy" => {
            let bucket = cx.val(p, "bucket");
            let Some(v) = policy(plan, cx, p, "policy") else {
                return;
            };
            if let Some(d) = doc(
                plan,
                p,
                "policy",
                &v,
                DocKind::Bucket,
                format!("bucket `{bucket}` policy"),
                true,
            ) {
                change(plan, p, Change::BucketPolicy { bucket, doc: d });
            }
        }
        "aws_kms_key" => {
            let id = p.name("key_id");
            let arn = match p.str("arn").filter(|_| !p.unknown("arn")) {
                Some(a) => a,
                None => format!("arn:aws:kms:us-east-1:{}:key/{id}", cx.account),
            };
            if p.after.get("policy").is_none() && !p.unknown("policy") {
                return;
            }
            let Some(v) = policy(plan, cx, p, "policy") else {
                return;
            };
            if let Some(text) = doc(
                plan,
                p,
                "policy",
                &v,
                DocKind::Key,
                format!("KMS key `{id}` policy"),
                true,
            ) {
                let key = KmsKey {
                    key_id: id,
                    key_arn: Some(arn),
                    key_manager: Some("CUSTOMER".into()),
                    key_state: Some("Enabled".into()),
                    description: p.str("description"),
                    policy: Collected::Collected(text),
                    grants: Collected::Collected(Vec::new()),
                };
                change(plan, p, Change::Key(Box::new(key)));
            }
        }
        "aws_organizations_policy" => {
            if p.str("type").is_some_and(|t| t != "SERVICE_CONTROL_POLICY") {
                return;
            }
            let name = p.name("name");
            let Some(v) = policy(plan, cx, p, "content") else {
                return;
            };
            if let Some(text) = doc(
                plan,
                p,
                "content",
                &v,
                DocKind::Scp,
                format!("SCP `{name}`"),
                true,
            ) {
                change(
                    plan,
                    p,
                    Change::Scp(Box::new(OrgPolicy {
                        id: p.address.clone(),
                        arn: String::new(),
                        name,
                        aws_managed: false,
                        content: Collected::Collected(text),
                        targets: None,
                    })),
                );
            }
        }
        _ => {}
    }
}
