//! What a decision is asked about: the request and every policy AWS would consult.

use std::sync::Arc;

use crate::arn::Arn;
use crate::context::Context;
use crate::document::{Policy, PolicyKind};
use crate::principal::RequestPrincipal;
use crate::resource::RequestResource;

/// Every policy AWS would consult for one request.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    /// Identity-based policies of the principal (inline, managed, groups).
    pub identity: Vec<Arc<Policy>>,
    /// The resource's policy (bucket policy, key policy, trust policy, ...), shared: access
    /// analysis puts one resource's policy into many principals' sets.
    pub resource: Option<Arc<Policy>>,
    /// The permissions boundary; several documents act as one boundary.
    pub boundary: Vec<Arc<Policy>>,
    /// The session policy of a role or federated-user session.
    pub session: Option<Arc<Policy>>,
    /// SCPs on the principal's account, one entry per organization level, root first.
    pub scps: Vec<Vec<Arc<Policy>>>,
    /// RCPs on the resource's account, one entry per level, root first.
    pub rcps: Vec<Vec<Arc<Policy>>>,
    /// Display names, parallel to the policies (see [`PolicySet::name_policies`]).
    pub(crate) names: Names,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Names {
    pub(crate) identity: Vec<Arc<str>>,
    pub(crate) resource: Option<Arc<str>>,
    pub(crate) boundary: Vec<Arc<str>>,
    pub(crate) session: Option<Arc<str>>,
    pub(crate) scps: Vec<Vec<Arc<str>>>,
    pub(crate) rcps: Vec<Vec<Arc<str>>>,
}

impl PolicySet {
    /// Replaces the resource's policy and its display name, keeping the other policies
    /// and their names: access analysis asks about many resources for one principal.
    pub fn set_resource(&mut self, policy: Option<Arc<Policy>>, name: Option<Arc<str>>) {
        self.names.resource = policy
            .as_ref()
            .map(|_| name.unwrap_or_else(|| Arc::from("resourcePolicy")));
        self.resource = policy;
    }

    /// Names every policy after its place in the case format (`identityPolicies[1]`,
    /// `scps[0][2]`, ...) unless `names` gives a name. Call after filling the set.
    pub fn name_policies(
        &mut self,
        mut custom: impl FnMut(PolicyKind, usize, usize) -> Option<String>,
    ) {
        let mut name = |kind, level: usize, index: usize, default: String| -> Arc<str> {
            custom(kind, level, index).unwrap_or(default).into()
        };
        self.names = Names {
            identity: (0..self.identity.len())
                .map(|i| name(PolicyKind::Identity, 0, i, format!("identityPolicies[{i}]")))
                .collect(),
            resource: self
                .resource
                .as_ref()
                .map(|_| name(PolicyKind::Resource, 0, 0, "resourcePolicy".into())),
            boundary: (0..self.boundary.len())
                .map(|i| {
                    name(
                        PolicyKind::PermissionsBoundary,
                        0,
                        i,
                        format!("permissionBoundaries[{i}]"),
                    )
                })
                .collect(),
            session: self
                .session
                .as_ref()
                .map(|_| name(PolicyKind::Session, 0, 0, "sessionPolicy".into())),
            scps: level_names(&self.scps, PolicyKind::Scp, "scps", &mut name),
            rcps: level_names(&self.rcps, PolicyKind::Rcp, "rcps", &mut name),
        };
    }
}

fn level_names(
    levels: &[Vec<Arc<Policy>>],
    kind: PolicyKind,
    field: &str,
    name: &mut impl FnMut(PolicyKind, usize, usize, String) -> Arc<str>,
) -> Vec<Vec<Arc<str>>> {
    levels
        .iter()
        .enumerate()
        .map(|(l, lv)| {
            (0..lv.len())
                .map(|i| name(kind, l, i, format!("{field}[{l}][{i}]")))
                .collect()
        })
        .collect()
}

/// One authorization request.
#[derive(Clone, Debug)]
pub struct Request {
    /// Who asks.
    pub principal: RequestPrincipal,
    /// The action as given (`s3:GetObject`).
    pub action: String,
    pub(crate) action_lc: String,
    /// Service prefix and action name, lowercased.
    pub(crate) service_lc: String,
    pub(crate) name_lc: String,
    /// The resource ARN, or `*` for actions without resource types.
    pub resource: String,
    pub(crate) resource_parts: RequestResource,
    /// The account that owns the resource, when given.
    pub resource_account: Option<String>,
    /// The complete request context.
    pub context: Context,
}

impl Request {
    /// Builds a request.
    pub fn new(
        principal: RequestPrincipal,
        action: &str,
        resource: &str,
        resource_account: Option<String>,
        context: Context,
    ) -> Request {
        let action_lc = action.to_lowercase();
        let mut it = action_lc.split(':');
        let service_lc = it.next().unwrap_or("").to_string();
        let name_lc = it.next().unwrap_or("").to_string();
        Request {
            principal,
            service_lc,
            name_lc,
            action_lc,
            action: action.to_string(),
            resource_parts: RequestResource::new(resource),
            resource: resource.to_string(),
            resource_account,
            context,
        }
    }

    /// The resource's account: as given, else the ARN's account field, else (S3 and other
    /// ARNs without one, or `*`) the principal's account.
    pub fn effective_resource_account(&self) -> Option<&str> {
        if let Some(a) = self.resource_account.as_deref() {
            return Some(a);
        }
        match Arn::parse(&self.resource) {
            Some(a) if !a.account.is_empty() => Some(a.account),
            _ => self.principal.account.as_deref(),
        }
    }
}
