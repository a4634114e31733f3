//! Which partition a row goes to: `account=A/region=R/day=YYYY-MM-DD`.

use crate::rows::Row;

/// A partition's folder values.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Partition {
    pub account: String,
    pub region: String,
    pub day: String,
}

impl Partition {
    /// The folder below `events/`.
    pub fn dir(&self) -> String {
        format!(
            "account={}/region={}/day={}",
            self.account, self.region, self.day
        )
    }

    /// The partition of a row read from the file at `key`: the event's account and
    /// region (`recipientAccountId`, `awsRegion`), else the log folder's, and its day.
    pub fn of(row: &Row, key: &str) -> Partition {
        let (path_account, path_region) = layout(key);
        let day = phiward_trail::time::format(row.time);
        Partition {
            account: clean(row.recipient.as_deref().or(path_account)),
            region: clean(row.aws_region.as_deref().or(path_region)),
            day: day.get(..10).unwrap_or("unknown").to_string(),
        }
    }
}

/// A folder name: characters that could escape a path or confuse Hive's `k=v` become `_`.
fn clean(v: Option<&str>) -> String {
    match v {
        Some(s) if !s.is_empty() && s.len() <= 64 => s
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect(),
        _ => "unknown".into(),
    }
}

/// The account and region of CloudTrail's layout:
/// `[...]AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/...`.
fn layout(key: &str) -> (Option<&str>, Option<&str>) {
    let parts: Vec<&str> = key.split('/').collect();
    match parts.iter().position(|p| *p == "CloudTrail") {
        Some(i) if i >= 1 => (parts.get(i - 1).copied(), parts.get(i + 1).copied()),
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions() {
        let mut r = Row {
            time: 1_714_521_600,
            ..Row::default()
        };
        let p = Partition::of(
            &r,
            "AWSLogs/o-abc/111/CloudTrail/eu-west-1/2024/05/02/x.json.gz",
        );
        assert_eq!(p.dir(), "account=111/region=eu-west-1/day=2024-05-01");
        r.recipient = Some("222".into());
        r.aws_region = Some("../x".into());
        let p = Partition::of(&r, "export.jsonl");
        assert_eq!(p.dir(), "account=222/region=___x/day=2024-05-01");
    }
}
