use super::{list, stmt_name, Ctx, Hit};
use crate::risk::{self, StarGrants};

rule! {
    /// ## What
    /// Reports `Allow` statements of an identity-based policy that grant, on every
    /// resource, actions that read stored data: S3 objects, DynamoDB items, RDS query
    /// results and snapshots, parameters, secrets, KMS decryption, HealthLake FHIR
    /// resources and medical images.
    ///
    /// ## Why
    /// These are the actions that read PHI. On `*` they reach every bucket, table,
    /// database and key the account holds or can reach, and every one created later: a
    /// single leaked credential then exposes all of it. HIPAA's minimum-necessary standard
    /// (45 CFR 164.502(b)) asks that access to PHI be limited to what each role needs. The
    /// list extends Cloudsplaining's data-exfiltration actions (`s3:GetObject`,
    /// `ssm:GetParameter*`, `secretsmanager:GetSecretValue`).
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "kms:Decrypt"],
    ///                 "Resource": "*"}]}
    /// ```
    ///
    /// ## Fix
    /// Name the buckets, tables, keys and secrets the principal needs in `Resource`.
    pub static DATA_EXFILTRATION = {
        id: "PW304",
        name: "data-exfiltration",
        title: "The policy grants reading stored data on every resource",
        severity: Warning,
        catalog: false,
        fix: "name the buckets, tables, keys and secrets needed in `Resource`",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(g) = StarGrants::new(cx) else { return };
    for (i, actions) in g.listed(risk::DATA_EXFILTRATION) {
        let Some(s) = cx.policy.statements.get(i) else {
            continue;
        };
        out.push(Hit::new(
            g.pos(i, &actions),
            format!(
                "{} allows reading data on every resource: {}",
                stmt_name(s),
                list(&actions, 3)
            ),
        ));
    }
}
