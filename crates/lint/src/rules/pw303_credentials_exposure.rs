use super::{list, stmt_name, Ctx, Hit};
use crate::risk::{self, StarGrants};

rule! {
    /// ## What
    /// Reports `Allow` statements of an identity-based policy that grant, on every
    /// resource, actions whose responses carry credentials: access keys, passwords,
    /// session tokens, registry and database tokens, secrets and parameters.
    ///
    /// ## Why
    /// Credentials outlive the request and leave AWS: whoever reads them can act as
    /// someone else, from anywhere, until they are revoked, and CloudTrail records the
    /// later calls under the other identity. On `*` these actions reach every user, role,
    /// secret and database in the account. The list follows Cloudsplaining's "credentials
    /// exposure" actions (`iam:CreateAccessKey`, `iam:UpdateAccessKey`,
    /// `ecr:GetAuthorizationToken`, `redshift:GetClusterCredentials`, `sts:AssumeRole`,
    /// `sts:GetFederationToken`, `sso:GetRoleCredentials`, `rds-db:Connect`, ...) with
    /// `secretsmanager:GetSecretValue` and `ssm:GetParameter*`.
    ///
    /// ## Example
    /// ```json
    /// {"Version": "2012-10-17",
    ///  "Statement": [{"Effect": "Allow", "Action": ["iam:CreateAccessKey",
    ///                 "secretsmanager:GetSecretValue"], "Resource": "*"}]}
    /// ```
    ///
    /// ## Fix
    /// Limit these actions to the specific users, roles, secrets and parameters the
    /// principal needs (for example `arn:aws:iam::*:user/${aws:username}` for its own
    /// access keys).
    pub static CREDENTIALS_EXPOSURE = {
        id: "PW303",
        name: "credentials-exposure",
        title: "The policy grants actions that return credentials on every resource",
        severity: Warning,
        catalog: false,
        fix: "limit these actions to the specific users, roles, secrets and parameters needed",
        check: check,
    };
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Hit>) {
    let Some(g) = StarGrants::new(cx) else { return };
    for (i, actions) in g.listed(risk::CREDENTIALS_EXPOSURE) {
        let Some(s) = cx.policy.statements.get(i) else {
            continue;
        };
        out.push(Hit::new(
            g.pos(i, &actions),
            format!(
                "{} allows reading credentials on every resource: {}",
                stmt_name(s),
                list(&actions, 3)
            ),
        ));
    }
}
