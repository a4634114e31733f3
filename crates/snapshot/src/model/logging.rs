//! Audit logging and monitoring: CloudTrail, AWS Config, CloudWatch Logs metric filters,
//! CloudWatch alarms and SNS subscriptions, with AWS's field names.

use serde::{Deserialize, Serialize};

use crate::dates::{self, Timestamp};
use crate::Collected;

/// A CloudTrail trail, as `aws cloudtrail describe-trails` returns it, with its status
/// and event selectors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Trail {
    /// The trail's name.
    pub name: String,
    /// The trail's ARN.
    #[serde(default, rename = "TrailARN")]
    pub trail_arn: String,
    /// The bucket receiving log files.
    #[serde(default)]
    pub s3_bucket_name: Option<String>,
    /// The key prefix inside that bucket.
    #[serde(default)]
    pub s3_key_prefix: Option<String>,
    /// The SNS topic notified of deliveries.
    #[serde(default, rename = "SnsTopicARN")]
    pub sns_topic_arn: Option<String>,
    /// Whether IAM, STS and other global services are logged.
    #[serde(default)]
    pub include_global_service_events: Option<bool>,
    /// Whether the trail covers every region.
    #[serde(default)]
    pub is_multi_region_trail: Option<bool>,
    /// The region the trail was created in.
    #[serde(default)]
    pub home_region: Option<String>,
    /// Whether log file integrity validation is on.
    #[serde(default)]
    pub log_file_validation_enabled: Option<bool>,
    /// The CloudWatch Logs group receiving events.
    #[serde(default)]
    pub cloud_watch_logs_log_group_arn: Option<String>,
    /// The role CloudTrail uses to write to CloudWatch Logs.
    #[serde(default)]
    pub cloud_watch_logs_role_arn: Option<String>,
    /// The KMS key encrypting log files.
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// Whether the trail is an organization trail.
    #[serde(default)]
    pub is_organization_trail: Option<bool>,
    /// Whether custom event selectors are set.
    #[serde(default)]
    pub has_custom_event_selectors: Option<bool>,
    /// Whether logging is on and how deliveries go (phiward's addition).
    #[serde(default)]
    pub status: Collected<TrailStatus>,
    /// What the trail records (phiward's addition).
    #[serde(default)]
    pub event_selectors: Collected<EventSelectors>,
}

/// `aws cloudtrail get-trail-status`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrailStatus {
    /// Whether the trail is logging now.
    #[serde(default)]
    pub is_logging: bool,
    /// The last successful delivery to S3.
    #[serde(default, deserialize_with = "dates::optional")]
    pub latest_delivery_time: Option<Timestamp>,
    /// The last delivery error, if any.
    #[serde(default)]
    pub latest_delivery_error: Option<String>,
    /// When logging was last started.
    #[serde(default, deserialize_with = "dates::optional")]
    pub start_logging_time: Option<Timestamp>,
    /// When logging was last stopped.
    #[serde(default, deserialize_with = "dates::optional")]
    pub stop_logging_time: Option<Timestamp>,
    /// The last delivery to CloudWatch Logs.
    #[serde(default, deserialize_with = "dates::optional")]
    pub latest_cloud_watch_logs_delivery_time: Option<Timestamp>,
    /// The last CloudWatch Logs delivery error, if any.
    #[serde(default)]
    pub latest_cloud_watch_logs_delivery_error: Option<String>,
}

/// `aws cloudtrail get-event-selectors`: basic or advanced selectors.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventSelectors {
    /// Basic event selectors.
    #[serde(default)]
    pub event_selectors: Vec<EventSelector>,
    /// Advanced event selectors.
    #[serde(default)]
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
}

/// A basic event selector.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventSelector {
    /// `ReadOnly`, `WriteOnly` or `All`.
    #[serde(default)]
    pub read_write_type: Option<String>,
    /// Whether management events are recorded.
    #[serde(default)]
    pub include_management_events: Option<bool>,
    /// Data events recorded.
    #[serde(default)]
    pub data_resources: Vec<DataResource>,
    /// Management event sources left out (`kms.amazonaws.com`, ...).
    #[serde(default)]
    pub exclude_management_event_sources: Vec<String>,
}

/// Data events of one resource type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DataResource {
    /// `AWS::S3::Object`, `AWS::Lambda::Function`, ...
    #[serde(default, rename = "Type")]
    pub resource_type: String,
    /// ARN prefixes; `arn:aws:s3` alone means every bucket.
    #[serde(default)]
    pub values: Vec<String>,
}

/// An advanced event selector.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdvancedEventSelector {
    /// The selector's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The field conditions, all of which must hold.
    #[serde(default)]
    pub field_selectors: Vec<FieldSelector>,
}

/// One condition of an advanced event selector.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldSelector {
    /// `eventCategory`, `resources.type`, `readOnly`, ...
    pub field: String,
    /// Values the field equals.
    #[serde(default)]
    pub equals: Vec<String>,
    /// Object key prefixes the rule applies to (empty: all).
    #[serde(default)]
    pub starts_with: Vec<String>,
    /// Object key suffixes the rule applies to (empty: all).
    #[serde(default)]
    pub ends_with: Vec<String>,
    /// Values the field must not equal.
    #[serde(default)]
    pub not_equals: Vec<String>,
    /// Prefixes the field must not have.
    #[serde(default)]
    pub not_starts_with: Vec<String>,
    /// Suffixes the field must not have.
    #[serde(default)]
    pub not_ends_with: Vec<String>,
}

/// AWS Config in the account.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigService {
    /// `aws configservice describe-configuration-recorders`.
    #[serde(default)]
    pub recorders: Vec<ConfigRecorder>,
    /// `aws configservice describe-configuration-recorder-status`.
    #[serde(default)]
    pub recorder_status: Collected<Vec<RecorderStatus>>,
    /// `aws configservice describe-delivery-channels`.
    #[serde(default)]
    pub delivery_channels: Collected<Vec<DeliveryChannel>>,
}

/// A configuration recorder (AWS Config names fields in camelCase).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigRecorder {
    /// The recorder's name.
    #[serde(default)]
    pub name: String,
    /// The role it records with.
    #[serde(default, rename = "roleARN")]
    pub role_arn: Option<String>,
    /// What it records.
    #[serde(default)]
    pub recording_group: Option<RecordingGroup>,
}

/// What a configuration recorder records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingGroup {
    /// Every supported resource type.
    #[serde(default)]
    pub all_supported: Option<bool>,
    /// Global resources such as IAM.
    #[serde(default)]
    pub include_global_resource_types: Option<bool>,
    /// The listed types only, when not all.
    #[serde(default)]
    pub resource_types: Vec<String>,
}

/// Whether a recorder is running.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecorderStatus {
    /// The recorder's name.
    #[serde(default)]
    pub name: String,
    /// Whether it is recording.
    #[serde(default)]
    pub recording: bool,
    /// `SUCCESS`, `FAILURE` or `PENDING`.
    #[serde(default)]
    pub last_status: Option<String>,
}

/// Where AWS Config delivers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryChannel {
    /// The channel's name.
    #[serde(default)]
    pub name: String,
    /// The bucket receiving snapshots and history.
    #[serde(default)]
    pub s3_bucket_name: Option<String>,
    /// The SNS topic notified.
    #[serde(default, rename = "snsTopicARN")]
    pub sns_topic_arn: Option<String>,
}

/// A CloudWatch Logs metric filter (`aws logs describe-metric-filters`, camelCase).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricFilter {
    /// The filter's name.
    #[serde(default)]
    pub filter_name: String,
    /// The pattern, such as `{ ($.eventName = StopLogging) }`.
    #[serde(default)]
    pub filter_pattern: String,
    /// The log group it reads.
    #[serde(default)]
    pub log_group_name: String,
    /// The metrics it publishes.
    #[serde(default)]
    pub metric_transformations: Vec<MetricTransformation>,
    /// When it was created (epoch milliseconds in AWS's output).
    #[serde(default, deserialize_with = "dates::optional")]
    pub creation_time: Option<Timestamp>,
}

/// A metric a filter publishes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricTransformation {
    /// The metric's name.
    #[serde(default)]
    pub metric_name: String,
    /// The metric's namespace.
    #[serde(default)]
    pub metric_namespace: String,
    /// The value published per match.
    #[serde(default)]
    pub metric_value: String,
}

/// A CloudWatch metric alarm (`aws cloudwatch describe-alarms`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Alarm {
    /// The alarm's name.
    #[serde(default)]
    pub alarm_name: String,
    /// The alarm's ARN.
    #[serde(default)]
    pub alarm_arn: String,
    /// Whether actions run.
    #[serde(default)]
    pub actions_enabled: Option<bool>,
    /// Actions on entering ALARM (SNS topic ARNs, ...).
    #[serde(default)]
    pub alarm_actions: Vec<String>,
    /// Actions on entering OK.
    #[serde(default, rename = "OKActions")]
    pub ok_actions: Vec<String>,
    /// The metric watched.
    #[serde(default)]
    pub metric_name: Option<String>,
    /// Its namespace.
    #[serde(default)]
    pub namespace: Option<String>,
    /// `Sum`, `Average`, ...
    #[serde(default)]
    pub statistic: Option<String>,
    /// The threshold.
    #[serde(default)]
    pub threshold: Option<f64>,
    /// `GreaterThanOrEqualToThreshold`, ...
    #[serde(default)]
    pub comparison_operator: Option<String>,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    #[serde(default)]
    pub state_value: Option<String>,
}

/// An SNS subscription (`aws sns list-subscriptions`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SnsSubscription {
    /// The subscription's ARN, or `PendingConfirmation`.
    #[serde(default)]
    pub subscription_arn: String,
    /// The topic.
    #[serde(default)]
    pub topic_arn: String,
    /// `email`, `https`, `sqs`, `lambda`, ...
    #[serde(default)]
    pub protocol: String,
    /// Where notifications go.
    #[serde(default)]
    pub endpoint: String,
    /// The owning account.
    #[serde(default)]
    pub owner: Option<String>,
}
