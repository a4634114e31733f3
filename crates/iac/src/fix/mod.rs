//! `phiward fix`: for the failing findings of an audit, the change that fixes each one,
//! written as a CloudFormation template, as Terraform and as AWS CLI commands, and
//! **proved** before it is offered: applied to a copy of the snapshot, the audit is run
//! again, the findings it targets pass and no other check regresses. A fix that cannot be
//! proved is reported with the reason, not written.

mod bucket;
mod cis;
mod mfa;
mod passrole;
mod trail;

use std::collections::HashMap;

use phiward_access::AccessModel;
use phiward_checks::{run_all, Audit, Config};
use phiward_findings::{Finding, Status};
use phiward_snapshot::Snapshot;

/// A change to the account, applied to a snapshot to prove it.
pub type Apply = Box<dyn Fn(&mut Snapshot) + Send + Sync>;

/// One fix, not yet proved.
pub struct Fix {
    /// A short name (`cis-alarm-cloudtrail-changes`), unique in a run.
    pub name: String,
    /// What it does, one line.
    pub title: String,
    /// The failing findings it fixes: check id, resource and message.
    pub targets: Vec<(String, String, String)>,
    /// A CloudFormation template that makes the change.
    pub cloudformation: String,
    /// Terraform (HCL) that makes the change.
    pub terraform: String,
    /// AWS CLI commands that make the change.
    pub cli: String,
    /// The change, on a snapshot.
    pub apply: Apply,
}

impl std::fmt::Debug for Fix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fix").field("name", &self.name).finish()
    }
}

/// A fix with the outcome of its proof.
#[derive(Debug)]
pub struct Proved {
    /// The fix.
    pub fix: Fix,
    /// `Ok` with the findings that now pass, or why it is not offered.
    pub proof: Result<Vec<String>, String>,
}

/// What the user's environment adds to the fixes: the networks PHI may be reached from.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// CIDR ranges of the organisation's network (LP-006).
    pub networks: Vec<String>,
    /// VPC endpoint ids PHI buckets may be reached through (LP-006).
    pub vpc_endpoints: Vec<String>,
    /// What each principal used in CloudTrail logs (LP-008 least-privilege policies).
    pub usage: Option<phiward_trail::usage::Usage>,
}

fn key(f: &Finding) -> (String, String) {
    (f.check.to_string(), f.resource.clone())
}

/// The audit of a snapshot, weighing what principals used in CloudTrail logs when given
/// (LP-008), as `phiward audit` does.
pub fn audit(
    s: &Snapshot,
    config: &Config,
    usage: Option<&phiward_trail::usage::Usage>,
) -> Vec<Finding> {
    let m = AccessModel::new(s);
    let now = s.as_of.unwrap_or(s.created);
    let mut a = Audit::new(s, &m, now, config);
    if let Some(u) = usage {
        a = a.with_usage(u);
    }
    run_all(&a)
}

/// Every fix phiward knows for the failing findings, each proved.
pub fn fixes(s: &Snapshot, config: &Config, opts: &Options) -> (Vec<Finding>, Vec<Proved>) {
    let before = audit(s, config, opts.usage.as_ref());
    let failing: Vec<&Finding> = before
        .iter()
        .filter(|f| f.status == Status::Fail && f.suppressed.is_none())
        .collect();
    let mut candidates = Vec::new();
    candidates.extend(cis::fixes(s, &failing));
    candidates.extend(bucket::fixes(s, config, &failing, opts, &before));
    candidates.extend(passrole::fixes(s, config, &failing));
    candidates.extend(mfa::fixes(s, &failing));
    candidates.extend(mfa::trust_fixes(s, &failing));
    candidates.extend(trail::fixes(s, &failing, opts.usage.as_ref()));
    let was = counts(&failing);
    let proved = candidates
        .into_iter()
        .map(|fix| {
            let proof = prove(s, config, opts.usage.as_ref(), &was, &fix);
            Proved { fix, proof }
        })
        .collect();
    (before, proved)
}

/// Failing findings per check and resource.
fn counts(failing: &[&Finding]) -> HashMap<(String, String), usize> {
    let mut out = HashMap::new();
    for f in failing {
        *out.entry(key(f)).or_insert(0) += 1;
    }
    out
}

/// Applies the fix to a copy of the snapshot and runs the audit again. Proved when every
/// target's finding is gone (for an account-wide check, which fails once per subject, the
/// account's failures of that check also drop by the number of targets, so a message that
/// merely changed does not count) and no check fails more often on any resource than
/// before.
fn prove(
    s: &Snapshot,
    config: &Config,
    usage: Option<&phiward_trail::usage::Usage>,
    was: &HashMap<(String, String), usize>,
    fix: &Fix,
) -> Result<Vec<String>, String> {
    let mut copy = s.clone();
    (fix.apply)(&mut copy);
    let after = audit(&copy, config, usage);
    let failing: Vec<&Finding> = after
        .iter()
        .filter(|f| f.status == Status::Fail && f.suppressed.is_none())
        .collect();
    let now = counts(&failing);
    let count =
        |m: &HashMap<(String, String), usize>, k: &(String, String)| m.get(k).copied().unwrap_or(0);
    for (check, resource, message) in &fix.targets {
        if let Some(f) = failing.iter().find(|f| {
            f.check == check
                && &f.resource == resource
                && (&f.message == message || !resource.starts_with("account:"))
        }) {
            return Err(format!(
                "{check} still fails on `{resource}`: {}",
                f.message
            ));
        }
        let k = (check.clone(), resource.clone());
        let aimed = fix
            .targets
            .iter()
            .filter(|t| t.0 == k.0 && t.1 == k.1)
            .count();
        if count(was, &k).saturating_sub(count(&now, &k)) < aimed {
            let left: Vec<&str> = failing
                .iter()
                .filter(|f| f.check == check && &f.resource == resource)
                .map(|f| f.message.as_str())
                .collect();
            return Err(format!(
                "{check} fails on `{resource}` as often as before: {}",
                left.join("; ")
            ));
        }
    }
    let regressed: Vec<String> = failing
        .iter()
        .filter(|f| count(&now, &key(f)) > count(was, &key(f)))
        .map(|f| format!("{} on `{}`: {}", f.check, f.resource, f.message))
        .collect();
    if !regressed.is_empty() {
        return Err(format!("other checks regress: {}", regressed.join("; ")));
    }
    Ok(fix
        .targets
        .iter()
        .map(|(c, r, m)| format!("{c} `{r}`: {m}"))
        .collect())
}

/// A target of a failing finding.
pub(crate) fn target(f: &Finding) -> (String, String, String) {
    (f.check.to_string(), f.resource.clone(), f.message.clone())
}

/// A name usable in CloudFormation logical ids and Terraform names.
pub(crate) fn ident(s: &str) -> String {
    let mut out = String::new();
    let mut up = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if up { c.to_ascii_uppercase() } else { c });
            up = false;
        } else {
            up = true;
        }
    }
    out
}

/// `snake_case` for Terraform resource names.
pub(crate) fn snake(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}
