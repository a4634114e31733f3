//! The certain containment of one of the engine's action patterns in another, and what a
//! pattern could name: analyses the rules make on top of the engine's compiled matchers
//! ([`ActionMatcher`]), which alone decide what a pattern matches.
//!
//! AWS: IAM User Guide, "IAM JSON policy elements: Action": `*`, or
//! `service-prefix:action-name` where the prefix compares exactly (ignoring case) and the
//! name with `*` and `?` (ignoring case).

use phiward_policy::document::{ActionElement, ActionMatcher};

use crate::globs::intersects;

/// Whether the action name has a wildcard.
pub(crate) fn has_wildcard(m: &ActionMatcher) -> bool {
    match m {
        ActionMatcher::All => true,
        ActionMatcher::Nothing => false,
        ActionMatcher::Service { name, .. } => name.contains(['*', '?']),
    }
}

/// Whether every action `b` names is certainly named by `a`. Decided exactly for `*`, for
/// a literal `b`, and for `a` of the form `prefix*`; otherwise only equal patterns count.
pub(crate) fn covers(a: &ActionMatcher, b: &ActionMatcher) -> bool {
    match (a, b) {
        (ActionMatcher::All, _) => true,
        (_, ActionMatcher::All) | (_, ActionMatcher::Nothing) | (ActionMatcher::Nothing, _) => {
            false
        }
        (
            ActionMatcher::Service {
                service: s1,
                name: n1,
                glob: g1,
            },
            ActionMatcher::Service {
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
pub(crate) fn could_name(m: &ActionMatcher, service: Option<&str>, name: &str) -> bool {
    match m {
        ActionMatcher::All => true,
        ActionMatcher::Nothing => false,
        ActionMatcher::Service {
            service: s,
            name: n,
            ..
        } => service.is_none_or(|want| want == s) && intersects(n, name),
    }
}

/// Whether every action `b` applies to is certainly one `a` applies to. Only `Action`
/// lists are compared; a `NotAction` on either side answers `false`.
pub(crate) fn element_covers(a: &ActionElement, b: &ActionElement) -> bool {
    !a.negated
        && !b.negated
        && b.matchers()
            .iter()
            .all(|y| a.matchers().iter().any(|x| covers(x, y)))
}

/// The index of the first pattern of `element` that names `action`.
pub(crate) fn first_match(element: &ActionElement, action: &str) -> Option<usize> {
    let lc = lowercase(action);
    let (service, name) = lc.split_once(':').unwrap_or((&lc, ""));
    element
        .matchers()
        .iter()
        .position(|m| m.matches(service, name))
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

    fn p(s: &str) -> ActionMatcher {
        ActionMatcher::new(s)
    }

    fn matches(m: &ActionMatcher, action: &str) -> bool {
        let lc = lowercase(action);
        let (s, n) = lc.split_once(':').unwrap_or((&lc, ""));
        m.matches(s, n)
    }

    #[test]
    fn matches_like_the_engine() {
        assert!(matches(&p("S3:get*"), "s3:GetObject"));
        assert!(matches(&p("iam:?ut*"), "iam:PutRolePolicy"));
        assert!(!matches(&p("s3:Get*"), "s3x:GetObject"));
        assert!(matches(&p("*"), "anything:At"));
        assert!(!matches(&p("s3:Get Object"), "s3:Get Object"));
    }

    #[test]
    fn containment_is_certain_only() {
        assert!(covers(&p("*"), &p("s3:Get*")));
        assert!(covers(&p("s3:*"), &p("s3:Get*")));
        assert!(covers(&p("s3:Get*"), &p("s3:GetObject*")));
        assert!(covers(&p("s3:Get*"), &p("s3:getobject")));
        assert!(covers(&p("s3:*Object"), &p("s3:GetObject")));
        assert!(!covers(&p("s3:Get*"), &p("s3:G?tObject")));
        assert!(!covers(&p("s3:*Object"), &p("s3:Get*Object")));
        assert!(!covers(&p("s3:*"), &p("*")));
        assert!(!covers(&p("s3:*"), &p("s3x:Get")));
    }

    #[test]
    fn verb_lists() {
        assert!(could_name(&p("s3:*"), None, "put*"));
        assert!(could_name(&p("s3:*Object"), Some("s3"), "put*"));
        assert!(!could_name(&p("s3:Get*"), None, "put*"));
        assert!(!could_name(&p("s3:Put*"), Some("iam"), "put*"));
    }
}
