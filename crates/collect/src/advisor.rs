//! Access Advisor: which services each user, group and role used, and when. One job per
//! principal (`iam:GenerateServiceLastAccessedDetails`), polled until it completes; off
//! unless asked for, since it is several calls per principal.

use std::time::Duration;

use aws_sdk_iam::types::JobStatusType;
use aws_sdk_iam::Client;
use phiward_snapshot::model::org::{PrincipalAccess, ServiceLastAccessed};
use phiward_snapshot::{Collected, NotCollected, Reason, Snapshot};

use crate::ctx::{ots, Ctx, Got};
use crate::sdk::Sdk;
use phiward_snapshot::calls;

/// Jobs usually finish within seconds; a job still running after this many polls is
/// recorded as failed.
const POLLS: u32 = 30;
const POLL_DELAY: Duration = Duration::from_secs(1);

pub(crate) async fn collect(
    ctx: &Ctx,
    sdk: &Sdk,
    snap: &Snapshot,
) -> Collected<Vec<PrincipalAccess>> {
    let Some(iam) = snap.iam.get() else {
        return Collected::not(
            Reason::Failed,
            "IAM was not collected, so there are no principals to ask Access Advisor about",
        );
    };
    let arns: Vec<String> = iam
        .users
        .iter()
        .map(|u| u.arn.clone())
        .chain(iam.groups.iter().map(|g| g.arn.clone()))
        .chain(iam.roles.iter().map(|r| r.arn.clone()))
        .collect();
    let client = Client::new(&sdk.config);
    let jobs = arns.iter().map(|arn| principal(ctx, &client, arn));
    let results = futures_util::future::join_all(jobs).await;
    let mut found = Vec::new();
    let mut first_failure: Option<NotCollected> = None;
    for r in results {
        match r {
            Ok(p) => found.push(p),
            Err(n) => {
                first_failure.get_or_insert(n);
            }
        }
    }
    // A principal whose job failed is left out: its activity is unknown, not "none".
    // When every job failed, the section as a whole is unknown.
    match first_failure {
        Some(n) if found.is_empty() && !arns.is_empty() => Collected::Unknown(n),
        _ => Collected::Known(found),
    }
}

async fn principal(ctx: &Ctx, iam: &Client, arn: &str) -> Result<PrincipalAccess, NotCollected> {
    let started = ctx
        .call(
            &calls::IAM_GENERATE_SERVICE_LAST_ACCESSED_DETAILS,
            Some(arn),
            iam.generate_service_last_accessed_details().arn(arn).send(),
        )
        .await;
    let job = match started {
        Got::Data(o) => o.job_id().unwrap_or_default().to_string(),
        Got::Absent => return Err(absent(arn)),
        Got::Not(n) => return Err(n),
    };
    let api = &calls::IAM_GET_SERVICE_LAST_ACCESSED_DETAILS;
    for _ in 0..POLLS {
        let got = ctx
            .call(
                api,
                Some(arn),
                iam.get_service_last_accessed_details().job_id(&job).send(),
            )
            .await;
        let out = match got {
            Got::Data(o) => o,
            Got::Absent => return Err(absent(arn)),
            Got::Not(n) => return Err(n),
        };
        match out.job_status() {
            JobStatusType::Completed => {
                return Ok(PrincipalAccess {
                    arn: arn.to_string(),
                    services_last_accessed: out
                        .services_last_accessed()
                        .iter()
                        .map(|s| ServiceLastAccessed {
                            service_namespace: s.service_namespace().to_string(),
                            service_name: s.service_name().to_string(),
                            last_authenticated: ots(s.last_authenticated()),
                            last_authenticated_entity: s
                                .last_authenticated_entity()
                                .map(str::to_string),
                        })
                        .collect(),
                })
            }
            JobStatusType::InProgress => tokio::time::sleep(POLL_DELAY).await,
            other => {
                let why = out.error().map_or("", |e| e.message());
                return Err(ctx.record_failed(
                    api,
                    Some(arn),
                    format!("the job ended `{}`: {why}", other.as_str()),
                ));
            }
        }
    }
    Err(ctx.record_failed(
        api,
        Some(arn),
        format!("the job did not finish within {POLLS} polls"),
    ))
}

fn absent(arn: &str) -> NotCollected {
    NotCollected {
        reason: Reason::Failed,
        detail: format!("Access Advisor has no report for `{arn}`"),
    }
}
