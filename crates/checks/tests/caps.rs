//! Findings about many principals stay readable: the demo account with 60 more users who
//! may stop the trail and write to its log bucket. LOG-004 and LOG-009 name the first 25,
//! count the rest and keep the statements of the first 50 grants (regression: both
//! listed every principal, 85 KB in one message on the generated account).

use std::path::Path;

use phiward_access::AccessModel;
use phiward_checks::{run_all, Audit, Config, EVIDENCE_GRANTS, LISTED};
use phiward_findings::Status;
use serde_json::json;

#[test]
fn findings_about_many_principals_are_capped() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account");
    let mut loaded = phiward_snapshot::load(&dir).unwrap();
    let snap = &mut loaded.snapshot;
    let iam = snap.iam.get_mut().unwrap();
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["cloudtrail:StopLogging", "s3:PutObject", "s3:PutBucketPolicy"],
        "Resource": "*"}]});
    for i in 0..60 {
        let user = json!({"UserName": format!("extra-{i:02}"),
            "Arn": format!("arn:aws:iam::111122223333:user/extra-{i:02}"),
            "UserPolicyList": [{"PolicyName": "ops", "PolicyDocument": policy}]});
        iam.users.push(serde_json::from_value(user).unwrap());
    }
    let access = AccessModel::new(snap);
    let config = Config::default();
    let now = snap.as_of.unwrap_or(snap.created);
    let findings = run_all(&Audit::new(snap, &access, now, &config));
    for check in ["LOG-004", "LOG-009"] {
        let f = findings
            .iter()
            .find(|f| f.check == check && f.status == Status::Fail && f.message.contains("extra-"))
            .unwrap_or_else(|| panic!("{check} fails for the extra users"));
        let shown = f.message.matches("arn:aws:iam::").count();
        assert_eq!(shown, LISTED, "{check}: {}", f.message);
        assert!(f.message.contains(" more"), "{check}: {}", f.message);
        let grants = f.evidence.iter().filter(|e| e.statement.is_some()).count();
        assert!(grants >= EVIDENCE_GRANTS, "{check}: {grants}");
        let last = f.evidence.iter().rev().find(|e| e.source == "phiward");
        assert!(
            last.is_some_and(|e| e.detail.contains("more grants not shown")),
            "{check}: {:?}",
            f.evidence.last()
        );
        assert!(f.evidence.len() < 200, "{check}: {}", f.evidence.len());
    }
}
