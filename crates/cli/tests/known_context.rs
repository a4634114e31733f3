//! `--context KEY=VALUE` and `--absent KEY` on `who-can`, `can` and `paths`: the keys they
//! fix are decided, not listed as residual conditions.

#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use serde_json::Value;

mod common;
use common::phiward;

const DEMO: &str = "examples/demo-account";
const IMAGING: &str = "arn:aws:s3:::mercy-phi-imaging/scan.dcm";
const RECORDS: &str = "arn:aws:s3:::mercy-phi-records/chart.pdf";
const DE_ITO: &str = "arn:aws:iam::111122223333:user/de-ito";

fn run(args: &[&str]) -> (String, String, Option<i32>) {
    let o = phiward(args);
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code(),
    )
}

fn json(args: &[&str]) -> Value {
    let (out, err, code) = run(args);
    assert_eq!(code, Some(0), "{err}");
    serde_json::from_str(&out).expect("json")
}

fn grant<'a>(v: &'a Value, arn: &str) -> Option<&'a Value> {
    v["principals"]
        .as_array()
        .expect("principals")
        .iter()
        .find(|p| p["arn"] == arn)
}

/// "Who can read PHI from 192.0.2.7 without MFA" is one command: de-ito's grant depends on
/// a Deny on `aws:MultiFactorAuthPresent` written with `Bool`, which a request without the
/// key (access keys) escapes, so without MFA she is allowed outright.
#[test]
fn who_can_from_an_address_without_mfa() {
    let base = ["who-can", "s3:GetObject", IMAGING, "--snapshot", DEMO];
    let (out, _, code) = run(&base);
    assert_eq!(code, Some(0));
    assert!(
        out.contains(&format!("{DE_ITO} (User): conditional"))
            && out.contains("unless `aws:MultiFactorAuthPresent` is `false`"),
        "{out}"
    );
    let fixed = [
        &base[..],
        &[
            "--context",
            "aws:SourceIp=192.0.2.7",
            "--absent",
            "aws:MultiFactorAuthPresent",
        ],
    ]
    .concat();
    let (out, _, code) = run(&fixed);
    assert_eq!(code, Some(0));
    assert!(
        out.starts_with(
            "who can s3:GetObject on arn:aws:s3:::mercy-phi-imaging/scan.dcm (with \
             `aws:SourceIp` = `192.0.2.7`; without `aws:MultiFactorAuthPresent`):"
        ),
        "{out}"
    );
    assert!(out.contains(&format!("{DE_ITO} (User): allowed")), "{out}");
    assert!(!out.contains("aws:MultiFactorAuthPresent` is"), "{out}");

    let v = json(&[&fixed[..], &["--format", "json"]].concat());
    assert_eq!(v["context"]["aws:SourceIp"], "192.0.2.7");
    assert_eq!(v["absent"][0], "aws:MultiFactorAuthPresent");
    let de = grant(&v, DE_ITO).expect("de-ito");
    assert_eq!(de["access"], "allowed");
    assert!(de.get("conditions").is_none(), "{de}");

    // With MFA known to be off, the Deny applies and she is not listed.
    let v = json(
        &[
            &base[..],
            &[
                "--context",
                "aws:MultiFactorAuthPresent=false",
                "--format",
                "json",
            ],
        ]
        .concat(),
    );
    assert!(grant(&v, DE_ITO).is_none());
}

/// A bucket policy that denies requests from outside 198.51.100.0/24 unless they come
/// through a VPC endpoint: an address inside the range decides that statement.
#[test]
fn a_fixed_address_decides_an_ip_condition() {
    let base = ["who-can", "s3:GetObject", RECORDS, "--snapshot", DEMO];
    let (out, _, _) = run(&base);
    assert!(
        out.contains("`aws:SourceIp` is outside `198.51.100.0/24`"),
        "{out}"
    );
    let (out, _, code) = run(&[
        &base[..],
        &[
            "--context",
            "aws:SourceIp=198.51.100.7",
            "--context",
            "aws:SecureTransport=true",
        ],
    ]
    .concat());
    assert_eq!(code, Some(0));
    assert!(!out.contains("`aws:SourceIp` is"), "{out}");
    assert!(
        out.contains("arn:aws:iam::111122223333:user/it-admin (User): allowed"),
        "{out}"
    );
}

#[test]
fn a_key_given_twice_is_multivalued() {
    let v = json(&[
        "who-can",
        "s3:GetObject",
        IMAGING,
        "--snapshot",
        DEMO,
        "--context",
        "aws:CalledVia=athena.amazonaws.com",
        "--context",
        "aws:CalledVia=glue.amazonaws.com",
        "--format",
        "json",
    ]);
    assert_eq!(
        v["context"]["aws:CalledVia"],
        serde_json::json!(["athena.amazonaws.com", "glue.amazonaws.com"])
    );
}

#[test]
fn can_decides_the_fixed_keys() {
    let base = [
        "can",
        "researcher-kim",
        "s3:GetObject",
        IMAGING,
        "--snapshot",
        DEMO,
    ];
    let (out, _, _) = run(&base);
    assert!(out.contains(": conditional"), "{out}");
    let (out, _, code) = run(&[
        &base[..],
        &["--context", "aws:MultiFactorAuthPresent=false"],
    ]
    .concat());
    assert_eq!(code, Some(0));
    assert!(out.contains("can:\n  nothing"), "{out}");
    let (out, _, _) = run(&[&base[..], &["--context", "aws:MultiFactorAuthPresent=true"]].concat());
    assert!(out.contains(&format!("{IMAGING}: allowed")), "{out}");
}

#[test]
fn paths_decide_the_fixed_keys() {
    let kim = "arn:aws:iam::111122223333:user/researcher-kim -> \
               arn:aws:iam::111122223333:role/BreakGlassAdmin";
    let (out, _, _) = run(&["paths", "--snapshot", DEMO]);
    assert!(out.contains(&format!("{kim} (conditional)")), "{out}");
    let (out, _, code) = run(&[
        "paths",
        "--snapshot",
        DEMO,
        "--context",
        "aws:MultiFactorAuthPresent=true",
    ]);
    assert_eq!(code, Some(0));
    assert!(out.contains(&format!("{kim}\n")), "{out}");
    let (out, _, _) = run(&[
        "paths",
        "--snapshot",
        DEMO,
        "--absent",
        "aws:MultiFactorAuthPresent",
    ]);
    assert!(!out.contains(kim), "{out}");
}

#[test]
fn bad_assignments_are_input_errors() {
    let (_, err, code) = run(&[
        "who-can",
        "s3:GetObject",
        IMAGING,
        "--snapshot",
        DEMO,
        "--context",
        "no-value",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("`no-value` is not `KEY=VALUE`"), "{err}");
    let (_, err, code) = run(&[
        "paths",
        "--snapshot",
        DEMO,
        "--context",
        "aws:SourceIp=192.0.2.7",
        "--absent",
        "AWS:SourceIP",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is given a value and as absent"), "{err}");
}
