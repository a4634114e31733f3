//! Sets of resource ARNs that stay small: past a limit, ARNs collapse into patterns one
//! path level up (`arn:aws:s3:::b/2024/01/a.csv` -> `arn:aws:s3:::b/2024/01/*`), so a
//! principal reading millions of objects costs a few patterns, and every ARN that was added
//! stays covered.
//!
//! The result depends only on the set of ARNs added, never on their order or on how sets
//! were merged: every item is cut to one depth, the deepest at which the whole set fits
//! the limit ([`collapse`] of everything added). Raw logs read in parallel and a lake read
//! in sorted order therefore give the same patterns.

use std::borrow::Cow;

use rustc_hash::FxHashSet;

/// ARNs and `prefix*` patterns.
#[derive(Clone, Debug, Default)]
pub struct ResourceSet {
    items: FxHashSet<Box<str>>,
    /// The prefixes (`.../a/`) of the `.../a/*` patterns among `items`: an ARN is covered
    /// when one of its prefixes ending in `/` is here, a few hash lookups however many
    /// patterns there are.
    prefixes: FxHashSet<Box<str>>,
    /// The depth every item is cut to; `None` until the set first outgrows its limit.
    /// Only ever lowered, so an ARN added late is cut as the early ones were.
    cut: Option<usize>,
}

impl ResourceSet {
    /// Adds an ARN (or pattern) unless a pattern covers it; collapses past `limit`.
    pub fn insert(&mut self, arn: &str, limit: usize) {
        // Covered as it is, covered once cut (what covers it is no deeper than the cut):
        // most ARNs of a collapsed set stop here, before cutting allocates.
        if self.items.contains(arn) || self.covered(arn) {
            return;
        }
        let item = match self.cut {
            Some(d) => truncate(arn, d),
            None => Cow::Borrowed(arn),
        };
        if self.items.contains(item.as_ref()) || self.covered(&item) {
            return;
        }
        if let Some(pre) = item.strip_suffix('*').filter(|p| p.ends_with('/')) {
            // A new pattern takes the place of what it covers (rare: cut items are no
            // deeper than the patterns they make).
            let before = self.items.len();
            self.items.retain(|a| !a.starts_with(pre));
            if self.items.len() != before {
                self.prefixes.retain(|p| !p.starts_with(pre));
            }
        }
        self.add(&item);
        self.shrink(limit);
    }

    /// Lowers the cut one level at a time until the set fits: the deepest cut at which
    /// it does, as [`collapse`] finds it.
    fn shrink(&mut self, limit: usize) {
        while self.items.len() > limit {
            let deepest = self.items.iter().map(|a| depth(a)).max().unwrap_or(0);
            let current = self.cut.map_or(deepest, |c| c.min(deepest));
            if current == 0 {
                break;
            }
            self.recut(current - 1);
        }
    }

    fn recut(&mut self, d: usize) {
        self.cut = Some(d);
        let mut next: Vec<String> = self
            .items
            .drain()
            .map(|a| truncate(&a, d).into_owned())
            .collect();
        self.prefixes.clear();
        // Higher patterns first, so that what they cover is left out.
        next.sort_by(|a, b| {
            (!a.ends_with("/*"), depth(a), a.as_str()).cmp(&(!b.ends_with("/*"), depth(b), b))
        });
        next.dedup();
        for a in next {
            if !self.items.contains(a.as_str()) && !self.covered(&a) {
                self.add(&a);
            }
        }
    }

    fn add(&mut self, item: &str) {
        if let Some(prefix) = item.strip_suffix('*').filter(|p| p.ends_with('/')) {
            self.prefixes.insert(prefix.into());
        }
        self.items.insert(item.into());
    }

    fn covered(&self, arn: &str) -> bool {
        !self.prefixes.is_empty()
            && arn
                .char_indices()
                .filter(|&(_, c)| c == '/')
                .any(|(i, _)| self.prefixes.contains(&arn[..=i]))
    }

    /// Adds every item of another set: the same set as adding the other's ARNs one by one.
    pub fn merge(&mut self, other: ResourceSet, limit: usize) {
        // Into an empty set, a set within the limit is the answer as it is (its items were
        // inserted, so none covers another).
        if self.items.is_empty() && self.cut.is_none() && other.items.len() <= limit {
            *self = other;
            return;
        }
        // The other set's items are already cut; cutting this one as deep first keeps the
        // answer that of the union of what both were given.
        if let Some(theirs) = other.cut {
            if self.cut.is_none_or(|c| c > theirs) {
                self.recut(theirs);
            }
        }
        for a in other.items {
            self.insert(&a, limit);
        }
    }

    /// The ARNs and patterns, sorted.
    pub fn sorted(&self) -> Vec<String> {
        let mut v: Vec<String> = self.items.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The byte offset where an ARN's resource part starts (after the fifth `:`).
fn resource_start(arn: &str) -> Option<usize> {
    let mut colons = 0;
    for (i, b) in arn.bytes().enumerate() {
        if b == b':' {
            colons += 1;
            if colons == 5 {
                return Some(i + 1);
            }
        }
    }
    None
}

/// One level up: `.../a/b` and `.../a/b/*` become `.../a/*`. `None` at the top, where
/// the resource part keeps its first segment (`role/*`, `bucket/*`, `table/*`), so that a
/// pattern still names one resource type.
fn parent(item: &str) -> Option<String> {
    let start = resource_start(item)?;
    let res = &item[start..];
    let base = res.strip_suffix("/*").unwrap_or(res);
    let cut = base.rfind('/')?;
    if cut == 0 {
        return None;
    }
    Some(format!("{}{}/*", &item[..start], &base[..cut]))
}

/// How deep an item is: the `/` in its resource part, not counting a trailing `/*`.
fn depth(item: &str) -> usize {
    let res = resource_start(item).map_or("", |s| &item[s..]);
    res.strip_suffix("/*").unwrap_or(res).matches('/').count()
}

/// An item cut to depth `d`: `.../a/b/c` and `.../a/b/c/*` become `.../a/*` at depth 1
/// (`a` is the resource part's first segment). Items no deeper stay as they are.
fn truncate(item: &str, d: usize) -> Cow<'_, str> {
    let Some(start) = resource_start(item) else {
        return Cow::Borrowed(item);
    };
    let res = &item[start..];
    let base = res.strip_suffix("/*").unwrap_or(res);
    match base.match_indices('/').nth(d) {
        Some((cut, _)) if cut > 0 => Cow::Owned(format!("{}{}/*", &item[..start], &base[..cut])),
        _ => Cow::Borrowed(item),
    }
}

/// Collapses ARNs into `prefix/*` patterns, deepest first, until at most `limit` remain (or
/// none can go higher). The result covers every input and is sorted.
pub fn collapse(items: Vec<String>, limit: usize) -> Vec<String> {
    let mut cur: Vec<String> = items;
    cur.sort();
    cur.dedup();
    while cur.len() > limit {
        let Some(deepest) = cur
            .iter()
            .filter(|a| parent(a).is_some())
            .map(|a| depth(a))
            .max()
        else {
            break;
        };
        let mut next: Vec<String> = cur
            .iter()
            .map(|a| match parent(a) {
                Some(p) if depth(a) == deepest => p,
                _ => a.clone(),
            })
            .collect();
        next.sort();
        next.dedup();
        let patterns: Vec<String> = next.iter().filter(|a| a.ends_with("/*")).cloned().collect();
        next.retain(|a| {
            !patterns
                .iter()
                .any(|p| p != a && p.strip_suffix('*').is_some_and(|pre| a.starts_with(pre)))
        });
        cur = next;
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_level_by_level() {
        let items: Vec<String> = (0..5)
            .map(|i| format!("arn:aws:s3:::b/2024/0{i}/x.csv"))
            .chain(["arn:aws:s3:::b/2023/a.csv".to_string()])
            .collect();
        assert_eq!(collapse(items.clone(), 10), {
            let mut v = items.clone();
            v.sort();
            v
        });
        assert_eq!(
            collapse(items.clone(), 2),
            ["arn:aws:s3:::b/2023/*", "arn:aws:s3:::b/2024/*"]
        );
        assert_eq!(collapse(items, 1), ["arn:aws:s3:::b/*"]);
        // The first segment stays: `role/*` is as far as a role ARN goes.
        let roles = vec![
            "arn:aws:iam::1:role/a".to_string(),
            "arn:aws:iam::1:role/b".to_string(),
        ];
        assert_eq!(collapse(roles, 1), ["arn:aws:iam::1:role/*"]);
        let odd = vec!["x".to_string(), "y".to_string()];
        assert_eq!(collapse(odd, 1), ["x", "y"]);
    }

    #[test]
    fn sets_stay_bounded_and_cover_what_was_added() {
        let mut s = ResourceSet::default();
        let added: Vec<String> = (0..1000)
            .map(|i| format!("arn:aws:s3:::b/{}/{i}", i % 7))
            .collect();
        for a in &added {
            s.insert(a, 16);
        }
        let items = s.sorted();
        assert!(items.len() <= 16, "{items:?}");
        for a in &added {
            assert!(
                items
                    .iter()
                    .any(|p| p == a || p.strip_suffix('*').is_some_and(|pre| a.starts_with(pre))),
                "{a} not covered"
            );
        }
    }
}
