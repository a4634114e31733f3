//! The HIPAA check catalog. Each check lives in its own file under `checks/` with its
//! metadata (permanent id, title, severity, practice, HIPAA Security Rule citations, CIS
//! control, remediation) and a doc comment saying what it checks, why, and how to fix it.
//! Statements about access are decided by the policy engine through `phiward_access`,
//! never by pattern-matching policy text. A check whose data was not collected says
//! `not_evaluated`, never `pass`.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use phiward_access::{AccessModel, PrincipalType, Step};
use phiward_report::{Evidence, Finding, Severity, Status};
use phiward_snapshot::Snapshot;
use rayon::prelude::*;

mod checks;
pub mod conditions;
pub mod config;
pub mod probe;

pub use checks::CHECKS;
pub use config::{Config, ConfigError};

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
    /// Per principal, which of [`RUNNERS`] its trust policy lets assume it (bit k for
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

    /// Whether `service` (one of [`RUNNERS`]) may assume the principal at `index` of
    /// `access`: a role that is not service-linked whose trust policy, decided by the
    /// engine, lets the service in.
    pub fn assumed_by(&self, index: usize, service: &str) -> bool {
        let Some(bit) = RUNNERS.iter().position(|s| *s == service) else {
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
                    RUNNERS.iter().enumerate().fold(0u16, |acc, (k, svc)| {
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

    /// The account's resource name for account-wide findings.
    pub fn account_resource(&self) -> String {
        format!(
            "account:{}",
            self.snapshot.account.id.as_deref().unwrap_or("unknown")
        )
    }
}

/// The services that run code or deployments with a role they assume (AUTO-003,
/// AUTO-004; see [`Audit::assumed_by`]).
pub const RUNNERS: [&str; 8] = [
    "cloudformation.amazonaws.com",
    "codepipeline.amazonaws.com",
    "codebuild.amazonaws.com",
    "lambda.amazonaws.com",
    "ec2.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "glue.amazonaws.com",
    "sagemaker.amazonaws.com",
];

/// A check's permanent metadata.
#[derive(Debug)]
pub struct Meta {
    /// Permanent id (`ROOT-001`).
    pub id: &'static str,
    /// Title.
    pub title: &'static str,
    /// Severity of a failure.
    pub severity: Severity,
    /// The practice (1-7) it serves.
    pub practice: u8,
    /// HIPAA Security Rule citations (`164.312(d)`).
    pub hipaa: &'static [&'static str],
    /// The matching CIS AWS Foundations Benchmark control, where one exists.
    pub cis: Option<&'static str>,
    /// The check's source file; its `//!` comment is the check's documentation.
    pub source: &'static str,
    /// How to fix a failure.
    pub remediation: &'static str,
}

impl Meta {
    /// The check's documentation (What, Why, Fix), from its source file's `//!` comment,
    /// so that `phiward explain` and `docs/checks/` say what the code says.
    pub fn doc(&self) -> String {
        self.source
            .lines()
            .map_while(|l| l.strip_prefix("//!"))
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The check's page: metadata and documentation, in Markdown.
    pub fn page(&self) -> String {
        let cis = self.cis.unwrap_or("—");
        format!(
            "# {id}: {title}\n\n| | |\n| --- | --- |\n| severity | {sev} |\n| practice | {practice} |\n| HIPAA | {hipaa} |\n| CIS AWS Foundations | {cis} |\n\n{doc}\n\n**Remediation:** {fix}\n",
            id = self.id,
            title = self.title,
            sev = self.severity.as_str(),
            practice = self.practice,
            hipaa = self.hipaa.join(", "),
            doc = paragraphs(
                &self
                    .doc()
                    .lines()
                    .skip_while(|l| l.starts_with(self.id) || l.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            fix = self.remediation,
        )
    }

    /// A finding of this check.
    pub fn finding(
        &self,
        status: Status,
        resource: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            check: self.id,
            title: self.title,
            severity: self.severity,
            practice: self.practice,
            hipaa: self.hipaa,
            status,
            resource: resource.into(),
            principal: None,
            message: message.into(),
            evidence: Vec::new(),
            remediation: self.remediation,
            suppressed: None,
        }
    }

    /// The account-wide `not_evaluated` finding, naming what was not collected.
    pub fn not_evaluated(&self, a: &Audit<'_>, what: &str) -> Finding {
        self.finding(
            Status::NotEvaluated,
            a.account_resource(),
            format!("{what} was not collected: the check cannot be evaluated"),
        )
    }
}

/// The doc comment's `What:` / `Why:` / `Example:` / `Fix:` parts as Markdown paragraphs.
fn paragraphs(doc: &str) -> String {
    let mut out = String::new();
    for line in doc.lines().filter(|l| !l.trim().is_empty()) {
        let label = ["What:", "Why:", "Example:", "Fix:"]
            .into_iter()
            .find(|l| line.starts_with(l));
        match label {
            Some(l) => {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(&format!("**{l}**{}", line.get(l.len()..).unwrap_or("")));
            }
            None => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(line);
            }
        }
    }
    out
}

/// A check: its metadata and the function that runs it.
#[derive(Debug)]
pub struct Check {
    /// Metadata.
    pub meta: Meta,
    /// Runs the check on an account.
    pub run: fn(&Meta, &Audit<'_>) -> Vec<Finding>,
}

/// Evidence from a decided permission: one entry per granting statement.
pub fn statements(via: &[phiward_access::Via], detail: &str) -> Vec<Evidence> {
    via.iter()
        .map(|v| Evidence {
            source: v.policy.to_string(),
            statement: Some(v.statement),
            line: Some(v.line),
            detail: detail.to_string(),
        })
        .collect()
}

/// At most this many principals are named in one finding's message, and this many
/// grants' statements kept as its evidence: on a large account a finding may concern
/// thousands (every reader of a PHI bucket), which no one reads in a report; the rest are
/// counted, and `phiward who-can` lists them all.
pub const LISTED: usize = 25;

/// See [`LISTED`].
pub const EVIDENCE_GRANTS: usize = 50;

/// `a, b, c` or, past [`LISTED`], `a, b, ... and N more`.
pub fn listed<S: AsRef<str>>(names: &[S]) -> String {
    listed_with(names, |n| n.as_ref().to_string())
}

/// [`listed`] with each shown item described by `describe` (only those are described).
pub fn listed_with<T>(items: &[T], describe: impl Fn(&T) -> String) -> String {
    let shown: Vec<String> = items.iter().take(LISTED).map(describe).collect();
    match items.len().saturating_sub(LISTED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The statements behind the first [`EVIDENCE_GRANTS`] grants, then one entry counting
/// the others and naming the command that lists them.
pub fn grants_evidence<V: AsRef<[phiward_access::Via]>>(
    grants: impl ExactSizeIterator<Item = (V, String)>,
    command: &str,
) -> Vec<Evidence> {
    // Counted without building: the items past the first few are never made.
    let total = grants.len();
    let mut out = Vec::new();
    for (via, detail) in grants.take(EVIDENCE_GRANTS) {
        out.extend(statements(via.as_ref(), &detail));
    }
    if total > EVIDENCE_GRANTS {
        out.push(fact(
            "phiward",
            format!(
                "{} more grants not shown; `{command}` lists them all",
                total - EVIDENCE_GRANTS
            ),
        ));
    }
    out
}

/// Evidence from a fact of the snapshot.
pub fn fact(source: &str, detail: impl Into<String>) -> Evidence {
    Evidence {
        source: source.to_string(),
        statement: None,
        line: None,
        detail: detail.into(),
    }
}

/// The buckets holding PHI: tagged as `[phi]` says (default `data-classification=phi`);
/// `None` when buckets were not collected. A bucket whose tags were not collected counts,
/// so that it is checked rather than skipped.
pub fn phi_buckets<'s>(a: &Audit<'s>) -> Option<Vec<&'s phiward_snapshot::model::data::Bucket>> {
    let buckets = a.snapshot.buckets.get()?;
    Some(
        buckets
            .iter()
            .filter(|b| match b.tags.get() {
                Some(tags) => tags.iter().any(|t| {
                    t.key.eq_ignore_ascii_case(&a.config.phi.tag_key)
                        && t.value.eq_ignore_ascii_case(&a.config.phi.tag_value)
                }),
                None => true,
            })
            .collect(),
    )
}

/// The `phiward lint` rules checks read ([`lint_documents`]): the audit runs only these.
pub const LINT_RULES: &[&str] = &["PW101", "PW102", "PW104"];

/// Every policy document of the account linted with the given `phiward lint` rules: one
/// failing finding per document that has hits, with each hit's line as evidence, or one
/// passing account-wide finding (`pass`) when none has.
pub fn lint_documents(
    m: &Meta,
    a: &Audit<'_>,
    rules: &[&str],
    what: &str,
    pass: &str,
) -> Vec<Finding> {
    if a.snapshot.iam.get().is_none() {
        return vec![m.not_evaluated(a, "IAM")];
    }
    if let Some(r) = rules.iter().find(|r| !LINT_RULES.contains(r)) {
        return vec![m.finding(
            Status::Error,
            a.account_resource(),
            format!("lint rule `{r}` is not among the rules the audit runs (LINT_RULES)"),
        )];
    }
    let mut out = Vec::new();
    for (d, all) in a.lints() {
        let hits: Vec<_> = all.iter().filter(|f| rules.contains(&f.id)).collect();
        if hits.is_empty() {
            continue;
        }
        let mut f = m.finding(
            Status::Fail,
            d.place.clone(),
            format!("{}: {what}", d.place),
        );
        f.evidence = hits
            .iter()
            .map(|h| Evidence {
                source: d.place.clone(),
                statement: None,
                line: Some(h.line),
                detail: h.message.clone(),
            })
            .collect();
        out.push(f);
    }
    if out.is_empty() {
        out.push(m.finding(Status::Pass, a.account_resource(), pass));
    }
    out
}

/// One finding per PHI bucket: `not_evaluated` when its policy was not collected, else
/// what `decide` says for the bucket (its ARN is passed along).
pub fn per_phi_bucket(
    m: &Meta,
    a: &Audit<'_>,
    mut decide: impl FnMut(&phiward_snapshot::model::data::Bucket, &str) -> Finding,
) -> Vec<Finding> {
    let Some(buckets) = phi_buckets(a) else {
        return vec![m.not_evaluated(a, "S3 buckets")];
    };
    buckets
        .iter()
        .map(|b| {
            let arn = format!("arn:aws:s3:::{}", b.name);
            if b.policy.get().is_none() {
                return m.finding(
                    Status::NotEvaluated,
                    &arn,
                    format!("the policy of PHI bucket `{}` was not collected", b.name),
                );
            }
            decide(b, &arn)
        })
        .collect()
}

/// Runs every check, then marks the failures that an unexpired `[[suppress]]` entry
/// covers (they stay failures in the report, with who accepted them, why and until when,
/// and no longer count against `--fail-on`).
pub fn run_all(a: &Audit<'_>) -> Vec<Finding> {
    run_all_timed(a, |_, _| {})
}

/// [`run_all`], telling `timed` how long each check took (`phiward audit --timings`).
pub fn run_all_timed(
    a: &Audit<'_>,
    mut timed: impl FnMut(&Meta, std::time::Duration),
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = CHECKS
        .iter()
        .flat_map(|c| {
            let t = std::time::Instant::now();
            let r = (c.run)(&c.meta, a);
            timed(&c.meta, t.elapsed());
            r
        })
        .collect();
    for f in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        if let Some(s) = a
            .config
            .suppress
            .iter()
            .find(|s| s.covers(f.check, &f.resource, a.now))
        {
            f.suppressed = Some(phiward_report::Suppressed {
                reason: s.reason.clone(),
                owner: s.owner.clone(),
                expires: s.expires.to_string(),
            });
        }
    }
    findings
}

#[cfg(test)]
mod cap_tests {
    use super::*;

    #[test]
    fn long_lists_are_counted_not_spelled_out() {
        let names: Vec<String> = (0..30).map(|i| format!("p{i}")).collect();
        let text = listed(&names);
        assert!(text.starts_with("p0, p1, "));
        assert!(text.ends_with("p24 and 5 more"), "{text}");
        assert_eq!(listed(&names[..3]), "p0, p1, p2");
        let via = vec![phiward_access::Via {
            policy: "pol".into(),
            statement: 0,
            sid: None,
            line: 3,
        }];
        let grants: Vec<(&[phiward_access::Via], String)> =
            (0..60).map(|i| (via.as_slice(), format!("g{i}"))).collect();
        let ev = grants_evidence(grants.into_iter(), "phiward who-can X Y");
        assert_eq!(ev.len(), EVIDENCE_GRANTS + 1);
        assert!(ev[EVIDENCE_GRANTS]
            .detail
            .starts_with("10 more grants not shown"));
        let few: Vec<(&[phiward_access::Via], String)> = vec![(via.as_slice(), "g".into())];
        assert_eq!(grants_evidence(few.into_iter(), "x").len(), 1);
    }
}
