//! What a check reads: the account, its access model, the configuration and what is decided once for every check that asks ([`Audit`]).

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use phiward_access::{AccessModel, PrincipalType, Step, RUNNERS};
use phiward_snapshot::Snapshot;
use rayon::prelude::*;

use crate::{Config, LINT_RULES};

/// Policy documents with their lint findings ([`Audit::lints`]).
pub type Lints<'a> = Vec<(
    phiward_snapshot::policies::DocumentRef<'a>,
    Vec<phiward_lint::Finding>,
)>;

/// What a check reads.
#[derive(Debug)]
pub struct Audit<'a> {
    /// The account.
    pub snapshot: &'a Snapshot,
    /// Its principals, resources and policies, for the engine.
    pub access: &'a AccessModel,
    /// The moment ages are measured from: the snapshot's `as_of`, else when it was made.
    pub now: DateTime<Utc>,
    /// Thresholds.
    pub config: &'a Config,
    /// Per principal of `access`, whether it can change its own permissions and how;
    /// decided once, in parallel, for every check that asks and for the graph.
    grants: OnceLock<Vec<Option<Step>>>,
    /// [`Audit::grants`] without service-linked and external principals.
    admins: OnceLock<Vec<Option<Step>>>,
    /// Per principal, which of [`phiward_access::RUNNERS`] its trust policy lets assume it (bit k for
    /// service k), decided once for AUTO-003 and AUTO-004.
    runners: OnceLock<Vec<u16>>,
    /// The escalation graph toward administrators, built on first use.
    graph: OnceLock<phiward_access::Graph>,
    /// Every policy document with its `phiward lint` findings, linted once (in parallel)
    /// for the checks that read lint rules.
    lints: OnceLock<Lints<'a>>,
    /// IAM users by ARN, built on first use (checks look users up per grant).
    users: OnceLock<std::collections::HashMap<&'a str, &'a phiward_snapshot::model::iam::User>>,
    /// What the CloudTrail logs given to the audit show (`--logs`), if any.
    pub detections: Option<&'a phiward_trail::detect::Detections>,
    /// What each principal used in those logs (LP-008), if any.
    pub usage: Option<&'a phiward_trail::usage::Usage>,
    /// What the recertification record (`phiward certify`) says, if given (CERT-002).
    pub recertified: Option<&'a [Recertified]>,
}

/// One principal in the recertification record (`phiward certify`'s campaign store).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recertified {
    /// The user's or role's ARN.
    pub principal: String,
    /// The newest completed campaign that covered it.
    pub campaign: String,
    /// When that campaign closed, unless items of the principal were left unreviewed.
    pub certified_at: Option<DateTime<Utc>>,
    /// What is outstanding (items flagged because nobody reviewed them).
    pub outstanding: Vec<String>,
}

impl<'a> Audit<'a> {
    /// An audit of `snapshot` measured from `now`.
    pub fn new(
        snapshot: &'a Snapshot,
        access: &'a AccessModel,
        now: DateTime<Utc>,
        config: &'a Config,
    ) -> Audit<'a> {
        Audit {
            snapshot,
            access,
            now,
            config,
            grants: OnceLock::new(),
            admins: OnceLock::new(),
            runners: OnceLock::new(),
            graph: OnceLock::new(),
            users: OnceLock::new(),
            lints: OnceLock::new(),
            detections: None,
            usage: None,
            recertified: None,
        }
    }

    /// The audit, also reading the recertification record (CERT-002).
    pub fn with_recertified(mut self, r: &'a [Recertified]) -> Audit<'a> {
        self.recertified = Some(r);
        self
    }

    /// The audit, also reading what CloudTrail logs show (LOG-013).
    pub fn with_detections(mut self, d: &'a phiward_trail::detect::Detections) -> Audit<'a> {
        self.detections = Some(d);
        self
    }

    /// The audit, also weighing what each principal used in CloudTrail logs (LP-008).
    pub fn with_usage(mut self, u: &'a phiward_trail::usage::Usage) -> Audit<'a> {
        self.usage = Some(u);
        self
    }

    /// The detections and usage of one read of the logs (`phiward_trail::review`).
    pub fn with_review(self, r: &'a phiward_trail::review::Review) -> Audit<'a> {
        self.with_detections(&r.detections).with_usage(&r.usage)
    }

    /// The account's escalation graph (`phiward paths`) as far as paths to an
    /// administrator go: every edge into an administrator, and every edge of a principal
    /// that has none (see [`phiward_access::Scope::toward_admins`]). Built once.
    pub fn graph(&self) -> &phiward_access::Graph {
        self.graph.get_or_init(|| {
            let scope = phiward_access::Scope {
                admins: Some(self.grants()),
                toward_admins: true,
                ..Default::default()
            };
            phiward_access::graph_scoped(self.access, &scope)
        })
    }

    /// Whether `service` (one of [`phiward_access::RUNNERS`]) may assume the principal at `index` of
    /// `access`: a role that is not service-linked whose trust policy, decided by the
    /// engine, lets the service in.
    pub fn assumed_by(&self, index: usize, service: &str) -> bool {
        let Some(bit) = RUNNERS.iter().position(|(s, _)| *s == service) else {
            return false;
        };
        let runners = self.runners.get_or_init(|| {
            self.access
                .principals
                .par_iter()
                .map(|p| {
                    if p.kind != PrincipalType::Role || p.service_linked {
                        return 0;
                    }
                    RUNNERS.iter().enumerate().fold(0u16, |acc, (k, (svc, _))| {
                        let may = phiward_access::decide_as(
                            self.access,
                            svc,
                            "sts:AssumeRole",
                            &p.arn,
                            &[],
                            &[],
                        );
                        if may.is_some() {
                            acc | 1 << k
                        } else {
                            acc
                        }
                    })
                })
                .collect()
        });
        runners.get(index).is_some_and(|r| r & 1 << bit != 0)
    }

    /// Per principal of `access` (same order), the decided permission that lets it change
    /// its own permissions, as the escalation graph marks administrators.
    pub fn grants(&self) -> &[Option<Step>] {
        self.grants.get_or_init(|| {
            self.access
                .principals
                .par_iter()
                .map(|p| phiward_access::admin_grant(self.access, p))
                .collect()
        })
    }

    /// Every policy document of the account with its findings of the lint rules the
    /// checks read ([`LINT_RULES`]).
    pub fn lints(&self) -> &Lints<'a> {
        let snapshot = self.snapshot;
        self.lints.get_or_init(|| {
            phiward_snapshot::policies::documents(snapshot)
                .into_par_iter()
                .map(|d| {
                    let opts = phiward_lint::Options::kind(d.kind).only(LINT_RULES);
                    let hits = phiward_lint::lint_text(d.text.as_str(), &opts, None);
                    (d, hits)
                })
                .collect()
        })
    }

    /// The IAM user with this ARN.
    pub fn user(&self, arn: &str) -> Option<&'a phiward_snapshot::model::iam::User> {
        let snapshot = self.snapshot;
        self.users
            .get_or_init(|| {
                snapshot
                    .iam
                    .get()
                    .map(|iam| iam.users.iter().map(|u| (u.arn.as_str(), u)).collect())
                    .unwrap_or_default()
            })
            .get(arn)
            .copied()
    }

    /// The administrator grant of each principal of the access model (same order), or
    /// `None` for principals that are not administrator-equivalent.
    pub fn admins(&self) -> &[Option<Step>] {
        self.admins.get_or_init(|| {
            self.access
                .principals
                .iter()
                .zip(self.grants())
                .map(|(p, s)| {
                    if p.service_linked || p.kind == PrincipalType::External {
                        None
                    } else {
                        s.clone()
                    }
                })
                .collect()
        })
    }

    /// The ARNs of the administrators and the service-linked roles: the principals that
    /// may change logging and automation (LOG-004, LOG-009, AUTO-004).
    pub fn trusted_arns(&self) -> std::collections::HashSet<&str> {
        self.access
            .principals
            .iter()
            .zip(self.admins())
            .filter(|(p, s)| s.is_some() || p.service_linked)
            .map(|(p, _)| p.arn.as_str())
            .collect()
    }

    /// Whether any of [`phiward_access::RUNNERS`] may assume the principal at `index`.
    pub fn assumed_by_any(&self, index: usize) -> bool {
        RUNNERS.iter().any(|(svc, _)| self.assumed_by(index, svc))
    }

    /// The account's resource name for account-wide findings.
    pub fn account_resource(&self) -> String {
        format!(
            "account:{}",
            self.snapshot.account.id.as_deref().unwrap_or("unknown")
        )
    }
}
