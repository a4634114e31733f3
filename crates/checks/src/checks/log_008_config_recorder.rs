use phiward_report::{Finding, Severity, Status};

use crate::{fact, Audit, Meta};

check! {
    /// What: a configuration recorder with `allSupported` and global resource types, recording
    /// now, and a delivery channel.
    /// Why: a history of configuration changes is part of HIPAA's audit controls (164.312(b))
    /// and of evaluating the security program (164.308(a)(8)). CIS 3.3.
    /// Fix: `aws configservice put-configuration-recorder --recording-group
    /// allSupported=true,includeGlobalResourceTypes=true`, a delivery channel, then
    /// `start-configuration-recorder`.
    pub static CHECK = Meta {
        id: "LOG-008",
        title: "AWS Config records all resources",
        severity: Severity::Medium,
        practice: 5,
        hipaa: &["164.312(b)", "164.308(a)(8)"],
        cis: Some("3.3"),
        remediation: "record all supported resource types including global ones, add a delivery channel, and start the recorder",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let Some(config) = a.snapshot.config.get() else {
        return vec![m.not_evaluated(a, "AWS Config")];
    };
    let mut problems = Vec::new();
    let all = config.recorders.iter().any(|r| {
        r.recording_group.as_ref().is_some_and(|g| {
            g.all_supported == Some(true) && g.include_global_resource_types == Some(true)
        })
    });
    if config.recorders.is_empty() {
        problems.push("no configuration recorder".to_string());
    } else if !all {
        problems.push("no recorder records all supported and global resource types".to_string());
    }
    match config.recorder_status.get() {
        Some(st) if !st.iter().any(|s| s.recording) => {
            problems.push("no recorder is recording".into())
        }
        None => problems.push("the recorder status was not collected".into()),
        _ => {}
    }
    match config.delivery_channels.get() {
        Some(ch) if ch.is_empty() => problems.push("no delivery channel".into()),
        None => problems.push("delivery channels were not collected".into()),
        _ => {}
    }
    let mut f = if problems.is_empty() {
        m.finding(
            Status::Pass,
            a.account_resource(),
            "AWS Config records all resources and delivers them",
        )
    } else {
        m.finding(
            Status::Fail,
            a.account_resource(),
            format!("AWS Config: {}", problems.join("; ")),
        )
    };
    for r in &config.recorders {
        f.evidence.push(fact(
            "configservice describe-configuration-recorders",
            match &r.recording_group {
                Some(g) => format!(
                    "{}: allSupported {}, includeGlobalResourceTypes {}, resourceTypes [{}]",
                    r.name,
                    g.all_supported.unwrap_or(false),
                    g.include_global_resource_types.unwrap_or(false),
                    g.resource_types.join(", ")
                ),
                None => format!("{}: no recording group", r.name),
            },
        ));
    }
    vec![f]
}
