//! SAM resources that create roles: `AWS::Serverless::Function` and
//! `AWS::Serverless::StateMachine` without a `Role` get one, trusted by their service,
//! holding the `Policies` property (managed policy names or ARNs, policy documents and
//! SAM policy templates).
//!
//! AWS: Serverless Application Model Developer Guide, "AWS::Serverless::Function"
//! (`Role`, `Policies`, `PermissionsBoundary`, `RolePath`; "If this property isn't
//! specified, AWS SAM creates an execution role" with `AWSLambdaBasicExecutionRole`) and
//! "AWS SAM policy templates".

use phiward_snapshot::model::iam::{AttachedPolicy, InlinePolicy, PermissionsBoundary, Role};
use serde_json::json;

use crate::cfn::resources::Res;
use crate::cfn::value::{placeholder, RNode, RValue};
use crate::doc::{from_text, DocKind};
use crate::plan::{Change, Who};

/// Reads a SAM resource that may create a role.
pub(crate) fn read(r: &mut Res<'_, '_>, ty: &str) {
    let service = match ty {
        "AWS::Serverless::Function" => "lambda.amazonaws.com",
        "AWS::Serverless::StateMachine" => "states.amazonaws.com",
        _ => return,
    };
    if r.props.get("Role").is_some() {
        return;
    }
    let name = placeholder(&format!("{}Role", r.logical));
    let path = r.text("RolePath").unwrap_or_else(|| "/".into());
    let arn = format!(
        "arn:{}:iam::{}:role{path}{name}",
        r.env.partition, r.env.account.0
    );
    let who = Who::Role(name.clone());
    let trust_text = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
    .to_string();
    let why = vec![format!("the name SAM gives the role of `{}`", r.logical)];
    let trust = match from_text(&trust_text, r.pos, &why) {
        Ok(v) => r.doc(
            &v,
            "(role SAM creates)",
            DocKind::Trust,
            format!("role `{name}` trust policy"),
            false,
        ),
        Err(_) => None,
    };
    let mut managed = Vec::new();
    if ty == "AWS::Serverless::Function" {
        managed.push(format!(
            "arn:{}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            r.env.partition
        ));
    }
    let mut inline = Vec::new();
    let policies = r.props.get("Policies").cloned();
    for (i, p) in policies.iter().flat_map(|p| p.items()).enumerate() {
        let path = format!("Policies[{i}]");
        match &p.value {
            RValue::Str(s) => managed.push(if s.starts_with("arn:") {
                s.clone()
            } else {
                format!("arn:{}:iam::aws:policy/{s}", r.env.partition)
            }),
            RValue::Map(_) if p.get("Statement").is_some() => {
                let pname = format!("{}RolePolicy{i}", r.logical);
                let place = phiward_snapshot::policies::inline_place(&who.label(), &pname);
                if let Some(text) = r.doc(p, &path, DocKind::Identity, place, true) {
                    inline.push(InlinePolicy { policy_name: pname, policy_document: text });
                }
            }
            RValue::Map(m) if m.len() == 1 => {
                let Some((tname, _, args)) = m.first() else { continue };
                match template(tname, args, &r.env.partition, &r.env.region.0, &r.env.account.0) {
                    Some(doc) => {
                        let pname = format!("{}RolePolicy{i}", r.logical);
                        let place = phiward_snapshot::policies::inline_place(&who.label(), &pname);
                        let v = match from_text(&doc.to_string(), p.pos, &p.all_unknown()) {
                            Ok(v) => v,
                            Err(_) => continue,
                        };
                        if let Some(text) = r.doc(&v, &path, DocKind::Identity, place, true) {
                            inline.push(InlinePolicy { policy_name: pname, policy_document: text });
                        }
                    }
                    None => r.plan.problem(
                        r.logical,
                        &format!("Properties.{path}"),
                        p.pos,
                        format!("SAM policy template `{tname}` is not one phiward expands: the role's permissions from it are unknown"),
                    ),
                }
            }
            _ => r.plan.problem(r.logical, &format!("Properties.{path}"), p.pos, "a SAM policy must be a policy name or ARN, a policy document, or a policy template"),
        }
    }
    let role = Role {
        path,
        role_name: name,
        role_id: String::new(),
        arn,
        create_date: None,
        assume_role_policy_document: trust,
        description: None,
        max_session_duration: None,
        instance_profile_list: Vec::new(),
        role_policy_list: inline,
        attached_managed_policies: managed
            .into_iter()
            .map(|a| AttachedPolicy {
                policy_name: a.rsplit('/').next().unwrap_or("").to_string(),
                policy_arn: a,
            })
            .collect(),
        permissions_boundary: r.text("PermissionsBoundary").map(|a| PermissionsBoundary {
            permissions_boundary_type: "Policy".into(),
            permissions_boundary_arn: a,
        }),
        tags: r.tags(),
        role_last_used: None,
    };
    r.change(Change::Role(Box::new(role)));
}

/// The policy document of a SAM policy template, for the templates phiward knows.
fn template(
    name: &str,
    args: &RNode,
    partition: &str,
    region: &str,
    account: &str,
) -> Option<serde_json::Value> {
    let arg = |k: &str| args.get(k).and_then(|v| v.text()).unwrap_or("").to_string();
    let regional =
        |svc: &str, rest: String| format!("arn:{partition}:{svc}:{region}:{account}:{rest}");
    let s3 = |actions: &[&str]| {
        let b = arg("BucketName");
        json!([{"Effect": "Allow", "Action": actions,
            "Resource": [format!("arn:{partition}:s3:::{b}"), format!("arn:{partition}:s3:::{b}/*")]}])
    };
    let statements = match name {
        "S3ReadPolicy" => s3(&[
            "s3:GetObject",
            "s3:ListBucket",
            "s3:GetBucketLocation",
            "s3:GetObjectVersion",
            "s3:GetLifecycleConfiguration",
        ]),
        "S3WritePolicy" => s3(&[
            "s3:PutObject",
            "s3:PutObjectAcl",
            "s3:PutLifecycleConfiguration",
        ]),
        "S3CrudPolicy" => s3(&[
            "s3:GetObject",
            "s3:ListBucket",
            "s3:GetBucketLocation",
            "s3:GetObjectVersion",
            "s3:PutObject",
            "s3:PutObjectAcl",
            "s3:GetLifecycleConfiguration",
            "s3:PutLifecycleConfiguration",
            "s3:DeleteObject",
        ]),
        "S3FullAccessPolicy" => s3(&["s3:*"]),
        "DynamoDBReadPolicy" | "DynamoDBCrudPolicy" => {
            let t = arg("TableName");
            let mut actions = vec![
                "dynamodb:GetItem",
                "dynamodb:Scan",
                "dynamodb:Query",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
            ];
            if name == "DynamoDBCrudPolicy" {
                actions.extend([
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:BatchWriteItem",
                    "dynamodb:ConditionCheckItem",
                ]);
            }
            json!([{"Effect": "Allow", "Action": actions,
                "Resource": [regional("dynamodb", format!("table/{t}")), regional("dynamodb", format!("table/{t}/index/*"))]}])
        }
        "SQSSendMessagePolicy" => {
            json!([{"Effect": "Allow", "Action": ["sqs:SendMessage*"], "Resource": regional("sqs", arg("QueueName"))}])
        }
        "SQSPollerPolicy" => {
            json!([{"Effect": "Allow", "Action": ["sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage", "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], "Resource": regional("sqs", arg("QueueName"))}])
        }
        "LambdaInvokePolicy" => {
            json!([{"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": regional("lambda", format!("function:{}*", arg("FunctionName")))}])
        }
        "KMSDecryptPolicy" => {
            json!([{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": regional("kms", format!("key/{}", arg("KeyId")))}])
        }
        "AWSSecretsManagerGetSecretValuePolicy" => {
            json!([{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": arg("SecretArn")}])
        }
        "SNSPublishMessagePolicy" => {
            json!([{"Effect": "Allow", "Action": ["sns:Publish"], "Resource": regional("sns", arg("TopicName"))}])
        }
        _ => return None,
    };
    Some(json!({"Version": "2012-10-17", "Statement": statements}))
}
