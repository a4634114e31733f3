//! `phiward iac check` at scale: 1,000 CloudFormation templates holding 10,000 policy
//! documents (each template: four roles with a trust and an inline policy, a managed
//! policy attached to one of them, and a bucket policy), read, resolved, linted, modelled
//! and checked with the IaC rules. Figures in bench/RESULTS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use phiward_checks::Config;
use phiward_iac::check::{check, Options};
use phiward_iac::{Deployment, Plan};
use rayon::prelude::*;

/// Template `i`: 10 policy documents (the tenth role of every tenth template may pass any
/// role).
pub fn template(i: usize) -> String {
    let mut t = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Env: {{Type: String, Default: prod}}\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub 'svc{i}-${{Env}}'\n      Tags: [{{Key: data-classification, Value: phi}}]\n  DataPolicy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Data\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Deny\n            Principal: '*'\n            Action: 's3:*'\n            Resource: [!GetAtt Data.Arn, !Sub '${{Data.Arn}}/*']\n            Condition: {{Bool: {{'aws:SecureTransport': 'false'}}}}\n"
    );
    for r in 0..4 {
        // One role in ten may pass any role: the lint and IaC rules have work to report.
        let risky = if r == 3 && i.is_multiple_of(10) {
            "              - Effect: Allow\n                Action: iam:PassRole\n                Resource: '*'\n"
        } else {
            ""
        };
        t.push_str(&format!(
            "  Role{r}:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Sub 'svc{i}-role{r}-${{Env}}'\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal: {{Service: lambda.amazonaws.com}}\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: work\n          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n              - Sid: Read\n                Effect: Allow\n                Action: ['s3:GetObject', 's3:ListBucket']\n                Resource: [!GetAtt Data.Arn, !Sub '${{Data.Arn}}/*']\n              - Sid: Logs\n                Effect: Allow\n                Action: ['logs:CreateLogStream', 'logs:PutLogEvents']\n                Resource: !Sub 'arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/svc{i}/*'\n{risky}"
        ));
    }
    t.push_str(&format!(
        "  Extra:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      ManagedPolicyName: svc{i}-extra\n      Roles: [!Ref Role0]\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: ['sqs:SendMessage', 'sqs:ReceiveMessage']\n            Resource: !Sub 'arn:aws:sqs:${{AWS::Region}}:${{AWS::AccountId}}:svc{i}-*'\n"
    ));
    t
}

fn bench(c: &mut Criterion) {
    let texts: Vec<(String, String)> = (0..1000)
        .map(|i| (format!("t{i}.yaml"), template(i)))
        .collect();
    let d = Deployment::default();
    let config = Config::default();
    let catalog = phiward_catalog::Catalog::get().ok();
    let base: Vec<Plan> = texts
        .par_iter()
        .map(|(f, t)| phiward_iac::read_text(f, t, &d))
        .collect();
    let run_with = |baseline: Option<&[Plan]>| {
        let plans: Vec<Plan> = texts
            .par_iter()
            .map(|(f, t)| phiward_iac::read_text(f, t, &d))
            .collect();
        let opts = Options {
            snapshot: None,
            baseline,
            config: &config,
            catalog,
            account: None,
            now: chrono::DateTime::UNIX_EPOCH,
        };
        check(&plans, &opts)
    };
    let run = || run_with(None);
    let out = run();
    let docs: usize = texts.len() * 10;
    assert!(
        out.findings.iter().all(|f| f.id != "PW400"),
        "{:?}",
        out.findings.first()
    );
    eprintln!(
        "1,000 templates, {docs} policies: {} findings",
        out.findings.len()
    );
    let mut g = c.benchmark_group("iac");
    g.sample_size(10);
    g.bench_function("check_1000_templates_10000_policies", |b| b.iter(run));
    // The same templates against themselves as the baseline: every access question asked
    // of the account before and after (5,000 roles, 1,000 PHI buckets).
    let same = run_with(Some(&base));
    assert!(!same.findings.iter().any(|f| f.id.starts_with("PW5")));
    g.bench_function("check_1000_templates_against_baseline", |b| {
        b.iter(|| run_with(Some(&base)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
