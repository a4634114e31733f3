//! Audit logging and monitoring: CloudTrail trails with their status and selectors, AWS
//! Config, CloudWatch alarms, CloudWatch Logs metric filters and SNS subscriptions.

use serde::Deserialize;

use super::{pages, Ctx, Got, Spec};
use crate::calls;
use crate::model::logging::{
    Alarm, ConfigRecorder, ConfigService, DeliveryChannel, EventSelectors, MetricFilter,
    RecorderStatus, SnsSubscription, Trail, TrailStatus,
};
use crate::{Collected, Snapshot};

#[derive(Default, Deserialize)]
struct Trails {
    #[serde(rename = "trailList", default)]
    trails: Vec<Trail>,
}
pages!(Trails: trails);
pages!(TrailStatus);
pages!(EventSelectors: event_selectors, advanced_event_selectors);

#[derive(Default, Deserialize)]
struct Recorders {
    #[serde(rename = "ConfigurationRecorders", default)]
    list: Vec<ConfigRecorder>,
}
pages!(Recorders: list);

#[derive(Default, Deserialize)]
struct RecorderStatuses {
    #[serde(rename = "ConfigurationRecordersStatus", default)]
    list: Vec<RecorderStatus>,
}
pages!(RecorderStatuses: list);

#[derive(Default, Deserialize)]
struct Channels {
    #[serde(rename = "DeliveryChannels", default)]
    list: Vec<DeliveryChannel>,
}
pages!(Channels: list);

#[derive(Default, Deserialize)]
struct Alarms {
    #[serde(rename = "MetricAlarms", default)]
    list: Vec<Alarm>,
}
pages!(Alarms: list);

#[derive(Default, Deserialize)]
struct Filters {
    #[serde(rename = "metricFilters", default)]
    list: Vec<MetricFilter>,
}
pages!(Filters: list);

#[derive(Default, Deserialize)]
struct Subscriptions {
    #[serde(rename = "Subscriptions", default)]
    list: Vec<SnsSubscription>,
}
pages!(Subscriptions: list);

pub(super) fn import(ctx: &mut Ctx, snap: &mut Snapshot) {
    snap.trails = match ctx.fetch::<Trails>(&Spec::of(&calls::TRAIL_DESCRIBE_TRAILS)) {
        Got::Data(t) => Collected::Known(
            t.trails
                .into_iter()
                .map(|trail| with_status(ctx, trail))
                .collect(),
        ),
        Got::Absent => Collected::Known(Vec::new()),
        Got::Not(n) => Collected::Unknown(n),
    };
    snap.config =
        match ctx.fetch::<Recorders>(&Spec::of(&calls::CONFIG_DESCRIBE_CONFIGURATION_RECORDERS)) {
            Got::Data(r) => Collected::Known(ConfigService {
                recorders: r.list,
                recorder_status: ctx
                    .fetch::<RecorderStatuses>(&Spec::of(
                        &calls::CONFIG_DESCRIBE_CONFIGURATION_RECORDER_STATUS,
                    ))
                    .or_default(|s| s.list),
                delivery_channels: ctx
                    .fetch::<Channels>(&Spec::of(&calls::CONFIG_DESCRIBE_DELIVERY_CHANNELS))
                    .or_default(|c| c.list),
            }),
            Got::Absent => Collected::Known(ConfigService::default()),
            Got::Not(n) => Collected::Unknown(n),
        };
    snap.alarms = ctx
        .fetch::<Alarms>(&Spec::of(&calls::CW_DESCRIBE_ALARMS))
        .or_default(|a| a.list);
    snap.metric_filters = ctx
        .fetch::<Filters>(&Spec::of(&calls::LOGS_DESCRIBE_METRIC_FILTERS))
        .or_default(|f| f.list);
    snap.sns_subscriptions = ctx
        .fetch::<Subscriptions>(&Spec::of(&calls::SNS_LIST_SUBSCRIPTIONS))
        .or_default(|s| s.list);
}

/// Adds a trail's status and event selectors, read from `cloudtrail/trails/NAME/`.
fn with_status(ctx: &mut Ctx, mut trail: Trail) -> Trail {
    let dir = format!("cloudtrail/trails/{}", safe_name(&trail.name));
    let name = trail.name.clone();
    trail.status = ctx
        .fetch::<TrailStatus>(&Spec::at(&calls::TRAIL_GET_TRAIL_STATUS, &dir).target(&name))
        .or_default(|s| s);
    trail.event_selectors = ctx
        .fetch::<EventSelectors>(&Spec::at(&calls::TRAIL_GET_EVENT_SELECTORS, &dir).target(&name))
        .or_default(|s| s);
    trail
}

/// A resource name as a folder name: names are AWS-validated, but a hostile export must
/// not reach outside the export folder.
pub(super) fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c == '/' || c == '\\' || c == '\0' {
                '_'
            } else {
                c
            }
        })
        .collect::<String>()
        .replace("..", "__")
}
