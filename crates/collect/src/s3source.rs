//! A trail's bucket read straight from S3, for `phiward trail verify s3://BUCKET/PREFIX`:
//! an [`ObjectSource`] over `ListObjectsV2`, `GetObject` and `HeadObject`.
//!
//! The verifier is synchronous and calls the source from its rayon workers; the source
//! owns a small tokio runtime and each call blocks one worker on one request. Requests in
//! flight are therefore bounded by the worker pool, which the caller sizes (I/O-bound
//! work wants more workers than cores). The listing is read once, up front, so that a
//! bucket that cannot be listed (no credentials, no bucket, access denied) fails before
//! any verification starts.

use std::collections::HashMap;
use std::sync::Mutex;

use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Error;
use phiward_trail::verify::{ObjectSource, SourceError};

use crate::ctx::describe;
use crate::sdk::Sdk;
use crate::{CollectError, Options};

/// `s3://BUCKET/PREFIX`, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Location {
    /// The bucket.
    pub bucket: String,
    /// The key prefix, empty or ending with `/`.
    pub prefix: String,
}

impl S3Location {
    /// Parses `s3://BUCKET[/PREFIX]`. A prefix is read as a folder: `s3://b/logs` lists
    /// `logs/...`, not `logs2/...`.
    pub fn parse(url: &str) -> Result<S3Location, CollectError> {
        let bad = || CollectError::Location(url.to_string());
        let rest = url.strip_prefix("s3://").ok_or_else(bad)?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() || bucket.contains(|c: char| c.is_whitespace()) {
            return Err(bad());
        }
        let mut prefix = prefix.trim_start_matches('/').to_string();
        if !prefix.is_empty() && !prefix.ends_with('/') {
            prefix.push('/');
        }
        Ok(S3Location {
            bucket: bucket.to_string(),
            prefix,
        })
    }
}

impl std::fmt::Display for S3Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.prefix)
    }
}

/// A bucket's objects under a prefix, listed once; contents read on demand.
pub struct S3Source {
    runtime: tokio::runtime::Runtime,
    client: aws_sdk_s3::Client,
    location: S3Location,
    keys: Vec<String>,
    /// `x-amz-meta-signature` of the digests read so far: `GetObject` answers carry the
    /// object's metadata, so a digest costs one request, not a `GetObject` and a
    /// `HeadObject`.
    signatures: Mutex<HashMap<String, String>>,
    failures: Mutex<Failures>,
}

/// Reads S3 refused or failed, the first few kept with their reason.
#[derive(Debug, Default)]
struct Failures {
    count: usize,
    kept: Vec<String>,
}

/// How many failed reads are kept with their reason.
const KEPT_FAILURES: usize = 20;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl std::fmt::Debug for S3Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Source")
            .field("location", &self.location)
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

/// The metadata key of a digest's signature: CloudTrail stores it as the user metadata
/// `x-amz-meta-signature`, which the SDK hands over without its `x-amz-meta-` prefix.
///
/// AWS: CloudTrail User Guide, "CloudTrail digest file structure", section "Digest file
/// signing" (<https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html>).
const SIGNATURE_KEY: &str = "signature";

/// The header S3 names a bucket's region with when a request went to another region.
///
/// AWS: Amazon S3 API Reference, `HeadBucket`, response element `x-amz-bucket-region`
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html>); S3 sends it
/// with the `301 PermanentRedirect` of any request to the wrong regional endpoint.
const REGION_HEADER: &str = "x-amz-bucket-region";

impl S3Source {
    /// Checks the credentials (`sts:GetCallerIdentity`, quickly), then lists every object
    /// under the location. When the bucket lives in another region than the configured
    /// one, S3's redirect names it and the source moves there. Blocks.
    pub fn open(location: S3Location, options: &Options) -> Result<S3Source, CollectError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(CollectError::Runtime)?;
        let (client, keys) = runtime.block_on(async {
            let sdk = Sdk::load(options).await?;
            sdk.check_identity(options.check_timeout).await?;
            let region = sdk.regions.first().cloned().unwrap_or_default();
            let client = crate::data::s3_client(&sdk, &region);
            match list(&client, &location).await {
                Ok(keys) => Ok((client, keys)),
                Err(e) => match redirected_region(&e).filter(|r| *r != region) {
                    Some(r) => {
                        let client = crate::data::s3_client(&sdk, &r);
                        let keys = list(&client, &location)
                            .await
                            .map_err(|e| list_error(&location, &e))?;
                        Ok((client, keys))
                    }
                    None => Err(list_error(&location, &e)),
                },
            }
        })?;
        Ok(S3Source {
            runtime,
            client,
            location,
            keys,
            signatures: Mutex::new(HashMap::new()),
            failures: Mutex::new(Failures::default()),
        })
    }

    /// Where the objects are.
    pub fn location(&self) -> &S3Location {
        &self.location
    }

    /// How many reads S3 refused or failed (after the SDK's retries), and the first few,
    /// each with its reason: when there are any, some input could not be read.
    pub fn failed_reads(&self) -> (usize, Vec<String>) {
        let f = lock(&self.failures);
        (f.count, f.kept.clone())
    }

    fn failure(&self, key: &str, detail: String) -> SourceError {
        let e = SourceError::Object {
            key: format!("s3://{}/{key}", self.location.bucket),
            detail,
        };
        let mut f = lock(&self.failures);
        f.count += 1;
        if f.kept.len() < KEPT_FAILURES {
            f.kept.push(e.to_string());
        }
        e
    }

    fn remember(&self, key: &str, metadata: Option<&HashMap<String, String>>) {
        let Some(sig) = metadata.and_then(|m| m.get(SIGNATURE_KEY)) else {
            return;
        };
        lock(&self.signatures).insert(key.to_string(), sig.trim().to_string());
    }

    fn remembered(&self, key: &str) -> Option<String> {
        lock(&self.signatures).get(key).cloned()
    }
}

/// Every key under the prefix. S3 returns at most 1,000 keys per `ListObjectsV2` answer
/// and a `NextContinuationToken` while more remain; the SDK's paginator follows it.
///
/// AWS: Amazon S3 API Reference, `ListObjectsV2`
/// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html>).
async fn list(
    client: &aws_sdk_s3::Client,
    location: &S3Location,
) -> Result<Vec<String>, SdkError<ListObjectsV2Error>> {
    let mut pages = client
        .list_objects_v2()
        .bucket(&location.bucket)
        .prefix(&location.prefix)
        .into_paginator()
        .send();
    let mut keys = Vec::new();
    while let Some(page) = pages.next().await {
        keys.extend(
            page?
                .contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_string)),
        );
    }
    keys.sort();
    Ok(keys)
}

fn redirected_region(e: &SdkError<ListObjectsV2Error>) -> Option<String> {
    let r = e.raw_response()?;
    r.headers().get(REGION_HEADER).map(str::to_string)
}

fn list_error(location: &S3Location, e: &SdkError<ListObjectsV2Error>) -> CollectError {
    use aws_sdk_s3::error::ProvideErrorMetadata as _;
    let detail = describe(e);
    let hint = match e.code() {
        Some("AccessDenied") => {
            " (listing needs s3:ListBucket on the bucket; see docs/trail.md for the policy)"
        }
        _ => "",
    };
    CollectError::Bucket {
        location: location.to_string(),
        detail: format!("{detail}{hint}"),
    }
}

impl ObjectSource for S3Source {
    fn keys(&self) -> Result<Vec<String>, SourceError> {
        Ok(self.keys.clone())
    }

    /// `GetObject` answers with the object's user metadata (`x-amz-meta-*` headers), so a
    /// digest's signature is kept from it.
    ///
    /// AWS: Amazon S3 API Reference, `GetObject`, response header `x-amz-meta-*`
    /// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html>).
    fn get(&self, key: &str) -> Result<Vec<u8>, SourceError> {
        self.runtime.block_on(async {
            let out = self
                .client
                .get_object()
                .bucket(&self.location.bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| self.failure(key, describe(&e)))?;
            self.remember(key, out.metadata());
            let body = out
                .body
                .collect()
                .await
                .map_err(|e| self.failure(key, e.to_string()))?;
            Ok(body.into_bytes().to_vec())
        })
    }

    /// From the digest's `GetObject` answer when it was read, else with `HeadObject`. A
    /// digest gone since the listing has none (`HeadObject` answers 404 without a body,
    /// hence without an error code); a refused `HeadObject` counts as a failed read.
    ///
    /// AWS: Amazon S3 API Reference, `HeadObject`
    /// (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html>).
    fn signature(&self, key: &str) -> Option<String> {
        if let Some(s) = self.remembered(key) {
            return Some(s);
        }
        let head = self.runtime.block_on(
            self.client
                .head_object()
                .bucket(&self.location.bucket)
                .key(key)
                .send(),
        );
        match head {
            Ok(out) => {
                self.remember(key, out.metadata());
                self.remembered(key)
            }
            Err(e) => {
                if !e.as_service_error().is_some_and(|s| s.is_not_found()) {
                    let _recorded = self.failure(key, describe(&e));
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        let l = S3Location::parse("s3://trail-bucket/org/logs").ok();
        assert_eq!(
            l,
            Some(S3Location {
                bucket: "trail-bucket".into(),
                prefix: "org/logs/".into()
            })
        );
        let l = S3Location::parse("s3://trail-bucket").ok();
        assert_eq!(l.map(|l| l.prefix), Some(String::new()));
        let l = S3Location::parse("s3://b/").ok();
        assert_eq!(l.map(|l| l.to_string()), Some("s3://b/".to_string()));
        for bad in ["trail-bucket/x", "s3://", "s3:///x", "s3://a b/"] {
            assert!(S3Location::parse(bad).is_err(), "{bad}");
        }
    }
}
