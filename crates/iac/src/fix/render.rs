//! What `phiward fix` writes: per proved fix a folder with `cloudformation.yaml`,
//! `main.tf` and `aws-cli.sh`, and a summary of every fix, proved or not.

use phiward_findings::{Finding, Status};
use serde_json::json;

use super::Proved;

/// The files of a proved fix: (relative path, contents).
pub fn files(index: usize, p: &Proved) -> Vec<(String, String)> {
    let dir = format!("{:02}-{}", index + 1, p.fix.name);
    let header = |c: &str| {
        format!("{c} {}\n{c} Proved by phiward: applied to a copy of the snapshot, the audit passes {} and no other check regresses.\n", p.fix.title, p.fix.targets.iter().map(|t| t.0.as_str()).collect::<Vec<_>>().join(", "))
    };
    vec![
        (
            format!("{dir}/cloudformation.yaml"),
            format!("{}{}", header("#"), p.fix.cloudformation),
        ),
        (
            format!("{dir}/main.tf"),
            format!("{}{}", header("#"), p.fix.terraform),
        ),
        (
            format!("{dir}/aws-cli.sh"),
            format!("#!/bin/sh\nset -eu\n{}{}", header("#"), p.fix.cli),
        ),
    ]
}

/// A readable summary: the proved fixes with what they fix, the fixes not offered with
/// why, and how many failing findings have no fix phiward writes.
pub fn text(before: &[Finding], proved: &[Proved], out_dir: &str) -> String {
    let mut s = String::new();
    let mut n = 0;
    for p in proved {
        if let Ok(passes) = &p.proof {
            n += 1;
            s.push_str(&format!("fix {:02} {}: {}\n", n, p.fix.name, p.fix.title));
            for x in passes {
                s.push_str(&format!("  passes: {x}\n"));
            }
            s.push_str(&format!(
                "  written to {out_dir}/{:02}-{}/\n",
                n, p.fix.name
            ));
        }
    }
    for p in proved {
        if let Err(why) = &p.proof {
            s.push_str(&format!(
                "not offered {}: {}\n  could not be proved: {why}\n",
                p.fix.name, p.fix.title
            ));
        }
    }
    let fixed: usize = proved
        .iter()
        .filter(|p| p.proof.is_ok())
        .map(|p| p.fix.targets.len())
        .sum();
    let failing = before
        .iter()
        .filter(|f| f.status == Status::Fail && f.suppressed.is_none())
        .count();
    s.push_str(&format!(
        "{n} proved fix(es) for {fixed} of {failing} failing findings; {} fix(es) not offered\n",
        proved.iter().filter(|p| p.proof.is_err()).count()
    ));
    s
}

/// The summary as JSON.
pub fn json(proved: &[Proved]) -> String {
    let items: Vec<serde_json::Value> = proved
        .iter()
        .map(|p| {
            json!({
                "name": p.fix.name,
                "title": p.fix.title,
                "targets": p.fix.targets.iter().map(|(c, r, m)| json!({"check": c, "resource": r, "message": m})).collect::<Vec<_>>(),
                "proved": p.proof.is_ok(),
                "reason": p.proof.as_ref().err(),
                "cloudformation": p.fix.cloudformation,
                "terraform": p.fix.terraform,
                "cli": p.fix.cli,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&json!({"fixes": items})).unwrap_or_default();
    s.push('\n');
    s
}
