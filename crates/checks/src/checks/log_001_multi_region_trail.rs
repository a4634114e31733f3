use phiward_report::{Finding, Severity, Status};
use phiward_snapshot::model::logging::Trail;

use crate::{fact, Audit, Meta};

check! {
    /// What: at least one trail with `IsMultiRegionTrail`, logging now (`get-trail-status`),
    /// whose event selectors include management events of both read and write types (a trail
    /// without custom selectors logs all management events).
    /// Why: audit controls (164.312(b)) must record activity in every region, where PHI could
    /// be copied without anyone seeing it. CIS 3.1.
    /// Fix: `aws cloudtrail create-trail --is-multi-region-trail ...` and `start-logging`; keep
    /// management events `All`.
    pub static CHECK = Meta {
        id: "LOG-001",
        title: "A multi-region trail logs all management events",
        severity: Severity::High,
        practice: 5,
        hipaa: &["164.312(b)", "164.308(a)(1)(ii)(D)"],
        cis: Some("3.1"),
        remediation: "create a multi-region trail logging all management events (read and write) and start logging",
    },
    run
}

/// Whether the trail logs read and write management events, as far as was collected.
///
/// AWS: CloudTrail API Reference, "AdvancedFieldSelector": an advanced selector logs
/// management events when `eventCategory` equals `Management`, and both read and write
/// events when it has no `readOnly` field.
fn all_management(t: &Trail) -> Option<bool> {
    if t.has_custom_event_selectors != Some(true) {
        return Some(true);
    }
    let sel = t.event_selectors.get()?;
    if !sel.advanced_event_selectors.is_empty() {
        // The selector's fields decide, not its name.
        return Some(sel.advanced_event_selectors.iter().any(|s| {
            let management = s.field_selectors.iter().any(|f| {
                f.field == "eventCategory" && f.equals.iter().any(|v| v == "Management")
            });
            management && !s.field_selectors.iter().any(|f| f.field == "readOnly")
        }));
    }
    Some(sel.event_selectors.iter().any(|s| {
        s.include_management_events != Some(false)
            && s.read_write_type
                .as_deref()
                .is_none_or(|r| r.eq_ignore_ascii_case("All"))
    }))
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(trails) = a.snapshot.trails.get() else {
        return vec![m.not_evaluated(a, "CloudTrail")];
    };
    let good = trails.iter().find(|t| {
        t.is_multi_region_trail == Some(true)
            && t.status.get().is_some_and(|s| s.is_logging)
            && all_management(t) == Some(true)
    });
    let mut f = match good {
        Some(t) => {
            let mut f = m.finding(
                Status::Pass,
                &t.trail_arn,
                format!(
                    "trail `{}` logs all management events in every region",
                    t.name
                ),
            );
            f.evidence.push(fact(
                "cloudtrail describe-trails",
                "IsMultiRegionTrail true, logging",
            ));
            f
        }
        None => m.finding(
            Status::Fail,
            a.account_resource(),
            "no multi-region trail is logging all management events",
        ),
    };
    if good.is_none() {
        for t in trails {
            let logging = t.status.get().map(|s| s.is_logging);
            let said = |v: Option<bool>| v.map_or("unknown".to_string(), |b| b.to_string());
            f.evidence.push(fact(
                &t.trail_arn,
                format!(
                    "multi-region {}, logging {}, all management events {}",
                    said(t.is_multi_region_trail),
                    said(logging),
                    said(all_management(t))
                ),
            ));
        }
    }
    vec![f]
}
