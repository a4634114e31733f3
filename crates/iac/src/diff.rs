//! "No new access": the audit's access questions asked of the account before and after
//! the change (new administrators, escalation paths, PHI readers, cross-account and public
//! access, ways to stop logging), each new answer located at the template statement that
//! grants it. Like IAM Access Analyzer's `CheckNoNewAccess`, but over the effective
//! access of the whole account: boundaries, SCPs, resource policies and group
//! memberships all count.

use std::collections::{BTreeSet, HashMap, HashSet};

use phiward_access::{shortest_paths, AccessModel, PrincipalType, Via};
use phiward_checks::Audit;

use crate::doc::{Doc, Origin};
use crate::finding::Finding;
use crate::rules::{finding, locate};

/// Where to report a new access: the template statement granting it, else the template
/// resource that made the principal, else the first file given.
struct Locator<'a> {
    docs: &'a HashMap<&'a str, &'a Doc>,
    origins: &'a HashMap<String, Origin>,
    fallback: Origin,
}

impl Locator<'_> {
    /// The first of `via` written in a template, else the first of `arns` a template
    /// makes; the detail names the granting statements outside the templates too.
    fn place(&self, via: &[Via], arns: &[&str]) -> (Origin, Vec<String>, Vec<String>) {
        if let Some((o, u, stmt)) = locate(via, self.docs) {
            return (o, u, vec![stmt]);
        }
        let o = arns
            .iter()
            .find_map(|a| self.origins.get(*a))
            .cloned()
            .unwrap_or_else(|| self.fallback.clone());
        let detail = via
            .iter()
            .take(3)
            .map(|v| {
                let whose = if v.policy.contains(":iam::aws:policy/") {
                    "AWS managed"
                } else {
                    "not in the templates"
                };
                format!(
                    "granted by statement {} of {} ({whose})",
                    v.statement, v.policy
                )
            })
            .collect();
        (o, Vec::new(), detail)
    }
}

fn admins(a: &Audit<'_>) -> HashSet<String> {
    a.access
        .principals
        .iter()
        .zip(a.admins())
        .filter(|(_, s)| s.is_some())
        .map(|(p, _)| p.arn.clone())
        .collect()
}

/// Principals (by ARN) with a path to an administrator, and the path's steps.
fn escalations(a: &Audit<'_>) -> Vec<(String, Vec<phiward_access::Edge>, String)> {
    let g = a.graph();
    let targets: Vec<usize> = (0..g.nodes.len())
        .filter(|&i| g.nodes.get(i).is_some_and(|n| n.admin))
        .collect();
    shortest_paths(g, None, &targets)
        .into_iter()
        .filter_map(|p| {
            let from = g.nodes.get(p.from)?;
            if from.admin {
                return None;
            }
            let edges: Vec<_> = p
                .edges
                .iter()
                .filter_map(|&k| g.edges.get(k).cloned())
                .collect();
            let to = g.nodes.get(p.to).map(|n| n.arn.clone()).unwrap_or_default();
            Some((from.arn.clone(), edges, to))
        })
        .collect()
}

fn technique(t: phiward_access::Technique) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Who (by ARN) can do any of `actions` on `resource`, with the statements granting it.
fn who(m: &AccessModel, actions: &[&str], resource: &str) -> HashMap<String, Vec<Via>> {
    let actions: Vec<String> = actions.iter().map(|s| s.to_string()).collect();
    let pattern = actions.join(",");
    phiward_access::who_can(m, &pattern, &actions, resource)
        .principals
        .into_iter()
        .map(|g| (g.arn, g.via))
        .collect()
}

fn external(m: &AccessModel, actions: &[&str], resource: &str) -> HashMap<String, Vec<Via>> {
    let actions: Vec<String> = actions.iter().map(|s| s.to_string()).collect();
    phiward_access::who_can_external(m, &actions, resource)
        .into_iter()
        // Service principals act for this account's resources, not for another account.
        .filter(|g| !g.arn.ends_with(".amazonaws.com") && !g.arn.ends_with(".amazonaws.com.cn"))
        .map(|g| (g.arn, g.via))
        .collect()
}

/// The new access of `after` over `before`. Cross-account access follows AWS: IAM User
/// Guide, "Cross-account policy evaluation logic" (the resource policy must admit the
/// other account's principal); logging follows CloudTrail User Guide, "Security best
/// practices in AWS CloudTrail" (who may stop, delete or change trails and their bucket).
pub fn diff(
    before: &Audit<'_>,
    after: &Audit<'_>,
    docs: &HashMap<&str, &Doc>,
    origins: &HashMap<String, Origin>,
    fallback: Origin,
) -> Vec<Finding> {
    let loc = Locator {
        docs,
        origins,
        fallback,
    };
    let mut out = Vec::new();
    // New administrators.
    let was = admins(before);
    let now_admins = admins(after);
    for (p, s) in after.access.principals.iter().zip(after.admins()) {
        let Some(step) = s else { continue };
        if was.contains(&p.arn) {
            continue;
        }
        let (o, u, d) = loc.place(&step.via, &[&p.arn]);
        let mut f = finding(
            "PW501",
            &o,
            format!(
                "`{}` becomes administrator-equivalent: it may `{}` on `{}`",
                p.arn, step.action, step.resource
            ),
        );
        f.detail = d;
        f.depends_on = u;
        out.push(f);
    }
    // New escalation paths.
    let had: HashSet<String> = escalations(before)
        .into_iter()
        .map(|(from, _, _)| from)
        .collect();
    let g = after.graph();
    for (from, edges, to) in escalations(after) {
        if had.contains(&from) || was.contains(&from) {
            continue;
        }
        let mut steps = Vec::new();
        let mut placed = None;
        for e in &edges {
            let name = |i: usize| g.nodes.get(i).map(|n| n.arn.clone()).unwrap_or_default();
            steps.push(format!(
                "{} -[{}]-> {}",
                name(e.from),
                technique(e.technique),
                name(e.to)
            ));
            if placed.is_none() {
                for s in g.steps(e) {
                    if let Some(found) = locate(&s.via, docs) {
                        steps.push(format!("  `{}` on `{}`: {}", s.action, s.resource, found.2));
                        placed = Some(found);
                        break;
                    }
                }
            }
        }
        let (o, u) = match placed {
            Some((o, u, _)) => (o, u),
            None => {
                let to_arn = to.as_str();
                let (o, u, _) = loc.place(&[], &[&from, to_arn]);
                (o, u)
            }
        };
        let mut f = finding(
            "PW502",
            &o,
            format!(
                "`{from}` can become administrator `{to}` in {} step(s)",
                edges.len()
            ),
        );
        f.detail = steps;
        f.depends_on = u;
        out.push(f);
    }
    // New principals reaching PHI, other than the approved readers and new administrators.
    let approved = |arn: &str| {
        let Some(p) = after.access.principal(arn) else {
            return false;
        };
        let groups = after
            .user(arn)
            .map(|u| u.group_list.clone())
            .unwrap_or_default();
        phiward_checks::Config::names(&after.config.phi.approved, &p.name, arn, &groups)
    };
    out.extend(phi(before, after, &now_admins, &approved, &loc));
    // New cross-account or public access to resources the change writes policies for.
    for r in after.access.resources.iter() {
        let Some(policy) = &r.policy else { continue };
        if !docs.contains_key(&*policy.name) {
            continue;
        }
        let (actions, resource): (&[&str], String) = if r.trust {
            (&["sts:AssumeRole"], r.arn.clone())
        } else if r.arn.starts_with("arn:aws:s3:::") {
            (
                &["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                format!("{}/*", r.arn),
            )
        } else if r.arn.contains(":kms:") {
            (
                &["kms:Decrypt", "kms:Encrypt", "kms:PutKeyPolicy"],
                r.arn.clone(),
            )
        } else {
            continue;
        };
        let old = external(before.access, actions, &resource);
        let mut new: Vec<(String, Vec<Via>)> = external(after.access, actions, &resource)
            .into_iter()
            .filter(|(a, _)| !old.contains_key(a))
            .collect();
        new.sort_by(|a, b| a.0.cmp(&b.0));
        for (arn, via) in new {
            let (o, u, d) = loc.place(&via, &[&r.arn]);
            let who = if arn == "*" || arn == "anonymous" {
                "everyone (public)".to_string()
            } else {
                format!("`{arn}`")
            };
            let mut f = finding(
                "PW504",
                &o,
                format!(
                    "{who} outside the account gains access to `{}` ({})",
                    r.arn, r.place
                ),
            );
            f.detail = d;
            f.depends_on = u;
            out.push(f);
        }
    }
    // New ways to stop or erase audit logging.
    out.extend(logging(before, after, &now_admins, &loc));
    out
}

/// New readers of PHI buckets: every bucket decided at once for every principal of the
/// account (`phiward_access::Each`), grants built only for the new readers; principals
/// outside the account for buckets whose policy the change writes.
fn phi(
    before: &Audit<'_>,
    after: &Audit<'_>,
    admins: &HashSet<String>,
    approved: &dyn Fn(&str) -> bool,
    loc: &Locator<'_>,
) -> Vec<Finding> {
    let read = vec!["s3:GetObject".to_string()];
    let names: Vec<String> = phiward_checks::phi_buckets(after)
        .unwrap_or_default()
        .iter()
        .map(|b| b.name.clone())
        .collect();
    let existed: HashSet<String> = phiward_checks::phi_buckets(before)
        .unwrap_or_default()
        .iter()
        .map(|b| b.name.clone())
        .collect();
    let objects: Vec<String> = names
        .iter()
        .map(|n| format!("arn:aws:s3:::{n}/*"))
        .collect();
    let old_names: Vec<&String> = names.iter().filter(|n| existed.contains(*n)).collect();
    let old_objects: Vec<String> = old_names
        .iter()
        .map(|n| format!("arn:aws:s3:::{n}/*"))
        .collect();
    let now = phiward_access::Each::new(after.access, &read, &objects);
    let was = phiward_access::Each::new(before.access, &read, &old_objects);
    let mut readers_before: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (i, list) in was.grantees.iter().enumerate() {
        let Some(name) = old_names.get(i) else {
            continue;
        };
        let set = readers_before.entry(name.as_str()).or_default();
        for g in list {
            if let Some(p) = was.principal(g) {
                set.insert(p.arn.as_str());
            }
        }
    }
    let empty = HashSet::new();
    let mut out = Vec::new();
    for (i, (name, object)) in names.iter().zip(&objects).enumerate() {
        let old = readers_before.get(name.as_str()).unwrap_or(&empty);
        let bucket_arn = format!("arn:aws:s3:::{name}");
        let mut new: Vec<(String, Vec<Via>)> = Vec::new();
        for g in now.grantees.get(i).map(Vec::as_slice).unwrap_or(&[]) {
            let Some(p) = now.principal(g) else { continue };
            if old.contains(p.arn.as_str()) || admins.contains(&p.arn) || approved(&p.arn) {
                continue;
            }
            if let Some(grant) = now.grant(i, g) {
                new.push((p.arn.clone(), grant.via));
            }
        }
        let written = after
            .access
            .resource_for(&bucket_arn)
            .and_then(|r| r.policy.as_ref())
            .is_some_and(|n| loc.docs.contains_key(&*n.name));
        if written {
            let before_ext = external(before.access, &["s3:GetObject"], object);
            new.extend(
                external(after.access, &["s3:GetObject"], object)
                    .into_iter()
                    .filter(|(a, _)| !before_ext.contains_key(a)),
            );
        }
        new.sort_by(|a, b| a.0.cmp(&b.0));
        for (arn, via) in new {
            let (o, u, d) = loc.place(&via, &[&arn, &bucket_arn]);
            let mut f = finding(
                "PW503",
                &o,
                format!("`{arn}` can read PHI in bucket `{name}` (`s3:GetObject`)"),
            );
            f.detail = d;
            f.depends_on = u;
            out.push(f);
        }
    }
    out
}

fn logging(
    before: &Audit<'_>,
    after: &Audit<'_>,
    admins: &HashSet<String>,
    loc: &Locator<'_>,
) -> Vec<Finding> {
    let account = after.access.account.clone().unwrap_or_default();
    let mut targets: Vec<(String, &[&str])> = Vec::new();
    const TRAIL: &[&str] = &[
        "cloudtrail:StopLogging",
        "cloudtrail:DeleteTrail",
        "cloudtrail:UpdateTrail",
        "cloudtrail:PutEventSelectors",
    ];
    const BUCKET: &[&str] = &[
        "s3:DeleteObject",
        "s3:PutBucketPolicy",
        "s3:PutLifecycleConfiguration",
        "s3:DeleteBucket",
    ];
    match after.snapshot.trails.get() {
        Some(trails) if !trails.is_empty() => {
            for t in trails {
                targets.push((t.trail_arn.clone(), TRAIL));
                if let Some(b) = &t.s3_bucket_name {
                    targets.push((format!("arn:aws:s3:::{b}/*"), BUCKET));
                }
            }
        }
        // No trail known: ask about a stand-in trail of the account.
        _ => targets.push((
            format!("arn:aws:cloudtrail:us-east-1:{account}:trail/phiward-any-trail"),
            TRAIL,
        )),
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for (resource, actions) in targets {
        let old = who(before.access, actions, &resource);
        for (arn, via) in who(after.access, actions, &resource) {
            if old.contains_key(&arn) || admins.contains(&arn) || !seen.insert(arn.clone()) {
                continue;
            }
            if after
                .access
                .principal(&arn)
                .is_some_and(|p| p.service_linked || p.kind == PrincipalType::External)
            {
                continue;
            }
            let (o, u, d) = loc.place(&via, &[&arn]);
            let mut f = finding(
                "PW505",
                &o,
                format!(
                    "`{arn}` can stop or erase audit logging ({} on `{resource}`)",
                    actions.join(", ")
                ),
            );
            f.detail = d;
            f.depends_on = u;
            out.push(f);
        }
    }
    out
}
