//! The rights of a campaign: one per (person, right), found the way `phiward
//! access-report` finds people and what they reach, plus the roles they can assume.
//!
//! - **People** and the principals they hold: [`phiward_access::people::holders`] (IAM
//!   users, person tags, the assignment list, IAM Identity Center assignments, SAML/OIDC
//!   roles nobody is mapped to).
//! - **Group memberships, attached and inline policies** of each person's IAM users.
//! - **Roles held** (assignment, tag, Identity Center, SAML/OIDC) and **roles a principal
//!   can assume** with `sts:AssumeRole`, directly or through other roles: the escalation
//!   graph's `assume_role` edges (`phiward paths`), each decided by the engine with the
//!   trust policy.
//! - **PHI resources reached**, by each principal the person holds or can assume:
//!   [`phiward_access::employee::report`] on the PHI targets.
//!
//! Every right carries its evidence: the statements that grant it, with their text.

use phiward_snapshot::policies::{inline_place, owner};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use phiward_access::employee::{self, Reached};
use phiward_access::people::{self, Holder, MappedBy, PeopleOptions};
use phiward_access::{AccessModel, PrincipalType, Scope, Technique, Via};
use phiward_catalog::Catalog;
use phiward_snapshot::{PolicyText, Snapshot};
use serde::Serialize;
use serde_json::{json, Value};

/// What kind of right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Membership of an IAM group.
    Group,
    /// A managed policy attached to the person's user.
    Policy,
    /// An inline policy of the person's user.
    InlinePolicy,
    /// A role the person holds or can assume.
    Role,
    /// A PHI resource the person reaches through one principal.
    PhiResource,
}

impl Kind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Group => "group",
            Kind::Policy => "policy",
            Kind::InlinePolicy => "inline_policy",
            Kind::Role => "role",
            Kind::PhiResource => "phi_resource",
        }
    }
}

/// One right of one person.
#[derive(Clone, Debug, Serialize)]
pub struct Right {
    /// The person.
    pub person: String,
    /// Their e-mail, when known.
    pub email: Option<String>,
    /// What kind of right.
    pub kind: Kind,
    /// The principal that holds it (the person's user, or the role they hold or assume).
    pub principal: String,
    /// The group, policy, role or resource.
    pub right: String,
    /// How the person has it: `member`, `attached`, `inline`, how a role is held
    /// (`assignment`, `tag`, `identity_center`, `saml`, `oidc`, `assume_role`,
    /// `transitive`), or for a resource the way its principal is held.
    pub via: String,
    /// Whether it is or leads to PHI.
    pub phi: bool,
    /// The statements that grant it, and for resources the levels and conditions.
    pub evidence: Value,
}

impl Right {
    /// The key that names the same right in two campaigns.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.person,
            self.kind.as_str(),
            self.principal,
            self.right
        )
    }

    /// SHA-256 of what the right is and its evidence (not the snapshot): equal digests
    /// in two campaigns mean the right did not change.
    pub fn digest(&self) -> String {
        let body = json!([
            self.person,
            self.kind,
            self.principal,
            self.right,
            self.via,
            self.phi,
            self.evidence
        ]);
        crate::sha256_hex(body.to_string().as_bytes())
    }
}

/// The rights of every person, with what the reviewers' assignment needs.
#[derive(Clone, Debug, Default)]
pub struct Built {
    /// Every right, sorted by person then key.
    pub rights: Vec<Right>,
    /// Per person, the principals they hold (manager tags are read from them).
    pub principals: BTreeMap<String, BTreeSet<String>>,
    /// What could not be accounted for.
    pub notes: Vec<String>,
}

/// Policy texts by the names the engine's evidence uses.
fn texts(snap: &Snapshot) -> HashMap<String, &PolicyText> {
    let mut out = HashMap::new();
    if let Some(iam) = snap.iam.get() {
        for p in &iam.policies {
            if let Some(d) = p.default_document() {
                out.insert(p.arn.clone(), d);
            }
        }
    }
    for d in phiward_snapshot::policies::documents(snap) {
        out.insert(d.place, d.text);
    }
    out
}

/// Statement `i` of a policy text.
fn statement_text(text: &PolicyText, i: usize) -> Value {
    let doc: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
    match &doc["Statement"] {
        Value::Array(a) => a.get(i).cloned().unwrap_or(Value::Null),
        s @ Value::Object(_) if i == 0 => s.clone(),
        _ => Value::Null,
    }
}

/// Every statement of a policy, as evidence.
fn all_statements(texts: &HashMap<String, &PolicyText>, name: &str) -> Vec<Value> {
    let Some(t) = texts.get(name) else {
        return vec![json!({"policy": name, "note": "the document is not in the snapshot"})];
    };
    let doc: Value = serde_json::from_str(t.as_str()).unwrap_or(Value::Null);
    let list = match &doc["Statement"] {
        Value::Array(a) => a.clone(),
        s @ Value::Object(_) => vec![s.clone()],
        _ => Vec::new(),
    };
    list.into_iter()
        .enumerate()
        .map(|(i, s)| json!({"policy": name, "statement": i, "sid": s.get("Sid"), "text": s}))
        .collect()
}

fn via_json(texts: &HashMap<String, &PolicyText>, v: &Via) -> Value {
    let text = texts
        .get(v.policy.as_ref())
        .map_or(Value::Null, |t| statement_text(t, v.statement));
    json!({"policy": v.policy.as_ref(), "statement": v.statement, "sid": v.sid.as_deref(), "line": v.line, "text": text})
}

fn mapped(m: MappedBy) -> String {
    serde_json::to_value(m)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Roles reachable with `sts:AssumeRole` from a principal, by breadth-first search: the
/// role, and the path of (from, to, edge index).
fn assumable(
    graph: &phiward_access::Graph,
    out_edges: &HashMap<usize, Vec<usize>>,
    start: usize,
) -> Vec<(usize, Vec<usize>)> {
    let mut seen = BTreeSet::from([start]);
    let mut queue = VecDeque::from([(start, Vec::new())]);
    let mut found = Vec::new();
    while let Some((at, path)) = queue.pop_front() {
        for &k in out_edges.get(&at).into_iter().flatten() {
            let Some(e) = graph.edges.get(k) else {
                continue;
            };
            if !seen.insert(e.to) {
                continue;
            }
            let mut p: Vec<usize> = path.clone();
            p.push(k);
            found.push((e.to, p.clone()));
            queue.push_back((e.to, p));
        }
    }
    found
}

/// Builds every right of every person in the snapshot.
pub fn build(
    snap: &Snapshot,
    model: &AccessModel,
    catalog: &Catalog,
    config: &phiward_checks::Config,
    opts: &PeopleOptions,
) -> Built {
    let texts = texts(snap);
    let (holders, mut notes) = people::holders(snap, opts);
    let mut built = Built::default();
    let mut how: HashMap<(String, String), String> = HashMap::new();
    let mut emails: HashMap<String, String> = HashMap::new();
    for h in &holders {
        how.insert((h.person.clone(), h.principal.clone()), mapped(h.mapped_by));
        if let Some(e) = &h.email {
            emails.entry(h.person.clone()).or_insert_with(|| e.clone());
        }
        built
            .principals
            .entry(h.person.clone())
            .or_default()
            .insert(h.principal.clone());
    }
    // Roles each held principal can assume, through the graph's AssumeRole edges only.
    let scope = Scope {
        techniques: Some(&[Technique::AssumeRole]),
        ..Default::default()
    };
    let graph = phiward_access::graph_scoped(model, &scope);
    let mut out_edges: HashMap<usize, Vec<usize>> = HashMap::new();
    for (k, e) in graph.edges.iter().enumerate() {
        if e.technique == Technique::AssumeRole {
            out_edges.entry(e.from).or_default().push(k);
        }
    }
    let index: HashMap<&str, usize> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.arn.as_str(), i))
        .collect();
    let mut all_holders: Vec<Holder> = holders.clone();
    let mut rights: Vec<Right> = Vec::new();
    let held: BTreeSet<(String, String)> = holders
        .iter()
        .map(|h| (h.person.clone(), h.principal.clone()))
        .collect();
    for h in &holders {
        let Some(&start) = index.get(h.principal.as_str()) else {
            continue;
        };
        for (role, path) in assumable(&graph, &out_edges, start) {
            let Some(node) = graph.nodes.get(role) else {
                continue;
            };
            if node.kind != PrincipalType::Role
                || held.contains(&(h.person.clone(), node.arn.clone()))
            {
                continue;
            }
            let via = if path.len() == 1 {
                "assume_role"
            } else {
                "transitive"
            };
            let hops: Vec<Value> = path
                .iter()
                .filter_map(|&k| graph.edges.get(k))
                .map(|e| {
                    let steps: Vec<Value> = graph
                        .steps(e)
                        .iter()
                        .map(|s| json!({
                            "action": s.action, "resource": s.resource, "access": s.access,
                            "conditions": s.conditions,
                            "statements": s.via.iter().map(|v| via_json(&texts, v)).collect::<Vec<_>>(),
                        }))
                        .collect();
                    let name = |i: usize| graph.nodes.get(i).map(|n| n.arn.clone()).unwrap_or_default();
                    json!({"from": name(e.from), "to": name(e.to), "access": e.access, "steps": steps})
                })
                .collect();
            let key = (h.person.clone(), node.arn.clone());
            // The shortest way in wins when several principals of the person reach it.
            if how.contains_key(&key) {
                continue;
            }
            how.insert(key, via.to_string());
            rights.push(Right {
                person: h.person.clone(),
                email: h.email.clone(),
                kind: Kind::Role,
                principal: node.arn.clone(),
                right: node.arn.clone(),
                via: via.to_string(),
                phi: false,
                evidence: json!({"path": hops}),
            });
            all_holders.push(Holder {
                person: h.person.clone(),
                email: h.email.clone(),
                principal: node.arn.clone(),
                mapped_by: MappedBy::Assignment,
            });
        }
    }
    notes.extend(graph.notes.iter().cloned());
    // PHI resources reached, by every principal held or assumable.
    let (targets, target_notes) =
        employee::targets(snap, &config.phi.tag_key, &config.phi.tag_value, true);
    notes.extend(target_notes);
    let report = employee::report(model, catalog, &all_holders, &targets, true);
    let mut phi_policies: BTreeSet<String> = BTreeSet::new();
    let mut phi_principals: BTreeSet<(String, String)> = BTreeSet::new();
    for p in &report.people {
        for held in &p.principals {
            for r in &held.resources {
                phi_principals.insert((p.person.clone(), held.arn.clone()));
                phi_policies.extend(vias(r).map(|v| v.policy.to_string()));
                let how = how
                    .get(&(p.person.clone(), held.arn.clone()))
                    .cloned()
                    .unwrap_or_default();
                rights.push(Right {
                    person: p.person.clone(),
                    email: p.email.clone(),
                    kind: Kind::PhiResource,
                    principal: held.arn.clone(),
                    right: r.arn.clone(),
                    via: how,
                    phi: true,
                    evidence: json!({
                        "resource_type": r.kind,
                        "levels": r.levels,
                        "statements": vias(r).map(|v| via_json(&texts, v)).collect::<Vec<_>>(),
                    }),
                });
            }
        }
    }
    user_rights(snap, &holders, &texts, &phi_policies, &mut rights);
    // Roles the person holds directly.
    if let Some(iam) = snap.iam.get() {
        for h in holders.iter().filter(|h| h.principal.contains(":role/")) {
            let Some(r) = iam.roles.iter().find(|r| r.arn == h.principal) else {
                continue;
            };
            let trust = format!("role `{}` trust policy", r.role_name);
            let mut policies: Vec<String> = r
                .attached_managed_policies
                .iter()
                .map(|p| p.policy_arn.clone())
                .collect();
            policies.extend(
                r.role_policy_list
                    .iter()
                    .map(|p| inline_place(&owner("role", &r.role_name), &p.policy_name)),
            );
            rights.push(Right {
                person: h.person.clone(),
                email: h.email.clone(),
                kind: Kind::Role,
                principal: r.arn.clone(),
                right: r.arn.clone(),
                via: mapped(h.mapped_by),
                phi: false,
                evidence: json!({"trust": all_statements(&texts, &trust), "policies": policies}),
            });
        }
    }
    for r in rights.iter_mut().filter(|r| r.kind == Kind::Role) {
        r.phi = phi_principals.contains(&(r.person.clone(), r.principal.clone()));
        if r.email.is_none() {
            r.email = emails.get(&r.person).cloned();
        }
    }
    rights.sort_by(|a, b| (&a.person, a.key()).cmp(&(&b.person, b.key())));
    rights.dedup_by(|a, b| a.key() == b.key());
    built.rights = rights;
    notes.extend(report.notes);
    notes.sort();
    notes.dedup();
    built.notes = notes;
    built
}

fn vias(r: &Reached) -> impl Iterator<Item = &Via> {
    r.levels
        .iter()
        .flat_map(|l| l.grants.iter().flat_map(|g| g.via.iter()))
}

/// Group memberships, attached and inline policies of the people's IAM users.
fn user_rights(
    snap: &Snapshot,
    holders: &[Holder],
    texts: &HashMap<String, &PolicyText>,
    phi_policies: &BTreeSet<String>,
    rights: &mut Vec<Right>,
) {
    let Some(iam) = snap.iam.get() else { return };
    for h in holders.iter().filter(|h| h.principal.contains(":user/")) {
        let Some(u) = iam.users.iter().find(|u| u.arn == h.principal) else {
            continue;
        };
        let mut push = |kind, right: String, via: &str, phi, evidence| {
            rights.push(Right {
                person: h.person.clone(),
                email: h.email.clone(),
                kind,
                principal: u.arn.clone(),
                right,
                via: via.to_string(),
                phi,
                evidence,
            });
        };
        for g in &u.group_list {
            let group = iam.groups.iter().find(|x| &x.group_name == g);
            let mut names: Vec<String> = Vec::new();
            if let Some(group) = group {
                names.extend(
                    group
                        .attached_managed_policies
                        .iter()
                        .map(|p| p.policy_arn.clone()),
                );
                names.extend(
                    group
                        .group_policy_list
                        .iter()
                        .map(|p| inline_place(&owner("group", g), &p.policy_name)),
                );
            }
            let statements: Vec<Value> = names
                .iter()
                .flat_map(|n| all_statements(texts, n))
                .collect();
            let arn = group.map_or_else(|| format!("group/{g}"), |x| x.arn.clone());
            let phi = names.iter().any(|n| phi_policies.contains(n));
            push(
                Kind::Group,
                arn,
                "member",
                phi,
                json!({"group": g, "user": u.user_name, "policies": names, "statements": statements}),
            );
        }
        for p in &u.attached_managed_policies {
            let phi = phi_policies.contains(&p.policy_arn);
            push(
                Kind::Policy,
                p.policy_arn.clone(),
                "attached",
                phi,
                json!({"user": u.user_name, "statements": all_statements(texts, &p.policy_arn)}),
            );
        }
        for p in &u.user_policy_list {
            let name = inline_place(&owner("user", &u.user_name), &p.policy_name);
            let phi = phi_policies.contains(&name);
            push(
                Kind::InlinePolicy,
                name.clone(),
                "inline",
                phi,
                json!({"policy_name": p.policy_name, "user": u.user_name, "statements": all_statements(texts, &name)}),
            );
        }
    }
}
