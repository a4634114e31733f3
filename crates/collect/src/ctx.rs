//! One collection run: the bound on calls in flight, the collection record, progress,
//! and the classification of each call's outcome.

use std::future::Future;
use std::sync::{Arc, Mutex};

use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
pub(crate) use phiward_snapshot::Got;
use phiward_snapshot::{Call, Collection, CollectionEntry, EntryStatus, NotCollected, Reason};
use tokio::sync::Semaphore;

use crate::Progress;

/// Shared state of one run.
pub(crate) struct Ctx {
    permits: Semaphore,
    collection: Mutex<Collection>,
    progress: Arc<dyn Progress>,
}

impl Ctx {
    pub(crate) fn new(concurrency: usize, progress: Arc<dyn Progress>) -> Ctx {
        Ctx {
            permits: Semaphore::new(concurrency.clamp(1, 256)),
            collection: Mutex::new(Collection::default()),
            progress,
        }
    }

    pub(crate) fn progress(&self) -> &dyn Progress {
        self.progress.as_ref()
    }

    /// The record, entries sorted so that two runs over the same account compare equal.
    pub(crate) fn into_collection(self) -> Collection {
        let mut c = match self.collection.into_inner() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        c.entries
            .sort_by(|a, b| (&a.api, &a.target).cmp(&(&b.api, &b.target)));
        c
    }

    fn record(&self, entry: CollectionEntry) {
        self.progress.call_done(&entry);
        let mut c = match self.collection.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        c.entries.push(entry);
    }

    /// Records a call that succeeded outside [`Ctx::call`].
    pub(crate) fn record_ok(&self, call: &Call, target: Option<&str>) {
        self.record(entry(call.api, target, EntryStatus::Collected, None));
    }

    /// Records a call that could not be made, and returns the reason.
    pub(crate) fn record_failed(
        &self,
        call: &Call,
        target: Option<&str>,
        error: String,
    ) -> NotCollected {
        let api = call.api;
        let detail = failure_detail(api, target, &error);
        self.record(entry(api, target, EntryStatus::Failed, Some(error)));
        NotCollected {
            reason: Reason::Failed,
            detail,
        }
    }

    /// Runs one API call (or one paginated listing) within the concurrency bound and
    /// records its outcome. An error whose code is one of the call's `absent` codes means
    /// "there is none".
    pub(crate) async fn call<T, E, F>(&self, call: &Call, target: Option<&str>, fut: F) -> Got<T>
    where
        F: Future<Output = Result<T, SdkError<E>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let (api, absent) = (call.api, call.absent);
        let result = match self.permits.acquire().await {
            Ok(_permit) => fut.await,
            Err(_) => return Got::Not(self.record_failed(call, target, "cancelled".to_string())),
        };
        match result {
            Ok(v) => {
                self.record_ok(call, target);
                Got::Data(v)
            }
            Err(e) => {
                let code = e.code().unwrap_or_default().to_string();
                if !code.is_empty() && absent.contains(&code.as_str()) {
                    self.record(entry(api, target, EntryStatus::Absent, Some(code)));
                    Got::Absent
                } else {
                    Got::Not(self.record_failed(call, target, describe(&e)))
                }
            }
        }
    }
}

/// `Code: message` for service errors; the chain of error messages otherwise (timeouts,
/// connection errors, answers that could not be parsed), without the raw response.
pub(crate) fn describe<E>(e: &SdkError<E>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match (e.code(), e.message()) {
        (Some(code), Some(msg)) => format!("{code}: {msg}"),
        (Some(code), None) => code.to_string(),
        _ => {
            // An answer without an error code (one the SDK could not parse): its HTTP
            // status still tells an AccessDenied (403) from a server error.
            let mut text = match e.raw_response().map(|r| r.status().as_u16()) {
                Some(403) => "HTTP 403 (access denied): ".to_string(),
                Some(status) if status >= 400 => format!("HTTP {status}: "),
                _ => String::new(),
            };
            text.push_str(&e.to_string());
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text.push_str(": ");
                text.push_str(&s.to_string());
                source = s.source();
            }
            text
        }
    }
}

fn failure_detail(api: &str, target: Option<&str>, error: &str) -> String {
    match target {
        Some(t) => format!("`{api}` failed for `{t}`: {error}"),
        None => format!("`{api}` failed: {error}"),
    }
}

fn entry(
    api: &str,
    target: Option<&str>,
    status: EntryStatus,
    error: Option<String>,
) -> CollectionEntry {
    CollectionEntry {
        api: api.to_string(),
        target: target.map(str::to_string),
        file: None,
        status,
        error,
    }
}

/// An SDK timestamp as the snapshot's.
pub(crate) fn ts(
    t: &aws_sdk_sts::primitives::DateTime,
) -> Option<phiward_snapshot::dates::Timestamp> {
    chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

/// An optional SDK timestamp as the snapshot's.
pub(crate) fn ots(
    t: Option<&aws_sdk_sts::primitives::DateTime>,
) -> Option<phiward_snapshot::dates::Timestamp> {
    t.and_then(ts)
}
