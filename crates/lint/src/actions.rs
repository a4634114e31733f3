//! Action patterns with the engine's semantics, and the certain containment of one pattern
//! in another.
//!
//! AWS: IAM User Guide, "IAM JSON policy elements: Action": `*`, or
//! `service-prefix:action-name` where the prefix compares exactly (ignoring case) and the
//! name with `*` and `?` (ignoring case). This mirrors `phiward_policy`'s matcher.

use phiward_policy::document::ActionElement;
use phiward_policy::glob::Glob;

use crate::globs::intersects;

/// A compiled action pattern.
#[derive(Clone, Debug)]
pub enum ActionPat {
    /// `*`: every action.
    All,
    /// A service prefix and an action-name pattern, both lowercased.
    Service {
        /// The service prefix, lowercased.
        service: String,
        /// The action-name pattern, lowercased.
        name: String,
        /// `name` compiled.
        glob: Glob,
    },
    /// A pattern that names no action (an action name with whitespace).
    Nothing,
}

impl ActionPat {
    /// Compiles a pattern as the engine does.
    pub fn parse(pattern: &str) -> ActionPat {
        if pattern == "*" {
            return ActionPat::All;
        }
        let mut it = pattern.split(':');
        let service = it.next().unwrap_or("").to_lowercase();
        let name = it.next().unwrap_or("");
        if name.is_empty() || name.contains(char::is_whitespace) {
            return ActionPat::Nothing;
        }
        let name = name.to_lowercase();
        ActionPat::Service {
            service,
            glob: Glob::plain(&name),
            name,
        }
    }

    /// Whether the pattern names `action` (`service:name`, any case).
    pub fn matches(&self, action: &str) -> bool {
        match self {
            ActionPat::All => true,
            ActionPat::Nothing => false,
            ActionPat::Service { service, glob, .. } => {
                let lc = lowercase(action);
                match lc.split_once(':') {
                    Some((s, n)) => s == service && glob.is_match(n),
                    None => false,
                }
            }
        }
    }

    /// The service prefix, unless the pattern is `*` or names nothing.
    pub fn service(&self) -> Option<&str> {
        match self {
            ActionPat::Service { service, .. } => Some(service),
            _ => None,
        }
    }

    /// Whether the action name has a wildcard.
    pub fn has_wildcard(&self) -> bool {
        match self {
            ActionPat::All => true,
            ActionPat::Nothing => false,
            ActionPat::Service { name, .. } => name.contains(['*', '?']),
        }
    }

    /// Whether every action `other` names is certainly named by `self`. Decided exactly
    /// for `*`, for a literal `other`, and for `self` of the form `prefix*`; otherwise
    /// only equal patterns count.
    pub fn covers(&self, other: &ActionPat) -> bool {
        match (self, other) {
            (ActionPat::All, _) => true,
            (_, ActionPat::All) | (_, ActionPat::Nothing) | (ActionPat::Nothing, _) => false,
            (
                ActionPat::Service {
                    service: s1,
                    name: n1,
                    glob: g1,
                },
                ActionPat::Service {
                    service: s2,
                    name: n2,
                    ..
                },
            ) => {
                if s1 != s2 {
                    return false;
                }
                if n1 == n2 || (!n2.contains(['*', '?']) && g1.is_match(n2)) {
                    return true;
                }
                // `Get*` covers every pattern whose literal start begins with `get`.
                match n1.strip_suffix('*') {
                    Some(p) if !p.contains(['*', '?']) => {
                        let lit = n2.split(['*', '?']).next().unwrap_or("");
                        lit.starts_with(p)
                    }
                    _ => false,
                }
            }
        }
    }

    /// Whether the pattern could name an action of `service` whose name matches the
    /// lowercase wildcard pattern `name` (used for verb lists such as `put*`).
    pub fn could_name(&self, service: Option<&str>, name: &str) -> bool {
        match self {
            ActionPat::All => true,
            ActionPat::Nothing => false,
            ActionPat::Service {
                service: s,
                name: n,
                ..
            } => service.is_none_or(|want| want == s) && intersects(n, name),
        }
    }
}

/// The compiled patterns of an `Action`/`NotAction` element, with its polarity.
#[derive(Clone, Debug)]
pub struct ActionSet {
    /// `NotAction`.
    pub negated: bool,
    /// The patterns, in the order written.
    pub pats: Vec<ActionPat>,
}

impl ActionSet {
    /// Compiles an element.
    pub fn new(el: &ActionElement) -> ActionSet {
        ActionSet {
            negated: el.negated,
            pats: el.list.items.iter().map(|a| ActionPat::parse(a)).collect(),
        }
    }

    /// Whether the element applies to `action` (`service:Name`).
    pub fn includes(&self, action: &str) -> bool {
        self.pats.iter().any(|p| p.matches(action)) != self.negated
    }

    /// The index of the first pattern that names `action`.
    pub fn first_match(&self, action: &str) -> Option<usize> {
        self.pats.iter().position(|p| p.matches(action))
    }

    /// Whether every action `other` applies to is certainly one `self` applies to. Only
    /// `Action` lists are compared; a `NotAction` on either side answers `false`.
    pub fn covers(&self, other: &ActionSet) -> bool {
        !self.negated
            && !other.negated
            && other
                .pats
                .iter()
                .all(|b| self.pats.iter().any(|a| a.covers(b)))
    }
}

/// Lowercases as the engine does; catalog names are ASCII, which takes the fast path.
pub(crate) fn lowercase(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// Sorts action names ignoring case and drops duplicates, without allocating per
/// comparison.
pub(crate) fn sort_dedup(actions: &mut Vec<String>) {
    actions.sort_unstable_by(|a, b| {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    });
    actions.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ActionPat {
        ActionPat::parse(s)
    }

    #[test]
    fn matches_like_the_engine() {
        assert!(p("S3:get*").matches("s3:GetObject"));
        assert!(p("iam:?ut*").matches("iam:PutRolePolicy"));
        assert!(!p("s3:Get*").matches("s3x:GetObject"));
        assert!(p("*").matches("anything:At"));
        assert!(!p("s3:Get Object").matches("s3:Get Object"));
    }

    #[test]
    fn containment_is_certain_only() {
        assert!(p("*").covers(&p("s3:Get*")));
        assert!(p("s3:*").covers(&p("s3:Get*")));
        assert!(p("s3:Get*").covers(&p("s3:GetObject*")));
        assert!(p("s3:Get*").covers(&p("s3:getobject")));
        assert!(p("s3:*Object").covers(&p("s3:GetObject")));
        assert!(!p("s3:Get*").covers(&p("s3:G?tObject")));
        assert!(!p("s3:*Object").covers(&p("s3:Get*Object")));
        assert!(!p("s3:*").covers(&p("*")));
        assert!(!p("s3:*").covers(&p("s3x:Get")));
    }

    #[test]
    fn verb_lists() {
        assert!(p("s3:*").could_name(None, "put*"));
        assert!(p("s3:*Object").could_name(Some("s3"), "put*"));
        assert!(!p("s3:Get*").could_name(None, "put*"));
        assert!(!p("s3:Put*").could_name(Some("iam"), "put*"));
    }
}
