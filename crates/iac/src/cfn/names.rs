//! What `Ref` and `Fn::GetAtt` return for the resources of a template: names and ARNs
//! built from the resource's own properties, or typed placeholders (`arn:aws:iam::
//! 111122223333:role/{{Deployer}}`) where CloudFormation generates the name.
//!
//! AWS: CloudFormation User Guide, each resource type's "Return values" section (`Ref`
//! returns a role's, user's, group's and bucket's name, a managed policy's, topic's and
//! secret's ARN, a key's id and a queue's URL; `Fn::GetAtt` `Arn`, `RoleId`, ...).

use crate::cfn::resolve::{Env, ResolveError};
use crate::cfn::value::{placeholder, RNode};
use crate::node::Pos;

type R<T> = Result<T, ResolveError>;

/// The property that names a resource of this type, if it has one.
pub fn name_property(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "AWS::IAM::Role" => "RoleName",
        "AWS::IAM::User" => "UserName",
        "AWS::IAM::Group" => "GroupName",
        "AWS::IAM::ManagedPolicy" => "ManagedPolicyName",
        "AWS::IAM::InstanceProfile" => "InstanceProfileName",
        "AWS::IAM::Policy" => "PolicyName",
        "AWS::S3::Bucket" => "BucketName",
        "AWS::SNS::Topic" => "TopicName",
        "AWS::SQS::Queue" => "QueueName",
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => "FunctionName",
        "AWS::DynamoDB::Table" => "TableName",
        "AWS::Logs::LogGroup" => "LogGroupName",
        "AWS::CloudTrail::Trail" => "TrailName",
        "AWS::SecretsManager::Secret" => "Name",
        "AWS::KMS::Alias" => "AliasName",
        _ => return None,
    })
}

fn ty<'t>(env: &Env<'t>, logical: &str) -> &'t str {
    env.resource(logical)
        .and_then(|r| r.get("Type"))
        .and_then(|t| t.as_str())
        .unwrap_or("")
}

/// The resource's name: its name property, resolved, or a placeholder.
pub fn name(env: &Env<'_>, logical: &str) -> R<(String, Vec<String>)> {
    let t = ty(env, logical);
    let prop = name_property(t).and_then(|p| {
        env.resource(logical)
            .and_then(|r| r.get("Properties"))
            .and_then(|props| props.get(p))
    });
    if let Some(n) = prop {
        if let Some(v) = env.resolve(n)? {
            if let Some(s) = v.text() {
                return Ok((s.to_string(), v.all_unknown()));
            }
        }
    }
    Ok((
        placeholder(logical),
        vec![format!("the name CloudFormation gives `{logical}`")],
    ))
}

fn iam_path(env: &Env<'_>, logical: &str) -> R<(String, Vec<String>)> {
    let p = env
        .resource(logical)
        .and_then(|r| r.get("Properties"))
        .and_then(|props| props.get("Path"));
    match p {
        Some(n) => {
            let v = env.value(n)?;
            Ok((v.text().unwrap_or("/").to_string(), v.all_unknown()))
        }
        None => Ok(("/".into(), Vec::new())),
    }
}

fn merge(mut a: Vec<String>, b: &[String]) -> Vec<String> {
    for u in b {
        if !a.contains(u) {
            a.push(u.clone());
        }
    }
    a
}

/// A regional ARN of the deployment's account: `arn:P:SERVICE:REGION:ACCOUNT:REST`.
fn regional(env: &Env<'_>, pos: Pos, service: &str, rest: &str, u: Vec<String>) -> RNode {
    let u = merge(merge(u, &env.account.1), &env.region.1);
    RNode::str(
        pos,
        format!(
            "arn:{}:{service}:{}:{}:{rest}",
            env.partition, env.region.0, env.account.0
        ),
        u,
    )
}

fn iam_arn(env: &Env<'_>, pos: Pos, logical: &str, kind: &str) -> R<RNode> {
    let (n, u) = name(env, logical)?;
    let (path, pu) = iam_path(env, logical)?;
    let u = merge(merge(u, &pu), &env.account.1);
    Ok(RNode::str(
        pos,
        format!(
            "arn:{}:iam::{}:{kind}{path}{n}",
            env.partition, env.account.0
        ),
        u,
    ))
}

/// What `Ref` returns for resource `logical`.
pub fn reference(env: &Env<'_>, pos: Pos, logical: &str) -> R<RNode> {
    match ty(env, logical) {
        "AWS::IAM::ManagedPolicy" => iam_arn(env, pos, logical, "policy"),
        "AWS::SNS::Topic" => topic_arn(env, pos, logical),
        "AWS::SecretsManager::Secret" => {
            let (n, u) = name(env, logical)?;
            Ok(regional(
                env,
                pos,
                "secretsmanager",
                &format!("secret:{n}-{{{{suffix}}}}"),
                u,
            ))
        }
        "AWS::KMS::Key" => Ok(RNode::unknown(
            pos,
            &format!("{logical}.KeyId"),
            format!("the key id AWS gives `{logical}`"),
        )),
        "AWS::SQS::Queue" => {
            let (n, u) = name(env, logical)?;
            let u = merge(merge(u, &env.account.1), &env.region.1);
            Ok(RNode::str(
                pos,
                format!(
                    "https://sqs.{}.amazonaws.com/{}/{n}",
                    env.region.0, env.account.0
                ),
                u,
            ))
        }
        t if name_property(t).is_some() => {
            let (n, u) = name(env, logical)?;
            Ok(RNode::str(pos, n, u))
        }
        _ => Ok(RNode::unknown(
            pos,
            logical,
            format!("the id AWS gives `{logical}`"),
        )),
    }
}

fn topic_arn(env: &Env<'_>, pos: Pos, logical: &str) -> R<RNode> {
    let (n, u) = name(env, logical)?;
    Ok(regional(env, pos, "sns", &n, u))
}

/// What `Fn::GetAtt logical.attr` returns.
pub fn attribute(env: &Env<'_>, pos: Pos, logical: &str, attr: &str) -> R<RNode> {
    let t = ty(env, logical);
    let named = |service: &str, fmt: &dyn Fn(&str) -> String| -> R<RNode> {
        let (n, u) = name(env, logical)?;
        Ok(regional(env, pos, service, &fmt(&n), u))
    };
    match (t, attr) {
        ("AWS::IAM::Role", "Arn") => iam_arn(env, pos, logical, "role"),
        ("AWS::IAM::User", "Arn") => iam_arn(env, pos, logical, "user"),
        ("AWS::IAM::Group", "Arn") => iam_arn(env, pos, logical, "group"),
        ("AWS::IAM::InstanceProfile", "Arn") => iam_arn(env, pos, logical, "instance-profile"),
        ("AWS::IAM::ManagedPolicy", "PolicyArn") => iam_arn(env, pos, logical, "policy"),
        ("AWS::S3::Bucket", "Arn") => {
            let (n, u) = name(env, logical)?;
            Ok(RNode::str(
                pos,
                format!("arn:{}:s3:::{n}", env.partition),
                u,
            ))
        }
        ("AWS::S3::Bucket", "DomainName" | "RegionalDomainName") => {
            let (n, u) = name(env, logical)?;
            Ok(RNode::str(pos, format!("{n}.s3.amazonaws.com"), u))
        }
        ("AWS::KMS::Key", "Arn") => {
            let id = placeholder(&format!("{logical}.KeyId"));
            let u = vec![format!("the key id AWS gives `{logical}`")];
            Ok(regional(env, pos, "kms", &format!("key/{id}"), u))
        }
        ("AWS::SNS::Topic", "TopicArn") => topic_arn(env, pos, logical),
        ("AWS::SNS::Topic", "TopicName") | ("AWS::SQS::Queue", "QueueName") => {
            let (n, u) = name(env, logical)?;
            Ok(RNode::str(pos, n, u))
        }
        ("AWS::SQS::Queue", "Arn") => named("sqs", &|n| n.to_string()),
        ("AWS::Lambda::Function" | "AWS::Serverless::Function", "Arn") => {
            named("lambda", &|n| format!("function:{n}"))
        }
        ("AWS::DynamoDB::Table", "Arn") => named("dynamodb", &|n| format!("table/{n}")),
        ("AWS::Logs::LogGroup", "Arn") => named("logs", &|n| format!("log-group:{n}:*")),
        ("AWS::CloudTrail::Trail", "Arn") => named("cloudtrail", &|n| format!("trail/{n}")),
        _ => Ok(RNode::unknown(
            pos,
            &format!("{logical}.{attr}"),
            format!("`{logical}.{attr}`, known after deployment"),
        )),
    }
}
