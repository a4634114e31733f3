//! Matching the `Resource` / `NotResource` element against a request's resource.
//!
//! AWS: IAM User Guide, "IAM JSON policy elements: Resource", section "Using wildcards in
//! resource ARNs": wildcards may appear in any segment; a resource ARN has six
//! colon-separated parts. phiward compares the partition, service, region and account
//! segments one by one (ignoring case, as the conformance suite does) and matches the
//! resource part with wildcards that may span `/` and `:`. Policy variables are
//! substituted in the resource part only ("IAM policy elements: Variables and tags": "only
//! in the resource portion of the ARN ... after the fifth colon").

use crate::context::Context;
use crate::document::PolicyKind;
use crate::glob::Glob;
use crate::variables::Template;

/// How one pattern of a `Resource` list compared with the request's resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryMatch {
    /// The pattern names the resource.
    Match,
    /// It does not; `NotResource` treats the resource as not listed.
    NoMatch,
    /// It cannot be decided (unresolvable variable, short ARN not allowed for this policy
    /// type, or a short ARN that did not match): `NotResource` does not apply either.
    Invalid,
}

/// A compiled resource pattern.
#[derive(Clone, Debug)]
pub(crate) enum ResourceMatcher {
    /// `*`.
    All,
    /// A short ARN this policy type rejects.
    Rejected,
    /// A short ARN without wildcard in a resource-based policy: names nothing.
    Nothing,
    /// An ARN pattern.
    Arn(Box<ArnMatcher>),
}

#[derive(Clone, Debug)]
pub(crate) struct ArnMatcher {
    /// Partition, service, region, account: wildcards, compared lowercased.
    segments: [Glob; 4],
    rest: Rest,
    /// Expanded from a short ARN: a mismatch is [`EntryMatch::Invalid`].
    expanded: bool,
}

#[derive(Clone, Debug)]
enum Rest {
    Static(Glob),
    Dynamic(Template),
}

/// The request's resource, split once per request.
#[derive(Clone, Debug)]
pub(crate) struct RequestResource {
    /// Lowercased partition, service, region, account; `None` when not an ARN.
    segments: Option<[String; 4]>,
    /// Everything after the fifth colon.
    rest: String,
}

impl RequestResource {
    pub(crate) fn new(resource: &str) -> RequestResource {
        let parts: Vec<&str> = resource.split(':').collect();
        let segments = (parts.len() >= 6).then(|| {
            [1, 2, 3, 4].map(|i| parts.get(i).map(|s| s.to_lowercase()).unwrap_or_default())
        });
        RequestResource {
            segments,
            rest: parts.get(5..).map(|r| r.join(":")).unwrap_or_default(),
        }
    }
}

impl RequestResource {
    /// The resource part (after the fifth colon), lowercased.
    pub(crate) fn rest_lc(&self) -> String {
        self.rest.to_lowercase()
    }
}

impl ResourceMatcher {
    /// Whether the pattern could name `req` in some request context: exact without policy
    /// variables; a pattern with variables may match anything.
    pub(crate) fn may_match(&self, req: &RequestResource) -> bool {
        match self {
            ResourceMatcher::All | ResourceMatcher::Rejected => true,
            ResourceMatcher::Nothing => false,
            ResourceMatcher::Arn(a) => match a.rest {
                Rest::Dynamic(_) => true,
                Rest::Static(_) => {
                    a.matches(req, &Context::new(), &mut Vec::new()) == EntryMatch::Match
                }
            },
        }
    }

    /// Whether [`ResourceMatcher::may_match`] holds for every resource.
    pub(crate) fn is_open(&self) -> bool {
        match self {
            ResourceMatcher::All | ResourceMatcher::Rejected => true,
            ResourceMatcher::Nothing => false,
            ResourceMatcher::Arn(a) => matches!(a.rest, Rest::Dynamic(_)),
        }
    }

    /// Compiles one pattern of a policy of `kind`; `vars` enables policy variables.
    pub(crate) fn new(pattern: &str, kind: PolicyKind, vars: bool) -> ResourceMatcher {
        if pattern == "*" {
            return ResourceMatcher::All;
        }
        let parts: Vec<&str> = pattern.split(':').collect();
        if parts.len() >= 6 {
            return ResourceMatcher::Arn(Box::new(ArnMatcher::new(&parts, vars, false)));
        }
        // A short ARN (fewer than six parts). Identity-based policies read the missing
        // segments as `*`; resource-based policies only when the pattern has a wildcard;
        // SCPs only when its last segment ends with `*`; RCPs never.
        let trailing = parts.last().is_some_and(|l| l.ends_with('*'));
        let expand = match kind {
            PolicyKind::Identity | PolicyKind::Session | PolicyKind::PermissionsBoundary => true,
            PolicyKind::Resource => pattern.contains('*'),
            PolicyKind::Scp => trailing,
            PolicyKind::Rcp => false,
        };
        if !expand {
            return if kind == PolicyKind::Resource {
                ResourceMatcher::Nothing
            } else {
                ResourceMatcher::Rejected
            };
        }
        let mut full = parts;
        while full.len() < 6 {
            full.push("*");
        }
        ResourceMatcher::Arn(Box::new(ArnMatcher::new(&full, vars, true)))
    }

    pub(crate) fn matches(
        &self,
        req: &RequestResource,
        ctx: &Context,
        unresolved: &mut Vec<String>,
    ) -> EntryMatch {
        match self {
            ResourceMatcher::All => EntryMatch::Match,
            ResourceMatcher::Rejected => EntryMatch::Invalid,
            ResourceMatcher::Nothing => EntryMatch::NoMatch,
            ResourceMatcher::Arn(a) => a.matches(req, ctx, unresolved),
        }
    }
}

impl ArnMatcher {
    fn new(parts: &[&str], vars: bool, expanded: bool) -> ArnMatcher {
        let seg = |i: usize| parts.get(i).copied().unwrap_or("");
        let rest_text = parts.get(5..).map(|r| r.join(":")).unwrap_or_default();
        let rest = match vars.then(|| Template::parse(&rest_text)).flatten() {
            Some(t) => Rest::Dynamic(t),
            None => Rest::Static(Glob::plain(&rest_text)),
        };
        ArnMatcher {
            segments: [1, 2, 3, 4].map(|i| Glob::plain(&seg(i).to_lowercase())),
            rest,
            expanded,
        }
    }

    fn matches(
        &self,
        req: &RequestResource,
        ctx: &Context,
        unresolved: &mut Vec<String>,
    ) -> EntryMatch {
        let miss = if self.expanded {
            EntryMatch::Invalid
        } else {
            EntryMatch::NoMatch
        };
        // A resource-agnostic request (`*`) never matches a specific ARN.
        let Some(segs) = &req.segments else {
            return miss;
        };
        if !self.segments.iter().zip(segs).all(|(g, s)| g.is_match(s)) {
            return miss;
        }
        let tail = req.rest.as_str();
        let hit = match &self.rest {
            Rest::Static(g) => g.is_match(tail),
            Rest::Dynamic(t) => match t.tokens(ctx) {
                Ok(toks) => Glob::from_tokens(&toks).is_match(tail),
                Err(u) => {
                    // AWS: "IAM policy elements: Variables and tags", "Policy variables
                    // with no value": the pattern matches nothing.
                    unresolved.push(u.0);
                    return EntryMatch::Invalid;
                }
            },
        };
        if hit {
            EntryMatch::Match
        } else {
            miss
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, resource: &str) -> EntryMatch {
        ResourceMatcher::new(pattern, PolicyKind::Identity, true).matches(
            &RequestResource::new(resource),
            &Context::new(),
            &mut Vec::new(),
        )
    }

    #[test]
    fn segments_and_resource_parts() {
        use EntryMatch::*;
        assert_eq!(
            m(
                "arn:aws:dynamodb:*:111122223333:table/Or*",
                "arn:aws:dynamodb:us-east-1:111122223333:table/Orders"
            ),
            Match
        );
        assert_eq!(
            m(
                "arn:aws:DYNAMODB:*:111122223333:table/Orders",
                "arn:aws:dynamodb:us-east-1:111122223333:table/Orders"
            ),
            Match
        );
        assert_eq!(
            m(
                "arn:aws:dynamodb:*:111122223333:table/orders",
                "arn:aws:dynamodb:us-east-1:111122223333:table/Orders"
            ),
            NoMatch
        );
        // the rest of the resource may span colons
        assert_eq!(
            m(
                "arn:aws:logs:eu-west-1:111122223333:log-group:*a-1",
                "arn:aws:logs:eu-west-1:111122223333:log-group:/app/web:log-stream:lambda-1"
            ),
            Match
        );
        // S3 has no product segment
        assert_eq!(
            m("arn:aws:s3:::*/logs/*", "arn:aws:s3:::bucket/logs/x"),
            Match
        );
        // a region wildcard stays inside its segment
        assert_eq!(
            m("arn:aws:sqs:us-*:1:q", "arn:aws:sqs:us-east-1:1:q"),
            Match
        );
        assert_eq!(m("arn:aws:s3:::b", "*"), NoMatch);
        // short ARNs in identity policies expand with `*`
        assert_eq!(m("arn:aws:s3", "arn:aws:s3:::b/k"), Match);
        assert_eq!(m("arn:aws:sqs", "arn:aws:s3:::b/k"), Invalid);
    }
}
