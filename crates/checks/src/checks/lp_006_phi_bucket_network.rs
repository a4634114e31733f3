use phiward_access::{decide_as, Condition};
use phiward_policy::Effect;
use phiward_report::{Evidence, Finding, Severity, Status};

use crate::conditions::{evidence, when};
use crate::{per_phi_bucket, statements, Audit, Meta};

/// Keys that tell a request an AWS service makes on a principal's behalf (forward access
/// sessions) from a direct one.
///
/// AWS: IAM User Guide, "AWS global condition context keys": `aws:ViaAWSService` is
/// `true` when "an AWS service makes a request to another service using the principal's
/// credentials" and `false` for a direct call; `aws:CalledVia` lists the services that made
/// the request for the principal and is absent from a direct call; and "AWS: Denies access
/// to AWS based on the source IP" pairs `NotIpAddress aws:SourceIp` with
/// `Bool aws:ViaAWSService false` so as not to deny those requests.
const SERVICE_KEYS: &[&str] = &[
    "aws:ViaAWSService",
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:PrincipalIsAWSService",
];

/// Addresses no organisation owns (RFC 5737 TEST-NETs, then public resolvers); the probe
/// is the first outside every range the bucket policy names.
const CANDIDATES: &[&str] = &[
    "203.0.113.7",
    "192.0.2.7",
    "198.51.100.7",
    "8.8.8.8",
    "1.1.1.1",
];

/// An address from the internet: outside every IP range in the policy's conditions.
fn internet_address(policy: Option<&phiward_policy::Policy>) -> &'static str {
    let ranges: Vec<ipnet::IpNet> = policy
        .into_iter()
        .flat_map(|p| &p.statements)
        .flat_map(|s| &s.conditions)
        .filter(|c| c.operator_text.contains("IpAddress"))
        .flat_map(|c| &c.values)
        .filter_map(|v| {
            v.text.parse::<ipnet::IpNet>().ok().or_else(|| {
                v.text
                    .parse::<std::net::IpAddr>()
                    .ok()
                    .map(ipnet::IpNet::from)
            })
        })
        .collect();
    CANDIDATES
        .iter()
        .copied()
        .find(|c| {
            c.parse::<std::net::IpAddr>()
                .is_ok_and(|ip| !ranges.iter().any(|r| r.contains(&ip)))
        })
        .unwrap_or("203.0.113.7")
}

check! {
    /// What: for each bucket tagged as PHI, the engine decides `s3:GetObject` on its objects
    /// for a principal of the account whose own policies allow everything, as a direct request
    /// from the internet: `aws:SourceIp` a documentation address (RFC 5737) outside every range
    /// the bucket policy names, TLS on, not made by an AWS service (`aws:ViaAWSService`
    /// `false`, `aws:PrincipalIsAWSService` `false`, `aws:CalledVia` absent), and no VPC
    /// endpoint or VPC (`aws:SourceVpce`, `aws:SourceVpc`, `aws:VpcSourceIp` absent). The
    /// bucket policy (with the RCPs and SCPs) must deny it: IAM allows and bucket-policy
    /// denies are evaluated together, as AWS does. A failing bucket that denies only under
    /// conditions the snapshot cannot decide names them.
    /// A bucket that denies the direct request but lets requests AWS services make on a
    /// principal's behalf through (AWS's pattern `"Bool": {"aws:ViaAWSService": "false"}` next
    /// to `NotIpAddress`) passes, with a second, informational finding that names the
    /// exemption.
    /// Why: a "deny outside this IP range or VPC endpoint" statement is how covered entities
    /// keep stolen credentials from reaching PHI from anywhere (164.312(a)(1), 164.312(e)(1)).
    /// Fix: add a Deny with `"NotIpAddress": {"aws:SourceIp": [...]}` and
    /// `"StringNotEquals": {"aws:SourceVpce": [...]}`, exempting the services that must reach
    /// the bucket.
    pub static CHECK = Meta {
        id: "LP-006",
        title: "PHI buckets are restricted to the network",
        severity: Severity::High,
        practice: 2,
        hipaa: &["164.312(a)(1)", "164.312(e)(1)"],
        cis: None,
        remediation: "add a bucket-policy Deny for requests whose aws:SourceIp is outside the organisation's ranges and that do not come through its VPC endpoints",
    },
    run
}

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let account = a
        .snapshot
        .account
        .id
        .clone()
        .unwrap_or_else(|| "000000000000".into());
    let caller = format!("arn:aws:iam::{account}:role/phiward-probe");
    let mut notes: Vec<Finding> = Vec::new();
    let findings = per_phi_bucket(m, a, |b, arn| {
        let named = a.access.resource_for(arn).and_then(|r| r.policy.as_ref());
        let policy = named.map(|n| n.policy.as_ref());
        let address = internet_address(policy);
        let object = format!("{arn}/*");
        let direct = [
            ("aws:SourceIp", address),
            ("aws:SecureTransport", "true"),
            ("aws:ViaAWSService", "false"),
            ("aws:PrincipalIsAWSService", "false"),
        ];
        let absent = [
            "aws:SourceVpce",
            "aws:SourceVpc",
            "aws:VpcSourceIp",
            "aws:CalledVia",
            "aws:CalledViaFirst",
            "aws:CalledViaLast",
        ];
        match decide_as(a.access, &caller, "s3:GetObject", &object, &direct, &absent) {
            None => {
                // The same request made by an AWS service for the principal (the caller's
                // address kept, `aws:CalledVia` unknown).
                let via_service = [
                    ("aws:SourceIp", address),
                    ("aws:SecureTransport", "true"),
                    ("aws:ViaAWSService", "true"),
                    ("aws:PrincipalIsAWSService", "false"),
                ];
                let absent = ["aws:SourceVpce", "aws:SourceVpc", "aws:VpcSourceIp"];
                if let Some(d) = decide_as(
                    a.access,
                    &caller,
                    "s3:GetObject",
                    &object,
                    &via_service,
                    &absent,
                ) {
                    let mut note = m.finding(
                        Status::Pass,
                        arn,
                        format!(
                            "PHI bucket `{}` lets requests AWS services make on a principal's \
                             behalf (`aws:ViaAWSService` is `true`) through from outside the \
                             network{}",
                            b.name,
                            when(d.reach, &d.conditions)
                        ),
                    );
                    note.severity = Severity::Info;
                    if let Some(n) = named {
                        note.evidence = exemptions(&n.name, &n.policy);
                    }
                    note.evidence.extend(evidence(&d.conditions, ""));
                    note.evidence.extend(statements(
                        &d.via,
                        "allows the request an AWS service makes for the principal",
                    ));
                    notes.push(note);
                }
                m.finding(
                    Status::Pass,
                    arn,
                    format!(
                        "PHI bucket `{}` denies requests from outside the network",
                        b.name
                    ),
                )
            }
            Some(d) => {
                let mut f = m.finding(
                    Status::Fail,
                    arn,
                    format!(
                        "PHI bucket `{}` answers a request from the internet ({address}){}",
                        b.name,
                        when(d.reach, &d.conditions)
                    ),
                );
                f.evidence = statements(&d.via, "allows the request from outside the network");
                f.evidence.extend(evidence(&d.conditions, ""));
                f
            }
        }
    });
    // Each note right after its bucket's finding.
    let mut out = Vec::with_capacity(findings.len() + notes.len());
    for f in findings {
        let at = notes.iter().position(|n| n.resource == f.resource);
        out.push(f);
        if let Some(i) = at {
            out.push(notes.remove(i));
        }
    }
    out
}

/// The bucket policy's Deny statements that exempt requests AWS services make for a
/// principal: a condition on one of [`SERVICE_KEYS`].
fn exemptions(name: &str, policy: &phiward_policy::Policy) -> Vec<Evidence> {
    policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Deny)
        .flat_map(|s| {
            s.conditions
                .iter()
                .filter(|c| SERVICE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(&c.key)))
                .map(move |c| {
                    let test = Condition {
                        when: "denied_if",
                        operator: c.operator_text.clone(),
                        key: c.key.clone(),
                        values: c.values.iter().map(|v| v.text.clone()).collect(),
                        policy: name.into(),
                        statement: s.index,
                    }
                    .test();
                    Evidence {
                        source: name.to_string(),
                        statement: Some(s.index),
                        line: Some(s.pos.line),
                        detail: format!(
                            "denies only when {test}: requests AWS services make on a principal's behalf are exempt"
                        ),
                    }
                })
        })
        .collect()
}
