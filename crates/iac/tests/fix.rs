//! `phiward fix` on the demo account: which fixes are proved, that an unprovable one is
//! not offered, and that the CloudFormation written reads back as a template.

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

use std::path::Path;

use phiward_checks::Config;
use phiward_iac::fix::{fixes, Options};
use phiward_snapshot::Snapshot;

fn demo() -> (Snapshot, Config) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account");
    let s = phiward_snapshot::load(&root).unwrap().snapshot;
    let text = std::fs::read_to_string(root.join("phiward.toml")).unwrap();
    (s, Config::parse(&text, "phiward.toml").unwrap())
}

#[test]
fn the_demo_account_gets_proved_fixes() {
    let (s, config) = demo();
    let opts = Options {
        networks: vec!["198.51.100.0/24".into()],
        vpc_endpoints: vec!["vpce-0a1b2c3d".into()],
        usage: None,
    };
    let (_, proved) = fixes(&s, &config, &opts);
    let ok: Vec<&str> = proved
        .iter()
        .filter(|p| p.proof.is_ok())
        .map(|p| p.fix.name.as_str())
        .collect();
    for name in [
        "log-006-cis-iam-policy-changes",
        "log-006-cis-cloudtrail-changes",
        "log-006-cis-config-changes",
        "bucket-policy-mercy-audit-logs",
        "bucket-policy-mercy-config-logs",
        "bucket-policy-mercy-phi-claims-exports",
        "bucket-policy-mercy-phi-imaging",
        "bucket-policy-mercy-research",
        "auto-001-scoped-passrole-deploy_bot",
        "auto-001-scoped-passrole-githubactionsdeploy",
        "mfa-003-trust-mfa-phiexportrole",
    ] {
        assert!(ok.contains(&name), "{name} not proved: {ok:?}");
    }
    // Each template written reads back as CloudFormation with nothing unreadable.
    let d = phiward_iac::Deployment::default();
    for p in proved.iter().filter(|p| p.proof.is_ok()) {
        let plan = phiward_iac::read_text("fix.yaml", &p.fix.cloudformation, &d);
        assert!(
            plan.problems.is_empty(),
            "{}: {:?}",
            p.fix.name,
            plan.problems
        );
        assert!(!p.fix.terraform.is_empty() && p.fix.cli.starts_with("# "));
    }
}

#[test]
fn a_fix_that_cannot_be_proved_is_not_offered() {
    let (mut s, config) = demo();
    // No SNS subscription is confirmed: an alarm would notify no one, so LOG-006 cannot pass.
    if let Some(subs) = s.sns_subscriptions.get_mut() {
        for x in subs.iter_mut() {
            x.subscription_arn = "PendingConfirmation".into();
        }
    }
    let (_, proved) = fixes(&s, &config, &Options::default());
    let cis: Vec<_> = proved
        .iter()
        .filter(|p| p.fix.name.starts_with("log-006"))
        .collect();
    assert!(!cis.is_empty());
    assert!(
        cis.iter().all(|p| p.proof.is_err()),
        "{:?}",
        cis.iter().map(|p| &p.proof).collect::<Vec<_>>()
    );
    // Without networks, no LP-006 fix is written at all.
    assert!(!proved
        .iter()
        .any(|p| p.fix.targets.iter().any(|t| t.0 == "LP-006")));
}
