//! Every conditional finding names its residual conditions in its message and evidence, in
//! `phiward who-can`'s wording (regression: "(under conditions)" and "unless other
//! conditions stop it" said nothing). The demo account's conditional findings: LP-003 and
//! AUTO-002 (escalation paths whose steps need MFA or a region), LOG-009 (who may stop the
//! trail, unless MFA is off).

#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

use std::path::Path;

use phiward_access::AccessModel;
use phiward_checks::{run_all, Audit, Config};
use phiward_findings::{Finding, Status};

fn demo() -> Vec<Finding> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account");
    let loaded = phiward_snapshot::load(&dir).unwrap();
    let snap = &loaded.snapshot;
    let access = AccessModel::new(snap);
    let config = Config::parse(
        &std::fs::read_to_string(dir.join("phiward.toml")).unwrap(),
        "phiward.toml",
    )
    .unwrap();
    let now = snap.as_of.unwrap_or(snap.created);
    run_all(&Audit::new(snap, &access, now, &config))
}

fn failing<'a>(findings: &'a [Finding], check: &str, about: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.check == check && f.status == Status::Fail && f.message.contains(about))
        .unwrap_or_else(|| unreachable!("no failing {check} about {about}"))
}

#[test]
fn conditional_findings_name_their_conditions() {
    let findings = demo();
    for f in &findings {
        for vague in ["under conditions", "other conditions"] {
            assert!(!f.message.contains(vague), "{}: {}", f.check, f.message);
        }
    }

    // LP-003: researcher-kim reaches BreakGlassAdmin only with MFA (its trust policy) and
    // not when MFA is off (the RequireMFA Deny).
    let kim = failing(&findings, "LP-003", "user/researcher-kim");
    assert!(
        kim.message.ends_with(
            "in 1 step, with sts:AssumeRole on arn:aws:iam::111122223333:role/BreakGlassAdmin \
             allowed if `aws:MultiFactorAuthPresent` is `true`, unless \
             `aws:MultiFactorAuthPresent` is `false`"
        ),
        "{}",
        kim.message
    );
    assert!(kim
        .evidence
        .iter()
        .any(|e| e.source == "role `BreakGlassAdmin` trust policy"
            && e.statement == Some(0)
            && e.detail
                .ends_with("allowed if `aws:MultiFactorAuthPresent` is `true`")));

    // AUTO-002: deploy-bot's CloudFormation step holds only in the regions the SCP allows.
    let bot = failing(&findings, "AUTO-002", "user/automation/deploy-bot");
    assert!(
        bot.message.ends_with(
            ", with cloudformation:CreateStack on * allowed unless `aws:RequestedRegion` is \
             none of `us-east-1`, `us-west-2`"
        ),
        "{}",
        bot.message
    );
    assert!(bot
        .evidence
        .iter()
        .any(|e| e.source == "SCP `AllowedRegions`" && e.statement == Some(0)));

    // LOG-009: the researchers may stop the main trail unless MFA is off.
    let trail = failing(&findings, "LOG-009", "trail `mercy-main-trail`");
    assert!(
        trail.message.contains(
            "arn:aws:iam::111122223333:user/researcher-kim (allowed unless \
             `aws:MultiFactorAuthPresent` is `false`"
        ),
        "{}",
        trail.message
    );
    assert!(trail.evidence.iter().any(|e| e
        .detail
        .contains("unless `aws:MultiFactorAuthPresent` is `false`")));
}
