//! The account as the engine sees it: every principal with the policies AWS consults for
//! its requests, and every resource with its own policy, parsed once.

use std::sync::Arc;

use phiward_policy::{Policy, PolicyKind};
use std::collections::HashMap;

use phiward_snapshot::model::iam::{InlinePolicy, ManagedPolicy, Tag};
use phiward_snapshot::model::org::{OrgParent, OrgPolicy};
use phiward_snapshot::{PolicyText, Snapshot};

/// What kind of principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalType {
    /// An IAM user (with its groups' policies).
    User,
    /// An IAM role (its sessions act with its policies).
    Role,
    /// A principal outside the account: another account, a service, or anyone.
    External,
}

/// A policy with the name findings use for it.
#[derive(Clone, Debug)]
pub struct Named {
    /// "arn:aws:iam::...:policy/PhiRead", "user `alice` inline policy `x`", ...
    pub name: Arc<str>,
    /// The parsed document, shared with the policy sets it is put into.
    pub policy: Arc<Policy>,
}

/// A principal of the account.
#[derive(Clone, Debug)]
pub struct Principal {
    /// The user's or role's ARN.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// User or role.
    pub kind: PrincipalType,
    /// Identity-based policies: inline, attached managed, and (users) the groups'.
    /// Managed policies are parsed once and shared.
    pub identity: Vec<Arc<Named>>,
    /// The permissions boundary, when set.
    pub boundary: Option<Arc<Named>>,
    /// Tags (they become `aws:PrincipalTag/...`).
    pub tags: Vec<Tag>,
    /// Service-linked roles are not subject to SCPs.
    pub service_linked: bool,
}

/// A resource with a resource-based policy.
#[derive(Clone, Debug)]
pub struct Resource {
    /// The resource's ARN (a bucket's `arn:aws:s3:::NAME`; its objects are
    /// `arn:aws:s3:::NAME/...`).
    pub arn: String,
    /// "bucket `phi-records` policy", "role `deploy` trust policy", ...
    pub place: String,
    /// The parsed policy; `None` when the resource has none.
    pub policy: Option<Named>,
    /// The region requests to it go to, when known (`aws:RequestedRegion`).
    pub region: Option<String>,
    /// A role's trust policy, which governs only `sts:` actions on the role.
    pub trust: bool,
}

/// A policy document that could not be used, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Where it lives.
    pub place: String,
    /// Why it was skipped.
    pub reason: String,
}

/// The account, ready for access questions.
#[derive(Clone, Debug)]
pub struct AccessModel {
    /// The account's id, when known: the principals' account.
    pub account: Option<String>,
    /// The account that owns the model's resources when it is not `account`: a model
    /// of one account's principals asking for another account's resources
    /// ([`AccessModel::foreign`]).
    pub resource_account: Option<String>,
    /// The organization the principals' account belongs to (`aws:PrincipalOrgID`), when
    /// known.
    pub principal_org: Option<String>,
    /// Users and roles.
    pub principals: Vec<Principal>,
    /// Resources with (or without) a resource-based policy.
    pub resources: Vec<Resource>,
    /// SCPs per organization level (root first), as far as they could be read.
    pub scps: Vec<Vec<Named>>,
    /// RCPs per organization level.
    pub rcps: Vec<Vec<Named>>,
    /// What the answers cannot account for (SCPs not readable, IAM not collected, ...).
    pub notes: Vec<String>,
    /// Documents that could not be parsed or found, left out of every decision.
    pub skipped: Vec<Skipped>,
    /// Context keys the questions fix (`--context`, `--absent`): decided, not listed as
    /// residual conditions. Empty unless set.
    pub known: crate::known::KnownContext,
    /// Resource ARN -> index in `resources`.
    by_arn: std::collections::HashMap<String, usize>,
    /// Principals by ARN as built (checked on use: `principals` is public).
    principal_at: std::collections::HashMap<String, usize>,
    /// Policies cut to the actions of each batch of questions, made once.
    pub(crate) cuts: crate::cuts::Cuts,
}

fn parse(
    text: &PolicyText,
    kind: PolicyKind,
    place: &str,
    skipped: &mut Vec<Skipped>,
) -> Option<Named> {
    match text.parse(kind) {
        Ok(policy) => Some(Named {
            name: place.into(),
            policy: Arc::new(policy),
        }),
        Err(e) => {
            skipped.push(Skipped {
                place: place.to_string(),
                reason: e.to_string(),
            });
            None
        }
    }
}

impl AccessModel {
    /// Builds the model; documents that do not parse are listed in
    /// [`AccessModel::skipped`] and left out.
    pub fn new(snap: &Snapshot) -> AccessModel {
        let mut m = AccessModel {
            account: snap.account.id.clone(),
            resource_account: None,
            principal_org: None,
            principals: Vec::new(),
            resources: Vec::new(),
            scps: Vec::new(),
            rcps: Vec::new(),
            notes: Vec::new(),
            skipped: Vec::new(),
            known: Default::default(),
            by_arn: std::collections::HashMap::new(),
            principal_at: std::collections::HashMap::new(),
            cuts: Default::default(),
        };
        m.principals_and_roles(snap);
        m.resources(snap);
        m.organization(snap);
        m.index();
        m
    }

    fn index(&mut self) {
        self.by_arn.clear();
        self.principal_at.clear();
        for (i, r) in self.resources.iter().enumerate() {
            self.by_arn.entry(r.arn.clone()).or_insert(i);
        }
        for (i, p) in self.principals.iter().enumerate() {
            self.principal_at.entry(p.arn.clone()).or_insert(i);
        }
    }

    /// The principals of `principals` (with their account's SCPs) asking for the
    /// resources of `resources` (with that account's RCPs): every request is
    /// cross-account, decided with both accounts' policies.
    ///
    /// AWS: IAM User Guide, "Cross-account policy evaluation logic": the identity-based
    /// policies in the trusting account and the resource-based policy in the trusted
    /// account must both allow; SCPs apply to the principal's account ("Service control
    /// policies (SCPs)"), RCPs to the resource's account (Organizations User Guide,
    /// "Resource control policies (RCPs)", "RCP effects on permissions": an RCP limits the
    /// resources of the accounts it is attached to, whoever asks for them).
    pub fn foreign(principals: &Snapshot, resources: &Snapshot) -> AccessModel {
        AccessModel::across(&AccessModel::new(principals), &AccessModel::new(resources))
    }

    /// [`AccessModel::foreign`] from two models already built (an organization's
    /// accounts, each built once): the principals of one, the resources and RCPs of the
    /// other. Policies are shared, not parsed again.
    pub fn across(principals: &AccessModel, resources: &AccessModel) -> AccessModel {
        let mut m = AccessModel {
            account: principals.account.clone(),
            resource_account: resources.account.clone(),
            principal_org: principals.principal_org.clone(),
            principals: principals.principals.clone(),
            resources: resources.resources.clone(),
            scps: principals.scps.clone(),
            rcps: resources.rcps.clone(),
            notes: principals.notes.clone(),
            skipped: principals.skipped.clone(),
            known: principals.known.clone(),
            by_arn: std::collections::HashMap::new(),
            principal_at: std::collections::HashMap::new(),
            cuts: Default::default(),
        };
        m.notes.extend(resources.notes.iter().cloned());
        m.skipped.extend(resources.skipped.iter().cloned());
        m.index();
        m
    }

    /// The account that owns the model's resources.
    pub fn resource_account(&self) -> Option<String> {
        self.resource_account
            .clone()
            .or_else(|| self.account.clone())
    }

    fn principals_and_roles(&mut self, snap: &Snapshot) {
        let Some(iam) = snap.iam.get() else {
            self.notes
                .push("IAM was not collected: no principal of the account is listed".into());
            return;
        };
        let skipped = &mut self.skipped;
        let by_arn: HashMap<&str, &ManagedPolicy> =
            iam.policies.iter().map(|p| (p.arn.as_str(), p)).collect();
        // Each managed policy is parsed once, however many principals it is attached to.
        let mut cache: HashMap<(String, bool), Option<Arc<Named>>> = HashMap::new();
        let mut managed = |arn: &str, boundary: bool, skipped: &mut Vec<Skipped>| {
            cache
                .entry((arn.to_string(), boundary))
                .or_insert_with(|| {
                    let Some(doc) = by_arn.get(arn).and_then(|p| p.default_document()) else {
                        skipped.push(Skipped {
                            place: arn.to_string(),
                            reason: if boundary {
                                "the boundary policy is not in the snapshot; the principal is treated as having no boundary".into()
                            } else {
                                "the managed policy's default version is not in the snapshot".into()
                            },
                        });
                        return None;
                    };
                    let kind = if boundary {
                        PolicyKind::PermissionsBoundary
                    } else {
                        PolicyKind::Identity
                    };
                    parse(doc, kind, arn, skipped).map(Arc::new)
                })
                .clone()
        };
        let inline = |owner: &str, p: &InlinePolicy, skipped: &mut Vec<Skipped>| {
            let place = phiward_snapshot::policies::inline_place(owner, &p.policy_name);
            parse(&p.policy_document, PolicyKind::Identity, &place, skipped).map(Arc::new)
        };
        for u in &iam.users {
            let owner = format!("user `{}`", u.user_name);
            let mut identity: Vec<Arc<Named>> = u
                .user_policy_list
                .iter()
                .filter_map(|p| inline(&owner, p, skipped))
                .collect();
            identity.extend(
                u.attached_managed_policies
                    .iter()
                    .filter_map(|a| managed(&a.policy_arn, false, skipped)),
            );
            for g in &u.group_list {
                let Some(group) = iam.group(g) else {
                    skipped.push(Skipped {
                        place: format!("group `{g}` of user `{}`", u.user_name),
                        reason: "the group is not in the snapshot".into(),
                    });
                    continue;
                };
                let gowner = format!("group `{g}`");
                identity.extend(
                    group
                        .group_policy_list
                        .iter()
                        .filter_map(|p| inline(&gowner, p, skipped)),
                );
                identity.extend(
                    group
                        .attached_managed_policies
                        .iter()
                        .filter_map(|a| managed(&a.policy_arn, false, skipped)),
                );
            }
            self.principals.push(Principal {
                arn: u.arn.clone(),
                name: u.user_name.clone(),
                kind: PrincipalType::User,
                identity,
                boundary: u
                    .permissions_boundary
                    .as_ref()
                    .and_then(|b| managed(&b.permissions_boundary_arn, true, skipped)),
                tags: u.tags.clone(),
                service_linked: false,
            });
        }
        for r in &iam.roles {
            let owner = format!("role `{}`", r.role_name);
            let mut identity: Vec<Arc<Named>> = r
                .role_policy_list
                .iter()
                .filter_map(|p| inline(&owner, p, skipped))
                .collect();
            identity.extend(
                r.attached_managed_policies
                    .iter()
                    .filter_map(|a| managed(&a.policy_arn, false, skipped)),
            );
            self.principals.push(Principal {
                arn: r.arn.clone(),
                name: r.role_name.clone(),
                kind: PrincipalType::Role,
                identity,
                boundary: r
                    .permissions_boundary
                    .as_ref()
                    .and_then(|b| managed(&b.permissions_boundary_arn, true, skipped)),
                tags: r.tags.clone(),
                service_linked: r.is_service_linked(),
            });
            let place = format!("role `{}` trust policy", r.role_name);
            let policy = r
                .assume_role_policy_document
                .as_ref()
                .and_then(|t| parse(t, PolicyKind::Resource, &place, skipped));
            self.resources.push(Resource {
                arn: r.arn.clone(),
                place,
                policy,
                region: None,
                trust: true,
            });
        }
    }

    fn resources(&mut self, snap: &Snapshot) {
        match snap.buckets.get() {
            Some(buckets) => {
                for b in buckets {
                    let place = format!("bucket `{}` policy", b.name);
                    let policy = match b.policy.get() {
                        Some(Some(text)) => {
                            parse(text, PolicyKind::Resource, &place, &mut self.skipped)
                        }
                        Some(None) => None,
                        None => {
                            self.notes.push(format!(
                                "the policy of bucket `{}` was not collected: grants it makes are not listed",
                                b.name
                            ));
                            None
                        }
                    };
                    self.resources.push(Resource {
                        arn: format!("arn:aws:s3:::{}", b.name),
                        place,
                        policy,
                        region: b.region.clone(),
                        trust: false,
                    });
                }
            }
            None => self
                .notes
                .push("S3 buckets were not collected: bucket policies are not considered".into()),
        }
        if let Some(keys) = snap.kms_keys.get() {
            for k in keys {
                let Some(arn) = k.key_arn.clone() else {
                    continue;
                };
                let place = format!("KMS key `{}` policy", k.key_id);
                let policy = k
                    .policy
                    .get()
                    .and_then(|t| parse(t, PolicyKind::Resource, &place, &mut self.skipped));
                let region = arn
                    .split(':')
                    .nth(3)
                    .filter(|r| !r.is_empty())
                    .map(str::to_string);
                self.resources.push(Resource {
                    arn,
                    place,
                    policy,
                    region,
                    trust: false,
                });
            }
        }
    }

    fn organization(&mut self, snap: &Snapshot) {
        let org = match snap.organization.get() {
            None => {
                self.notes.push(
                    "AWS Organizations was not readable: SCPs and RCPs that may restrict these principals are not considered".into(),
                );
                return;
            }
            Some(None) => return,
            Some(Some(org)) => org,
        };
        // AWS: IAM User Guide, "AWS global condition context keys", `aws:PrincipalOrgID`:
        // the organization of the requesting principal's account.
        self.principal_org = Some(org.organization.id.clone()).filter(|id| !id.is_empty());
        // AWS: Organizations User Guide, "Service control policies (SCPs)": "SCPs don't
        // affect users or roles in the management account"; "Resource control policies
        // (RCPs)": "RCPs don't affect resources in the management account".
        if org.organization.master_account_id.is_some()
            && org.organization.master_account_id == self.account
        {
            self.notes.push(
                "this is the organization's management account: SCPs and RCPs do not apply to it"
                    .into(),
            );
            return;
        }
        let mut path: Vec<String> = org
            .ou_path
            .get()
            .map(|p| {
                let mut p: Vec<&OrgParent> = p.iter().collect();
                p.sort_by_key(|x| x.parent_type != "ROOT");
                p.into_iter().map(|x| x.id.clone()).collect()
            })
            .unwrap_or_default();
        path.extend(self.account.clone());
        self.scps = self.levels(org.scps.get(), "SCP", PolicyKind::Scp, &path);
        self.rcps = self.levels(org.rcps.get(), "RCP", PolicyKind::Rcp, &path);
    }

    /// AWS: Organizations User Guide, "SCP evaluation": at every level from the root to
    /// the account, some attached SCP must allow. With the attachment targets and the OU
    /// path, each level gets its own policies; without them all readable policies form one
    /// level, which keeps every deny but may count an allow from another level.
    fn levels(
        &mut self,
        list: Option<&Vec<OrgPolicy>>,
        what: &str,
        kind: PolicyKind,
        path: &[String],
    ) -> Vec<Vec<Named>> {
        let Some(list) = list else {
            self.notes.push(format!(
                "{what}s were not readable: they are not considered"
            ));
            return Vec::new();
        };
        let mut parsed: Vec<(Named, Option<&Vec<String>>)> = Vec::new();
        for p in list {
            // AWS: Organizations User Guide, "RCPFullAWSAccess": the AWS-managed RCP that
            // is attached everywhere; the engine applies it implicitly, and as a customer
            // RCP its Allow would be invalid.
            if kind == PolicyKind::Rcp && p.aws_managed {
                continue;
            }
            let place = format!("{what} `{}`", p.name);
            match p.content.get() {
                Some(t) => {
                    if let Some(n) = parse(t, kind, &place, &mut self.skipped) {
                        parsed.push((n, p.targets.as_ref()));
                    }
                }
                None => self
                    .notes
                    .push(format!("the content of {place} was not readable")),
            }
        }
        if parsed.is_empty() {
            return Vec::new();
        }
        let targeted = !path.is_empty() && parsed.iter().all(|(_, t)| t.is_some());
        if !targeted {
            self.notes.push(format!(
                "{what} attachments per level are unknown: all readable {what}s are taken as one level"
            ));
            return vec![parsed.into_iter().map(|(n, _)| n).collect()];
        }
        path.iter()
            .map(|id| {
                parsed
                    .iter()
                    .filter(|(_, t)| t.is_some_and(|t| t.contains(id)))
                    .map(|(n, _)| n.clone())
                    .collect::<Vec<_>>()
            })
            .filter(|level| !level.is_empty())
            .collect()
    }

    /// The principal with this ARN or name.
    pub fn principal(&self, arn_or_name: &str) -> Option<&Principal> {
        let indexed = self
            .principal_at
            .get(arn_or_name)
            .and_then(|&i| self.principals.get(i))
            .filter(|p| p.arn == arn_or_name);
        if indexed.is_some() {
            return indexed;
        }
        self.principals
            .iter()
            .find(|p| p.arn == arn_or_name)
            .or_else(|| self.principals.iter().find(|p| p.name == arn_or_name))
    }

    /// The resource whose policy governs `action` on `arn`: as [`AccessModel::resource_for`],
    /// but a role's trust policy only for `sts:` actions (AWS: IAM User Guide, "Role
    /// trust policies": they say who may assume the role; `iam:` actions on the role are
    /// governed by identity policies alone).
    pub fn resource_for_action(&self, arn: &str, action: &str) -> Option<&Resource> {
        self.resource_for(arn).filter(|r| {
            !r.trust
                || action
                    .get(..4)
                    .is_some_and(|p| p.eq_ignore_ascii_case("sts:"))
        })
    }

    /// The resource whose policy governs `arn`: the resource itself, or for an S3 object
    /// its bucket.
    pub fn resource_for(&self, arn: &str) -> Option<&Resource> {
        let at = |a: &str| self.by_arn.get(a).and_then(|&i| self.resources.get(i));
        if let Some(r) = at(arn) {
            return Some(r);
        }
        let rest = arn.strip_prefix("arn:aws:s3:::")?;
        let bucket = rest.split('/').next()?;
        at(&format!("arn:aws:s3:::{bucket}"))
    }
}
