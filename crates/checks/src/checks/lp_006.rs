//! LP-006: PHI buckets only answer requests from the organisation's network.
//!
//! What: for each bucket tagged as PHI, the engine decides `s3:GetObject` on its objects
//! for a principal of the account whose own policies allow everything, as a request from
//! the internet: `aws:SourceIp` a documentation address (RFC 5737) outside every range the
//! bucket policy names, TLS on, and no VPC endpoint or VPC (`aws:SourceVpce`,
//! `aws:SourceVpc`, `aws:VpcSourceIp` absent). The bucket policy (with the RCPs and SCPs) must deny it:
//! IAM allows and bucket-policy denies are evaluated together, as AWS does.
//! Why: a "deny outside this IP range or VPC endpoint" statement is how covered entities
//! keep stolen credentials from reaching PHI from anywhere (164.312(a)(1), 164.312(e)(1)).
//! Fix: add a Deny with `"NotIpAddress": {"aws:SourceIp": [...]}` and
//! `"StringNotEquals": {"aws:SourceVpce": [...]}`, exempting the services that must reach
//! the bucket.

use phiward_access::{decide_as, Reach};
use phiward_report::{Finding, Severity, Status};

use crate::{per_phi_bucket, statements, Audit, Check, Meta};

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

pub static CHECK: Check = Check {
    meta: Meta {
        id: "LP-006",
        title: "PHI buckets are restricted to the network",
        severity: Severity::High,
        practice: 2,
        hipaa: &["164.312(a)(1)", "164.312(e)(1)"],
        cis: None,
        source: include_str!("lp_006.rs"),
        remediation: "add a bucket-policy Deny for requests whose aws:SourceIp is outside the organisation's ranges and that do not come through its VPC endpoints",
    },
    run,
};

fn run(m: &Meta, a: &Audit<'_>) -> Vec<Finding> {
    let account = a
        .snapshot
        .account
        .id
        .clone()
        .unwrap_or_else(|| "000000000000".into());
    let caller = format!("arn:aws:iam::{account}:role/phiward-probe");
    per_phi_bucket(m, a, |b, arn| {
        let policy = a
            .access
            .resource_for(arn)
            .and_then(|r| r.policy.as_ref())
            .map(|n| n.policy.as_ref());
        let address = internet_address(policy);
        let known = [("aws:SourceIp", address), ("aws:SecureTransport", "true")];
        let absent = ["aws:SourceVpce", "aws:SourceVpc", "aws:VpcSourceIp"];
        let object = format!("{arn}/*");
        match decide_as(a.access, &caller, "s3:GetObject", &object, &known, &absent) {
            None => m.finding(
                Status::Pass,
                arn,
                format!(
                    "PHI bucket `{}` denies requests from outside the network",
                    b.name
                ),
            ),
            Some(d) => {
                let how = match d.reach {
                    Reach::Allowed => "",
                    Reach::Conditional => " unless other conditions stop it",
                };
                let mut f = m.finding(
                    Status::Fail,
                    arn,
                    format!(
                        "PHI bucket `{}` answers a request from the internet ({address}){how}",
                        b.name
                    ),
                );
                f.evidence = statements(&d.via, "allows the request from outside the network");
                f
            }
        }
    })
}
