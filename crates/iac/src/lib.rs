//! IAM as configuration management: CloudFormation (JSON, YAML, SAM, CDK `cdk.out`) and
//! Terraform plans (`terraform show -json`) read into phiward's account model, linted at
//! the template's own lines, checked with IaC rules, and compared before and after with
//! the policy engine: new administrators, escalation paths, PHI readers, cross-account
//! and public access, and ways to stop logging, each naming the template resource and
//! statement that grants it.
//!
//! The crate reads the files it is given and prints nothing.

pub mod cfn;
pub mod check;
pub mod diff;
pub mod doc;
pub mod finding;
pub mod fix;
pub mod lint;
mod managed;
pub mod merge;
pub mod node;
pub mod plan;
pub mod read;
pub mod rules;
pub mod suppress;
pub mod terraform;

use std::path::{Path, PathBuf};

pub use cfn::resolve::Deployment;
pub use plan::Plan;

/// The largest template or plan read: CloudFormation allows 1 MB templates; plans of large
/// configurations are bigger.
const MAX_FILE: u64 = 256 * 1024 * 1024;

/// The template and plan files a path stands for: the file itself, or for a folder
/// (a CDK `cdk.out`, a repository folder) its `*.template.json` files, else every
/// `.json`, `.yaml`, `.yml` and `.template` file in it (not recursing).
pub fn files(path: &Path) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut all: Vec<PathBuf> = std::fs::read_dir(path)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    all.retain(|p| p.is_file());
    all.sort();
    let cdk: Vec<PathBuf> = all
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".template.json"))
        .cloned()
        .collect();
    if !cdk.is_empty() {
        return cdk;
    }
    all.retain(|p| {
        let s = p.to_string_lossy();
        [".json", ".yaml", ".yml", ".template"]
            .iter()
            .any(|e| s.ends_with(e))
    });
    all
}

/// Reads one template or plan file into a [`Plan`]; a file that cannot be read is a plan
/// with one problem.
pub fn load(path: &Path, d: &Deployment) -> Plan {
    let file = path.display().to_string();
    let plan = Plan::new(&file);
    let fail = |mut plan: Plan, pos: node::Pos, m: String| {
        plan.problem("", "", pos, m);
        plan
    };
    let text = match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE => {
            return fail(
                plan,
                node::Pos::new(1, 1),
                format!("`{file}` is {} bytes: too large", m.len()),
            )
        }
        Ok(_) => match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                return fail(
                    plan,
                    node::Pos::new(1, 1),
                    format!("cannot read `{file}`: {e}"),
                )
            }
        },
        Err(e) => {
            return fail(
                plan,
                node::Pos::new(1, 1),
                format!("cannot read `{file}`: {e}"),
            )
        }
    };
    read_text(&file, &text, d)
}

/// Reads the text of a template or plan; `file` names it in findings.
pub fn read_text(file: &str, text: &str, d: &Deployment) -> Plan {
    let json_like = text.trim_start().starts_with('{');
    let parsed = if json_like {
        read::json(text)
    } else {
        read::yaml(text)
    };
    let node = match parsed {
        Ok(n) => n,
        Err(e) => {
            let mut plan = Plan::new(file);
            let kind = if json_like { "JSON" } else { "YAML" };
            plan.problem(
                "",
                "",
                e.pos,
                format!("not readable as {kind}: {}", e.message),
            );
            return plan;
        }
    };
    if terraform::is_plan(&node) {
        return terraform::read(file, &node, d);
    }
    if cfn::is_template(&node) {
        return cfn::read(file, &node, d);
    }
    let mut plan = Plan::new(file);
    plan.problem(
        "",
        "",
        node.pos,
        "neither a CloudFormation template (no `Resources`) nor a Terraform plan (`terraform show -json`)",
    );
    plan.not_template = true;
    plan
}
