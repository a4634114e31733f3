//! Where a new key's secret goes before its creation is reported done: a Secrets Manager
//! secret only its user may read, a file only its owner may read, or a command that
//! receives it on standard input.
//!
//! The stored document is `{"UserName", "AccessKeyId", "SecretAccessKey", "CreateDate"}`.
//! Secrets Manager and file stores are read back: the run checks the write, and later
//! runs learn which key is stored even if the journal missed it.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use super::aws::{Aws, NewKey};
use super::ExecError;

/// A store, as `--store` names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Store {
    /// `secretsmanager:NAME`.
    SecretsManager(String),
    /// `file:PATH`.
    File(PathBuf),
    /// `exec:CMD`, run with `sh -c`.
    Exec(String),
}

/// What a store holds.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Stored {
    /// The IAM user.
    pub user_name: String,
    /// The key id.
    pub access_key_id: String,
    /// The secret.
    pub secret_access_key: String,
    /// When the key was created (RFC 3339).
    pub create_date: String,
}

impl std::fmt::Debug for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stored")
            .field("user_name", &self.user_name)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Reads `secretsmanager:NAME`, `file:PATH` or `exec:CMD`. `{user}` in the name,
    /// path or command is replaced by the user's name (for `--all`).
    pub fn parse(spec: &str) -> Result<Store, String> {
        let (kind, rest) = spec.split_once(':').ok_or_else(|| {
            format!("`{spec}`: expected secretsmanager:NAME, file:PATH or exec:CMD")
        })?;
        if rest.is_empty() {
            return Err(format!(
                "`{spec}`: the {kind} store needs a value after `:`"
            ));
        }
        match kind {
            "secretsmanager" => Ok(Store::SecretsManager(rest.to_string())),
            "file" => Ok(Store::File(PathBuf::from(rest))),
            "exec" => Ok(Store::Exec(rest.to_string())),
            _ => Err(format!(
                "`{spec}`: unknown store `{kind}` (secretsmanager, file or exec)"
            )),
        }
    }

    /// The store for one user: `{user}` replaced.
    pub fn for_user(&self, user: &str) -> Store {
        match self {
            Store::SecretsManager(n) => Store::SecretsManager(n.replace("{user}", user)),
            Store::File(p) => {
                Store::File(PathBuf::from(p.to_string_lossy().replace("{user}", user)))
            }
            Store::Exec(c) => Store::Exec(c.replace("{user}", user)),
        }
    }

    /// How the journal names it.
    pub fn describe(&self) -> String {
        match self {
            Store::SecretsManager(n) => format!("secretsmanager:{n}"),
            Store::File(p) => format!("file:{}", p.display()),
            Store::Exec(c) => format!("exec:{c}"),
        }
    }

    /// Whether the store can be read back.
    pub fn readable(&self) -> bool {
        !matches!(self, Store::Exec(_))
    }

    /// The key id the store holds, when it can be read back and holds one.
    pub async fn stored_key(&self, aws: &Aws) -> Result<Option<String>, ExecError> {
        let text = match self {
            Store::SecretsManager(name) => aws.secret(name).await?,
            Store::File(path) => match std::fs::read_to_string(path) {
                Ok(t) => Some(t),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(store_error(self, format!("cannot read it: {e}"))),
            },
            Store::Exec(_) => None,
        };
        Ok(text
            .and_then(|t| serde_json::from_str::<Stored>(&t).ok())
            .map(|s| s.access_key_id))
    }

    /// Writes the new key, then (where it can) reads it back to check.
    pub async fn put(
        &self,
        aws: &Aws,
        user: &str,
        user_arn: &str,
        key: &NewKey,
    ) -> Result<(), ExecError> {
        let doc = Stored {
            user_name: user.to_string(),
            access_key_id: key.id.clone(),
            secret_access_key: key.secret.clone(),
            create_date: key.created.to_rfc3339(),
        };
        let text = serde_json::to_string(&doc)
            .map_err(|e| store_error(self, format!("cannot encode the key: {e}")))?;
        match self {
            Store::SecretsManager(name) => {
                let caller = aws.caller_arn().await?;
                aws.put_secret(name, &text, &secret_policy(user_arn, &caller))
                    .await?;
            }
            Store::File(path) => write_private(path, &text).map_err(|e| store_error(self, e))?,
            Store::Exec(cmd) => {
                run_command(cmd, user, &key.id, &text).map_err(|e| store_error(self, e))?
            }
        }
        if self.readable() {
            let back = self.stored_key(aws).await?;
            if back.as_deref() != Some(key.id.as_str()) {
                return Err(store_error(
                    self,
                    format!(
                        "reading it back gave {} instead of `{}`",
                        back.map_or("nothing".into(), |b| format!("`{b}`")),
                        key.id
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn store_error(s: &Store, detail: impl Into<String>) -> ExecError {
    ExecError::Store {
        store: s.describe(),
        detail: detail.into(),
    }
}

/// The secret's resource policy: the key's user may read it; nobody else but the
/// rotation's own principal. An explicit deny in a resource policy overrides any
/// identity policy's allow
/// (<https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html>).
pub fn secret_policy(user_arn: &str, caller_arn: &str) -> String {
    let mut readers = vec![user_arn.to_string()];
    // An assumed role's session ARN is not what `aws:PrincipalArn` holds: that is the
    // role's ARN, whose path the session ARN leaves out.
    if let Some((account, role)) = assumed_role(caller_arn) {
        readers.push(format!("arn:aws:iam::{account}:role/{role}"));
        readers.push(format!("arn:aws:iam::{account}:role/*/{role}"));
    } else if !caller_arn.is_empty() {
        readers.push(caller_arn.to_string());
    }
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TheKeysUserReadsIt",
                "Effect": "Allow",
                "Principal": {"AWS": user_arn},
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*"
            },
            {
                "Sid": "NobodyElseReadsIt",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": readers}}
            }
        ]
    })
    .to_string()
}

/// `(account, role name)` of `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
fn assumed_role(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("arn:aws:sts::")?;
    let (account, path) = rest.split_once(":assumed-role/")?;
    let (role, _) = path.split_once('/')?;
    Some((account, role))
}

/// Writes `text` to `path` readable by its owner only: a `0600` temporary file beside it,
/// synced, then renamed over it, so a crash leaves the old file or the new one, never a
/// torn one.
fn write_private(path: &Path, text: &str) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "key".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let write = || -> std::io::Result<()> {
        let mut f = opts.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write `{}`: {e}", path.display())
    })
}

/// Runs `sh -c CMD` with the key document on standard input and the user and key id in
/// `PHIWARD_ROTATE_USER` / `PHIWARD_ROTATE_KEY_ID`; exit status 0 means stored.
fn run_command(cmd: &str, user: &str, key_id: &str, text: &str) -> Result<(), String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .env("PHIWARD_ROTATE_USER", user)
        .env("PHIWARD_ROTATE_KEY_ID", key_id)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run it: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that exits without reading is judged by its status below.
        let _ = stdin.write_all(text.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("cannot run it: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let tail: String = err
        .trim()
        .chars()
        .rev()
        .take(300)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Err(format!("it exited with {}: {tail}", out.status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        assert_eq!(
            Store::parse("secretsmanager:phiward/keys/{user}").map(|s| s.for_user("etl")),
            Ok(Store::SecretsManager("phiward/keys/etl".into()))
        );
        assert_eq!(
            Store::parse("file:/tmp/k.json"),
            Ok(Store::File("/tmp/k.json".into()))
        );
        assert!(Store::parse("vault:x").is_err());
        assert!(Store::parse("file:").is_err());
        assert!(Store::parse("nothing").is_err());
    }

    #[test]
    fn the_file_store_is_private_and_replaced_whole() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let path = dir.path().join("sub/key.json");
        assert_eq!(write_private(&path, "{\"a\":1}"), Ok(()));
        assert_eq!(write_private(&path, "{\"a\":2}"), Ok(()));
        assert_eq!(
            std::fs::read_to_string(&path).ok().as_deref(),
            Some("{\"a\":2}")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o600));
        }
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap_or(dir.path()))
                .map(|d| d.count())
                .ok(),
            Some(1)
        );
    }

    #[test]
    fn the_command_store_reports_failures() {
        assert_eq!(run_command("cat >/dev/null", "u", "AKIA", "{}"), Ok(()));
        let e = run_command("echo nope >&2; exit 3", "u", "AKIA", "{}");
        assert!(e.as_ref().is_err_and(|e| e.contains("nope")), "{e:?}");
    }

    #[test]
    fn the_secret_policy_names_the_user_and_the_rotating_role() {
        let p = secret_policy(
            "arn:aws:iam::111122223333:user/etl",
            "arn:aws:sts::111122223333:assumed-role/Rotator/cron",
        );
        assert!(p.contains("arn:aws:iam::111122223333:role/Rotator"));
        assert!(p.contains("arn:aws:iam::111122223333:role/*/Rotator"));
        assert!(!p.contains("cron"));
    }
}
