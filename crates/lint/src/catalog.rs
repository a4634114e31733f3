//! What the linter asks about AWS actions, answered by phiward's catalog of AWS services
//! (`phiward_catalog`). Without a catalog the rules that need one are skipped.

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

/// The catalog as the rules read it: action names compare ignoring case, patterns with
/// IAM's wildcards, expanded by the engine's matcher.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Known<'a>(pub(crate) &'a phiward_catalog::Catalog);

impl Known<'_> {
    pub(crate) fn service_exists(&self, prefix: &str) -> bool {
        self.0.service(prefix).is_some()
    }

    pub(crate) fn action_exists(&self, action: &str) -> bool {
        self.0.action(action).is_some()
    }

    pub(crate) fn expand(&self, pattern: &str) -> Vec<String> {
        self.0
            .expand(pattern)
            .iter()
            .map(phiward_catalog::Action::full_name)
            .collect()
    }

    pub(crate) fn access_level(&self, action: &str) -> Option<AccessLevel> {
        self.0.action(action).map(|a| a.access_level())
    }

    pub(crate) fn resource_types(&self, action: &str) -> Vec<ResourceTypeInfo> {
        let Some(a) = self.0.action(action) else {
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

    pub(crate) fn condition_keys(&self, action: &str) -> Vec<ConditionKeyInfo> {
        let Some(a) = self.0.action(action) else {
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

    pub(crate) fn global_key(&self, key: &str) -> Option<KeyType> {
        phiward_catalog::GlobalKey::find(key).map(|g| g.key_type)
    }

    pub(crate) fn wildcard_only(&self, action: &str) -> bool {
        self.0.action(action).is_some_and(|a| a.wildcard_only())
    }
}
