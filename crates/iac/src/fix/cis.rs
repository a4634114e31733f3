//! LOG-006: the CIS metric filter and alarm for each monitored event that has none, on the
//! log group a logging trail delivers to, notifying an SNS topic that already has a
//! confirmed subscriber (a new subscription waits for its owner's confirmation, so a fix
//! creating one could not be proved).
//!
//! AWS: CIS AWS Foundations Benchmark section 4 (4.1-4.15) and AWS Security Hub's
//! "CloudWatch controls" (CloudWatch.1-14), which give these filter patterns.

use phiward_findings::Finding;
use phiward_snapshot::model::logging::{Alarm, MetricFilter, MetricTransformation};
use phiward_snapshot::Snapshot;

use super::{ident, snake, target, Fix};

/// The event as LOG-006 names it, a short name, the CIS control, and the pattern.
const EVENTS: &[(&str, &str, &str, &str)] = &[
    (
        "unauthorized API calls",
        "unauthorized-api-calls",
        "4.1",
        r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
    ),
    (
        "console sign-in without MFA",
        "console-signin-without-mfa",
        "4.2",
        r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
    ),
    (
        "root usage",
        "root-usage",
        "4.3",
        r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
    ),
    (
        "IAM policy changes",
        "iam-policy-changes",
        "4.4",
        r#"{ ($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy) }"#,
    ),
    (
        "CloudTrail changes",
        "cloudtrail-changes",
        "4.5",
        r#"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"#,
    ),
    (
        "AWS Config changes",
        "config-changes",
        "4.9",
        r#"{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }"#,
    ),
];

/// The log group (name, region, account) a logging trail delivers to.
fn log_group(s: &Snapshot) -> Option<(String, String, String)> {
    s.trails.get()?.iter().find_map(|t| {
        if t.status.get().is_some_and(|st| !st.is_logging) {
            return None;
        }
        let arn = t.cloud_watch_logs_log_group_arn.as_deref()?;
        let mut parts = arn.split(':');
        let region = parts.nth(3)?.to_string();
        let account = parts.next()?.to_string();
        let name = arn
            .split(":log-group:")
            .nth(1)?
            .trim_end_matches(":*")
            .to_string();
        Some((name, region, account))
    })
}

/// An SNS topic with a confirmed subscription.
fn topic(s: &Snapshot) -> Option<String> {
    s.sns_subscriptions
        .get()?
        .iter()
        .find(|x| x.subscription_arn.starts_with("arn:"))
        .map(|x| x.topic_arn.clone())
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

pub(super) fn fixes(s: &Snapshot, failing: &[&Finding]) -> Vec<Fix> {
    let group = log_group(s);
    let topic = topic(s);
    let mut out = Vec::new();
    for f in failing.iter().filter(|f| f.check == "LOG-006") {
        let Some((what, slug, cis, pattern)) = EVENTS.iter().find(|e| f.message.contains(e.0))
        else {
            continue;
        };
        let (gname, region, account) = group.clone().unwrap_or_else(|| {
            (
                "(no trail delivers to CloudWatch Logs)".into(),
                "us-east-1".into(),
                String::new(),
            )
        });
        let topic_arn = topic
            .clone()
            .unwrap_or_else(|| "(no SNS topic with a confirmed subscriber)".into());
        let metric = ident(slug);
        let alarm = format!("cis-{slug}");
        let alarm_arn = format!("arn:aws:cloudwatch:{region}:{account}:alarm:{alarm}");
        let id = ident(slug);
        let cloudformation = format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nDescription: CIS {cis} - alarm on {what} (phiward fix for LOG-006)\nResources:\n  {id}Filter:\n    Type: AWS::Logs::MetricFilter\n    Properties:\n      LogGroupName: {g}\n      FilterPattern: {p}\n      MetricTransformations:\n        - MetricName: {metric}\n          MetricNamespace: CISBenchmark\n          MetricValue: '1'\n  {id}Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      AlarmName: {alarm}\n      AlarmDescription: CIS {cis} {what}\n      MetricName: {metric}\n      Namespace: CISBenchmark\n      Statistic: Sum\n      Period: 300\n      EvaluationPeriods: 1\n      Threshold: 1\n      ComparisonOperator: GreaterThanOrEqualToThreshold\n      TreatMissingData: notBreaching\n      AlarmActions:\n        - {t}\n",
            g = quote(&gname),
            p = quote(pattern),
            t = quote(&topic_arn),
        );
        let tf = snake(slug);
        let terraform = format!(
            "# CIS {cis}: alarm on {what} (phiward fix for LOG-006)\nresource \"aws_cloudwatch_log_metric_filter\" \"{tf}\" {{\n  name           = \"{alarm}\"\n  log_group_name = {g}\n  pattern        = {p}\n  metric_transformation {{\n    name      = \"{metric}\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }}\n}}\n\nresource \"aws_cloudwatch_metric_alarm\" \"{tf}\" {{\n  alarm_name          = \"{alarm}\"\n  alarm_description   = \"CIS {cis} {what}\"\n  metric_name         = aws_cloudwatch_log_metric_filter.{tf}.metric_transformation[0].name\n  namespace           = \"CISBenchmark\"\n  statistic           = \"Sum\"\n  period              = 300\n  evaluation_periods  = 1\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  treat_missing_data  = \"notBreaching\"\n  alarm_actions       = [{t}]\n}}\n",
            g = hcl(&gname),
            p = hcl(pattern),
            t = hcl(&topic_arn),
        );
        let cli = format!(
            "# CIS {cis}: alarm on {what} (phiward fix for LOG-006)\naws logs put-metric-filter --region {region} --log-group-name {g} \\\n  --filter-name {alarm} --filter-pattern {p} \\\n  --metric-transformations metricName={metric},metricNamespace=CISBenchmark,metricValue=1\naws cloudwatch put-metric-alarm --region {region} --alarm-name {alarm} \\\n  --metric-name {metric} --namespace CISBenchmark --statistic Sum --period 300 \\\n  --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold \\\n  --treat-missing-data notBreaching --alarm-actions {t}\n",
            g = sh(&gname),
            p = sh(pattern),
            t = sh(&topic_arn),
        );
        let (gname2, pattern2, topic2, metric2, alarm2) = (
            gname.clone(),
            pattern.to_string(),
            topic_arn.clone(),
            metric.clone(),
            alarm.clone(),
        );
        let apply: super::Apply = Box::new(move |snap: &mut Snapshot| {
            if let Some(list) = snap.metric_filters.get_mut() {
                list.push(MetricFilter {
                    filter_name: alarm2.clone(),
                    filter_pattern: pattern2.clone(),
                    log_group_name: gname2.clone(),
                    metric_transformations: vec![MetricTransformation {
                        metric_name: metric2.clone(),
                        metric_namespace: "CISBenchmark".into(),
                        metric_value: "1".into(),
                    }],
                    creation_time: None,
                });
            }
            if let Some(list) = snap.alarms.get_mut() {
                list.push(Alarm {
                    alarm_name: alarm2.clone(),
                    alarm_arn: alarm_arn.clone(),
                    actions_enabled: Some(true),
                    alarm_actions: vec![topic2.clone()],
                    ok_actions: Vec::new(),
                    metric_name: Some(metric2.clone()),
                    namespace: Some("CISBenchmark".into()),
                    statistic: Some("Sum".into()),
                    threshold: Some(1.0),
                    comparison_operator: Some("GreaterThanOrEqualToThreshold".into()),
                    state_value: None,
                });
            }
        });
        out.push(Fix {
            name: format!("log-006-cis-{slug}"),
            title: format!("CIS {cis}: metric filter and alarm on {what}, notifying `{topic_arn}`"),
            targets: vec![target(f)],
            cloudformation,
            terraform,
            cli,
            apply,
        });
    }
    out
}

/// A string as an HCL literal.
pub(crate) fn hcl(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_default()
        .replace("${", "$${")
}

/// A string as one single-quoted shell word.
pub(crate) fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
