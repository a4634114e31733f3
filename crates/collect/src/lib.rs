//! Live collection of an AWS account into a phiward [`Snapshot`], through the AWS SDK for
//! Rust. This is the only phiward crate that talks to AWS.
//!
//! [`collect`] checks the credentials with `sts:GetCallerIdentity` first (a short
//! timeout: an unreachable endpoint fails fast), then reads IAM, Organizations,
//! CloudTrail, S3, KMS, Secrets Manager, AWS Config, CloudWatch, CloudWatch Logs, SNS and
//! IAM Identity Center (SSO admin and the identity store)
//! with at most [`Options::concurrency`] calls in flight, each retried with backoff on
//! throttling. Every call is recorded in the snapshot's collection record; a call that
//! fails leaves its part of the snapshot [`Collected::Unknown`](phiward_snapshot::Collected)
//! with the error, and AWS's "there is none" answers (`NoSuchBucketPolicy`, ...) read as
//! collected and empty.
//!
//! Every call the collector can make is listed in [`calls::CALLS`]; a test checks that
//! `docs/collector-policy.json` allows each of them.
//!
//! [`s3source::S3Source`] reads a trail's bucket for `phiward trail verify s3://...`.
//!
//! The crate never prints: progress goes to a [`Progress`] the caller implements.

mod advisor;
/// The calls, defined with the snapshot model so that the import reads the same list.
pub use phiward_snapshot::calls;
mod ctx;
mod data;
mod error;
mod iam;
mod logging;
mod org;
mod organization;
pub mod s3source;
mod sdk;
mod sso;

use std::sync::Arc;
use std::time::Duration;

pub use error::CollectError;
pub use organization::{collect_organization, AccountResult, OrgOptions};
use phiward_snapshot::{CollectionEntry, Snapshot};

/// How to reach the account.
#[derive(Clone, Debug)]
pub struct Options {
    /// The named profile; `None` uses the default credential chain.
    pub profile: Option<String>,
    /// Regions of the regional services (CloudTrail, KMS, Config, ...); empty means the
    /// profile's or the environment's region, else `us-east-1`.
    pub regions: Vec<String>,
    /// A custom endpoint for every service (an emulator such as moto).
    pub endpoint_url: Option<String>,
    /// The most API calls in flight at once.
    pub concurrency: usize,
    /// Attempts per call, the first included, with exponential backoff on throttling and
    /// transient errors.
    pub max_attempts: u32,
    /// The time allowed for the first `sts:GetCallerIdentity`, retries included.
    pub check_timeout: Duration,
    /// Whether to run an Access Advisor job per user, group and role (several calls
    /// each).
    pub access_advisor: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: None,
            regions: Vec::new(),
            endpoint_url: None,
            concurrency: 8,
            max_attempts: 5,
            check_timeout: Duration::from_secs(15),
            access_advisor: false,
        }
    }
}

/// Receives progress while collecting; the CLI draws a progress bar with it.
pub trait Progress: Send + Sync {
    /// A stage starts (`iam`, `s3`, ...).
    fn stage(&self, _name: &str) {}
    /// One API call finished, with its outcome as recorded in `collection.json`.
    fn call_done(&self, _entry: &CollectionEntry) {}
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// Collects the account. Blocks: it runs its own multi-threaded tokio runtime.
///
/// Fails only when nothing could be collected (no credentials, endpoint unreachable,
/// `sts:GetCallerIdentity` refused); every other failure is recorded in the snapshot.
pub fn collect(options: &Options, progress: Arc<dyn Progress>) -> Result<Snapshot, CollectError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CollectError::Runtime)?;
    runtime.block_on(collect_async(options, progress))
}

/// Collects the account on the caller's tokio runtime (which must have time and I/O
/// enabled).
pub async fn collect_async(
    options: &Options,
    progress: Arc<dyn Progress>,
) -> Result<Snapshot, CollectError> {
    let sdk = sdk::Sdk::load(options).await?;
    collect_with(&sdk, options, progress, None).await
}

/// Collects the account `sdk` acts in; its IAM Identity Center part as `sso_from` sees
/// it when given (the organization's management account, for a member account that
/// cannot see the instance).
pub(crate) async fn collect_with(
    sdk: &sdk::Sdk,
    options: &Options,
    progress: Arc<dyn Progress>,
    sso_from: Option<&sdk::Sdk>,
) -> Result<Snapshot, CollectError> {
    progress.stage("sts");
    let identity = sdk.check_identity(options.check_timeout).await?;
    let source = phiward_snapshot::Source {
        kind: phiward_snapshot::SourceKind::Collect,
        origin: sdk.origin(options),
        tool: concat!("phiward-collect ", env!("CARGO_PKG_VERSION")).to_string(),
    };
    let now = chrono::DateTime::from(std::time::SystemTime::now());
    let mut snap = Snapshot::new(source, now);
    snap.as_of = Some(now);
    snap.account.id = Some(identity.account.clone());
    let ctx = ctx::Ctx::new(options.concurrency, progress);
    ctx.record_ok(&phiward_snapshot::calls::STS_GET_CALLER_IDENTITY, None);

    // IAM and Organizations are global; the rest is read per region, all at once.
    progress_stage(&ctx, "iam");
    iam::collect(&ctx, sdk, &mut snap).await;
    progress_stage(&ctx, "organizations");
    snap.organization = org::collect(&ctx, sdk, &identity.account).await;
    progress_stage(&ctx, "logging and data stores");
    let (logs, stores) = tokio::join!(
        logging::collect(&ctx, sdk),
        data::collect(&ctx, sdk, &identity.account)
    );
    logs.apply(&mut snap);
    stores.apply(&mut snap);
    progress_stage(&ctx, "identity center");
    snap.identity_center = sso::collect(&ctx, sso_from.unwrap_or(sdk), &identity.account).await;
    snap.access_advisor = if options.access_advisor {
        progress_stage(&ctx, "access advisor");
        advisor::collect(&ctx, sdk, &snap).await
    } else {
        phiward_snapshot::Collected::missing(
            "Access Advisor was not requested (phiward collect --access-advisor)",
        )
    };
    snap.collection = ctx.into_collection();
    Ok(snap)
}

fn progress_stage(ctx: &ctx::Ctx, name: &str) {
    ctx.progress().stage(name);
}

/// Who the credentials belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerIdentity {
    /// The account id.
    pub account: String,
    /// The caller's ARN.
    pub arn: String,
}
