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
    let (a, b): (Vec<&str>, Vec<&str>) = (
        resource.splitn(6, ':').collect(),
        format.splitn(6, ':').collect(),
    );
    if a.len() < 6 || b.len() < 6 {
        return true;
    }
    a.iter().zip(b.iter()).enumerate().all(|(i, (x, y))| {
        // AWS-owned resources leave the region or account empty
        // (`arn:aws:ssm:us-east-1::document/AWS-RunShellScript`), so those placeholders
        // may stand for nothing.
        let placeholder = if i == 3 || i == 4 {
            Placeholder::Any
        } else {
            Placeholder::OneOrMore
        };
        intersect(&tokens(x, Placeholder::Any), &tokens(y, placeholder))
    })
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
