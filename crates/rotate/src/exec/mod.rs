//! The executor of `phiward rotate run`: the only code in phiward that changes AWS.
//!
//! Each run re-reads the user's keys from IAM (and the store, and the journal), asks the
//! planner what is due, and does it one step at a time: create the new key and store
//! it, deactivate the old key once the new one is in use (or the overlap ends), delete
//! it after `delete_after_days` unused. A journal entry is written before and after
//! every step; an interrupted run (kill -9, an API error, throttling) leaves AWS in a
//! state the next run recognises and finishes. The invariants are checked after every
//! step (docs/rotation.md).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::consumers::Consumers;
use crate::schedule::Schedule;

pub mod aws;
pub mod journal;
mod machine;
pub mod store;

pub use aws::{Aws, AwsKey, Connect};
pub use store::Store;

/// The machine's clock.
pub fn wall() -> DateTime<Utc> {
    DateTime::<Utc>::from(std::time::SystemTime::now())
}

/// Why a user's run stopped short.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// An AWS call failed (after the SDK's retries).
    #[error("{api} on `{target}` failed: {detail}")]
    Aws {
        /// The IAM action of the call.
        api: &'static str,
        /// The user, key or secret.
        target: String,
        /// AWS's error code and message.
        detail: String,
    },
    /// The store failed.
    #[error("the store `{store}` failed: {detail}")]
    Store {
        /// The store.
        store: String,
        /// What failed.
        detail: String,
    },
    /// The journal could not be read or written.
    #[error("journal: {0}")]
    Journal(String),
    /// Another run holds the user.
    #[error("`{user}` is being rotated by process {pid} (lock `{lock}`)")]
    Locked {
        /// The user.
        user: String,
        /// The lock file.
        lock: String,
        /// The holder.
        pid: String,
    },
    /// An invariant did not hold after a step; the run stopped.
    #[error("invariant broken for `{user}`: {what}")]
    Invariant {
        /// The user.
        user: String,
        /// The step or invariant that was refused.
        what: String,
    },
    /// A fault injected by a test, standing for an API error.
    #[error("fault injected at point {point} ({label})")]
    Fault {
        /// The point's number in the run.
        point: usize,
        /// What was about to happen.
        label: String,
    },
    /// A crash injected by a test: the run stops at once, writing nothing more.
    #[error("crash injected at point {point} ({label})")]
    Crash {
        /// The point's number in the run.
        point: usize,
        /// What was about to happen.
        label: String,
    },
}

/// A fault a test injects at a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The next call fails as an API error would.
    Error,
    /// The run stops dead, as if killed.
    Crash,
}

/// Called at every point between two steps of a user's run (before each AWS or store
/// call that changes something, and after each step), numbered from 0 in each run.
pub trait FaultHook: Send + Sync + std::fmt::Debug {
    /// The fault to inject at this point, if any. A hook may also end the process.
    fn at(&self, user: &str, point: usize, label: &str) -> Option<Fault>;
}

/// How to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The schedule.
    pub schedule: Schedule,
    /// Where new keys go (`{user}` is replaced by the user name).
    pub store: Store,
    /// The journal file.
    pub journal: PathBuf,
    /// Read and decide, change nothing, write no journal.
    pub dry_run: bool,
    /// Deactivate the old key without seeing the new one in use.
    pub force: bool,
    /// Start a rotation now even if the schedule does not call for one yet (ignored
    /// when phiward created and stored the user's newest key within its period).
    pub start: bool,
    /// The clock (`None`: the machine's).
    pub now: Option<DateTime<Utc>>,
    /// Key use from CloudTrail logs, added to `GetAccessKeyLastUsed`'s.
    pub consumers: Option<Arc<Consumers>>,
    /// The tag that exempts a user.
    pub exempt_tag: String,
    /// The groups whose members are exempt.
    pub exempt_groups: Vec<String>,
    /// How long to keep polling for the new key's first use before giving up this run.
    pub wait: Option<Duration>,
    /// How often to poll while waiting.
    pub poll: Duration,
    /// Faults to inject (tests).
    pub faults: Option<Arc<dyn FaultHook>>,
}

/// How a user's run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// Nothing more is due; the next action and its day, if any.
    Idle(Option<String>),
    /// A step is due once something happens (the new key's use, a day).
    Waiting(String),
    /// The owner must act: the explanation.
    Hold(String),
    /// Exempt from rotation: why.
    Exempt(String),
    /// The user has no access key.
    NoKeys,
    /// A step failed; the next run goes on from there.
    Failed(String),
}

/// One user's run.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The user.
    pub user: String,
    /// What was done (or, in a dry run, would be), in order.
    pub steps: Vec<String>,
    /// How it ended.
    pub end: End,
}

/// The executor: AWS clients, the journal and the options.
#[derive(Debug)]
pub struct Executor {
    aws: Aws,
    journal: journal::Journal,
    opts: Options,
    run: String,
}

impl Executor {
    /// Opens the journal (for writing unless a dry run).
    pub fn new(aws: Aws, opts: Options) -> Result<Executor, ExecError> {
        let journal = journal::Journal::open(&opts.journal, opts.dry_run)?;
        let run = format!(
            "{}-{}",
            wall().format("%Y%m%dT%H%M%S%.3f"),
            std::process::id()
        );
        Ok(Executor {
            aws,
            journal,
            opts,
            run,
        })
    }

    /// The AWS clients (and the calls made so far).
    pub fn aws(&self) -> &Aws {
        &self.aws
    }

    /// The run's moment.
    pub fn now(&self) -> DateTime<Utc> {
        self.opts.now.unwrap_or_else(wall)
    }

    /// Runs one user; never fails as a whole: a failure ends that user's run.
    pub async fn run_user(&self, user: &str) -> Outcome {
        machine::run(self, user).await
    }

    /// Runs every user of the account, at most `max_parallel` at once; users are
    /// returned in name order.
    pub async fn run_all(self: &Arc<Self>, max_parallel: usize) -> Result<Vec<Outcome>, ExecError> {
        let users = self.aws.list_users().await?;
        let permits = Arc::new(tokio::sync::Semaphore::new(max_parallel.max(1)));
        let mut set = tokio::task::JoinSet::new();
        for user in users {
            let ex = Arc::clone(self);
            let permits = Arc::clone(&permits);
            set.spawn(async move {
                let _permit = permits.acquire_owned().await;
                ex.run_user(&user).await
            });
        }
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            match r {
                Ok(o) => out.push(o),
                Err(e) => {
                    return Err(ExecError::Journal(format!(
                        "a user's run did not finish: {e}"
                    )))
                }
            }
        }
        out.sort_by(|a, b| a.user.cmp(&b.user));
        Ok(out)
    }
}

/// Whom to run.
#[derive(Clone, Debug)]
pub enum Target {
    /// These users.
    Users(Vec<String>),
    /// Every user, at most this many at once.
    All {
        /// The most users in flight.
        max_parallel: usize,
    },
}

/// Runs the executor on its own tokio runtime (blocks): the outcomes, and the actions
/// called.
pub fn run_blocking(
    connect: &Connect,
    opts: Options,
    target: &Target,
) -> Result<(Vec<Outcome>, std::collections::BTreeSet<&'static str>), ExecError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ExecError::Journal(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let aws = Aws::connect(connect).await;
        let ex = Arc::new(Executor::new(aws, opts)?);
        let outcomes = match target {
            Target::Users(users) => {
                let mut out = Vec::new();
                for u in users {
                    out.push(ex.run_user(u).await);
                }
                out
            }
            Target::All { max_parallel } => ex.run_all(*max_parallel).await?,
        };
        Ok((outcomes, ex.aws().calls()))
    })
}

/// Reads an RFC 3339 time (`--at`).
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.to_utc())
}
