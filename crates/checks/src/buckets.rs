//! The buckets checks examine: the PHI buckets (tagged as `[phi]` says) and the buckets
//! trails and AWS Config deliver logs to.

use phiward_report::{Finding, Status};

use phiward_snapshot::model::data::Bucket;

use crate::{Audit, Meta};

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

/// The buckets receiving audit logs, with who sends them.
fn log_buckets(a: &Audit<'_>) -> Option<Vec<(String, String)>> {
    let trails = a.snapshot.trails.get()?;
    let mut out: Vec<(String, String)> = trails
        .iter()
        .filter_map(|t| {
            t.s3_bucket_name
                .clone()
                .map(|b| (b, format!("trail `{}`", t.name)))
        })
        .collect();
    if let Some(channels) = a
        .snapshot
        .config
        .get()
        .and_then(|c| c.delivery_channels.get())
    {
        out.extend(channels.iter().filter_map(|c| {
            c.s3_bucket_name
                .clone()
                .map(|b| (b, format!("AWS Config channel `{}`", c.name)))
        }));
    }
    out.sort();
    out.dedup_by(|x, y| x.0 == y.0);
    Some(out)
}

/// One finding per audit-log bucket: `not_evaluated` when trails or buckets were not
/// collected or the bucket is not in the snapshot, a failure when nothing delivers logs
/// to a bucket, else what `decide` says (given the bucket, its ARN and who delivers to it).
pub fn per_log_bucket(
    m: &Meta,
    a: &Audit<'_>,
    mut decide: impl FnMut(&Bucket, &str, &str) -> Finding,
) -> Vec<Finding> {
    let Some(targets) = log_buckets(a) else {
        return vec![m.not_evaluated(a, "CloudTrail")];
    };
    let Some(buckets) = a.snapshot.buckets.get() else {
        return vec![m.not_evaluated(a, "S3 buckets")];
    };
    let mut out: Vec<Finding> = targets
        .iter()
        .map(|(name, from)| {
            let arn = format!("arn:aws:s3:::{name}");
            match buckets.iter().find(|b| &b.name == name) {
                Some(b) => decide(b, &arn, from),
                None => m.finding(
                    Status::NotEvaluated,
                    arn,
                    format!(
                        "log bucket `{name}` of {from} is not in the snapshot (another account?)"
                    ),
                ),
            }
        })
        .collect();
    if out.is_empty() {
        out.push(m.finding(
            Status::Fail,
            a.account_resource(),
            "no trail or Config channel delivers to a bucket",
        ));
    }
    out
}
