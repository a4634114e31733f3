//! Audit logging and monitoring, per region: CloudTrail trails with status and event
//! selectors, AWS Config, CloudWatch alarms, CloudWatch Logs metric filters and SNS
//! subscriptions.

use std::collections::BTreeSet;

use aws_sdk_cloudtrail::types as ct;
use phiward_snapshot::model::logging as m;
use phiward_snapshot::{Collected, Snapshot};

use crate::ctx::{ots, Ctx, Got};
use crate::sdk::Sdk;
use phiward_snapshot::calls;

/// Everything this module reads, merged over the regions.
pub(crate) struct Logging {
    trails: Collected<Vec<m::Trail>>,
    config: Collected<m::ConfigService>,
    alarms: Collected<Vec<m::Alarm>>,
    metric_filters: Collected<Vec<m::MetricFilter>>,
    sns_subscriptions: Collected<Vec<m::SnsSubscription>>,
}

impl Logging {
    pub(crate) fn apply(self, snap: &mut Snapshot) {
        snap.trails = self.trails;
        snap.config = self.config;
        snap.alarms = self.alarms;
        snap.metric_filters = self.metric_filters;
        snap.sns_subscriptions = self.sns_subscriptions;
    }
}

pub(crate) async fn collect(ctx: &Ctx, sdk: &Sdk) -> Logging {
    let per_region = sdk.regions.iter().map(|r| region(ctx, sdk, r));
    let regions = futures_util::future::join_all(per_region).await;
    let mut trails = Vec::new();
    let mut config = Vec::new();
    let mut alarms = Vec::new();
    let mut filters = Vec::new();
    let mut subs = Vec::new();
    for r in regions {
        trails.push(r.trails);
        config.push(r.config);
        alarms.push(r.alarms);
        filters.push(r.metric_filters);
        subs.push(r.sns_subscriptions);
    }
    // A multi-region trail shows in every region; keep it once.
    let mut seen = BTreeSet::new();
    let trails = merge(trails).map(|mut v| {
        v.retain(|t: &m::Trail| seen.insert(t.trail_arn.clone()));
        v
    });
    let config = merge(config.into_iter().map(|c| c.map(|c| vec![c])).collect()).map(|all| {
        let mut out = m::ConfigService {
            recorders: Vec::new(),
            recorder_status: Collected::Known(Vec::new()),
            delivery_channels: Collected::Known(Vec::new()),
        };
        let (mut status, mut channels) = (Vec::new(), Vec::new());
        for c in all {
            out.recorders.extend(c.recorders);
            status.push(c.recorder_status);
            channels.push(c.delivery_channels);
        }
        out.recorder_status = merge(status);
        out.delivery_channels = merge(channels);
        out
    });
    Logging {
        trails,
        config,
        alarms: merge(alarms),
        metric_filters: merge(filters),
        sns_subscriptions: merge(subs),
    }
}

/// Lists from several regions: unknown when any region's is unknown, since a partial
/// list would read as complete.
pub(crate) fn merge<T>(parts: Vec<Collected<Vec<T>>>) -> Collected<Vec<T>> {
    let mut out = Vec::new();
    for p in parts {
        match p {
            Collected::Known(v) => out.extend(v),
            Collected::Unknown(n) => return Collected::Unknown(n),
        }
    }
    Collected::Known(out)
}

async fn region(ctx: &Ctx, sdk: &Sdk, region: &str) -> Logging {
    let conf = sdk.in_region(region);
    let target = (sdk.regions.len() > 1).then_some(region);
    let cloudtrail = aws_sdk_cloudtrail::Client::new(&conf);
    let configservice = aws_sdk_config::Client::new(&conf);
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&conf);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let sns = aws_sdk_sns::Client::new(&conf);
    let (trails, config, alarms, metric_filters, sns_subscriptions) = tokio::join!(
        trails(ctx, &cloudtrail, region, sdk, target),
        config(ctx, &configservice, target),
        alarms(ctx, &cloudwatch, target),
        metric_filters(ctx, &logs, target),
        subscriptions(ctx, &sns, target),
    );
    Logging {
        trails,
        config,
        alarms,
        metric_filters,
        sns_subscriptions,
    }
}

async fn trails(
    ctx: &Ctx,
    client: &aws_sdk_cloudtrail::Client,
    region: &str,
    sdk: &Sdk,
    target: Option<&str>,
) -> Collected<Vec<m::Trail>> {
    let listed = ctx
        .call(
            &calls::TRAIL_DESCRIBE_TRAILS,
            target,
            client.describe_trails().send(),
        )
        .await;
    let list = match listed {
        Got::Data(o) => o.trail_list().to_vec(),
        Got::Absent => Vec::new(),
        Got::Not(n) => return Collected::Unknown(n),
    };
    // A multi-region trail also shows in every other region; read it in its home
    // region when that region is collected too.
    let described = list
        .iter()
        .filter(|t| match t.home_region() {
            Some(home) if home != region => !sdk.regions.iter().any(|r| r == home),
            _ => true,
        })
        .map(|t| trail(ctx, client, t));
    Collected::Known(futures_util::future::join_all(described).await)
}

async fn trail(ctx: &Ctx, client: &aws_sdk_cloudtrail::Client, t: &ct::Trail) -> m::Trail {
    let name = t.name().unwrap_or_default().to_string();
    let id = t.trail_arn().unwrap_or(&name).to_string();
    let (status, selectors) = tokio::join!(
        ctx.call(
            &calls::TRAIL_GET_TRAIL_STATUS,
            Some(&name),
            client.get_trail_status().name(&id).send()
        ),
        ctx.call(
            &calls::TRAIL_GET_EVENT_SELECTORS,
            Some(&name),
            client.get_event_selectors().trail_name(&id).send()
        ),
    );
    m::Trail {
        trail_arn: t.trail_arn().unwrap_or_default().to_string(),
        s3_bucket_name: t.s3_bucket_name().map(str::to_string),
        s3_key_prefix: t.s3_key_prefix().map(str::to_string),
        sns_topic_arn: t.sns_topic_arn().map(str::to_string),
        include_global_service_events: t.include_global_service_events(),
        is_multi_region_trail: t.is_multi_region_trail(),
        home_region: t.home_region().map(str::to_string),
        log_file_validation_enabled: t.log_file_validation_enabled(),
        cloud_watch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn().map(str::to_string),
        cloud_watch_logs_role_arn: t.cloud_watch_logs_role_arn().map(str::to_string),
        kms_key_id: t.kms_key_id().map(str::to_string),
        is_organization_trail: t.is_organization_trail(),
        has_custom_event_selectors: t.has_custom_event_selectors(),
        status: status.or_default(|s| m::TrailStatus {
            is_logging: s.is_logging().unwrap_or(false),
            latest_delivery_time: ots(s.latest_delivery_time()),
            latest_delivery_error: s.latest_delivery_error().map(str::to_string),
            start_logging_time: ots(s.start_logging_time()),
            stop_logging_time: ots(s.stop_logging_time()),
            latest_cloud_watch_logs_delivery_time: ots(s.latest_cloud_watch_logs_delivery_time()),
            latest_cloud_watch_logs_delivery_error: s
                .latest_cloud_watch_logs_delivery_error()
                .map(str::to_string),
        }),
        event_selectors: selectors.or_default(|s| m::EventSelectors {
            event_selectors: s.event_selectors().iter().map(selector).collect(),
            advanced_event_selectors: s
                .advanced_event_selectors()
                .iter()
                .map(|a| m::AdvancedEventSelector {
                    name: a.name().map(str::to_string),
                    field_selectors: a.field_selectors().iter().map(field).collect(),
                })
                .collect(),
        }),
        name,
    }
}

fn selector(s: &ct::EventSelector) -> m::EventSelector {
    m::EventSelector {
        read_write_type: s.read_write_type().map(|x| x.as_str().to_string()),
        include_management_events: s.include_management_events(),
        data_resources: s
            .data_resources()
            .iter()
            .map(|d| m::DataResource {
                resource_type: d.r#type().unwrap_or_default().to_string(),
                values: d.values().to_vec(),
            })
            .collect(),
        exclude_management_event_sources: s.exclude_management_event_sources().to_vec(),
    }
}

fn field(f: &ct::AdvancedFieldSelector) -> m::FieldSelector {
    m::FieldSelector {
        field: f.field().to_string(),
        equals: f.equals().to_vec(),
        starts_with: f.starts_with().to_vec(),
        ends_with: f.ends_with().to_vec(),
        not_equals: f.not_equals().to_vec(),
        not_starts_with: f.not_starts_with().to_vec(),
        not_ends_with: f.not_ends_with().to_vec(),
    }
}

async fn config(
    ctx: &Ctx,
    client: &aws_sdk_config::Client,
    target: Option<&str>,
) -> Collected<m::ConfigService> {
    let (recorders, status, channels) = tokio::join!(
        ctx.call(
            &calls::CONFIG_DESCRIBE_CONFIGURATION_RECORDERS,
            target,
            client.describe_configuration_recorders().send()
        ),
        ctx.call(
            &calls::CONFIG_DESCRIBE_CONFIGURATION_RECORDER_STATUS,
            target,
            client.describe_configuration_recorder_status().send()
        ),
        ctx.call(
            &calls::CONFIG_DESCRIBE_DELIVERY_CHANNELS,
            target,
            client.describe_delivery_channels().send()
        ),
    );
    recorders.or_default(|r| m::ConfigService {
        recorders: r
            .configuration_recorders()
            .iter()
            .map(|c| m::ConfigRecorder {
                name: c.name().unwrap_or_default().to_string(),
                role_arn: c.role_arn().map(str::to_string),
                recording_group: c.recording_group().map(|g| m::RecordingGroup {
                    all_supported: Some(g.all_supported()),
                    include_global_resource_types: Some(g.include_global_resource_types()),
                    resource_types: g
                        .resource_types()
                        .iter()
                        .map(|x| x.as_str().to_string())
                        .collect(),
                }),
            })
            .collect(),
        recorder_status: status.or_default(|s| {
            s.configuration_recorders_status()
                .iter()
                .map(|x| m::RecorderStatus {
                    name: x.name().unwrap_or_default().to_string(),
                    recording: x.recording(),
                    last_status: x.last_status().map(|v| v.as_str().to_string()),
                })
                .collect()
        }),
        delivery_channels: channels.or_default(|c| {
            c.delivery_channels()
                .iter()
                .map(|d| m::DeliveryChannel {
                    name: d.name().unwrap_or_default().to_string(),
                    s3_bucket_name: d.s3_bucket_name().map(str::to_string),
                    sns_topic_arn: d.sns_topic_arn().map(str::to_string),
                })
                .collect()
        }),
    })
}

async fn alarms(
    ctx: &Ctx,
    client: &aws_sdk_cloudwatch::Client,
    target: Option<&str>,
) -> Collected<Vec<m::Alarm>> {
    let pages = ctx
        .call(
            &calls::CW_DESCRIBE_ALARMS,
            target,
            client
                .describe_alarms()
                .into_paginator()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await;
    pages.or_default(|pages| {
        pages
            .iter()
            .flat_map(|p| p.metric_alarms())
            .map(|a| m::Alarm {
                alarm_name: a.alarm_name().unwrap_or_default().to_string(),
                alarm_arn: a.alarm_arn().unwrap_or_default().to_string(),
                actions_enabled: a.actions_enabled(),
                alarm_actions: a.alarm_actions().to_vec(),
                ok_actions: a.ok_actions().to_vec(),
                metric_name: a.metric_name().map(str::to_string),
                namespace: a.namespace().map(str::to_string),
                statistic: a.statistic().map(|s| s.as_str().to_string()),
                threshold: a.threshold(),
                comparison_operator: a.comparison_operator().map(|c| c.as_str().to_string()),
                state_value: a.state_value().map(|s| s.as_str().to_string()),
            })
            .collect()
    })
}

async fn metric_filters(
    ctx: &Ctx,
    client: &aws_sdk_cloudwatchlogs::Client,
    target: Option<&str>,
) -> Collected<Vec<m::MetricFilter>> {
    let items = ctx
        .call(
            &calls::LOGS_DESCRIBE_METRIC_FILTERS,
            target,
            client
                .describe_metric_filters()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await;
    items.or_default(|items| {
        items
            .iter()
            .map(|f| m::MetricFilter {
                filter_name: f.filter_name().unwrap_or_default().to_string(),
                filter_pattern: f.filter_pattern().unwrap_or_default().to_string(),
                log_group_name: f.log_group_name().unwrap_or_default().to_string(),
                metric_transformations: f
                    .metric_transformations()
                    .iter()
                    .map(|x| m::MetricTransformation {
                        metric_name: x.metric_name().to_string(),
                        metric_namespace: x.metric_namespace().to_string(),
                        metric_value: x.metric_value().to_string(),
                    })
                    .collect(),
                creation_time: f
                    .creation_time()
                    .and_then(chrono::DateTime::from_timestamp_millis),
            })
            .collect()
    })
}

async fn subscriptions(
    ctx: &Ctx,
    client: &aws_sdk_sns::Client,
    target: Option<&str>,
) -> Collected<Vec<m::SnsSubscription>> {
    let items = ctx
        .call(
            &calls::SNS_LIST_SUBSCRIPTIONS,
            target,
            client
                .list_subscriptions()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>(),
        )
        .await;
    items.or_default(|items| {
        items
            .iter()
            .map(|s| m::SnsSubscription {
                subscription_arn: s.subscription_arn().unwrap_or_default().to_string(),
                topic_arn: s.topic_arn().unwrap_or_default().to_string(),
                protocol: s.protocol().unwrap_or_default().to_string(),
                endpoint: s.endpoint().unwrap_or_default().to_string(),
                owner: s.owner().map(str::to_string),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiward_snapshot::Reason;

    #[test]
    fn lists_of_several_regions_are_unknown_when_one_is() {
        let ok: Collected<Vec<u8>> = Collected::Known(vec![1, 2]);
        let failed = Collected::not(Reason::Failed, "AccessDenied in eu-west-1");
        assert_eq!(
            merge(vec![ok.clone(), Collected::Known(vec![3])]),
            Collected::Known(vec![1, 2, 3])
        );
        let merged = merge(vec![ok, failed]);
        assert_eq!(
            merged.not_collected().map(|n| n.detail.as_str()),
            Some("AccessDenied in eu-west-1")
        );
        assert_eq!(merge::<u8>(Vec::new()), Collected::Known(Vec::new()));
    }
}
