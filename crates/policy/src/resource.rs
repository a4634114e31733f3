//! Matching the `Resource` / `NotResource` element against a request's resource.
//!
//! AWS: IAM User Guide, "IAM JSON policy elements: Resource", section "Using wildcards in
//! resource ARNs": wildcards may appear in any segment; a resource ARN has six
//! colon-separated parts. phiward compares the partition, service, region and account
//! segments one by one (ignoring case, as the conformance suite does) and matches the
//! resource part with wildcards that may span `/` and `:`.
//!
//! Policy variables ("IAM policy elements: Variables and tags") may stand in any segment,
//! the account included (`arn:aws:iam::${aws:PrincipalAccount}:role/x`): the colons of a
//! variable's key (`aws:PrincipalAccount`) do not split segments, and the value is
//! substituted before the segment is compared.

use crate::context::Context;
use crate::document::PolicyKind;
use crate::glob::{Glob, Tok};
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
    segments: [Seg; 4],
    rest: Seg,
    /// Expanded from a short ARN: a mismatch is [`EntryMatch::Invalid`].
    expanded: bool,
}

/// A segment of a pattern: fixed, or with policy variables.
#[derive(Clone, Debug)]
enum Seg {
    Static(Glob),
    Dynamic(Template),
}

/// Splits a pattern at its colons; with policy variables on, a colon inside a closed
/// `${...}` (the key `aws:PrincipalAccount`) does not split.
fn split_segments(pattern: &str, vars: bool) -> Vec<&str> {
    if !vars || !pattern.contains("${") {
        return pattern.split(':').collect();
    }
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while let Some(rest) = pattern.get(i..).filter(|r| !r.is_empty()) {
        if rest.starts_with("${") {
            if let Some(close) = rest.find('}') {
                i += close + 1;
                continue;
            }
        }
        if rest.starts_with(':') {
            out.push(pattern.get(start..i).unwrap_or(""));
            start = i + 1;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out.push(pattern.get(start..).unwrap_or(""));
    out
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
                Seg::Dynamic(_) => true,
                Seg::Static(ref g) => {
                    // A segment with variables may take any value.
                    let Some(segs) = &req.segments else {
                        return false;
                    };
                    a.segments.iter().zip(segs).all(|(p, s)| match p {
                        Seg::Static(g) => g.is_match(s),
                        Seg::Dynamic(_) => true,
                    }) && g.is_match(&req.rest)
                }
            },
        }
    }

    /// Whether the pattern is a short ARN (fewer than six segments), which compiles
    /// differently per policy type.
    pub(crate) fn is_short(&self) -> bool {
        match self {
            ResourceMatcher::All => false,
            ResourceMatcher::Rejected | ResourceMatcher::Nothing => true,
            ResourceMatcher::Arn(a) => a.expanded,
        }
    }

    /// Whether [`ResourceMatcher::may_match`] holds for every resource.
    pub(crate) fn is_open(&self) -> bool {
        match self {
            ResourceMatcher::All | ResourceMatcher::Rejected => true,
            ResourceMatcher::Nothing => false,
            ResourceMatcher::Arn(a) => matches!(a.rest, Seg::Dynamic(_)),
        }
    }

    /// Compiles one pattern of a policy of `kind`; `vars` enables policy variables.
    pub(crate) fn new(pattern: &str, kind: PolicyKind, vars: bool) -> ResourceMatcher {
        if pattern == "*" {
            return ResourceMatcher::All;
        }
        let parts = split_segments(pattern, vars);
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
        let compile = |text: &str, fold: bool| match vars.then(|| Template::parse(text)).flatten() {
            Some(t) => Seg::Dynamic(t),
            None if fold => Seg::Static(Glob::plain(&text.to_lowercase())),
            None => Seg::Static(Glob::plain(text)),
        };
        let rest_text = parts.get(5..).map(|r| r.join(":")).unwrap_or_default();
        ArnMatcher {
            segments: [1, 2, 3, 4].map(|i| compile(seg(i), true)),
            rest: compile(&rest_text, false),
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
        for (p, s) in self.segments.iter().zip(segs) {
            match segment_matches(p, s, true, ctx, unresolved) {
                Some(true) => {}
                Some(false) => return miss,
                None => return EntryMatch::Invalid,
            }
        }
        match segment_matches(&self.rest, &req.rest, false, ctx, unresolved) {
            Some(true) => EntryMatch::Match,
            Some(false) => miss,
            None => EntryMatch::Invalid,
        }
    }
}

/// Whether one segment matches; `None` when a variable has no value (recorded in
/// `unresolved`). `fold`: the segment compares ignoring case (the request's side is
/// lowercased already).
fn segment_matches(
    p: &Seg,
    text: &str,
    fold: bool,
    ctx: &Context,
    unresolved: &mut Vec<String>,
) -> Option<bool> {
    match p {
        Seg::Static(g) => Some(g.is_match(text)),
        Seg::Dynamic(t) => match t.tokens(ctx) {
            Ok(toks) if fold => {
                let lower: Vec<Tok> = toks
                    .into_iter()
                    .flat_map(|t| match t {
                        Tok::Lit(c) => c.to_lowercase().map(Tok::Lit).collect::<Vec<_>>(),
                        other => vec![other],
                    })
                    .collect();
                Some(Glob::from_tokens(&lower).is_match(text))
            }
            Ok(toks) => Some(Glob::from_tokens(&toks).is_match(text)),
            Err(u) => {
                // AWS: "IAM policy elements: Variables and tags", "Policy variables with no
                // value": the pattern matches nothing.
                unresolved.push(u.0);
                None
            }
        },
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

    fn with_account(pattern: &str, resource: &str) -> EntryMatch {
        let mut ctx = Context::new();
        ctx.insert(
            "aws:PrincipalAccount",
            crate::context::CtxValue::One("111122223333".into()),
        );
        ResourceMatcher::new(pattern, PolicyKind::Identity, true).matches(
            &RequestResource::new(resource),
            &ctx,
            &mut Vec::new(),
        )
    }

    #[test]
    fn variables_stand_in_any_segment() {
        use EntryMatch::*;
        let role = "arn:aws:iam::${aws:PrincipalAccount}:role/x";
        assert_eq!(
            with_account(role, "arn:aws:iam::111122223333:role/x"),
            Match
        );
        assert_eq!(
            with_account(role, "arn:aws:iam::444455556666:role/x"),
            NoMatch
        );
        assert_eq!(
            with_account(role, "arn:aws:iam::111122223333:role/y"),
            NoMatch
        );
        let obj = "arn:aws:s3:::bucket/${aws:PrincipalAccount}/*";
        assert_eq!(
            with_account(obj, "arn:aws:s3:::bucket/111122223333/a"),
            Match
        );
        assert_eq!(
            with_account(obj, "arn:aws:s3:::bucket/444455556666/a"),
            NoMatch
        );
        // without a value the pattern names nothing, whatever the resource
        assert_eq!(m(role, "arn:aws:iam::111122223333:role/x"), Invalid);
        // may_match: a segment with a variable may hold any value; the others still count
        let p = ResourceMatcher::new(role, PolicyKind::Identity, true);
        assert!(p.may_match(&RequestResource::new("arn:aws:iam::444455556666:role/x")));
        assert!(!p.may_match(&RequestResource::new("arn:aws:iam::444455556666:role/y")));
        assert!(!p.is_short() && !p.is_open());
        // without variables (2008-10-17) the text is literal and splits at every colon
        let lit = ResourceMatcher::new(role, PolicyKind::Identity, false);
        assert_eq!(
            lit.matches(
                &RequestResource::new("arn:aws:iam::111122223333:role/x"),
                &Context::new(),
                &mut Vec::new()
            ),
            NoMatch
        );
        assert_eq!(
            split_segments("arn:aws:iam::${aws:PrincipalAccount}:role/${x", true),
            [
                "arn",
                "aws",
                "iam",
                "",
                "${aws:PrincipalAccount}",
                "role/${x"
            ]
        );
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
