use std::collections::{BTreeMap, HashSet};

use chrono::Duration;
use phiward_access::PrincipalType;
use phiward_catalog::{Action, Catalog};
use phiward_report::{Evidence, Finding, Severity, Status};
use phiward_snapshot::EntryStatus;
use phiward_trail::unused::{usage_of, used_actions, Grants};
use phiward_trail::usage::Usage;

use crate::{fact, Audit, Meta};

check! {
    /// What: for each user and role, the services its policies grant that Access Advisor
    /// (`iam get-service-last-accessed-details`) says it has not used in N days; and, when
    /// CloudTrail logs are given (`phiward audit --logs`), the granted actions it never used
    /// in the logs' window, grouped by service, as `phiward trail unused` lists them: finer
    /// evidence than Access Advisor's services. One finding per principal, naming the window
    /// the logs cover (first and last event). Logs show an action unused for N days only when
    /// they cover at least N days: over a shorter window a principal fails on Access Advisor's
    /// word alone, and without it is `not_evaluated`, with the actions it left unused in the
    /// window listed all the same; a principal that used every granted action passes whatever
    /// the window. Principals younger than N days and break-glass principals are skipped; an
    /// Access Advisor job that had not finished is `not_evaluated`, unless the logs decide.
    /// Why: every unused grant is reach nobody needs (164.308(a)(4)(ii)(B) minimum necessary
    /// access, 164.502(b)).
    /// Fix: remove the unused services and actions from the principal's policies, or generate
    /// a policy from its use (`phiward trail policy`).
    pub static CHECK = Meta {
        id: "LP-008",
        title: "No permissions unused for long",
        severity: Severity::Medium,
        practice: 2,
        hipaa: &["164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)"],
        cis: None,
        remediation: "remove the unused services and actions from the principal's policies, or replace them with a policy generated from its use (phiward trail policy)",
    },
    run
}

/// Services listed per finding, and actions per service, before the rest is counted:
/// `phiward trail unused` lists them all.
const MAX_SERVICES: usize = 25;
const MAX_ACTIONS: usize = 12;

/// What Access Advisor says of one principal.
enum Advisor {
    /// The services unused for N days (with their last use), of how many granted.
    Unused(Vec<String>, usize),
    /// The job failed: why.
    Failed(String),
}

/// What the logs say of one principal.
struct Logs<'c> {
    granted: usize,
    /// Granted actions never used in the window, by service prefix, the first few named.
    unused: BTreeMap<&'c str, Unused<'c>>,
    count: usize,
    /// Whether the logs hold any call of the principal.
    mentioned: bool,
}

/// One service's unused actions: how many, and the first [`MAX_ACTIONS`] (catalog
/// order), kept as catalog handles so that an administrator's thousands cost no string.
#[derive(Default)]
struct Unused<'c> {
    count: usize,
    first: Vec<Action<'c>>,
}

/// Compares the granted actions (by catalog index) with those used.
fn weigh<'c>(
    catalog: &'c Catalog,
    granted: &[bool],
    used: &HashSet<usize>,
    mentioned: bool,
) -> Logs<'c> {
    let mut logs = Logs {
        granted: granted.iter().filter(|g| **g).count(),
        unused: BTreeMap::new(),
        count: 0,
        mentioned,
    };
    for a in catalog.actions() {
        if granted.get(a.index()) != Some(&true) || used.contains(&a.index()) {
            continue;
        }
        logs.count += 1;
        let u = logs.unused.entry(a.service().prefix()).or_default();
        u.count += 1;
        if u.first.len() < MAX_ACTIONS {
            u.first.push(a);
        }
    }
    logs
}

#[derive(Default)]
struct Entry<'c> {
    advisor: Option<Advisor>,
    logs: Option<Logs<'c>>,
}

/// The span of the counted events.
struct Window {
    first: i64,
    last: i64,
}

impl Window {
    fn of(usage: &Usage) -> Option<Window> {
        let parse = phiward_trail::time::parse;
        let first = usage
            .principals
            .iter()
            .filter_map(|p| parse(&p.first_seen))
            .min()?;
        let last = usage
            .principals
            .iter()
            .filter_map(|p| parse(&p.last_seen))
            .max()?;
        Some(Window { first, last })
    }

    fn days(&self) -> i64 {
        (self.last - self.first) / 86_400
    }
}

impl std::fmt::Display for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = phiward_trail::time::format;
        write!(
            f,
            "{} .. {}, {} days",
            t(self.first),
            t(self.last),
            self.days()
        )
    }
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let advisor = a.snapshot.access_advisor.get();
    if advisor.is_none() && a.usage.is_none() {
        return vec![m.not_evaluated(a, "Access Advisor (iam/access-advisor/)")];
    }
    let days = a.config.thresholds.unused_permission_days;
    let since = a.now - Duration::days(days);
    let created: BTreeMap<&str, _> = a
        .snapshot
        .iam
        .get()
        .map(|iam| {
            iam.users
                .iter()
                .map(|u| (u.arn.as_str(), u.create_date))
                .chain(iam.roles.iter().map(|r| (r.arn.as_str(), r.create_date)))
                .collect()
        })
        .unwrap_or_default();
    // Break-glass principals stay unused on purpose.
    let skipped = |arn: &str| {
        let name = arn.rsplit('/').next().unwrap_or(arn);
        created
            .get(arn)
            .is_some_and(|c| c.is_some_and(|c| c > since))
            || a.config.is_break_glass(name, arn)
    };
    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    for pa in advisor.into_iter().flatten() {
        // Groups and policies: their members are reported.
        if !created.contains_key(pa.arn.as_str()) || skipped(&pa.arn) {
            continue;
        }
        let unused: Vec<String> = pa
            .services_last_accessed
            .iter()
            .filter(|s| s.last_authenticated.is_none_or(|t| t < since))
            .map(|s| match s.last_authenticated {
                Some(t) => format!("{} (last {})", s.service_namespace, t.date_naive()),
                None => s.service_namespace.clone(),
            })
            .collect();
        let total = pa.services_last_accessed.len();
        entries.entry(pa.arn.clone()).or_default().advisor = Some(Advisor::Unused(unused, total));
    }
    for e in a
        .snapshot
        .collection
        .with_status(EntryStatus::Failed)
        .filter(|e| e.api == "iam:GetServiceLastAccessedDetails")
    {
        let Some(target) = &e.target else { continue };
        let why = e.error.as_deref().unwrap_or("failed").to_string();
        let entry = entries.entry(target.clone()).or_default();
        if entry.advisor.is_none() {
            entry.advisor = Some(Advisor::Failed(why));
        }
    }
    let mut out = Vec::new();
    let window = a.usage.and_then(Window::of);
    if let Some(usage) = a.usage {
        match phiward_catalog::Catalog::get() {
            Ok(catalog) => {
                let mut grants = Grants::new(catalog);
                // Service-linked roles: AWS owns their policies, nobody can narrow them.
                for p in a.access.principals.iter().filter(|p| {
                    matches!(p.kind, PrincipalType::User | PrincipalType::Role)
                        && !p.service_linked
                        && !skipped(&p.arn)
                }) {
                    let granted = grants.granted_bits(a.access, p);
                    let u = usage_of(usage, p);
                    let used: HashSet<usize> = used_actions(u)
                        .iter()
                        .filter_map(|n| catalog.action(n))
                        .map(|a| a.index())
                        .collect();
                    entries.entry(p.arn.clone()).or_default().logs =
                        Some(weigh(catalog, &granted, &used, u.is_some()));
                }
            }
            Err(e) => out.push(m.finding(
                Status::NotEvaluated,
                a.account_resource(),
                format!(
                    "the CloudTrail logs cannot be weighed: the action catalog does not load ({e})"
                ),
            )),
        }
    }
    for (arn, entry) in entries {
        out.push(finding(m, &arn, &entry, window.as_ref(), days));
    }
    if out.is_empty() {
        out.push(m.finding(
            Status::Pass,
            a.account_resource(),
            "no user or role older than the threshold to weigh",
        ));
    }
    out
}

fn finding(m: &Meta, arn: &str, entry: &Entry<'_>, window: Option<&Window>, days: i64) -> Finding {
    let name = arn.rsplit('/').next().unwrap_or(arn);
    let (mut fails, mut passes, mut reasons) = (Vec::new(), Vec::new(), Vec::new());
    let mut evidence = Vec::new();
    match &entry.advisor {
        Some(Advisor::Unused(unused, _)) if unused.is_empty() => passes.push(format!(
            "used every granted service in the last {days} days (Access Advisor)"
        )),
        Some(Advisor::Unused(unused, total)) => {
            fails.push(format!(
                "has not used {} of its {total} granted services in {days} days (Access Advisor)",
                unused.len()
            ));
            evidence.push(fact(
                "iam get-service-last-accessed-details",
                format!("unused: {}", unused.join(", ")),
            ));
        }
        Some(Advisor::Failed(why)) => {
            reasons.push(format!("Access Advisor is not available: {why}"));
        }
        None => {}
    }
    if let Some(logs) = &entry.logs {
        match window {
            None => reasons.push("the CloudTrail logs hold no event up to the audit's time".into()),
            Some(w) => {
                let covers = w.days() >= days;
                let (count, granted) = (logs.count, logs.granted);
                evidence.push(fact(
                    "CloudTrail logs",
                    format!(
                        "window {w}: {} of {granted} granted actions used",
                        granted - count
                    ),
                ));
                if granted == 0 {
                    passes.push("is granted no action".to_string());
                } else if count == 0 {
                    passes.push(format!(
                        "used every one of its {granted} granted actions in the CloudTrail logs ({w})"
                    ));
                } else if covers {
                    fails.push(format!(
                        "has not used {count} of its {granted} granted actions in the CloudTrail logs ({w})"
                    ));
                } else if logs.mentioned {
                    reasons.push(format!("the CloudTrail logs ({w}) cover fewer than {days} days: the {count} granted actions it did not use in them are listed, not yet shown unused for {days} days"));
                } else {
                    reasons.push(format!(
                        "the CloudTrail logs ({w}) cover fewer than {days} days and never mention it"
                    ));
                }
                if count > 0 && (covers || logs.mentioned) {
                    evidence.extend(unused_evidence(&logs.unused));
                }
            }
        }
    }
    let (status, parts) = if !fails.is_empty() {
        (Status::Fail, fails)
    } else if !passes.is_empty() {
        (Status::Pass, passes)
    } else {
        (Status::NotEvaluated, reasons)
    };
    // Fail and pass parts are what the principal did; reasons are about the sources.
    let sep = if status == Status::NotEvaluated {
        ": "
    } else {
        " "
    };
    let mut f = m.finding(status, arn, format!("`{name}`{sep}{}", parts.join("; ")));
    f.principal = Some(arn.to_string());
    f.evidence = evidence;
    f
}

/// One entry per service: how many actions are unused, the first few by access level.
fn unused_evidence(unused: &BTreeMap<&str, Unused<'_>>) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = unused
        .iter()
        .take(MAX_SERVICES)
        .map(|(service, u)| {
            let mut levels: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for a in &u.first {
                levels
                    .entry(a.access_level().as_str())
                    .or_default()
                    .push(a.full_name());
            }
            let levels: Vec<String> = levels
                .iter()
                .map(|(level, names)| format!("{level}: {}", names.join(", ")))
                .collect();
            let more = if u.count > u.first.len() {
                format!("; {} more", u.count - u.first.len())
            } else {
                String::new()
            };
            fact(
                "CloudTrail logs",
                format!(
                    "{service}: {} unused ({}{more})",
                    u.count,
                    levels.join("; ")
                ),
            )
        })
        .collect();
    if unused.len() > MAX_SERVICES {
        let rest: usize = unused.values().skip(MAX_SERVICES).map(|u| u.count).sum();
        out.push(fact(
            "CloudTrail logs",
            format!(
                "{} more services ({rest} actions): phiward trail unused lists them all",
                unused.len() - MAX_SERVICES
            ),
        ));
    }
    out
}
