//! What the interchange formats (ASFF, OCSF) need to know about a finding's resource:
//! its kind, partition and region, read from the ARN, and a finding id that stays the same
//! from one run to the next, so that Security Hub or a data lake updates a finding instead
//! of piling up copies.

use std::collections::HashMap;

use phiward_findings::Finding;

/// A finding's resource as the interchange formats name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// ASFF's resource type (`AwsIamUser`, `AwsS3Bucket`, ..., `Other`).
    pub asff_type: &'static str,
    /// The identifier: the ARN, or `AWS::::Account:ID` for the account (as Security Hub
    /// names accounts).
    pub id: String,
    /// `aws`, `aws-cn`, `aws-us-gov`, ...: from the ARN, else `aws`.
    pub partition: String,
    /// The region in the ARN; global services (IAM, S3 ARNs) have none.
    pub region: Option<String>,
    /// A short name (the last path segment of the ARN).
    pub name: String,
}

/// The first ARN in `s`: the resource itself, or the ARN quoted inside a description such
/// as ``managed policy `arn:...` version `v1` `` (findings about a policy version).
fn find_arn(s: &str) -> Option<&str> {
    let start = s.find("arn:")?;
    let rest = &s[start..];
    let end = rest
        .find(|c: char| c == '`' || c == '"' || c.is_whitespace())
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Classifies a finding's resource string (an ARN, `account:ID`, or a description
/// holding an ARN).
pub fn resource(resource: &str) -> Resource {
    if let Some(id) = resource.strip_prefix("account:") {
        return Resource {
            asff_type: "AwsAccount",
            id: format!("AWS::::Account:{id}"),
            partition: "aws".into(),
            region: None,
            name: id.to_string(),
        };
    }
    let Some(arn) = find_arn(resource) else {
        return Resource {
            asff_type: "Other",
            id: resource.to_string(),
            partition: "aws".into(),
            region: None,
            name: resource.to_string(),
        };
    };
    // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (the resource may hold colons).
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let get = |i: usize| parts.get(i).copied().unwrap_or("");
    let (service, path) = (get(2), get(5));
    let kind = path.split(['/', ':']).next().unwrap_or("");
    let asff_type = match (service, kind) {
        ("iam", "user") => "AwsIamUser",
        ("iam", "role") => "AwsIamRole",
        ("iam", "group") => "AwsIamGroup",
        ("iam", "policy") => "AwsIamPolicy",
        ("s3", _) if !path.contains('/') => "AwsS3Bucket",
        ("cloudtrail", "trail") => "AwsCloudTrailTrail",
        _ => "Other",
    };
    let partition = match get(1) {
        "" => "aws",
        p => p,
    };
    Resource {
        asff_type,
        id: arn.to_string(),
        partition: partition.to_string(),
        region: Some(get(3)).filter(|r| !r.is_empty()).map(str::to_string),
        name: path.rsplit(['/', ':']).next().unwrap_or(path).to_string(),
    }
}

/// 64-bit FNV-1a: small, dependency-free and fixed forever (unlike `std`'s hasher, whose
/// output may change between Rust releases), which is what a permanent id needs.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A stable id for each finding: 128 bits of hash over the check, resource and principal
/// (NUL-separated, so that `("a", "bc")` and `("ab", "c")` differ), as 32 hex digits.
/// A check may give several findings on one resource and principal (KEY-001 on each of a
/// user's two keys); the n-th repeat, in report order (which checks keep stable), also
/// hashes its rank, so ids stay unique and the first one keeps its plain id.
pub fn finding_hashes(findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<(&str, &str, Option<&str>), u32> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let rank = seen
                .entry((f.check, &f.resource, f.principal.as_deref()))
                .or_insert(0);
            let mut key = Vec::with_capacity(f.check.len() + f.resource.len() + 64);
            key.extend_from_slice(f.check.as_bytes());
            key.push(0);
            key.extend_from_slice(f.resource.as_bytes());
            key.push(0);
            key.extend_from_slice(f.principal.as_deref().unwrap_or("").as_bytes());
            if *rank > 0 {
                key.push(0);
                key.extend_from_slice(rank.to_string().as_bytes());
            }
            *rank += 1;
            let a = fnv1a(0xcbf2_9ce4_8422_2325, &key);
            let b = fnv1a(0x6c62_272e_07bb_0142, &key);
            format!("{a:016x}{b:016x}")
        })
        .collect()
}

/// `s` cut to at most `max` characters, on a character boundary, ending with `…` when
/// cut, so that a limit is never exceeded and a reader sees that text is missing.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(1);
    let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
    format!("{}…", &s[..end])
}

/// The evidence as one line per entry: `source statement N (line L): detail`.
pub fn evidence_lines(f: &Finding) -> Vec<String> {
    f.evidence
        .iter()
        .map(|e| {
            let at = match (e.statement, e.line) {
                (Some(s), Some(l)) => format!(" statement {s} (line {l})"),
                (Some(s), None) => format!(" statement {s}"),
                (None, Some(l)) => format!(" (line {l})"),
                (None, None) => String::new(),
            };
            format!("{}{at}: {}", e.source, e.detail)
        })
        .collect()
}

/// A JSON array with one compact element a line: about half the size of pretty-printed
/// JSON, still readable with `jq` and friendly to line-based tools and diffs.
pub fn json_lines<T: serde::Serialize>(
    items: impl Iterator<Item = T>,
) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(1024);
    out.push(b'[');
    for (i, item) in items.enumerate() {
        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        serde_json::to_writer(&mut out, &item)?;
    }
    out.extend_from_slice(b"\n]");
    // serde_json writes UTF-8 only, so the lossy path never runs.
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_resources() {
        let r = resource("arn:aws:iam::111122223333:user/ops/alice");
        assert_eq!((r.asff_type, r.name.as_str()), ("AwsIamUser", "alice"));
        assert_eq!(r.region, None);
        let r = resource("arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/main");
        assert_eq!(r.asff_type, "AwsCloudTrailTrail");
        assert_eq!(r.partition, "aws-us-gov");
        assert_eq!(r.region.as_deref(), Some("us-gov-west-1"));
        assert_eq!(resource("arn:aws:s3:::phi").asff_type, "AwsS3Bucket");
        assert_eq!(resource("arn:aws:s3:::phi/key").asff_type, "Other");
        let r = resource("account:111122223333");
        assert_eq!(
            (r.asff_type, r.id.as_str()),
            ("AwsAccount", "AWS::::Account:111122223333")
        );
        let r = resource("managed policy `arn:aws:iam::1:policy/P` version `v1`");
        assert_eq!(
            (r.asff_type, r.id.as_str()),
            ("AwsIamPolicy", "arn:aws:iam::1:policy/P")
        );
        assert_eq!(resource("something else").asff_type, "Other");
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
        let s = "é".repeat(10);
        let t = truncate(&s, 4);
        assert_eq!(t.chars().count(), 4);
        assert_eq!(t, "ééé…");
    }
}
