//! The SDK configuration shared by every client: credentials, regions, endpoint, retries,
//! timeouts and the HTTPS client.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::error::DisplayErrorContext;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use crate::{CallerIdentity, CollectError, Options};

/// The region used for global services and when none is configured.
const FALLBACK_REGION: &str = "us-east-1";

/// The loaded configuration and the regions to read.
pub(crate) struct Sdk {
    pub(crate) config: SdkConfig,
    /// The regions of the regional services, never empty.
    pub(crate) regions: Vec<String>,
    /// Whether a custom endpoint (an emulator) is used.
    pub(crate) endpoint_url: Option<String>,
}

impl Sdk {
    pub(crate) async fn load(options: &Options) -> Result<Sdk, CollectError> {
        // rustls with ring: the SDK's default client builds aws-lc-sys with cmake, which
        // would double the cold build.
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let retry = RetryConfig::standard()
            .with_max_attempts(options.max_attempts.max(1))
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
        if let Some(p) = &options.profile {
            loader = loader.profile_name(p);
        }
        if let Some(url) = &options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(r) = options.regions.first() {
            loader = loader.region(Region::new(r.clone()));
        }
        let mut config = loader.load().await;
        if config.region().is_none() {
            config = config
                .into_builder()
                .region(Region::new(FALLBACK_REGION))
                .build();
        }
        let regions = if options.regions.is_empty() {
            vec![config
                .region()
                .map_or_else(|| FALLBACK_REGION.to_string(), |r| r.to_string())]
        } else {
            let mut r = options.regions.clone();
            r.dedup();
            r
        };
        Ok(Sdk {
            config,
            regions,
            endpoint_url: options.endpoint_url.clone(),
        })
    }

    /// The same configuration acting with other credentials (a role assumed in a member
    /// account): one SDK configuration per account, shared by every region's clients.
    pub(crate) fn with_credentials(&self, creds: aws_sdk_sts::config::Credentials) -> Sdk {
        Sdk {
            config: self
                .config
                .clone()
                .into_builder()
                .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(creds))
                .build(),
            regions: self.regions.clone(),
            endpoint_url: self.endpoint_url.clone(),
        }
    }

    /// The configuration for one region.
    pub(crate) fn in_region(&self, region: &str) -> SdkConfig {
        self.config
            .clone()
            .into_builder()
            .region(Region::new(region.to_string()))
            .build()
    }

    /// What the snapshot's `source.origin` says: profile, endpoint and regions.
    pub(crate) fn origin(&self, options: &Options) -> String {
        let mut parts = vec![format!(
            "profile {}",
            options.profile.as_deref().unwrap_or("(default chain)")
        )];
        if let Some(url) = &self.endpoint_url {
            parts.push(format!("endpoint {url}"));
        }
        parts.push(format!("regions {}", self.regions.join(",")));
        parts.join(", ")
    }

    /// `sts:GetCallerIdentity`, with a short overall timeout and few retries, so that
    /// missing credentials or an unreachable endpoint fail in seconds.
    pub(crate) async fn check_identity(
        &self,
        timeout: Duration,
    ) -> Result<CallerIdentity, CollectError> {
        let conf = aws_sdk_sts::config::Builder::from(&self.config)
            .retry_config(RetryConfig::standard().with_max_attempts(2))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(3))
                    .operation_timeout(timeout)
                    .build(),
            )
            .build();
        let sts = aws_sdk_sts::Client::from_conf(conf);
        let endpoint = self
            .endpoint_url
            .clone()
            .unwrap_or_else(|| "the default endpoint".to_string());
        let out = match tokio::time::timeout(timeout, sts.get_caller_identity().send()).await {
            Err(_) => {
                return Err(CollectError::Unreachable {
                    endpoint,
                    detail: format!("no answer within {} s", timeout.as_secs()),
                })
            }
            Ok(r) => r.map_err(|e| classify_identity_error(&e, endpoint))?,
        };
        match (out.account(), out.arn()) {
            (Some(account), arn) => Ok(CallerIdentity {
                account: account.to_string(),
                arn: arn.unwrap_or_default().to_string(),
            }),
            (None, _) => Err(CollectError::Identity(
                "the answer holds no account id".to_string(),
            )),
        }
    }
}

fn classify_identity_error<E>(
    err: &aws_sdk_sts::error::SdkError<E>,
    endpoint: String,
) -> CollectError
where
    E: std::error::Error + Send + Sync + 'static,
{
    use aws_sdk_sts::error::SdkError;
    let detail = DisplayErrorContext(err).to_string();
    match err {
        SdkError::DispatchFailure(d) if d.is_io() || d.is_timeout() => {
            CollectError::Unreachable { endpoint, detail }
        }
        SdkError::TimeoutError(_) => CollectError::Unreachable { endpoint, detail },
        SdkError::ConstructionFailure(_) | SdkError::DispatchFailure(_) => {
            CollectError::Credentials(detail)
        }
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => CollectError::Identity(detail),
        _ => CollectError::Identity(detail),
    }
}

/// The S3 Control client. With a custom endpoint, S3 Control's endpoint rules would put
/// the account id in front of the host (`ACCOUNT.127.0.0.1`), which an emulator cannot
/// answer, so the endpoint is used as given.
pub(crate) fn s3control_client(sdk: &Sdk) -> aws_sdk_s3control::Client {
    let mut conf = aws_sdk_s3control::config::Builder::from(&sdk.config);
    if let Some(url) = &sdk.endpoint_url {
        conf = conf.endpoint_resolver(FixedEndpoint(url.clone()));
    }
    aws_sdk_s3control::Client::from_conf(conf.build())
}

#[derive(Debug)]
struct FixedEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        let endpoint = aws_sdk_s3control::config::endpoint::Endpoint::builder()
            .url(self.0.clone())
            .build();
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(endpoint))
    }
}
