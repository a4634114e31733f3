//! Amazon Resource Names and the `ArnLike` matcher.

use crate::condition::Cmp;
use crate::context::Context;
use crate::glob::Glob;
use crate::variables::Template;

/// The six colon-separated parts of an ARN:
/// `arn:partition:service:region:account-id:resource` (the resource may contain colons).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: &'a str,
    /// Service namespace (`s3`, `iam`, ...).
    pub service: &'a str,
    /// Region, empty for global services.
    pub region: &'a str,
    /// Account id, empty for S3 buckets and some others.
    pub account: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits an ARN; `None` unless it starts with `arn:` and has six parts.
    pub fn parse(s: &'a str) -> Option<Arn<'a>> {
        let mut it = s.splitn(6, ':');
        if it.next()? != "arn" {
            return None;
        }
        Some(Arn {
            partition: it.next()?,
            service: it.next()?,
            region: it.next()?,
            account: it.next()?,
            resource: it.next()?,
        })
    }
}

/// A compiled `ArnLike` / `ArnEquals` pattern.
///
/// AWS: IAM User Guide, "IAM JSON policy elements: Condition operators", section "Amazon
/// Resource Name (ARN) condition operators": "Each of the six colon-delimited components of
/// the ARN is checked separately and each can include multi-character match wildcards (*)
/// or single-character match wildcards (?)." `ArnEquals` and `ArnLike` behave alike. The
/// components are split before policy variables are substituted, as the conformance
/// suite's reference does (so a variable whose key contains `:` stays literal).
#[derive(Clone, Debug)]
pub struct ArnPattern {
    /// Partition, service, region, account, resource; `None` when the pattern has fewer
    /// than five colon-separated parts.
    parts: Option<Vec<Part>>,
}

#[derive(Clone, Debug)]
enum Part {
    Static(Glob),
    Dynamic(Template),
}

/// Splits an ARN-like string into partition, service, region, account and resource (the
/// leading `arn` is not compared); `None` with fewer than five parts.
fn split5(s: &str) -> Option<[&str; 5]> {
    let mut it = s.splitn(6, ':');
    it.next()?;
    let (a, b, c, d) = (it.next()?, it.next()?, it.next()?, it.next()?);
    Some([a, b, c, d, it.next().unwrap_or("")])
}

impl ArnPattern {
    /// Compiles a pattern; `vars` enables policy variables.
    pub fn new(pattern: &str, vars: bool) -> ArnPattern {
        ArnPattern {
            parts: split5(pattern).map(|ps| {
                ps.iter()
                    .map(|p| match vars.then(|| Template::parse(p)).flatten() {
                        Some(t) => Part::Dynamic(t),
                        None => Part::Static(Glob::plain(p)),
                    })
                    .collect()
            }),
        }
    }

    /// Compares a request value.
    pub(crate) fn compare(&self, value: &str, ctx: &Context, unresolved: &mut Vec<String>) -> Cmp {
        let (Some(parts), Some(v)) = (&self.parts, split5(value)) else {
            return Cmp::Invalid;
        };
        for (p, s) in parts.iter().zip(v) {
            let hit = match p {
                Part::Static(g) => g.is_match(s),
                Part::Dynamic(t) => match t.tokens(ctx) {
                    Ok(toks) => Glob::from_tokens(&toks).is_match(s),
                    Err(u) => {
                        unresolved.push(u.0);
                        return Cmp::Invalid;
                    }
                },
            };
            if !hit {
                return Cmp::NoMatch;
            }
        }
        Cmp::Match
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_arn() {
        let a = Arn::parse("arn:aws:s3:::bucket/key:with:colons").unwrap();
        assert_eq!(a.service, "s3");
        assert_eq!(a.account, "");
        assert_eq!(a.resource, "bucket/key:with:colons");
        assert!(Arn::parse("arn:aws:s3").is_none());
        assert!(Arn::parse("nope:aws:s3:::b").is_none());
    }

    fn like(p: &str, v: &str) -> Cmp {
        ArnPattern::new(p, true).compare(v, &Context::new(), &mut Vec::new())
    }

    #[test]
    fn arn_like_is_per_component() {
        assert_eq!(
            like(
                "arn:aws:iam::*:role/*",
                "arn:aws:iam::111122223333:role/Admin"
            ),
            Cmp::Match
        );
        assert_eq!(
            like(
                "arn:aws:iam::*:role/*",
                "arn:aws:iam::111122223333:role/a:b"
            ),
            Cmp::Match
        );
        assert_eq!(
            like("arn:aws:s*:us-east-1:1:q", "arn:aws:s3:x:us-east-1:1:q"),
            Cmp::NoMatch
        );
        assert_eq!(
            like("arn:aws:s*:us-east-1:1:q", "arn:aws:sqs:us-east-1:1:q"),
            Cmp::Match
        );
        assert_eq!(like("arn:aws:iam::*:role/*", "not-an-arn"), Cmp::Invalid);
        assert_eq!(like("*", "arn:aws:s3:::b"), Cmp::Invalid);
        assert_eq!(like("arn:aws:s3:::b?t", "arn:aws:s3:::bat"), Cmp::Match);
        // split first: the variable's own colon breaks it into two literal parts
        assert_eq!(
            like(
                "arn:aws:iam::${aws:PrincipalAccount}:*",
                "arn:aws:iam::111122223333:user/x"
            ),
            Cmp::NoMatch
        );
    }
}
