use phiward_report::{Finding, Severity, Status};
use phiward_snapshot::model::logging::{AdvancedEventSelector, Trail};

use crate::{fact, phi_buckets, Audit, Meta};

check! {
    /// What: for each PHI bucket, a logging trail whose event selectors record S3 object-level
    /// (data) events for it: a basic selector with `AWS::S3::Object` naming all buckets or the
    /// bucket's prefix, or an advanced selector on `eventCategory = Data` and
    /// `resources.type = AWS::S3::Object` whose `resources.ARN` filter, if any, covers it.
    /// Why: management events do not say who read which PHI object; data events do
    /// (164.312(b), 164.308(a)(1)(ii)(D)); CIS 3.8 and 3.9.
    /// Fix: add an advanced event selector for `AWS::S3::Object` on the PHI buckets.
    pub static CHECK = Meta {
        id: "LOG-012",
        title: "Data events are recorded for PHI buckets",
        severity: Severity::High,
        practice: 5,
        hipaa: &["164.312(b)", "164.308(a)(1)(ii)(D)"],
        cis: Some("3.8"),
        remediation: "aws cloudtrail put-event-selectors --trail-name TRAIL --advanced-event-selectors '[{\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Data\"]},{\"Field\":\"resources.type\",\"Equals\":[\"AWS::S3::Object\"]},{\"Field\":\"resources.ARN\",\"StartsWith\":[\"arn:aws:s3:::BUCKET/\"]}]}]'",
    },
    run
}

fn field<'a>(
    s: &'a AdvancedEventSelector,
    name: &str,
) -> Option<&'a phiward_snapshot::model::logging::FieldSelector> {
    s.field_selectors.iter().find(|f| f.field == name)
}

fn advanced_covers(s: &AdvancedEventSelector, object: &str) -> bool {
    let is = |name: &str, value: &str| {
        field(s, name).is_some_and(|f| f.equals.iter().any(|v| v == value))
    };
    if !is("eventCategory", "Data") || !is("resources.type", "AWS::S3::Object") {
        return false;
    }
    match field(s, "resources.ARN") {
        None => true,
        Some(f) => {
            let included =
                (f.equals.is_empty() && f.starts_with.is_empty() && f.ends_with.is_empty())
                    || f.equals.iter().any(|v| v == object)
                    || f.starts_with.iter().any(|v| object.starts_with(v.as_str()))
                    || f.ends_with.iter().any(|v| object.ends_with(v.as_str()));
            let excluded = f.not_equals.iter().any(|v| v == object)
                || f.not_starts_with
                    .iter()
                    .any(|v| object.starts_with(v.as_str()))
                || f.not_ends_with.iter().any(|v| object.ends_with(v.as_str()));
            included && !excluded
        }
    }
}

/// Whether a trail records data events on objects of `bucket`; `None` if its selectors
/// were not collected.
fn records(t: &Trail, bucket: &str) -> Option<bool> {
    if t.has_custom_event_selectors != Some(true) {
        return Some(false);
    }
    let sel = t.event_selectors.get()?;
    let object = format!("arn:aws:s3:::{bucket}/phiward-probe");
    let basic = sel.event_selectors.iter().any(|s| {
        s.data_resources.iter().any(|d| {
            d.resource_type == "AWS::S3::Object"
                && d.values.iter().any(|v| {
                    v == "arn:aws:s3" || v == "arn:aws:s3:::" || object.starts_with(v.as_str())
                })
        })
    });
    Some(
        basic
            || sel
                .advanced_event_selectors
                .iter()
                .any(|s| advanced_covers(s, &object)),
    )
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(trails) = a.snapshot.trails.get() else {
        return vec![m.not_evaluated(a, "CloudTrail")];
    };
    let Some(buckets) = phi_buckets(a) else {
        return vec![m.not_evaluated(a, "S3 buckets")];
    };
    let logging: Vec<&Trail> = trails
        .iter()
        .filter(|t| t.status.get().is_none_or(|s| s.is_logging))
        .collect();
    buckets
        .iter()
        .map(|b| {
            let arn = format!("arn:aws:s3:::{}", b.name);
            let answers: Vec<(&Trail, Option<bool>)> = logging.iter().map(|t| (*t, records(t, &b.name))).collect();
            if let Some((t, _)) = answers.iter().find(|(_, r)| *r == Some(true)) {
                let mut f = m.finding(
                    Status::Pass,
                    &arn,
                    format!("trail `{}` records data events on PHI bucket `{}`", t.name, b.name),
                );
                f.evidence.push(fact("cloudtrail get-event-selectors", t.trail_arn.clone()));
                f
            } else if answers.iter().any(|(_, r)| r.is_none()) {
                m.finding(
                    Status::NotEvaluated,
                    &arn,
                    format!("the event selectors of some trails were not collected; none seen records `{}`", b.name),
                )
            } else {
                m.finding(
                    Status::Fail,
                    &arn,
                    format!("no logging trail records data events on PHI bucket `{}`", b.name),
                )
            }
        })
        .collect()
}
