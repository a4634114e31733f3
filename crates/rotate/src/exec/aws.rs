//! The AWS calls of the executor: IAM's access-key actions on users, the Secrets Manager
//! store, and STS's caller identity. Every call is one method here, named by the IAM
//! action that authorizes it (`crate::calls::CALLS`), and recorded, so a test can check
//! `docs/rotation-policy.json` covers exactly what is called.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_iam::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_iam::types::StatusType;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use chrono::{DateTime, Utc};

use super::ExecError;

/// Where and as whom to call AWS.
#[derive(Clone, Debug, Default)]
pub struct Connect {
    /// A named profile; `None` for the default credential chain.
    pub profile: Option<String>,
    /// The region (Secrets Manager is regional); default the profile's, else `us-east-1`.
    pub region: Option<String>,
    /// A custom endpoint (an emulator such as moto).
    pub endpoint_url: Option<String>,
    /// Attempts per call (throttling and transient errors are retried with backoff).
    pub max_attempts: u32,
    /// An access key id and secret to use instead of the credential chain (tests).
    pub credentials: Option<(String, String)>,
}

/// An access key as IAM lists it, with its last use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsKey {
    /// `AKIA...`.
    pub id: String,
    /// Active or not.
    pub active: bool,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// When it was last used (`GetAccessKeyLastUsed`).
    pub last_used: Option<DateTime<Utc>>,
}

/// A key just created, with its secret.
#[derive(Clone)]
pub struct NewKey {
    /// `AKIA...`.
    pub id: String,
    /// The secret access key: only this answer ever holds it.
    pub secret: String,
    /// When it was created.
    pub created: DateTime<Utc>,
}

impl std::fmt::Debug for NewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKey")
            .field("id", &self.id)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

/// The clients.
#[derive(Debug)]
pub struct Aws {
    iam: aws_sdk_iam::Client,
    sm: aws_sdk_secretsmanager::Client,
    sts: aws_sdk_sts::Client,
    calls: Mutex<BTreeSet<&'static str>>,
}

fn time(t: &aws_sdk_iam::primitives::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

fn fail<E>(api: &'static str, target: &str, e: &aws_sdk_iam::error::SdkError<E>) -> ExecError
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
{
    let detail = match e.code() {
        Some(code) => format!("{code}: {}", e.message().unwrap_or_default()),
        None => DisplayErrorContext(e).to_string(),
    };
    ExecError::Aws {
        api,
        target: target.to_string(),
        detail,
    }
}

impl Aws {
    /// Loads the configuration and builds the clients.
    pub async fn connect(c: &Connect) -> Aws {
        // rustls with ring, as the collector: no aws-lc build.
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let retry = RetryConfig::standard()
            .with_max_attempts(c.max_attempts.max(1))
            .with_initial_backoff(Duration::from_millis(200))
            .with_max_backoff(Duration::from_secs(20));
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5))
            .operation_attempt_timeout(Duration::from_secs(60))
            .build();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http)
            .retry_config(retry)
            .timeout_config(timeouts);
        if let Some(p) = &c.profile {
            loader = loader.profile_name(p);
        }
        if let Some(url) = &c.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some((id, secret)) = &c.credentials {
            loader = loader.credentials_provider(aws_sdk_iam::config::Credentials::new(
                id.clone(),
                secret.clone(),
                None,
                None,
                "phiward-rotate",
            ));
        }
        if let Some(r) = &c.region {
            loader = loader.region(Region::new(r.clone()));
        }
        let mut config = loader.load().await;
        if config.region().is_none() {
            config = config
                .into_builder()
                .region(Region::new("us-east-1"))
                .build();
        }
        Aws {
            iam: aws_sdk_iam::Client::new(&config),
            sm: aws_sdk_secretsmanager::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            calls: Mutex::new(BTreeSet::new()),
        }
    }

    fn record(&self, api: &'static str) {
        if let Ok(mut c) = self.calls.lock() {
            c.insert(api);
        }
    }

    /// The actions called so far.
    pub fn calls(&self) -> BTreeSet<&'static str> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// `iam:ListUsers`: every user name.
    pub async fn list_users(&self) -> Result<Vec<String>, ExecError> {
        let mut out = Vec::new();
        let mut marker = None;
        loop {
            self.record("iam:ListUsers");
            let r = self
                .iam
                .list_users()
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| fail("iam:ListUsers", "the account", &e))?;
            out.extend(r.users().iter().map(|u| u.user_name().to_string()));
            match r.marker() {
                Some(m) if r.is_truncated() => marker = Some(m.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }

    /// `iam:GetUser`: the user's ARN and tags.
    pub async fn get_user(&self, user: &str) -> Result<(String, Vec<(String, String)>), ExecError> {
        self.record("iam:GetUser");
        let r = self
            .iam
            .get_user()
            .user_name(user)
            .send()
            .await
            .map_err(|e| fail("iam:GetUser", user, &e))?;
        let u = r.user().ok_or_else(|| ExecError::Aws {
            api: "iam:GetUser",
            target: user.to_string(),
            detail: "the answer holds no user".into(),
        })?;
        let tags = u
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        Ok((u.arn().to_string(), tags))
    }

    /// `iam:ListGroupsForUser`: the user's group names.
    pub async fn groups(&self, user: &str) -> Result<Vec<String>, ExecError> {
        let mut out = Vec::new();
        let mut marker = None;
        loop {
            self.record("iam:ListGroupsForUser");
            let r = self
                .iam
                .list_groups_for_user()
                .user_name(user)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| fail("iam:ListGroupsForUser", user, &e))?;
            out.extend(r.groups().iter().map(|g| g.group_name().to_string()));
            match r.marker() {
                Some(m) if r.is_truncated() => marker = Some(m.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }

    /// `iam:ListAccessKeys` and `iam:GetAccessKeyLastUsed` for each key.
    pub async fn keys(&self, user: &str) -> Result<Vec<AwsKey>, ExecError> {
        self.record("iam:ListAccessKeys");
        let r = self
            .iam
            .list_access_keys()
            .user_name(user)
            .send()
            .await
            .map_err(|e| fail("iam:ListAccessKeys", user, &e))?;
        let mut out = Vec::new();
        for m in r.access_key_metadata() {
            let (Some(id), Some(created)) = (m.access_key_id(), m.create_date().and_then(time))
            else {
                continue;
            };
            self.record("iam:GetAccessKeyLastUsed");
            let used = self
                .iam
                .get_access_key_last_used()
                .access_key_id(id)
                .send()
                .await
                .map_err(|e| fail("iam:GetAccessKeyLastUsed", id, &e))?;
            out.push(AwsKey {
                id: id.to_string(),
                active: m.status() == Some(&StatusType::Active),
                created,
                last_used: used
                    .access_key_last_used()
                    .and_then(|u| u.last_used_date())
                    .and_then(time),
            });
        }
        out.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
        Ok(out)
    }

    /// `iam:CreateAccessKey`.
    pub async fn create_key(&self, user: &str) -> Result<NewKey, ExecError> {
        self.record("iam:CreateAccessKey");
        let r = self
            .iam
            .create_access_key()
            .user_name(user)
            .send()
            .await
            .map_err(|e| fail("iam:CreateAccessKey", user, &e))?;
        let k = r.access_key().ok_or_else(|| ExecError::Aws {
            api: "iam:CreateAccessKey",
            target: user.to_string(),
            detail: "the answer holds no key".into(),
        })?;
        Ok(NewKey {
            id: k.access_key_id().to_string(),
            secret: k.secret_access_key().to_string(),
            created: k.create_date().and_then(time).unwrap_or_else(super::wall),
        })
    }

    /// `iam:UpdateAccessKey` to `Inactive`.
    pub async fn deactivate(&self, user: &str, id: &str) -> Result<(), ExecError> {
        self.record("iam:UpdateAccessKey");
        self.iam
            .update_access_key()
            .user_name(user)
            .access_key_id(id)
            .status(StatusType::Inactive)
            .send()
            .await
            .map_err(|e| fail("iam:UpdateAccessKey", id, &e))?;
        Ok(())
    }

    /// `iam:DeleteAccessKey`.
    pub async fn delete_key(&self, user: &str, id: &str) -> Result<(), ExecError> {
        self.record("iam:DeleteAccessKey");
        self.iam
            .delete_access_key()
            .user_name(user)
            .access_key_id(id)
            .send()
            .await
            .map_err(|e| fail("iam:DeleteAccessKey", id, &e))?;
        Ok(())
    }

    /// `sts:GetCallerIdentity` (needs no permission): who runs the rotation.
    pub async fn caller_arn(&self) -> Result<String, ExecError> {
        self.record("sts:GetCallerIdentity");
        let r = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| fail("sts:GetCallerIdentity", "the caller", &e))?;
        Ok(r.arn().unwrap_or_default().to_string())
    }

    /// `secretsmanager:GetSecretValue`: the secret's current text; `None` when there is
    /// no such secret.
    pub async fn secret(&self, name: &str) -> Result<Option<String>, ExecError> {
        self.record("secretsmanager:GetSecretValue");
        match self.sm.get_secret_value().secret_id(name).send().await {
            Ok(r) => Ok(r.secret_string().map(str::to_string)),
            Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(None),
            Err(e) => Err(fail("secretsmanager:GetSecretValue", name, &e)),
        }
    }

    /// Writes the secret's new value, creating the secret when there is none
    /// (`secretsmanager:DescribeSecret`, `CreateSecret` or `PutSecretValue`), then sets its
    /// resource policy (`secretsmanager:PutResourcePolicy`).
    pub async fn put_secret(&self, name: &str, value: &str, policy: &str) -> Result<(), ExecError> {
        self.record("secretsmanager:DescribeSecret");
        let exists = match self.sm.describe_secret().secret_id(name).send().await {
            Ok(_) => true,
            Err(e) if e.code() == Some("ResourceNotFoundException") => false,
            Err(e) => return Err(fail("secretsmanager:DescribeSecret", name, &e)),
        };
        if exists {
            self.record("secretsmanager:PutSecretValue");
            self.sm
                .put_secret_value()
                .secret_id(name)
                .secret_string(value)
                .send()
                .await
                .map_err(|e| fail("secretsmanager:PutSecretValue", name, &e))?;
        } else {
            self.record("secretsmanager:CreateSecret");
            self.sm
                .create_secret()
                .name(name)
                .description("An IAM user's access key, written by `phiward rotate run`")
                .secret_string(value)
                .send()
                .await
                .map_err(|e| fail("secretsmanager:CreateSecret", name, &e))?;
        }
        self.record("secretsmanager:PutResourcePolicy");
        self.sm
            .put_resource_policy()
            .secret_id(name)
            .resource_policy(policy)
            .send()
            .await
            .map_err(|e| fail("secretsmanager:PutResourcePolicy", name, &e))?;
        Ok(())
    }
}
