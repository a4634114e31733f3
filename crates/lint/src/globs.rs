//! Certain containment of resource patterns; intersection lives in the catalog.

pub use phiward_catalog::patterns::{intersects, ArnFormat, ArnPattern};

/// Whether resource pattern `a` certainly names every resource `b` names: `*`, equal
/// patterns, or `a` ending in `/*` (after a full ARN, with no other wildcard or variable)
/// and `b` starting with what precedes that `*`.
pub fn resource_covers(a: &str, b: &str) -> bool {
    if a == "*" || a == b {
        return true;
    }
    let Some(prefix) = a.strip_suffix('*') else {
        return false;
    };
    prefix.ends_with('/')
        && prefix.matches(':').count() >= 5
        && !prefix.contains(['*', '?'])
        && !prefix.contains("${")
        && b.starts_with(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_containment() {
        assert!(resource_covers("*", "arn:aws:s3:::b/k"));
        assert!(resource_covers("arn:aws:s3:::b/*", "arn:aws:s3:::b/k/*"));
        assert!(resource_covers(
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/${aws:username}"
        ));
        assert!(!resource_covers("arn:aws:s3:::b/*", "arn:aws:s3:::b"));
        assert!(!resource_covers("arn:aws:s3:::b*", "arn:aws:s3:::bx"));
        assert!(!resource_covers("arn:aws:s3:*:*:b/*", "arn:aws:s3:*:*:b/k"));
        assert!(!resource_covers("arn:aws:s3:::b/k", "*"));
    }
}
