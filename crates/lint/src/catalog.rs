//! What the linter needs to know about AWS actions, behind one small trait.
//!
//! The rules that check action names, resource ARNs and condition keys ask an
//! [`ActionCatalog`]. phiward's catalog of AWS services (`phiward_catalog`) implements it;
//! [`TableCatalog`] is a small in-memory implementation for tests and for callers that
//! bring their own data. Without a catalog those rules are skipped.

use std::collections::BTreeMap;

use crate::actions::ActionPat;

pub use phiward_catalog::views::key_name_matches;
pub use phiward_catalog::{AccessLevel, KeyBase, KeyType};

/// One resource type an action takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceTypeInfo {
    /// The resource type's name (`object`, `role`, ...).
    pub name: String,
    /// Its ARN format, with `${Placeholders}`
    /// (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
    pub arn_format: String,
    /// Whether the action always takes a resource of this type.
    pub required: bool,
}

/// A condition key and its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionKeyInfo {
    /// The key as AWS lists it, possibly with a placeholder (`aws:RequestTag/${TagKey}`).
    pub name: String,
    /// Its type.
    pub key_type: KeyType,
}

/// What the lint rules ask about AWS actions.
///
/// Actions are named `service:Action` and compare ignoring case; patterns use IAM's
/// wildcards (`s3:Get*`, `iam:?ut*`, `*`) with the service prefix compared exactly.
pub trait ActionCatalog: std::fmt::Debug + Send + Sync {
    /// Whether a service prefix (`s3`, `iam`) exists.
    fn service_exists(&self, prefix: &str) -> bool;

    /// Whether the action exists.
    fn action_exists(&self, action: &str) -> bool;

    /// The actions a pattern names, as `service:Action`.
    fn expand(&self, pattern: &str) -> Vec<String>;

    /// The action's access level, when it exists.
    fn access_level(&self, action: &str) -> Option<AccessLevel>;

    /// The resource types the action takes (empty for actions that only take `*`).
    fn resource_types(&self, action: &str) -> Vec<ResourceTypeInfo>;

    /// The condition keys that apply to the action (its own and its resource types'; not
    /// the global keys).
    fn condition_keys(&self, action: &str) -> Vec<ConditionKeyInfo>;

    /// The type of a global condition key (`aws:SourceIp`, `aws:RequestTag/env`), or
    /// `None` when the key is not global.
    fn global_key(&self, key: &str) -> Option<KeyType>;

    /// Whether the action exists and supports no resource-level permissions (its only
    /// resource is `*`).
    fn wildcard_only(&self, action: &str) -> bool {
        self.action_exists(action) && self.resource_types(action).is_empty()
    }
}

/// phiward's embedded catalog of AWS services.
impl ActionCatalog for phiward_catalog::Catalog {
    fn service_exists(&self, prefix: &str) -> bool {
        self.service(prefix).is_some()
    }

    fn action_exists(&self, action: &str) -> bool {
        self.action(action).is_some()
    }

    fn expand(&self, pattern: &str) -> Vec<String> {
        phiward_catalog::Catalog::expand(self, pattern)
            .iter()
            .map(phiward_catalog::Action::full_name)
            .collect()
    }

    fn access_level(&self, action: &str) -> Option<AccessLevel> {
        self.action(action).map(|a| a.access_level())
    }

    fn resource_types(&self, action: &str) -> Vec<ResourceTypeInfo> {
        let Some(a) = self.action(action) else {
            return Vec::new();
        };
        a.resource_types()
            .flat_map(|(t, required)| {
                t.arn_formats().map(move |f| ResourceTypeInfo {
                    name: t.name().to_string(),
                    arn_format: f.to_string(),
                    required,
                })
            })
            .collect()
    }

    fn condition_keys(&self, action: &str) -> Vec<ConditionKeyInfo> {
        let Some(a) = self.action(action) else {
            return Vec::new();
        };
        a.condition_keys()
            .iter()
            .map(|k| ConditionKeyInfo {
                name: k.name().to_string(),
                // A key without a type in the reference is taken as a string, the
                // type most keys have; the operator rule then stays quiet on strings.
                key_type: k.key_type().unwrap_or(KeyType::one(KeyBase::String)),
            })
            .collect()
    }

    fn global_key(&self, key: &str) -> Option<KeyType> {
        phiward_catalog::GlobalKey::find(key).map(|g| g.key_type)
    }

    fn wildcard_only(&self, action: &str) -> bool {
        self.action(action).is_some_and(|a| a.wildcard_only())
    }
}

/// One action of a [`TableCatalog`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionEntry {
    /// The action's name without the service prefix (`GetObject`).
    pub name: String,
    /// Its access level.
    pub access: AccessLevel,
    /// Its resource types (empty: `*` only).
    pub resource_types: Vec<ResourceTypeInfo>,
    /// Its condition keys (not the global ones).
    pub condition_keys: Vec<ConditionKeyInfo>,
}

/// An in-memory [`ActionCatalog`] built from explicit entries.
#[derive(Clone, Debug, Default)]
pub struct TableCatalog {
    /// Lowercased prefix -> (prefix, lowercased action name -> entry).
    services: BTreeMap<String, (String, BTreeMap<String, ActionEntry>)>,
    global: Vec<ConditionKeyInfo>,
}

impl TableCatalog {
    /// An empty catalog.
    pub fn new() -> TableCatalog {
        TableCatalog::default()
    }

    /// Adds (or replaces) an action of a service, creating the service.
    pub fn add_action(&mut self, service: &str, entry: ActionEntry) -> &mut Self {
        let (_, actions) = self
            .services
            .entry(service.to_lowercase())
            .or_insert_with(|| (service.to_string(), BTreeMap::new()));
        actions.insert(entry.name.to_lowercase(), entry);
        self
    }

    /// Adds a global condition key.
    pub fn add_global_key(&mut self, name: &str, key_type: KeyType) -> &mut Self {
        self.global.push(ConditionKeyInfo {
            name: name.to_string(),
            key_type,
        });
        self
    }

    fn entry(&self, action: &str) -> Option<&ActionEntry> {
        let (service, name) = action.split_once(':')?;
        let (_, actions) = self.services.get(&service.to_lowercase())?;
        actions.get(&name.to_lowercase())
    }
}

impl ActionCatalog for TableCatalog {
    fn service_exists(&self, prefix: &str) -> bool {
        self.services.contains_key(&prefix.to_lowercase())
    }

    fn action_exists(&self, action: &str) -> bool {
        self.entry(action).is_some()
    }

    fn expand(&self, pattern: &str) -> Vec<String> {
        let pat = ActionPat::parse(pattern);
        self.services
            .values()
            .flat_map(|(prefix, actions)| {
                actions
                    .iter()
                    .map(move |(lc, e)| (format!("{}:{lc}", prefix.to_lowercase()), prefix, e))
            })
            .filter(|(lc, _, _)| pat.matches(lc))
            .map(|(_, prefix, e)| format!("{prefix}:{}", e.name))
            .collect()
    }

    fn access_level(&self, action: &str) -> Option<AccessLevel> {
        self.entry(action).map(|e| e.access)
    }

    fn resource_types(&self, action: &str) -> Vec<ResourceTypeInfo> {
        self.entry(action)
            .map(|e| e.resource_types.clone())
            .unwrap_or_default()
    }

    fn condition_keys(&self, action: &str) -> Vec<ConditionKeyInfo> {
        self.entry(action)
            .map(|e| e.condition_keys.clone())
            .unwrap_or_default()
    }

    fn global_key(&self, key: &str) -> Option<KeyType> {
        self.global
            .iter()
            .find(|k| key_name_matches(&k.name, key))
            .map(|k| k.key_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_expands_like_the_engine() {
        let mut t = TableCatalog::new();
        for n in ["GetObject", "GetObjectAcl", "PutObject"] {
            t.add_action(
                "s3",
                ActionEntry {
                    name: n.into(),
                    access: AccessLevel::Read,
                    resource_types: vec![],
                    condition_keys: vec![],
                },
            );
        }
        assert_eq!(t.expand("s3:get*").len(), 2);
        assert_eq!(t.expand("S3:*Object"), vec!["s3:GetObject", "s3:PutObject"]);
        assert_eq!(t.expand("*").len(), 3);
        assert!(t.expand("s3x:*").is_empty());
        assert!(t.action_exists("S3:getobject"));
        assert!(t.wildcard_only("s3:GetObject"));
        assert!(!t.wildcard_only("s3:Nope"));
    }
}
