//! CloudFormation templates (JSON or YAML, SAM and CDK output included) read into a
//! [`Plan`].

pub mod names;
pub mod resolve;
pub mod resources;
mod sam;
pub mod value;

use crate::cfn::resolve::{Deployment, Env};
use crate::cfn::resources::Res;
use crate::node::{Node, Pos, Value};
use crate::plan::Plan;

/// Whether a parsed document looks like a CloudFormation template.
pub fn is_template(n: &Node) -> bool {
    n.get("Resources")
        .is_some_and(|r| matches!(r.value, Value::Map(_)))
}

/// Reads a parsed template into the changes it makes.
pub fn read(file: &str, template: &Node, d: &Deployment) -> Plan {
    let mut plan = Plan::new(file);
    let env = Env::new(template, d);
    let Some(resources) = template.get("Resources") else {
        plan.problem(
            "",
            "Resources",
            template.pos,
            "the template has no `Resources`",
        );
        return plan;
    };
    for e in resources.entries() {
        let logical = e.key.as_str();
        let res = &e.value;
        let ignored = resources::ignores(res);
        if !ignored.is_empty() {
            plan.ignores.push((logical.to_string(), ignored));
        }
        let Some(ty) = res.get("Type").and_then(Node::as_str) else {
            plan.problem(logical, "Type", res.pos, "the resource has no `Type`");
            continue;
        };
        if !ty.starts_with("AWS::IAM::")
            && !ty.starts_with("AWS::Serverless::")
            && !matches!(
                ty,
                "AWS::S3::Bucket"
                    | "AWS::S3::BucketPolicy"
                    | "AWS::KMS::Key"
                    | "AWS::Organizations::Policy"
                    | "AWS::SNS::TopicPolicy"
                    | "AWS::SQS::QueuePolicy"
            )
        {
            continue;
        }
        // AWS: CloudFormation User Guide, "Conditions": a resource whose condition is
        // false is not created. An undecided condition keeps the resource.
        if let Some(c) = res.get("Condition").and_then(Node::scalar) {
            match env.condition(&c, res.pos) {
                Ok(Some(false)) => continue,
                Ok(_) => {}
                Err(err) => {
                    plan.problem(logical, "Condition", err.pos, err.message);
                    continue;
                }
            }
        }
        let empty = Node::new(res.pos, Value::Map(Vec::new()));
        let props_node = res.get("Properties").unwrap_or(&empty);
        let props = match env.value(props_node) {
            Ok(p) => p,
            Err(err) => {
                plan.problem(logical, "Properties", err.pos, err.message);
                continue;
            }
        };
        let mut r = Res {
            env: &env,
            plan: &mut plan,
            logical,
            pos: e.key_pos,
            props,
        };
        if ty.starts_with("AWS::Serverless::") {
            sam::read(&mut r, ty);
        } else {
            resources::read(&mut r, ty);
        }
    }
    plan
}

/// Where a template starts, for problems about the whole file.
pub fn start() -> Pos {
    Pos::new(1, 1)
}
