//! The request context: condition keys and their values.

use rustc_hash::FxHashMap;

/// A context value: one string, or a set of strings for multivalued keys
/// (`aws:TagKeys`, `aws:CalledVia`, `aws:PrincipalOrgPaths`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CtxValue {
    /// A single-valued key.
    One(String),
    /// A multivalued key.
    Many(Vec<String>),
}

/// Condition keys of one request. Key names are case-insensitive.
///
/// AWS: IAM User Guide, "IAM JSON policy elements: Condition" ("Condition key names are
/// not case-sensitive").
#[derive(Clone, Debug, Default)]
pub struct Context {
    map: FxHashMap<Box<str>, (Box<str>, CtxValue)>,
    /// Keys declared unknown for partial evaluation: (lowercase, as written).
    unknown: Vec<(Box<str>, Box<str>)>,
    /// Every key without a value is unknown (see [`Context::unknown_by_default`]).
    open_world: bool,
    /// Keys known to be absent from the request, even in an open-world context
    /// (lowercase).
    absent: Vec<Box<str>>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets a key (replacing any value under the same key in any case).
    pub fn insert(&mut self, key: &str, value: CtxValue) {
        self.map
            .insert(key.to_lowercase().into(), (key.into(), value));
    }

    /// Declares a key unknown: [`evaluate_partial`](crate::partial::evaluate_partial)
    /// reports conditions on it instead of deciding them. Plain evaluation treats the key
    /// as absent.
    pub fn mark_unknown(&mut self, key: &str) {
        let k = key.to_lowercase();
        self.map.remove(k.as_str());
        if !self.is_unknown(&k) {
            self.unknown.push((k.into(), key.into()));
        }
    }

    /// The keys declared unknown, as written.
    pub fn unknown_keys(&self) -> Vec<&str> {
        self.unknown.iter().map(|(_, d)| &**d).collect()
    }

    /// Makes every key without a value unknown, not absent: the context of a request
    /// nobody has made yet, as access analysis asks "who could, and under what
    /// conditions". Keys set with [`Context::insert`] stay known.
    pub fn unknown_by_default(&mut self) {
        self.open_world = true;
    }

    /// Declares a key absent from the request: conditions on it are decided as for a
    /// missing key, even in an open-world context (a request from the internet carries no
    /// `aws:SourceVpce`).
    pub fn set_absent(&mut self, key: &str) {
        let k = key.to_lowercase();
        self.map.remove(k.as_str());
        self.unknown.retain(|(u, _)| **u != *k);
        self.absent.push(k.into());
    }

    /// Whether a key (lowercase) is unknown: declared so, or without a value in an
    /// open-world context and not declared absent.
    pub fn is_unknown(&self, key_lc: &str) -> bool {
        (self.open_world
            && !self.map.contains_key(key_lc)
            && !self.absent.iter().any(|a| **a == *key_lc))
            || self.unknown.iter().any(|(u, _)| **u == *key_lc)
    }

    /// The value of a key given in lowercase.
    pub fn get(&self, key_lc: &str) -> Option<&CtxValue> {
        self.map.get(key_lc).map(|(_, v)| v)
    }

    /// The values of a key given in lowercase; `None` when the key is absent or is an
    /// empty set (AWS treats an empty set like a missing key).
    pub fn values(&self, key_lc: &str) -> Option<&[String]> {
        match self.get(key_lc)? {
            CtxValue::One(s) => Some(std::slice::from_ref(s)),
            CtxValue::Many(v) if v.is_empty() => None,
            CtxValue::Many(v) => Some(v),
        }
    }

    /// The value usable as a policy variable: single-valued keys only.
    ///
    /// AWS: IAM User Guide, "Single-valued vs. multivalued context keys" ("you can't use
    /// multivalued context keys as policy variables").
    pub fn variable(&self, key_lc: &str) -> Option<&str> {
        match self.get(key_lc)? {
            CtxValue::One(s) => Some(s),
            CtxValue::Many(_) => None,
        }
    }

    /// All keys as first written, with their values, sorted by key.
    pub fn entries(&self) -> Vec<(&str, &CtxValue)> {
        let mut v: Vec<(&str, &CtxValue)> = self.map.values().map(|(k, v)| (&**k, v)).collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// A `KEY=VALUE` assignment that is not one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not `KEY=VALUE`")]
pub struct AssignmentError(pub String);

/// Reads context assignments written `KEY=VALUE` (command lines: `phiward simulate
/// --context`, `phiward who-can --context`): a key given more than once, in any case, is
/// multivalued, with its values in order and the key as first written.
pub fn parse_assignments(items: &[String]) -> Result<Vec<(String, CtxValue)>, AssignmentError> {
    let mut pairs: Vec<(String, Vec<String>)> = Vec::new();
    for kv in items {
        let Some((k, v)) = kv.split_once('=').filter(|(k, _)| !k.trim().is_empty()) else {
            return Err(AssignmentError(crate::parse::clip(kv)));
        };
        match pairs.iter_mut().find(|(pk, _)| pk.eq_ignore_ascii_case(k)) {
            Some((_, vs)) => vs.push(v.to_string()),
            None => pairs.push((k.to_string(), vec![v.to_string()])),
        }
    }
    Ok(pairs
        .into_iter()
        .map(|(k, mut vs)| {
            let value = if vs.len() == 1 {
                CtxValue::One(vs.remove(0))
            } else {
                CtxValue::Many(vs)
            };
            (k, value)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_repeat_into_multivalued_keys() {
        let items: Vec<String> = ["aws:SourceIp=192.0.2.7", "aws:TagKeys=a", "AWS:tagkeys=b=c"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let got = parse_assignments(&items).unwrap();
        assert_eq!(
            got,
            vec![
                (
                    "aws:SourceIp".to_string(),
                    CtxValue::One("192.0.2.7".into())
                ),
                (
                    "aws:TagKeys".to_string(),
                    CtxValue::Many(vec!["a".into(), "b=c".into()])
                ),
            ]
        );
        assert!(parse_assignments(&["novalue".to_string()]).is_err());
        assert!(parse_assignments(&["=x".to_string()]).is_err());
    }

    #[test]
    fn open_world_makes_missing_keys_unknown() {
        let mut c = Context::new();
        c.insert("aws:username", CtxValue::One("bob".into()));
        assert!(!c.is_unknown("aws:multifactorauthpresent"));
        c.unknown_by_default();
        assert!(c.is_unknown("aws:multifactorauthpresent"));
        assert!(!c.is_unknown("aws:username"));
        c.set_absent("aws:SourceVpce");
        assert!(!c.is_unknown("aws:sourcevpce"));
        assert!(c.get("aws:sourcevpce").is_none());
    }

    #[test]
    fn keys_are_case_insensitive_and_empty_sets_are_absent() {
        let mut c = Context::new();
        c.insert("aws:UserName", CtxValue::One("bob".into()));
        c.insert("aws:TagKeys", CtxValue::Many(vec![]));
        assert_eq!(c.values("aws:username"), Some(&["bob".to_string()][..]));
        assert_eq!(c.values("aws:tagkeys"), None);
        assert!(c.get("aws:tagkeys").is_some());
        assert_eq!(c.variable("aws:username"), Some("bob"));
    }
}
