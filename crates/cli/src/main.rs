//! The `phiward` command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod access_cmd;
mod access_report_cmd;
mod actions;
mod audit_cmd;
mod bar;
mod certify_cmd;
mod certify_out;
mod collect_cmd;
mod decision_text;
mod explain_cmd;
mod fix_cmd;
mod iac_cmd;
mod lake_cmd;
mod lint;
mod org_cmd;
mod org_collect;
mod paths_cmd;
mod rotate_cmd;
mod serve_cmd;
mod simulate;
mod snapshot_cmd;
mod trail_cmd;
mod trail_policy_cmd;
mod trail_verify_cmd;

/// Parsing case files and policies allocates many small strings; mimalloc roughly halves
/// the time glibc's allocator spends on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// phiward keeps the identities that reach protected health information in AWS honest.
#[derive(Debug, Parser)]
#[command(name = "phiward", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Audit a snapshot against the HIPAA checks, practice by practice.
    Audit(Box<audit_cmd::Args>),
    /// Print a check's documentation (or, without an id, the list of checks).
    Explain(Box<explain_cmd::Args>),
    /// Decide AWS authorization requests exactly as AWS does, and explain why.
    Simulate(Box<simulate::Args>),
    /// Lint IAM policies: grammar, AWS pitfalls, redundant statements and risky grants.
    Lint(Box<lint::Args>),
    /// Look up AWS actions: expand patterns, NotAction complements, CloudTrail events, ARNs.
    Actions(Box<actions::Args>),
    /// Who can perform an action on a resource, and under which conditions.
    WhoCan(Box<access_cmd::WhoCanArgs>),
    /// What a user or role can do, and under which conditions.
    Can(Box<access_cmd::CanArgs>),
    /// What each person can reach (PHI buckets, KMS keys), by access level, with the
    /// statements behind each grant.
    AccessReport(Box<access_report_cmd::Args>),
    /// Privilege-escalation paths: who can become an administrator or reach a resource.
    Paths(Box<paths_cmd::Args>),
    /// Import raw AWS CLI exports into a snapshot, and summarise snapshots.
    Snapshot(Box<snapshot_cmd::Args>),
    /// CloudTrail offline: usage, unused access, least-privilege policies, log integrity.
    Trail(Box<trail_cmd::Args>),
    /// Read a live AWS account (read-only) into a snapshot folder.
    Collect(Box<collect_cmd::Args>),
    /// IAM as code: lint and "no new access" for CloudFormation, SAM, CDK and Terraform.
    Iac(Box<iac_cmd::Args>),
    /// Proved fixes for an audit's failing findings, as CloudFormation, Terraform and AWS CLI.
    Fix(Box<fix_cmd::Args>),
    /// Access-key rotation on the two-key overlap schedule: plan it, and run it safely.
    Rotate(Box<rotate_cmd::Args>),
    /// Access recertification campaigns, their signed ledger, revocation plans and evidence.
    Certify(Box<certify_cmd::Args>),
    /// The recertification web app: reviewers decide, officers follow, auditors read.
    Serve(Box<serve_cmd::Args>),
}

/// Exit codes shared by every command.
pub mod exit {
    /// Everything was read and nothing failed the bar.
    pub const OK: u8 = 0;
    /// Findings (or, for `simulate --check`, disagreements) failed the bar.
    pub const FAILED: u8 = 1;
    /// Some input could not be read; wins over [`FAILED`].
    pub const INPUT: u8 = 2;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Audit(args) => audit_cmd::run(&args),
        Command::Explain(args) => explain_cmd::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Lint(args) => lint::run(&args),
        Command::Actions(args) => actions::run(&args),
        Command::WhoCan(args) => access_cmd::who_can(&args),
        Command::Can(args) => access_cmd::can(&args),
        Command::AccessReport(args) => access_report_cmd::run(&args),
        Command::Paths(args) => paths_cmd::run(&args),
        Command::Snapshot(args) => snapshot_cmd::run(&args),
        Command::Trail(args) => trail_cmd::run(&args),
        Command::Collect(args) => collect_cmd::run(&args),
        Command::Iac(args) => iac_cmd::run(&args),
        Command::Fix(args) => fix_cmd::run(&args),
        Command::Rotate(args) => rotate_cmd::run(&args),
        Command::Certify(args) => certify_cmd::run(&args),
        Command::Serve(args) => serve_cmd::run(&args),
    };
    match code {
        Ok(c) => ExitCode::from(c),
        // The reader went away (`phiward ... | head`): nothing is left to tell anyone.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", describe(&e));
            ExitCode::from(exit::INPUT)
        }
    }
}

/// Whether the error comes from writing to a closed pipe.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes, `: `-joined, leaving out a cause its message already quotes
/// (library errors name their cause in their own message, and also chain it).
fn describe(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cause_quoted_by_its_error_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let inner = anyhow::Error::new(io).context("cannot read `x`: no such file");
        let e = inner.context("cannot read the snapshot `x`");
        assert_eq!(
            super::describe(&e),
            "cannot read the snapshot `x`: cannot read `x`: no such file"
        );
        let plain = anyhow::anyhow!("bad").context("outer");
        assert_eq!(super::describe(&plain), "outer: bad");
    }
}
