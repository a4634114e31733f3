//! Access per employee: for each person (see [`crate::people`]), the resources each
//! principal they hold can reach, grouped by access level, with the reach, the conditions
//! and the statements behind each grant. The input to recertification campaigns.
//!
//! Every answer is the engine's, as [`crate::who_can_each`] would give it: one pass per
//! action, deciding every resource of the action's kind for every human principal at
//! once (in parallel over principals, asking only the pairs some identity statement or
//! the resource's policy could grant, see `each.rs`), then pivoted by person. Asking about every S3 action on every bucket would multiply the work by ~150
//! for little insight, so each resource kind has a fixed set of actions that stands for
//! its access levels ([`S3_BUCKET_ACTIONS`], [`S3_OBJECT_ACTIONS`], [`KMS_ACTIONS`]): what
//! reads, writes, lists, retags or re-permissions the data. Their levels come from the
//! catalog.

use std::collections::{BTreeMap, HashMap, HashSet};

use phiward_catalog::{AccessLevel, Catalog};
use phiward_snapshot::Snapshot;
use serde::Serialize;

use crate::each::decide_each;
use crate::model::{AccessModel, PrincipalType};
use crate::people::{Holder, MappedBy};
use crate::query::{Condition, Reach, Via};

/// The JSON report's schema version (`docs/access.md`).
pub const SCHEMA_VERSION: u32 = 1;

/// Actions asked about on a bucket itself (`arn:aws:s3:::NAME`).
pub const S3_BUCKET_ACTIONS: &[&str] = &[
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:GetBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketTagging",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
    "s3:DeleteBucket",
];

/// Actions asked about on a bucket's objects (`arn:aws:s3:::NAME/*`).
pub const S3_OBJECT_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectAcl",
    "s3:PutObjectTagging",
    "s3:BypassGovernanceRetention",
];

/// Actions asked about on a KMS key.
pub const KMS_ACTIONS: &[&str] = &[
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:ReEncryptFrom",
    "kms:DescribeKey",
    "kms:CreateGrant",
    "kms:PutKeyPolicy",
    "kms:DisableKey",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
];

/// The order levels are listed in: what exposes PHI first.
const LEVELS: [AccessLevel; 5] = [
    AccessLevel::Read,
    AccessLevel::Write,
    AccessLevel::List,
    AccessLevel::Tagging,
    AccessLevel::PermissionsManagement,
];

/// What kind of resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// An S3 bucket and its objects.
    S3Bucket,
    /// A KMS key.
    KmsKey,
}

/// A resource the report asks about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Target {
    /// The bucket's or key's ARN.
    pub arn: String,
    /// Bucket or key.
    #[serde(rename = "type")]
    pub kind: ResourceKind,
    /// Whether it holds or protects PHI.
    pub phi: bool,
}

/// Which resources hold PHI: buckets tagged `tag_key=tag_value` (case-insensitive; a
/// bucket whose tags were not collected counts, so that it is reported rather than
/// missed), and the KMS keys their default encryption names. With `phi_only` false, every
/// bucket and key is listed, PHI or not. Notes say what could not be known.
pub fn targets(
    snap: &Snapshot,
    tag_key: &str,
    tag_value: &str,
    phi_only: bool,
) -> (Vec<Target>, Vec<String>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let mut phi_keys: HashSet<String> = HashSet::new();
    for b in snap.buckets.get().into_iter().flatten() {
        let phi = match b.tags.get() {
            Some(tags) => tags.iter().any(|t| {
                t.key.eq_ignore_ascii_case(tag_key) && t.value.eq_ignore_ascii_case(tag_value)
            }),
            None => {
                notes.push(format!(
                    "the tags of bucket `{}` were not collected: it is treated as holding PHI",
                    b.name
                ));
                true
            }
        };
        if phi {
            // A key id or ARN; the id is what both share.
            phi_keys.extend(
                b.default_kms_keys()
                    .map(|k| k.rsplit('/').next().unwrap_or(k).to_string()),
            );
        }
        if phi || !phi_only {
            out.push(Target {
                arn: format!("arn:aws:s3:::{}", b.name),
                kind: ResourceKind::S3Bucket,
                phi,
            });
        }
    }
    for k in snap.kms_keys.get().into_iter().flatten() {
        let Some(arn) = &k.key_arn else { continue };
        let phi = phi_keys.contains(&k.key_id);
        if phi || !phi_only {
            out.push(Target {
                arn: arn.clone(),
                kind: ResourceKind::KmsKey,
                phi,
            });
        }
    }
    out.sort();
    (out, notes)
}

/// Actions with the same reach, conditions and statements, at one access level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LevelGrant {
    /// The actions, sorted.
    pub actions: Vec<String>,
    /// Allowed or conditional.
    pub access: Reach,
    /// The conditions, when conditional.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// The Allow statements behind it.
    pub via: Vec<Via>,
}

/// The grants at one access level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Level {
    /// `Read`, `Write`, `List`, `Tagging`, `Permissions management` (the catalog's names),
    /// or `Unknown` for an action the catalog lacks.
    pub level: &'static str,
    /// Allowed grants first.
    pub grants: Vec<LevelGrant>,
}

/// A resource a principal can reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reached {
    /// The bucket's or key's ARN.
    pub arn: String,
    /// Bucket or key.
    #[serde(rename = "type")]
    pub kind: ResourceKind,
    /// Whether it holds or protects PHI.
    pub phi: bool,
    /// By access level, in the order Read, Write, List, Tagging, Permissions management.
    pub levels: Vec<Level>,
}

/// A principal a person holds, with what it reaches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Held {
    /// The IAM user or role ARN.
    pub arn: String,
    /// User or role.
    #[serde(rename = "type")]
    pub kind: PrincipalType,
    /// How it was tied to the person.
    pub mapped_by: MappedBy,
    /// The resources it reaches, by ARN.
    pub resources: Vec<Reached>,
}

/// One person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The person.
    pub person: String,
    /// Their e-mail, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The principals they hold, by ARN.
    pub principals: Vec<Held>,
}

/// The report.
#[derive(Clone, Debug, Serialize)]
pub struct AccessReport {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The account, when known.
    pub account: Option<String>,
    /// Whether only PHI resources were asked about.
    pub phi_only: bool,
    /// Every resource asked about.
    pub resources: Vec<Target>,
    /// Every person, sorted; each person's principals and resources sorted by ARN.
    pub people: Vec<Person>,
    /// What the answers cannot account for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The actions asked about for a resource kind: `(action, on objects)`.
pub fn actions_for(kind: ResourceKind) -> Vec<(&'static str, bool)> {
    match kind {
        ResourceKind::S3Bucket => S3_BUCKET_ACTIONS
            .iter()
            .map(|a| (*a, false))
            .chain(S3_OBJECT_ACTIONS.iter().map(|a| (*a, true)))
            .collect(),
        ResourceKind::KmsKey => KMS_ACTIONS.iter().map(|a| (*a, false)).collect(),
    }
}

fn level_of(catalog: &Catalog, action: &str) -> &'static str {
    catalog
        .action(action)
        .map_or("Unknown", |a| a.access_level().as_str())
}

fn level_rank(level: &str) -> usize {
    LEVELS
        .iter()
        .position(|l| l.as_str() == level)
        .unwrap_or(LEVELS.len())
}

/// One decided action of a principal on a resource.
struct Hit {
    action: &'static str,
    access: Reach,
    conditions: Vec<Condition>,
    via: Vec<Via>,
}

/// Builds the report: decides every action of [`actions_for`] on every target for every
/// principal some person holds, and pivots the answers by person.
pub fn report(
    m: &AccessModel,
    catalog: &Catalog,
    holders: &[Holder],
    targets: &[Target],
    phi_only: bool,
) -> AccessReport {
    let wanted: HashSet<&str> = holders.iter().map(|h| h.principal.as_str()).collect();
    // Only people's principals are decided: services and automation are most of a large
    // account and none of this report's business.
    let mut humans = m.clone();
    humans
        .principals
        .retain(|p| wanted.contains(p.arn.as_str()));
    let kinds: HashMap<&str, PrincipalType> = humans
        .principals
        .iter()
        .map(|p| (p.arn.as_str(), p.kind))
        .collect();
    let mut asked: BTreeMap<(&'static str, bool), Vec<usize>> = BTreeMap::new();
    for (i, t) in targets.iter().enumerate() {
        for key in actions_for(t.kind) {
            asked.entry(key).or_default().push(i);
        }
    }
    let mut hits: HashMap<(String, usize), Vec<Hit>> = HashMap::new();
    for ((action, objects), idx) in &asked {
        let resources: Vec<String> = idx
            .iter()
            .filter_map(|&i| targets.get(i))
            .map(|t| {
                if *objects {
                    format!("{}/*", t.arn)
                } else {
                    t.arn.clone()
                }
            })
            .collect();
        for (pi, i, d) in decide_each(&humans, action, &resources) {
            let (Some(p), Some(&i)) = (humans.principals.get(pi), idx.get(i)) else {
                continue;
            };
            hits.entry((p.arn.clone(), i)).or_default().push(Hit {
                action,
                access: d.reach,
                conditions: d.conditions,
                via: d.via,
            });
        }
    }
    let mut by_principal: HashMap<String, Vec<(usize, Vec<Hit>)>> = HashMap::new();
    for ((arn, i), h) in hits {
        by_principal.entry(arn).or_default().push((i, h));
    }
    let mut people: BTreeMap<&str, Person> = BTreeMap::new();
    for h in holders {
        let Some(&kind) = kinds.get(h.principal.as_str()) else {
            continue;
        };
        let mut resources: Vec<Reached> = by_principal
            .get(&h.principal)
            .into_iter()
            .flatten()
            .filter_map(|(i, hits)| {
                let t = targets.get(*i)?;
                Some(Reached {
                    arn: t.arn.clone(),
                    kind: t.kind,
                    phi: t.phi,
                    levels: levels(catalog, hits),
                })
            })
            .collect();
        resources.sort_by(|a, b| a.arn.cmp(&b.arn));
        let p = people.entry(&h.person).or_insert_with(|| Person {
            person: h.person.clone(),
            email: None,
            principals: Vec::new(),
        });
        if p.email.is_none() {
            p.email.clone_from(&h.email);
        }
        p.principals.push(Held {
            arn: h.principal.clone(),
            kind,
            mapped_by: h.mapped_by,
            resources,
        });
    }
    let mut people: Vec<Person> = people.into_values().collect();
    for p in &mut people {
        p.principals.sort_by(|a, b| a.arn.cmp(&b.arn));
        p.principals.dedup_by(|a, b| a.arn == b.arn);
    }
    AccessReport {
        schema_version: SCHEMA_VERSION,
        account: m.account.clone(),
        phi_only,
        resources: targets.to_vec(),
        people,
        notes: m.notes.clone(),
    }
}

/// Groups one principal's decided actions on one resource by level, then by identical
/// reach, conditions and statements.
fn levels(catalog: &Catalog, hits: &[Hit]) -> Vec<Level> {
    let mut by_level: BTreeMap<(usize, &'static str), Vec<LevelGrant>> = BTreeMap::new();
    for h in hits {
        let level = level_of(catalog, h.action);
        let grants = by_level.entry((level_rank(level), level)).or_default();
        match grants
            .iter_mut()
            .find(|g| g.access == h.access && g.conditions == h.conditions && g.via == h.via)
        {
            Some(g) => g.actions.push(h.action.to_string()),
            None => grants.push(LevelGrant {
                actions: vec![h.action.to_string()],
                access: h.access,
                conditions: h.conditions.clone(),
                via: h.via.clone(),
            }),
        }
    }
    by_level
        .into_iter()
        .map(|((_, level), mut grants)| {
            for g in &mut grants {
                g.actions.sort();
            }
            grants.sort_by(|a, b| (a.access, &a.actions).cmp(&(b.access, &b.actions)));
            Level { level, grants }
        })
        .collect()
}

/// One line of the flat view (CSV, HTML): a grant's statement, or the grant itself when
/// no statement is recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row<'a> {
    /// The person.
    pub person: &'a str,
    /// Their e-mail.
    pub email: Option<&'a str>,
    /// The principal's ARN.
    pub principal: &'a str,
    /// User or role.
    pub principal_type: PrincipalType,
    /// How the principal was tied to the person.
    pub mapped_by: MappedBy,
    /// The resource's ARN.
    pub resource: &'a str,
    /// Bucket or key.
    pub resource_type: ResourceKind,
    /// Whether it holds PHI.
    pub phi: bool,
    /// The access level.
    pub level: &'static str,
    /// The actions.
    pub actions: &'a [String],
    /// Allowed or conditional.
    pub access: Reach,
    /// The conditions.
    pub conditions: &'a [Condition],
    /// The statement, when recorded.
    pub via: Option<&'a Via>,
}

impl AccessReport {
    /// The report flattened: one row per (person, principal, resource, level, grant,
    /// statement), in the report's order.
    pub fn rows(&self) -> Vec<Row<'_>> {
        let mut out = Vec::new();
        for p in &self.people {
            for h in &p.principals {
                for r in &h.resources {
                    for l in &r.levels {
                        for g in &l.grants {
                            let row = |via| Row {
                                person: &p.person,
                                email: p.email.as_deref(),
                                principal: &h.arn,
                                principal_type: h.kind,
                                mapped_by: h.mapped_by,
                                resource: &r.arn,
                                resource_type: r.kind,
                                phi: r.phi,
                                level: l.level,
                                actions: &g.actions,
                                access: g.access,
                                conditions: &g.conditions,
                                via,
                            };
                            if g.via.is_empty() {
                                out.push(row(None));
                            }
                            out.extend(g.via.iter().map(|v| row(Some(v))));
                        }
                    }
                }
            }
        }
        out
    }
}
