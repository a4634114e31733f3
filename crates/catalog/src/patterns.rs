//! Whether two wildcard patterns can match a common string, and whether a policy's
//! resource pattern fits an ARN format of the catalog.
//!
//! Both answers err on the side of silence: the linter reports a resource that fits no
//! resource type, or a statement covered by another, only when it is certain.

use phiward_policy::glob::Tok;

/// The largest table [`intersect`] fills; beyond it the answer is "they may intersect".
const MAX_CELLS: usize = 4_000_000;

/// Tokens of a plain pattern, lowercased: `*` and `?` are wildcards. With `vars`, a
/// `${...}` policy variable may stand for anything.
fn tokens(pattern: &str, placeholders: Placeholder) -> Vec<Tok> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if placeholders != Placeholder::Literal && rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                if placeholders == Placeholder::OneOrMore {
                    out.push(Tok::One);
                }
                out.push(Tok::Star);
                rest = rest.get(end + 1..).unwrap_or("");
                continue;
            }
        }
        match c {
            '*' => out.push(Tok::Star),
            '?' => out.push(Tok::One),
            c => out.extend(c.to_lowercase().map(Tok::Lit)),
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

/// How `${...}` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placeholder {
    /// As the text itself, character for character.
    Literal,
    /// As any text, possibly empty (a policy variable may resolve to anything).
    Any,
    /// As one or more characters (a placeholder in an ARN format).
    OneOrMore,
}

/// Whether two token patterns can match a common string.
fn intersect(a: &[Tok], b: &[Tok]) -> bool {
    let (n, m) = (a.len(), b.len());
    if (n + 1).saturating_mul(m + 1) > MAX_CELLS {
        return true;
    }
    let w = m + 1;
    let mut reach = vec![false; (n + 1) * w];
    if let Some(first) = reach.first_mut() {
        *first = true;
    }
    let set = |reach: &mut Vec<bool>, i: usize, j: usize| {
        if let Some(c) = reach.get_mut(i * w + j) {
            *c = true;
        }
    };
    for i in 0..=n {
        for j in 0..=m {
            if !reach.get(i * w + j).copied().unwrap_or(false) {
                continue;
            }
            let (x, y) = (a.get(i).copied(), b.get(j).copied());
            if x == Some(Tok::Star) {
                set(&mut reach, i + 1, j);
                if y.is_some() {
                    set(&mut reach, i, j + 1);
                }
            }
            if y == Some(Tok::Star) {
                set(&mut reach, i, j + 1);
                if x.is_some() {
                    set(&mut reach, i + 1, j);
                }
            }
            if let (Some(x), Some(y)) = (x, y) {
                let fits = match (x, y) {
                    (Tok::Star, _) | (_, Tok::Star) => false,
                    (Tok::Lit(p), Tok::Lit(q)) => p == q,
                    _ => true,
                };
                if fits {
                    set(&mut reach, i + 1, j + 1);
                }
            }
        }
    }
    reach.get(n * w + m).copied().unwrap_or(false)
}

/// Whether two plain wildcard patterns (`*`, `?`) can match a common string, ignoring
/// case.
pub fn intersects(a: &str, b: &str) -> bool {
    intersect(
        &tokens(a, Placeholder::Literal),
        &tokens(b, Placeholder::Literal),
    )
}

/// Whether a policy's resource pattern could name a resource of the ARN format
/// (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`). The partition, service, region
/// and account segments compare one by one (wildcards do not span `:` there, as in the
/// engine), then the resource part. Policy variables may stand for anything; the format's
/// placeholders for one or more characters (region and account: zero or more). Ignores case.
pub fn arn_fits_format(resource: &str, format: &str) -> bool {
    ArnFormat::new(format).fits(&ArnPattern::new(resource))
}

/// An ARN format read once for many [`ArnFormat::fits`] questions (`trail usage` asks
/// one per observed resource and format of every action used).
#[derive(Clone, Debug)]
pub struct ArnFormat {
    /// The six segments' tokens; `None` when the format has fewer (it fits anything).
    segments: Option<Vec<Vec<Tok>>>,
}

/// A resource pattern read once, for [`ArnFormat::fits`] against several formats.
#[derive(Clone, Debug)]
pub struct ArnPattern {
    /// The six segments; `None` when the pattern has fewer (it fits anything).
    segments: Option<Vec<Segment>>,
}

/// One segment of a resource pattern.
#[derive(Clone, Debug)]
enum Segment {
    /// ASCII without wildcards or variables, lowercased: most observed ARNs, matched
    /// against a format without the intersection's table.
    Literal(Box<[u8]>),
    Pattern(Vec<Tok>),
}

impl Segment {
    fn new(s: &str) -> Segment {
        if s.is_ascii() && !s.contains(['*', '?', '$']) {
            Segment::Literal(s.to_ascii_lowercase().into_bytes().into_boxed_slice())
        } else {
            Segment::Pattern(tokens(s, Placeholder::Any))
        }
    }

    fn fits(&self, format: &[Tok]) -> bool {
        match self {
            Segment::Literal(text) => glob(text, format),
            Segment::Pattern(p) => intersect(p, format),
        }
    }
}

/// Whether a pattern matches a literal (lowercase ASCII) text: the intersection of the
/// text's own tokens with the pattern, by the usual backtracking on the last `*`.
fn glob(text: &[u8], pat: &[Tok]) -> bool {
    let (mut t, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = text.get(t) {
        match pat.get(p) {
            Some(Tok::Star) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(Tok::One) => {
                (t, p) = (t + 1, p + 1);
                continue;
            }
            Some(&Tok::Lit(x)) if x == char::from(c) => {
                (t, p) = (t + 1, p + 1);
                continue;
            }
            _ => {}
        }
        let Some((sp, st)) = star else {
            return false;
        };
        (p, t) = (sp + 1, st + 1);
        star = Some((sp, st + 1));
    }
    pat.get(p..)
        .is_some_and(|rest| rest.iter().all(|&x| x == Tok::Star))
}

fn segments<T>(s: &str, read: impl Fn(usize, &str) -> T) -> Option<Vec<T>> {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    (parts.len() == 6).then(|| parts.iter().enumerate().map(|(i, p)| read(i, p)).collect())
}

impl ArnFormat {
    /// Reads a catalog ARN format (`arn:${Partition}:s3:::${BucketName}`).
    pub fn new(format: &str) -> ArnFormat {
        // AWS-owned resources leave the region or account empty
        // (`arn:aws:ssm:us-east-1::document/AWS-RunShellScript`), so those placeholders
        // may stand for nothing.
        let segments = segments(format, |i, p| {
            let placeholder = if i == 3 || i == 4 {
                Placeholder::Any
            } else {
                Placeholder::OneOrMore
            };
            tokens(p, placeholder)
        });
        ArnFormat { segments }
    }

    /// Whether the resource pattern could name a resource of this format (as
    /// [`arn_fits_format`]).
    pub fn fits(&self, resource: &ArnPattern) -> bool {
        let (Some(a), Some(b)) = (&resource.segments, &self.segments) else {
            return true;
        };
        a.iter().zip(b).all(|(x, y)| x.fits(y))
    }
}

/// Whether the resource pattern (or ARN) fits one of the formats.
pub fn fits_any(formats: &[ArnFormat], resource: &str) -> bool {
    let r = ArnPattern::new(resource);
    formats.iter().any(|f| f.fits(&r))
}

impl ArnPattern {
    /// Reads a policy's resource pattern or an observed ARN.
    pub fn new(resource: &str) -> ArnPattern {
        ArnPattern {
            segments: segments(resource, |_, p| Segment::new(p)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intersection() {
        assert!(intersects("get*", "*object"));
        assert!(intersects("*", ""));
        assert!(!intersects("get*", "put*"));
        assert!(intersects("g?t*", "GET"));
        assert!(!intersects("a?c", "ab"));
        assert!(intersects("*a*b*", "*b*a*"));
        assert!(!intersects("x*y", "*z"));
    }

    /// The literal fast path answers as the intersection does.
    #[test]
    fn glob_agrees_with_intersect() {
        let pats = [
            "",
            "*",
            "a*",
            "*b",
            "a?c",
            "${x}",
            "${x}/${y}",
            "ab*cd*",
            "*a*b*",
            "abc",
            "?",
            "**",
        ];
        let texts = [
            "", "a", "abc", "ab", "abcd", "axbxcd", "x/y", "/", "aab", "ABC", "b",
        ];
        for p in pats {
            let pt = tokens(p, Placeholder::OneOrMore);
            for t in texts {
                let lit = Segment::new(t);
                assert!(matches!(lit, Segment::Literal(_)), "{t}");
                assert_eq!(
                    lit.fits(&pt),
                    intersect(&tokens(t, Placeholder::Any), &pt),
                    "{t} against {p}"
                );
            }
        }
    }

    #[test]
    fn arn_formats() {
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        assert!(arn_fits_format("arn:aws:s3:::phi/*", object));
        assert!(!arn_fits_format("arn:aws:s3:::phi", object));
        assert!(arn_fits_format("arn:aws:s3:::phi", bucket));
        assert!(arn_fits_format("arn:aws:s3:::phi*", object));
        assert!(arn_fits_format("arn:aws:s3:::${aws:username}", object));
        assert!(!arn_fits_format("arn:aws:s3:::", bucket));
        let document = "arn:${Partition}:ssm:${Region}:${Account}:document/${DocumentName}";
        assert!(arn_fits_format(
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
            document
        ));
        assert!(!arn_fits_format(
            "arn:aws:ssm:us-east-1:111122223333:document/",
            document
        ));
        let role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
        assert!(!arn_fits_format("arn:aws:iam::111122223333:user/bob", role));
        assert!(arn_fits_format("arn:aws:iam::*:role/*", role));
        assert!(!arn_fits_format("arn:aws:s3:::b/*", role));
    }
}
