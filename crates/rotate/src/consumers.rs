//! Who uses each access key, from CloudTrail logs: the source IP addresses (or the AWS
//! service calling on the user's behalf), user agents and regions of the calls signed
//! with it, so the owner knows what to switch to the new key.
//!
//! CloudTrail records the access key of each call in `userIdentity.accessKeyId`
//! (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html>);
//! long-term keys start with `AKIA`, temporary ones with `ASIA`. Calls of an IAM user
//! without a long-term key (console sessions, temporary credentials) are kept per user.
//! Files are found and decompressed by `phiward_trail::read`; the records are read here
//! because phiward's shared event model leaves the key id out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Files larger than this (decompressed) are not read.
const TOO_LARGE: &str = "larger than 256 MiB once decompressed: not read";

/// The calls made with one key (or by one user without a known key).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Consumer {
    /// Calls made with the key in the logs read.
    pub calls: u64,
    /// Calls per source IP address (or AWS service host name).
    pub sources: BTreeMap<String, u64>,
    /// Calls per user agent.
    pub user_agents: BTreeMap<String, u64>,
    /// Calls per region.
    pub regions: BTreeMap<String, u64>,
    /// The first call's time (`eventTime`).
    pub first_seen: Option<String>,
    /// The last call's time.
    pub last_seen: Option<String>,
}

impl Consumer {
    fn add(&mut self, r: &Record) {
        self.calls += 1;
        if let Some(s) = r.source_ip_address.as_deref().filter(|s| !s.is_empty()) {
            *self.sources.entry(s.to_string()).or_default() += 1;
        }
        if let Some(s) = r.user_agent.as_deref().filter(|s| !s.is_empty()) {
            *self.user_agents.entry(s.to_string()).or_default() += 1;
        }
        if let Some(s) = r.aws_region.as_deref().filter(|s| !s.is_empty()) {
            *self.regions.entry(s.to_string()).or_default() += 1;
        }
        if let Some(t) = r.event_time.as_deref() {
            // CloudTrail's times are `YYYY-MM-DDTHH:MM:SSZ`: text order is time order.
            if self.first_seen.as_deref().is_none_or(|f| t < f) {
                self.first_seen = Some(t.to_string());
            }
            if self.last_seen.as_deref().is_none_or(|l| t > l) {
                self.last_seen = Some(t.to_string());
            }
        }
    }

    /// `198.51.100.7 (12), ...`: the most frequent first.
    pub fn top(map: &BTreeMap<String, u64>, n: usize) -> String {
        let mut v: Vec<(&String, &u64)> = map.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut parts: Vec<String> = v
            .iter()
            .take(n)
            .map(|(k, c)| format!("{k} ({c})"))
            .collect();
        if v.len() > n {
            parts.push(format!("and {} more", v.len() - n));
        }
        parts.join(", ")
    }
}

/// The consumers found in a set of logs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Consumers {
    /// Per access key id (`AKIA...`).
    pub by_key: BTreeMap<String, Consumer>,
    /// Per IAM user name: calls without a long-term key id.
    pub by_user: BTreeMap<String, Consumer>,
    /// For each key id, its user's name.
    pub key_user: BTreeMap<String, String>,
    /// Files read.
    pub files: usize,
    /// Files or records that could not be read (`path: why`).
    pub problems: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Identity {
    #[serde(rename = "type")]
    kind: Option<String>,
    user_name: Option<String>,
    access_key_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Record {
    event_time: Option<String>,
    #[serde(rename = "sourceIPAddress")]
    source_ip_address: Option<String>,
    user_agent: Option<String>,
    aws_region: Option<String>,
    user_identity: Option<Identity>,
}

#[derive(Deserialize)]
struct Document {
    #[serde(rename = "Records")]
    records: Vec<serde_json::Value>,
}

impl Consumers {
    /// Reads every log file under `roots` (CloudTrail's S3 layout, `.json`, `.json.gz`,
    /// JSON lines).
    pub fn read(roots: &[PathBuf]) -> Consumers {
        let mut c = Consumers::default();
        let (mut raw, mut buf) = (Vec::new(), Vec::new());
        for root in roots {
            let paths = match phiward_trail::read::discover(root) {
                Ok(p) => p,
                Err(e) => {
                    c.problems.push(e.to_string());
                    continue;
                }
            };
            for path in paths {
                match phiward_trail::read::load(&path, &mut raw, &mut buf) {
                    Ok(true) => c.read_bytes(&path, &buf),
                    Ok(false) => c.problem(&path, TOO_LARGE),
                    Err(e) => c.problem(&path, &e),
                }
                c.files += 1;
            }
        }
        c
    }

    fn problem(&mut self, path: &Path, why: &str) {
        self.problems.push(format!("`{}`: {why}", path.display()));
    }

    /// Reads one decompressed file: a `{"Records": [...]}` document or JSON lines.
    pub fn read_bytes(&mut self, path: &Path, bytes: &[u8]) {
        if let Ok(doc) = serde_json::from_slice::<Document>(bytes) {
            for (i, v) in doc.records.into_iter().enumerate() {
                match serde_json::from_value::<Record>(v) {
                    Ok(r) => self.add(&r),
                    Err(e) => self.problem(path, &format!("record {i}: {e}")),
                }
            }
            return;
        }
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Record>(line) {
                Ok(r) => self.add(&r),
                Err(e) => {
                    self.problem(path, &format!("line {}: {e}", i + 1));
                    if self.problems.len() > 1000 {
                        return;
                    }
                }
            }
        }
    }

    fn add(&mut self, r: &Record) {
        let Some(id) = r.user_identity.as_ref() else {
            return;
        };
        if id.kind.as_deref() != Some("IAMUser") {
            return;
        }
        let user = id.user_name.clone().unwrap_or_default();
        match id.access_key_id.as_deref() {
            Some(k) if k.starts_with("AKIA") => {
                self.by_key.entry(k.to_string()).or_default().add(r);
                if !user.is_empty() {
                    self.key_user.insert(k.to_string(), user);
                }
            }
            _ if !user.is_empty() => self.by_user.entry(user).or_default().add(r),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_grouped_by_key_and_the_rest_by_user() {
        let doc = br#"{"Records":[
          {"eventTime":"2026-10-30T08:00:00Z","sourceIPAddress":"10.0.0.5","userAgent":"aws-cli/2","awsRegion":"us-east-1",
           "userIdentity":{"type":"IAMUser","userName":"etl-svc","accessKeyId":"AKIAETL1"}},
          {"eventTime":"2026-10-29T08:00:00Z","sourceIPAddress":"10.0.0.6","userAgent":"boto3","awsRegion":"us-east-1",
           "userIdentity":{"type":"IAMUser","userName":"etl-svc","accessKeyId":"AKIAETL1"}},
          {"eventTime":"2026-10-29T09:00:00Z","sourceIPAddress":"198.51.100.1","userAgent":"console",
           "userIdentity":{"type":"IAMUser","userName":"etl-svc","accessKeyId":"ASIATEMP"}},
          {"eventTime":"2026-10-29T09:00:00Z","userIdentity":{"type":"AssumedRole","accessKeyId":"ASIAX"}},
          {"eventTime":7}
        ]}"#;
        let mut c = Consumers::default();
        c.read_bytes(Path::new("x.json"), doc);
        let k = &c.by_key["AKIAETL1"];
        assert_eq!(k.calls, 2);
        assert_eq!(k.first_seen.as_deref(), Some("2026-10-29T08:00:00Z"));
        assert_eq!(k.last_seen.as_deref(), Some("2026-10-30T08:00:00Z"));
        assert_eq!(
            Consumer::top(&k.sources, 1),
            "10.0.0.5 (1), and 1 more".to_string()
        );
        assert_eq!(c.by_user["etl-svc"].calls, 1);
        assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
        // JSON lines.
        let mut c = Consumers::default();
        c.read_bytes(
            Path::new("x.jsonl"),
            b"{\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"u\",\"accessKeyId\":\"AKIAU\"}}\n\nnot json\n",
        );
        assert_eq!(c.by_key["AKIAU"].calls, 1);
        assert_eq!(c.problems.len(), 1);
    }
}
